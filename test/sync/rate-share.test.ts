/**
 * `--rate auto` shared between two lumensync processes on one machine sending with one key
 * (rate-share.ts, rate-board.ts), end to end against the emulator's per-key limit counted as a
 * sliding window. Without sharing, a process started later than another is held to a few per cent
 * of the key (BENCHMARKS.md, row 13). Counts from the emulator's request log, no durations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ACME_ACCOUNT, emulatorFixture, GLOBEX_ACCOUNT, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';
import type { RequestLogEntry } from '../../src/emulator/server.js';

const FILES = 150;
const LIMIT = 20;

const tree = (count: number): Record<string, string> => Object.fromEntries(Array.from({ length: count }, (_, i) => [`doc-${i}.md`, `# ${i}\n`]));

interface Report { summary: { uploaded: number }; pacing: { mode: string; sharedWith: number; text: string; decreases: { follow: number } } }

test('two --rate auto processes on one key, the second started later, split the key\'s limit and leave the board empty', async () => {
  const { emu, env } = await emulatorFixture({ rateLimitPerKeyPerSec: LIMIT });
  const scratch = await tempDir();
  const board = path.join(scratch, 'board');
  try {
    const tenants = { first: { account: ACME_ACCOUNT, org: 'acme', workspace: 'support-bot' }, second: { account: GLOBEX_ACCOUNT, org: 'globex', workspace: 'helpdesk' } };
    const run = async (name: keyof typeof tenants, delayMs: number): Promise<Report> => {
      const root = path.join(scratch, name);
      await writeTree(root, tree(FILES));
      await sleep(delayMs);
      const tenant = tenants[name];
      const result = await runCli(['sync', root, '--org', tenant.org, '--folder', 'shared-key', '--workspace', tenant.workspace, '--state-dir', path.join(scratch, `state-${name}`),
        '--rate-share-dir', board, '--concurrency', '4', '--retries', '10', '--max-backoff', '2', '--json', '--no-progress'], { env: { ...env, LUMENONE_ACCOUNT_ID: tenant.account } });
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as Report;
    };
    const [first, second] = await Promise.all([run('first', 0), run('second', 3000)]);
    for (const report of [first, second]) {
      assert.equal(report.summary.uploaded, FILES);
      assert.equal(report.pacing.sharedWith, 1, 'each saw the other on the board');
      assert.match(report.pacing.text, /shared with 1 other process/);
    }
    const [firstLog, secondLog] = [ACME_ACCOUNT, GLOBEX_ACCOUNT].map((account) => emu.requestLog.filter((entry) => entry.accountId === account)) as [RequestLogEntry[], RequestLogEntry[]];
    // While both ran, once the later one has started sending (its first second resolves and scans): to the earlier last request.
    const from = secondLog[0]!.receivedAt + 1000;
    const to = Math.min(firstLog[firstLog.length - 1]!.receivedAt, secondLog[secondLog.length - 1]!.receivedAt);
    const accepted = (list: RequestLogEntry[]): number => list.filter((entry) => entry.receivedAt >= from && entry.receivedAt <= to && entry.status !== 429).length;
    const [a, b] = [accepted(firstLog), accepted(secondLog)];
    assert.ok(b >= 0.5 * a && a >= 0.5 * b, `while both ran: ${a} and ${b} requests accepted (unshared, the later one gets a few per cent)`);
    const tooMany = emu.requestLog.filter((entry) => entry.status === 429).length;
    assert.ok(tooMany <= 0.05 * emu.requestLog.length, `${tooMany} × 429 in ${emu.requestLog.length} requests`);
    assert.deepEqual(await readdir(board), [], 'the last process out removed the key\'s directory');
  } finally {
    await emu.close();
    await removeAll(scratch);
  }
});
