/** Row 8: 10,000 deletes at batch 50 — request count and wall time against what --rate allows. */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator } from '../../../src/emulator/server.js';
import { buildTree, runSync, series } from '../lib.js';
import { ms, msSeries, type RowRunner } from '../row.js';

const BATCH = 50;
const RATE = 20;

export const deletes: RowRunner = async (ctx) => {
  const files = ctx.quick ? 1000 : 10_000;
  const removeRequests = Math.ceil(files / BATCH);
  const target = `≤ ${removeRequests + 1} requests; wall within 10% of what --rate ${RATE} allows`;
  const emulator = await startEmulator({ port: 0 });
  try {
    const wall: number[] = [];
    const counts: number[] = [];
    const removeCounts: number[] = [];
    const allowed: number[] = [];
    let breakdown: Record<string, number> = {};
    for (let round = 0; round < ctx.rounds; round += 1) {
      const root = path.join(ctx.scratch, `row8-tree-${round}`);
      await buildTree(root, { files, folders: 50, bytesPerFile: 256 }, `row8-${round}`);
      const run = { dir: root, folder: `row8-${round}`, stateDir: path.join(ctx.scratch, `row8-state-${round}`), rate: 0, concurrency: 8 };
      ctx.note(`row 8: round ${round + 1}/${ctx.rounds}: uploading ${files} files (setup), then deleting them`);
      await runSync(emulator.url, run);
      // Keep one file so the empty-root guard stays out of the way; delete the rest.
      const keep = 'd0000/f000000.txt';
      for (let folder = 0; folder < 50; folder += 1) {
        const dir = path.join(root, `d${String(folder).padStart(4, '0')}`);
        if (folder === 0) {
          for (const name of await readdir(dir)) if (`d0000/${name}` !== keep) await rm(path.join(dir, name));
        } else {
          await rm(dir, { recursive: true });
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const firstSeq = emulator.requestLog.length;
      const result = await runSync(emulator.url, { ...run, rate: RATE, extra: ['--delete-batch', String(BATCH), '--max-delete', '100%'] });
      const deleted = result.summary.deleted as number;
      if (deleted !== files - 1) throw new Error(`row 8: expected ${files - 1} deletes, got ${JSON.stringify(result.summary)}`);
      const entries = emulator.requestLog.slice(firstSeq);
      breakdown = {};
      for (const entry of entries) {
        const key = `${entry.method} ${entry.path.replace(/\/[0-9a-f]{6,}(?=\/|$)/g, '/:hex').replace(/row8-\d+/, ':folder')}`;
        breakdown[key] = (breakdown[key] ?? 0) + 1;
      }
      counts.push(entries.length);
      removeCounts.push(entries.filter((entry) => entry.removeFiles !== undefined || entry.path.endsWith('/remove-files')).length);
      // The pacer allows one request per 1/RATE s: n requests need at least (n - 1)/RATE s, plus the process start.
      allowed.push(((entries.length - 1) / RATE) * 1000);
      wall.push(result.wallMs);
    }
    const wallSeries = series(wall);
    const allowedMs = series(allowed).median;
    const requests = series(counts);
    const over = wallSeries.median / allowedMs - 1;
    const met = requests.max <= removeRequests + 1 && over <= 0.1;
    return {
      row: 8, name: `${files - 1} deletes at batch ${BATCH}, --rate ${RATE}`, target, verdict: met ? 'met' : 'missed',
      measured: `${requests.median} requests (${series(removeCounts).median} remove-files); ${msSeries(wallSeries)} vs ${ms(allowedMs)} allowed → +${(over * 100).toFixed(1)}%`,
      figures: { files, requests, removeRequests: series(removeCounts), wallMs: wallSeries, allowedMs, overRate: over, requestBreakdown: JSON.stringify(breakdown) },
      note: `requests of one delete run: ${Object.entries(breakdown).map(([key, count]) => `${key} ×${count}`).join(', ')}`,
    };
  } finally {
    await emulator.close();
  }
};
