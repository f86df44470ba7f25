// deploy_to_production made grantable on `service` (max 2 h). alice asks for a production deploy of api; bob's card
// (and his inbox entry) offer "Approve and allow for 1 h"; he presses it on the card: approved, and the card says it
// also allowed such calls until the grant's expiry. alice asks again for the same deploy: nobody clicks, her card says
// bob's standing grant approved it, and it runs to completion.
import { run, launch, shot, waitStatus, statusOf } from './lib.mjs';

await run('allow-for', async (people) => {
  const alice = await people.open('alice');
  const first = await launch(alice, 'deploy', 'api to production');
  await waitStatus(alice, 'awaiting human');

  const bob = await people.open('bob', `#thread=${first}`);
  const card = bob.locator('[data-testid=approval-card]');
  const allow = card.locator('[data-testid=approve-allow]');
  await allow.waitFor();
  const cardButtons = await card.locator('.actions button').allTextContents();
  const entry = bob.locator(`[data-testid=inbox-item][data-thread=${first}]`);
  await entry.waitFor();
  const inboxButtons = await entry.locator('.actions button').allTextContents();
  await shot(bob, 'allow-for-1-offered.png');

  await card.locator('textarea').fill('release day');
  await allow.click();
  await waitStatus(bob, 'completed');
  const grantLine = card.locator('[data-testid=approval-grant]');
  await grantLine.waitFor();
  await entry.waitFor({ state: 'detached' });
  // The grant as the API lists it, its expiry written the way the page writes times.
  const grant = await bob.evaluate(async () => (await (await fetch('/api/grants')).json())[0]);
  const expiryShown = await bob.evaluate(async (iso) => (await import('/js/dom.js')).time(iso), grant.expiresAt);
  await shot(bob, 'allow-for-2-granted.png');

  // Away from the first thread, so the page that opens next is the new one.
  await alice.evaluate(() => { location.hash = ''; });
  await alice.locator('#thread-empty').waitFor();
  const second = await launch(alice, 'deploy', 'api to production');
  await waitStatus(alice, 'completed');
  const secondCard = alice.locator('[data-testid=approval-card]');
  await secondCard.locator('[data-testid=approval-outcome]').waitFor();
  await shot(alice, 'allow-for-3-by-grant.png');

  return {
    first,
    second,
    cardButtons,
    inboxButtons,
    firstOutcome: (await card.locator('[data-testid=approval-outcome]').textContent()).trim(),
    grantShown: (await grantLine.textContent()).trim(),
    grant: { id: grant.id, constraints: grant.constraints, createdAt: grant.createdAt, expiresAt: grant.expiresAt, grantedBy: grant.grantedBy },
    expiryShown,
    secondStatus: await statusOf(alice),
    secondOutcome: (await secondCard.locator('[data-testid=approval-outcome]').textContent()).trim(),
    secondButtons: await secondCard.locator('button').count(),
    secondTools: await alice.locator('[data-testid=tool-deploy_to_production] .title').allTextContents(),
  };
});
