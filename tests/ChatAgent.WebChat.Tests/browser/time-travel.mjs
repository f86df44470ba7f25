// After a deploy completes, the inspector's slider shows the state at any event: at approval_requested the
// thread was awaiting a human; at the last event it is completed.
import { run, launch, shot, waitStatus } from './lib.mjs';

async function slideTo(page, seq) {
  await page.locator('#travel').evaluate((el, value) => {
    el.value = String(value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, seq);
  await page.locator('[data-testid=travel-seq]').filter({ hasText: new RegExp(`^${seq}$`) }).waitFor();
}

await run('time-travel', async (people) => {
  const alice = await people.open('alice');
  const threadId = await launch(alice, 'deploy', 'api to production');
  await alice.locator('[data-testid=approval-card]').waitFor();
  const bob = await people.open('bob', `#thread=${threadId}`);
  await bob.click('[data-testid=approval-card] [data-testid=approve]');
  await waitStatus(alice, 'completed');
  await alice.locator('#events li summary .type').filter({ hasText: /^thread_completed$/ }).waitFor();

  const approvalSeq = Number(await alice.locator('#events li', { has: alice.locator('.type', { hasText: /^approval_requested$/ }) }).getAttribute('data-seq'));
  const lastSeq = Number(await alice.locator('#travel').getAttribute('max'));
  await slideTo(alice, approvalSeq);
  await alice.locator('[data-testid=travel-status]').filter({ hasText: /^awaiting human$/ }).waitFor();
  const atApproval = (await alice.locator('[data-testid=travel-status]').textContent()).trim();
  const liveShownInPast = await alice.locator('#travel-live').isVisible();
  await alice.locator('#inspector details').first().evaluate((d) => { d.open = true; });
  await shot(alice, 'time-travel-at-approval.png');

  await slideTo(alice, 1);
  await alice.locator('[data-testid=travel-status]').filter({ hasText: /^running$/ }).waitFor();
  const atStart = (await alice.locator('[data-testid=travel-status]').textContent()).trim();

  await slideTo(alice, lastSeq);
  await alice.locator('[data-testid=travel-status]').filter({ hasText: /^completed$/ }).waitFor();
  return {
    threadId,
    approvalSeq,
    lastSeq,
    atApproval,
    atStart,
    atEnd: (await alice.locator('[data-testid=travel-status]').textContent()).trim(),
    liveShownInPast,
    stateJsonAtEnd: JSON.parse(await alice.locator('#travel-json').textContent()).status,
  };
});
