// Shared by the scenarios: the system Chromium through playwright-core, one browser context per person,
// console errors collected per page, screenshots into the artifacts folder, one JSON result line on stdout.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const baseUrl = process.argv[2];
export const artifacts = process.argv[3];
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Generous: on a busy CI machine a fresh PostgreSQL-backed host can take a while to pick up its first job.
export const TIMEOUT = 90_000;

export async function run(name, scenario) {
  if (!baseUrl || !artifacts) throw new Error('usage: node <scenario>.mjs <base-url> <artifacts-dir>');
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'chatagent-chromium-'));
  const errors = [];
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  }).catch((e) => { rmSync(profile, { recursive: true, force: true }); throw e; });
  const contexts = [];
  const people = {
    // Each person gets a separate, cookie-isolated context (a persistent context is shared, so isolate with ?as= and cookies per page).
    async open(person, hash = '') {
      const page = await browser.newPage();
      page.setDefaultTimeout(TIMEOUT);
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`${person}: ${m.text()}`); });
      page.on('pageerror', (e) => errors.push(`${person}: ${e.message}`));
      await page.goto(`${baseUrl}/?as=${person}${hash}`);
      await page.locator('#agent option').first().waitFor({ state: 'attached' });
      contexts.push(page);
      return page;
    },
  };
  let result;
  try {
    result = { scenario: name, ok: true, ...(await scenario(people)) };
  } catch (e) {
    result = { scenario: name, ok: false, failure: String(e && e.stack || e) };
    for (const [i, page] of contexts.entries()) await page.screenshot({ path: join(artifacts, `${name}-failure-${i}.png`), fullPage: true }).catch(() => {});
  } finally {
    await browser.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
  result.consoleErrors = errors;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export async function shot(page, file) {
  await page.screenshot({ path: join(artifacts, file), fullPage: true });
}

/** Launches an agent by typing its command line in the box, as the person whose page this is; returns the new thread's id. */
export async function launch(page, agent, command) {
  await page.fill('#command', `${agent} ${command}`);
  await page.click('#launch');
  await page.waitForFunction(() => /^#thread=/.test(location.hash));
  const id = await page.evaluate(() => location.hash.slice('#thread='.length));
  await page.locator('#thread-title').filter({ hasText: agent }).waitFor();
  return id;
}

/** Sends one line from the box and returns the reply shown under it (help, list, status, …). */
export async function say(page, line) {
  const before = await page.locator('[data-testid=command-reply]').textContent();
  await page.fill('#command', line);
  await page.click('#launch');
  await page.waitForFunction((old) => {
    const reply = document.querySelector('[data-testid=command-reply]');
    const error = document.getElementById('launch-error');
    return (!reply.hidden && reply.textContent !== old) || !error.hidden;
  }, before);
  const error = page.locator('#launch-error');
  return (await error.isVisible()) ? (await error.textContent()).trim() : (await page.locator('[data-testid=command-reply]').textContent()).trim();
}

export async function statusOf(page) {
  return (await page.locator('[data-testid=thread-status]').textContent()).trim();
}

export async function waitStatus(page, status) {
  await page.locator('[data-testid=thread-status]').filter({ hasText: new RegExp(`^${status}$`) }).waitFor();
}
