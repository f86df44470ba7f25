// After bob approved alice's production deploy and it completed, alice opens the inspector, expands the thread's
// second event (her input) and clicks "Fork from here": a dry run starts from that state and opens at once; it says
// what it is, links back to its origin, and every tool in it shows the recorded result it reused.
import { run, launch, shot, waitStatus } from './lib.mjs';

await run('fork-dry-run', async (people) => {
  const alice = await people.open('alice');
  const threadId = await launch(alice, 'deploy', 'api to production');
  await alice.locator('[data-testid=approval-card]').waitFor();
  const bob = await people.open('bob', `#thread=${threadId}`);
  await bob.click('[data-testid=approval-card] [data-testid=approve]');
  await waitStatus(alice, 'completed');
  await alice.locator('#events li summary .type').filter({ hasText: /^thread_completed$/ }).waitFor();

  const second = alice.locator('#events li[data-seq="2"]');
  await second.locator('summary').click();
  await second.locator('[data-testid=fork-from-here]').click();
  await alice.waitForFunction((origin) => /^#thread=/.test(location.hash) && location.hash !== `#thread=${origin}`, threadId);
  const forkId = await alice.evaluate(() => location.hash.slice('#thread='.length));
  await alice.locator('[data-testid=thread-fork]').filter({ hasText: threadId }).waitFor();
  await waitStatus(alice, 'completed');
  await alice.locator('[data-testid=final]').waitFor();
  await shot(alice, 'fork-dry-run.png');
  const tools = await alice.locator('#timeline [data-testid^=tool-]').evaluateAll((els) =>
    els.map((el) => `${el.getAttribute('data-testid')}: ${el.querySelector('.title').textContent.trim()}`));
  const note = (await alice.locator('[data-testid=thread-fork]').textContent()).trim();
  const originHref = await alice.locator('[data-testid=fork-origin]').getAttribute('href');
  const final = (await alice.locator('[data-testid=final]').textContent()).trim();

  // The link goes back to the origin, which is unchanged.
  await alice.click('[data-testid=fork-origin]');
  await alice.locator('#thread-meta').filter({ hasText: threadId }).waitFor();
  const originForkNoteHidden = await alice.locator('[data-testid=thread-fork]').isHidden();
  return { threadId, forkId, tools, note, originHref, final, originForkNoteHidden };
});
