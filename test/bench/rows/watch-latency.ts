/** Row 5: `watch` latency over 200 edits — write closed → upload received by the emulator. */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator } from '../../../src/emulator/server.js';
import { buildTree, percentile, series } from '../lib.js';
import { ms, type RowRunner } from '../row.js';
import { startWatch } from '../watch-process.js';

const SETTLE_MS = 250;

export const watchLatency: RowRunner = async (ctx) => {
  const edits = ctx.quick ? 30 : 200;
  const target = `p50 ≤ settle + 150 ms, p99 ≤ settle + 500 ms (settle ${SETTLE_MS} ms)`;
  const root = path.join(ctx.scratch, 'row5-tree');
  const relativePaths = await buildTree(root, { files: 100, folders: 10, bytesPerFile: 1024 });
  const emulator = await startEmulator({ port: 0 });
  const watch = await startWatch(emulator.url, [root, '--org', 'acme', '--folder', 'row5', '--workspace', 'support-bot',
    '--state-dir', path.join(ctx.scratch, 'row5-state'), '--rate', '0', '--concurrency', '8', '--settle-ms', String(SETTLE_MS)]);
  try {
    const latencies: number[] = [];
    let seen = emulator.requestLog.length;
    ctx.note(`row 5: ${edits} edits, one at a time, settle ${SETTLE_MS} ms`);
    for (let edit = 0; edit < edits; edit += 1) {
      const relativePath = relativePaths[(edit * 7) % relativePaths.length]!;
      const content = `edit ${edit} of ${relativePath}\n${'x'.repeat(900)}\n`;
      const sha256 = createHash('sha256').update(content).digest('hex');
      await writeFile(path.join(root, relativePath), content);
      const closedAt = Date.now();
      const deadline = closedAt + 20_000;
      let receivedAt: number | undefined;
      while (receivedAt === undefined) {
        // An entry is logged on arrival and its upload details filled on completion: look at
        // every entry from the first unfinished one, and only move the cursor past finished ones.
        for (let index = seen; index < emulator.requestLog.length; index += 1) {
          const entry = emulator.requestLog[index]!;
          if (entry.upload?.sha256 === sha256) receivedAt = entry.receivedAt;
          if (entry.status !== null && index === seen) seen += 1;
        }
        if (receivedAt === undefined) {
          if (Date.now() > deadline) throw new Error(`row 5: edit ${edit} (${relativePath}) not uploaded within 20 s: ${watch.output().slice(-1500)}`);
          await sleep(2);
        }
      }
      latencies.push(receivedAt - closedAt);
      // Let the replace finish (embed + remove of the old document) before the next edit.
      await sleep(50 + (edit % 5) * 10);
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const met = p50 <= SETTLE_MS + 150 && p99 <= SETTLE_MS + 500;
    return {
      row: 5, name: `watch latency over ${edits} edits`, target, verdict: met ? 'met' : 'missed',
      measured: `p50 ${ms(p50)} (settle + ${ms(p50 - SETTLE_MS)}), p99 ${ms(p99)} (settle + ${ms(p99 - SETTLE_MS)}), max ${ms(Math.max(...latencies))}`,
      figures: { edits, settleMs: SETTLE_MS, p50, p99, latencyMs: series(latencies), watcherReadyMs: watch.readyMs },
    };
  } finally {
    await watch.stop();
    await emulator.close();
  }
};
