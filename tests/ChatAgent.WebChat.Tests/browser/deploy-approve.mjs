// alice runs "deploy api to production" by clicking; it waits for approval; bob opens it (?as=bob) and approves;
// both pages follow the thread live to "completed".
import { run, launch, shot, waitStatus, statusOf } from './lib.mjs';

await run('deploy-approve', async (people) => {
  const alice = await people.open('alice');
  const threadId = await launch(alice, 'deploy', 'api to production');
  const card = alice.locator('[data-testid=approval-card]');
  await card.waitFor();
  await waitStatus(alice, 'awaiting human');
  const aliceHint = (await card.textContent()) || '';
  const checksWhileWaiting = await card.locator('[data-testid=approval-checks] li').allTextContents();
  await shot(alice, 'deploy-approve-1-waiting.png');

  const bob = await people.open('bob', `#thread=${threadId}`);
  await bob.locator('[data-testid=approval-card] [data-testid=approve]').waitFor();
  await bob.fill('[data-testid=approval-card] textarea', 'ship it');
  await bob.click('[data-testid=approval-card] [data-testid=approve]');
  await waitStatus(bob, 'completed');
  await waitStatus(alice, 'completed'); // alice's page was not reloaded: the live feed brought it here
  await shot(alice, 'deploy-approve-2-completed.png');
  // The card's verification arrives with the live feed once the deploy ran.
  await card.locator('[data-testid=approval-checks] li', { hasText: 'production answers' }).waitFor();
  const checksAfter = await card.locator('[data-testid=approval-checks] li').allTextContents();
  await bob.click('.view-tab[data-view=reliability]');
  await bob.locator('#tools-table tr[data-tool=deploy_to_production]').waitFor();
  await shot(bob, 'deploy-approve-3-reliability.png');

  return {
    threadId,
    aliceStatus: await statusOf(alice),
    bobStatus: await statusOf(bob),
    aliceSawSelfApprovalHint: aliceHint.includes('someone else has to approve'),
    checksWhileWaiting,
    checksAfter,
    outcome: (await alice.locator('[data-testid=approval-outcome]').textContent()).trim(),
    final: (await alice.locator('[data-testid=final]').textContent()).trim(),
    tools: await alice.locator('[data-testid^=tool-]').evaluateAll((els) => els.map((e) => e.dataset.testid)),
    deployAgentRow: (await bob.locator('#agents-table tr[data-agent=deploy]').textContent()).trim(),
    productionToolRow: (await bob.locator('#tools-table tr[data-tool=deploy_to_production]').textContent()).trim(),
  };
});
