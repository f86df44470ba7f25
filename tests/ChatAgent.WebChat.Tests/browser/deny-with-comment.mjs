// alice asks for a production deploy; bob denies it with a comment; the thread ends saying who denied and why.
import { run, launch, shot, waitStatus, statusOf } from './lib.mjs';

await run('deny-with-comment', async (people) => {
  const alice = await people.open('alice');
  const threadId = await launch(alice, 'deploy', 'api to production');
  await alice.locator('[data-testid=approval-card]').waitFor();

  const bob = await people.open('bob', `#thread=${threadId}`);
  await bob.fill('[data-testid=approval-card] textarea', 'Change freeze until Monday');
  await bob.click('[data-testid=approval-card] [data-testid=deny]');
  await alice.locator('[data-testid=final]').waitFor();
  await shot(alice, 'deny-with-comment.png');
  return {
    threadId,
    aliceStatus: await statusOf(alice),
    outcome: (await alice.locator('[data-testid=approval-outcome]').textContent()).trim(),
    final: (await alice.locator('[data-testid=final]').textContent()).trim(),
    productionRan: await alice.locator('[data-testid=tool-deploy_to_production]').count(),
  };
});
