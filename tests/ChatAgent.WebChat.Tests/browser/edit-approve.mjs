// alice asks for a production deploy of api; bob opens "Edit…", changes the service to web and approves with the
// change; both pages show "approved with changes" and the diff, and the deploy that ran is web's.
import { run, launch, shot, waitStatus, statusOf } from './lib.mjs';

await run('edit-approve', async (people) => {
  // web reaches staging first (carol's production deploy of it then waits), so the edited call passes its precondition.
  const carol = await people.open('carol');
  await launch(carol, 'deploy', 'web to production');
  await waitStatus(carol, 'awaiting human');
  const alice = await people.open('alice');
  const threadId = await launch(alice, 'deploy', 'api to production');
  await alice.locator('[data-testid=approval-card]').waitFor();

  const bob = await people.open('bob', `#thread=${threadId}`);
  await bob.locator('[data-testid=approval-card] [data-testid=approve]').waitFor();
  await bob.click('[data-testid=approval-card] [data-testid=edit] summary');
  const fieldsShown = await bob.locator('[data-testid=approval-card] [data-testid=edit] input').evaluateAll((els) => els.map((e) => `${e.name}=${e.value}`));
  await bob.fill('[data-testid=approval-card] [data-testid=edit-service]', 'web');
  await bob.fill('[data-testid=approval-card] textarea', 'api is frozen');
  await shot(bob, 'edit-approve-1-editing.png');
  await bob.click('[data-testid=approval-card] [data-testid=approve-edited]');
  await waitStatus(alice, 'completed');
  await alice.locator('[data-testid=approval-changes]').waitFor();
  await shot(alice, 'edit-approve-2-completed.png');
  return {
    threadId,
    fieldsShown,
    aliceStatus: await statusOf(alice),
    outcome: (await alice.locator('[data-testid=approval-outcome]').textContent()).trim(),
    changes: (await alice.locator('[data-testid=approval-changes]').textContent()).trim(),
    productionInput: (await alice.locator('[data-testid=tool-deploy_to_production]').textContent()).trim(),
  };
});
