/**
 * The status page in a real headless browser (Debian's chromium driven by playwright-core, which
 * never downloads a browser): a daemon mirroring into the emulator, then a file that fails, a
 * delete guard holding actions, an approval from the CLI — and what the page shows at each step.
 * `scripts/install-browser.sh` installs chromium; LUMENSYNC_CHROMIUM points at another binary;
 * LUMENSYNC_SCREENSHOT=docs/status-page.png refreshes the README's screenshot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CLI, fixture, getHealth, remoteTitles, startDaemon, waitFor, type DaemonChild } from './daemon-harness.js';

const CHROMIUM = process.env.LUMENSYNC_CHROMIUM ?? '/usr/bin/chromium';
const LAUNCH_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Chromium with a fresh profile, headless, nothing downloaded. */
async function launchBrowser(userDataDir: string): Promise<{ browser: Browser | undefined; page: Page; close(): Promise<void> }> {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run scripts/install-browser.sh (apt-get install chromium), or set LUMENSYNC_CHROMIUM`);
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: LAUNCH_FLAGS, viewport: { width: 1200, height: 1400 } });
  const page = context.pages()[0] ?? await context.newPage();
  return { browser: context.browser() ?? undefined, page, close: () => context.close() };
}

const text = async (page: Page, selector: string): Promise<string> => (await page.locator(selector).first().textContent()) ?? '';

test('status page: a failed file, a guard holding deletes, approval from the CLI, all shown live', { timeout: 150_000 }, async () => {
  const fx = await fixture();
  const profile = await mkdtemp(path.join(os.tmpdir(), 'lumensync-chromium-'));
  let daemon: DaemonChild | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    // Uploads over 4 KB are refused (413): big.txt fails for good, with a reason and a fix.
    fx.emu.setFaults({ maxUploadBytes: 4096 });
    await mkdir(path.join(fx.root, 'docs'));
    for (let index = 0; index < 6; index += 1) await writeFile(path.join(fx.root, 'docs', `f${index}.txt`), `document ${index}\n`);
    for (let index = 0; index < 3; index += 1) await writeFile(path.join(fx.root, `keep${index}.txt`), `kept ${index}\n`);
    await writeFile(path.join(fx.root, 'big.txt'), 'x'.repeat(10_000));
    daemon = startDaemon(fx, ['--max-delete', '3', '--settle-ms', '150', '--delete-grace-ms', '150', '--status-interval-ms', '250']);
    const port = await Promise.race([daemon.ready, daemon.exited.then(() => { throw new Error(`daemon exited: ${daemon!.output().stderr}`); })]);
    assert.ok(port, 'the daemon printed its health port');

    browser = await launchBrowser(profile);
    const { page } = browser;
    await page.goto(`http://127.0.0.1:${port}/`);

    // Step 1: the mirror, its failed file with reason and fix, the chart, the limit.
    await page.waitForSelector('[data-mirror="watched"] [data-testid="failed"] tr[data-path="big.txt"]', { timeout: 30_000 });
    const failedRow = await text(page, 'tr[data-path="big.txt"]');
    assert.match(failedRow, /upload/);
    assert.match(failedRow, /413|too large|larger/i, `the reason is shown: ${failedRow}`);
    assert.ok((await text(page, 'tr[data-path="big.txt"] td.fix')).length > 0, 'the fix is shown');
    await page.waitForSelector('[data-testid="chart"] canvas', { timeout: 20_000 });
    assert.notEqual((await text(page, '[data-testid="limit"]')).trim(), 'limits throughput', 'what limits throughput is said');
    assert.match(await text(page, '[data-testid="queue-depth"]'), /queue depth\s*\d+/);
    assert.equal(await page.locator('[data-testid="held"]').count(), 0, 'nothing held yet');
    assert.doesNotMatch(await page.content(), /lumensync-dev-key/, 'the page never shows the key');

    // The per-file view explains the failure.
    await page.fill('#why-path', 'big.txt');
    await page.click('#why-form button');
    await page.waitForSelector('[data-testid="why-report"][data-state="failed"]', { timeout: 20_000 });
    assert.match(await text(page, '[data-testid="why-report"]'), /attempt/);

    // Step 2: the docs folder moved away (6 deletes) against --max-delete 3: held, 503, the approve command on the page, live.
    await rename(path.join(fx.root, 'docs'), path.join(fx.base, 'docs-moved-away'));
    await page.waitForSelector('[data-testid="held"]', { timeout: 30_000 });
    const held = await text(page, '[data-testid="held"]');
    assert.match(held, /6 delete\(s\)/);
    const command = (await text(page, '[data-testid="approve-command"]')).trim();
    assert.equal(command, `lumensync approve watched --state-dir ${fx.stateDir}`);
    assert.equal((await text(page, '#health')).trim(), 'attention needed');
    const health = await getHealth(port);
    assert.equal(health.status, 503, '/healthz: attention needed is not healthy');
    assert.match((JSON.parse(health.body) as { reason: string }).reason, /6 action\(s\) held by a guard; approve with: lumensync approve watched/);
    assert.equal((await getHealth(port, '/livez')).status, 200, '/livez: the process works');
    assert.match((await getHealth(port, '/metrics')).body, /lumensync_held_actions\{mirror="watched"\} 6/);
    assert.equal(remoteTitles(fx.emu).filter((title) => title.startsWith('docs/')).length, 6, 'nothing deleted while held');
    if (process.env.LUMENSYNC_SCREENSHOT) await page.screenshot({ path: path.resolve(process.env.LUMENSYNC_SCREENSHOT), fullPage: true });

    // Step 3: approve from the CLI with the command the page shows; the page follows without a reload.
    const approved = spawnSync(process.execPath, [CLI, ...command.split(' ').slice(1)], { env: fx.env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(approved.status, 0, approved.stderr);
    assert.match(approved.stdout, /approved 6 delete\(s\)/);
    await page.waitForSelector('[data-testid="last-approval"]', { timeout: 30_000 });
    await waitFor('the page drops the held box', async () => (await page.locator('[data-testid="held"]').count()) === 0, 10_000);
    assert.deepEqual(remoteTitles(fx.emu), ['keep0.txt', 'keep1.txt', 'keep2.txt']);
    assert.match(await text(page, '[data-testid="last-approval"]'), /6 action\(s\) approved/);
    await waitFor('healthz no longer 503 for the guard', async () => !(await getHealth(port)).body.includes('held by a guard'), 5000);
    await page.waitForSelector('[data-testid="history"] tbody tr', { timeout: 5000 });
    assert.match(await text(page, '[data-testid="history"]'), /6 approved/, 'history shows the approved pass');
  } finally {
    await browser?.close().catch(() => undefined);
    daemon?.kill();
    await fx.cleanup();
    await rm(profile, { recursive: true, force: true });
  }
});
