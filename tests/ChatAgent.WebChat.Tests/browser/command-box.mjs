// A new person meets the command box: deploy is the agent selected first; picking another agent fills the box with
// its name; a line that names an agent launches that agent whatever is picked ("deploy web to staging" with
// campaign-audience picked); help, list, status and pending answer under the box, as they do in Slack and Teams, and a
// command that does not fit its agent's grammar gets the usage.
import { run, say, shot } from './lib.mjs';

await run('command-box', async (people) => {
  const alice = await people.open('alice');
  const selectedFirst = await alice.locator('#agent').inputValue();
  const firstOption = (await alice.locator('#agent option').first().textContent()).trim();

  await alice.selectOption('#agent', 'campaign-audience');
  const filled = await alice.locator('#command').inputValue();
  await alice.fill('#command', 'deploy web to staging');
  await alice.click('#launch');
  await alice.waitForFunction(() => /^#thread=/.test(location.hash));
  const threadId = await alice.evaluate(() => location.hash.slice('#thread='.length));
  await alice.locator('#thread-title').filter({ hasText: 'deploy' }).waitFor();
  const title = (await alice.locator('#thread-title').textContent()).trim();

  const help = await say(alice, 'help');
  const list = await say(alice, 'list');
  const status = await say(alice, `status ${threadId}`);
  const pending = await say(alice, 'pending');
  const usage = await say(alice, 'deploy');
  await shot(alice, 'command-box.png');

  return {
    selectedFirst,
    firstOption,
    filled,
    threadId,
    title,
    help,
    listSecondLine: list.split('\n')[1],
    status,
    pending,
    usage,
  };
});
