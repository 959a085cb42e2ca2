/**
 * `--rate auto` end to end: the real CLI against the emulator's per-key limit. Counts and
 * ordering only (no durations): how many 429s, whether any request beat a Retry-After, what
 * the state dir keeps and the next run starts from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { emulatorFixture, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';
import { learnedRateFileName } from '../../src/journal/learned-rate.js';
import type { RequestLogEntry } from '../../src/emulator/server.js';

const tree = (prefix: string, count: number): Record<string, string> =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}/doc-${i}.md`, `# ${prefix} ${i}\n`]));

const syncArgs = (root: string, stateDir: string, extra: string[] = []): string[] =>
  ['sync', root, '--org', 'acme', '--folder', 'paced', '--workspace', 'support-bot', '--state-dir', stateDir, '--concurrency', '4', '--json', '--no-progress', '--retries', '10', '--max-backoff', '2', ...extra];

const count429 = (entries: readonly RequestLogEntry[]): number => entries.filter((entry) => entry.status === 429).length;

test('sync --rate auto (the default) under a per-key limit: converges without 429 storms, keeps the limit it learned, and the next run starts from it', async () => {
  const { emu, env } = await emulatorFixture({ rateLimitPerKeyPerSec: 5 });
  const root = await tempDir();
  const stateDir = path.join(await tempDir(), 'state');
  try {
    await writeTree(root, tree('first', 24));
    const first = await runCli(syncArgs(root, stateDir), { env });
    assert.equal(first.code, 0, first.stderr);
    const firstReport = JSON.parse(first.stdout) as { summary: { uploaded: number }; pacing: { mode: string; serverLimitPerSec?: number; startedFromLimitPerSec?: number } };
    assert.equal(firstReport.summary.uploaded, 24);
    assert.equal(firstReport.pacing.mode, 'auto');
    assert.equal(firstReport.pacing.startedFromLimitPerSec, undefined, 'nothing learned before the first run');
    const firstRequests = emu.requestLog.length;
    const first429 = count429(emu.requestLog);
    // Slow start from 80 req/s must meet the limit of 5 once; after that the rate stays under it.
    assert.ok(first429 >= 1, 'the limit was never met: the test does not exercise the controller');
    assert.ok(first429 <= 8, `${first429} × 429 in ${firstRequests} requests: a storm`);

    const saved = JSON.parse(await readFile(path.join(stateDir, learnedRateFileName(new URL(emu.url).host)), 'utf8')) as { limitPerSec: number; host: string };
    assert.equal(saved.host, new URL(emu.url).host);
    assert.ok(saved.limitPerSec > 2 && saved.limitPerSec <= 6.5, `learned ${saved.limitPerSec} req/s for a limit of 5`);

    await writeTree(root, tree('second', 24));
    const second = await runCli(syncArgs(root, stateDir), { env });
    assert.equal(second.code, 0, second.stderr);
    const secondReport = JSON.parse(second.stdout) as typeof firstReport;
    assert.equal(secondReport.summary.uploaded, 24);
    assert.equal(secondReport.pacing.startedFromLimitPerSec, saved.limitPerSec, 'the second run did not start from the learned limit');
    assert.ok(count429(emu.requestLog.slice(firstRequests)) <= 4, 'starting from the learned limit still drew a 429 storm');
  } finally {
    await emu.close();
    await removeAll(root, path.dirname(stateDir));
  }
});

test('sync: after a 429 with Retry-After, no request reaches the server before it has passed (beyond those already in flight), whatever the rate', async () => {
  const { emu, env } = await emulatorFixture({ rateLimitPerKeyPerSec: 3, retryAfterSeconds: 2 });
  const root = await tempDir();
  const stateDir = path.join(await tempDir(), 'state');
  try {
    await writeTree(root, tree('docs', 12));
    // Unlimited, so only the pause holds requests back.
    const result = await runCli(syncArgs(root, stateDir, ['--rate', '0', '--concurrency', '2']), { env });
    assert.equal(result.code, 0, result.stderr);
    const log = emu.requestLog;
    const refused = log.filter((entry) => entry.status === 429);
    assert.ok(refused.length >= 1, 'no 429: the test does not exercise Retry-After');
    for (const entry of refused) {
      const pauseEnds = entry.receivedAt + entry.retryAfterSeconds! * 1000;
      // The 429 was answered at once: requests arriving later inside the pause must have been sent before the
      // client read the answer, i.e. at most the other slot of --concurrency 2.
      const early = log.filter((other) => other.seq > entry.seq && other.receivedAt < pauseEnds - 1);
      assert.ok(early.length <= 1, `${early.length} requests arrived inside a ${entry.retryAfterSeconds} s Retry-After`);
    }
  } finally {
    await emu.close();
    await removeAll(root, path.dirname(stateDir));
  }
});

test('sync --rate auto on a latency-bound host: latency that grows while every slot is taken does not lower the rate', async () => {
  const { emu, env } = await emulatorFixture({ latencyMs: 2 });
  const root = await tempDir();
  const stateDir = path.join(await tempDir(), 'state');
  try {
    await writeTree(root, tree('docs', 60));
    const uploads = (): number => emu.requestLog.filter((entry) => entry.path.includes('/document/upload') && entry.status === 200).length;
    const syncing = runCli(syncArgs(root, stateDir, ['--concurrency', '2']), { env });
    let finished = false;
    void syncing.finally(() => { finished = true; });
    // A server that slows down (its queue is not ours): from the 20th upload on, every answer takes 150 ms.
    while (!finished && uploads() < 20) await new Promise((resolve) => setTimeout(resolve, 5));
    emu.setFaults({ latencyMs: 150 });
    const result = await syncing;
    assert.equal(result.code, 0, result.stderr);
    assert.ok(uploads() - 20 >= 30, 'too few answers at the higher latency: the test does not exercise the latency rule');
    const report = JSON.parse(result.stdout) as { summary: { uploaded: number }; pacing: { mode: string; serverLimitPerSec?: number; decreases: { latency: number; throttle: number } } };
    assert.equal(report.summary.uploaded, 60);
    assert.equal(report.pacing.mode, 'auto');
    assert.deepEqual(report.pacing.decreases, { latency: 0, throttle: 0, follow: 0 }, 'the rate was lowered on a host where every slot had a request in flight');
    assert.equal(report.pacing.serverLimitPerSec, undefined);
  } finally {
    await emu.close();
    await removeAll(root, path.dirname(stateDir));
  }
});
