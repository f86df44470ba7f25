// A page reload while the thread waits for approval loses nothing: the same steps and card come back, and the
// thread still completes (seen live by the reloaded page) once bob approves.
import { run, launch, shot, waitStatus, statusOf } from './lib.mjs';

const snapshot = (page) => page.evaluate(() => ({
  entries: [...document.querySelectorAll('#timeline > li')].map((li) => li.querySelector('.title')?.textContent || li.textContent),
  events: [...document.querySelectorAll('#events li')].map((li) => Number(li.dataset.seq)),
  approval: document.querySelector('[data-testid=approval-card]')?.dataset.approval || null,
}));

await run('reload-midway', async (people) => {
  const alice = await people.open('alice');
  const threadId = await launch(alice, 'deploy', 'api to production');
  await alice.locator('[data-testid=approval-card]').waitFor();
  await waitStatus(alice, 'awaiting human');
  const before = await snapshot(alice);

  await alice.reload();
  await alice.locator('[data-testid=approval-card]').waitFor();
  await waitStatus(alice, 'awaiting human');
  await alice.locator('#events li').nth(before.events.length - 1).waitFor();
  const after = await snapshot(alice);
  const restored = await alice.locator('#whoami').inputValue();
  await shot(alice, 'reload-midway-after-reload.png');

  const bob = await people.open('bob', `#thread=${threadId}`);
  await bob.click('[data-testid=approval-card] [data-testid=approve]');
  await waitStatus(alice, 'completed');
  const end = await snapshot(alice);
  const distinct = new Set(end.events).size;
  return {
    threadId,
    before,
    after,
    restoredName: restored,
    status: await statusOf(alice),
    eventsContiguous: distinct === end.events.length && end.events.every((seq, i) => seq === i + 1),
    finalShown: await alice.locator('[data-testid=final]').count(),
  };
});
