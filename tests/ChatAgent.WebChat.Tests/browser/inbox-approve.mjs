// alice asks for a production deploy. bob's "Awaiting you" lists it (the tool, the thread and agent, who asked, when it
// expires, the parameters); its thread link opens the thread; bob approves from the inbox: the entry goes, the thread's
// card says he approved it and the deploy completes. alice's own inbox never lists her request (she may not approve
// it): not on her page, and not on bob's page while it acts as alice.
import { run, launch, shot, waitStatus, statusOf } from './lib.mjs';

const emptyText = (page) => page.locator('[data-testid=inbox-empty]').filter({ hasText: 'Nothing is waiting for your approval.' });

async function becomes(page, name) {
  await page.fill('#whoami', name);
  await page.click('#whoami-form button[type=submit]');
}

await run('inbox-approve', async (people) => {
  const alice = await people.open('alice');
  const threadId = await launch(alice, 'deploy', 'api to production');
  await waitStatus(alice, 'awaiting human');

  const bob = await people.open('bob');
  const entry = bob.locator(`[data-testid=inbox-item][data-thread=${threadId}]`);
  await entry.waitFor();
  const shown = {
    title: (await entry.locator('.head .title').textContent()).trim(),
    thread: (await entry.locator('[data-testid=inbox-thread]').textContent()).trim(),
    request: (await entry.locator('[data-testid=approval-request]').textContent()).trim(),
    parameters: await entry.locator('dl.kv').evaluate((dl) => [...dl.querySelectorAll('dt')].map((dt) => `${dt.textContent}=${dt.nextElementSibling.textContent}`)),
    buttons: await entry.locator('.actions button').allTextContents(),
    count: (await bob.locator('[data-testid=inbox-count]').textContent()).trim(),
  };
  await shot(bob, 'inbox-approve-1-bob-inbox.png');

  // While it waits: a fresh page of alice's, and bob's page acting as alice, list nothing; back as bob, it is there.
  const aliceAgain = await people.open('alice');
  await emptyText(aliceAgain).waitFor();
  const aliceEntries = await aliceAgain.locator('[data-testid=inbox-item]').count();
  await becomes(bob, 'alice');
  await entry.waitFor({ state: 'detached' });
  await emptyText(bob).waitFor();
  const asAliceEntries = await bob.locator('[data-testid=inbox-item]').count();
  await becomes(bob, 'bob');
  await entry.waitFor();

  // The entry's thread opens the thread, with its card still waiting.
  await entry.locator('[data-testid=inbox-thread]').click();
  await bob.waitForFunction((id) => location.hash === `#thread=${id}`, threadId);
  const card = bob.locator('[data-testid=approval-card]');
  await card.locator('[data-testid=approve]').waitFor();

  await entry.locator('textarea').fill('from the inbox');
  await entry.locator('[data-testid=approve]').click();
  await entry.waitFor({ state: 'detached' });
  await emptyText(bob).waitFor();
  await card.locator('[data-testid=approval-outcome]').waitFor();
  await waitStatus(bob, 'completed');
  await waitStatus(alice, 'completed');
  await shot(bob, 'inbox-approve-2-approved.png');

  return {
    threadId,
    shown,
    aliceEntries,
    asAliceEntries,
    bobEntriesAfter: await bob.locator('[data-testid=inbox-item]').count(),
    bobStatus: await statusOf(bob),
    aliceStatus: await statusOf(alice),
    bobOutcome: (await card.locator('[data-testid=approval-outcome]').textContent()).trim(),
    aliceOutcome: (await alice.locator('[data-testid=approval-outcome]').textContent()).trim(),
    final: (await alice.locator('[data-testid=final]').textContent()).trim(),
  };
});
