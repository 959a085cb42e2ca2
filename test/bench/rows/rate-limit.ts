/** Row 3: `--rate 20` against an emulator that answers 429 above 20 requests/s. */
import path from 'node:path';
import { startEmulator } from '../../../src/emulator/server.js';
import { buildTree, runSync, series } from '../lib.js';
import { type RowRunner } from '../row.js';

const RATE = 20;

export const rateLimit: RowRunner = async (ctx) => {
  const files = ctx.quick ? 60 : 200;
  const target = `≥ 95% of ${RATE} requests/s, zero 429s`;
  const root = path.join(ctx.scratch, 'row3-tree');
  await buildTree(root, { files, folders: 10, bytesPerFile: 1024 });
  const emulator = await startEmulator({ port: 0, faults: { rateLimitPerSec: RATE } });
  try {
    const rates: number[] = [];
    let tooMany = 0;
    let requests = 0;
    for (let round = 0; round < ctx.rounds; round += 1) {
      ctx.note(`row 3: round ${round + 1}/${ctx.rounds} (${files} uploads at --rate ${RATE})`);
      // Let the emulator's sliding window forget the previous round.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const firstSeq = emulator.requestLog.length;
      await runSync(emulator.url, { dir: root, folder: `row3-${round}`, stateDir: path.join(ctx.scratch, `row3-state-${round}`), rate: RATE, concurrency: 8 });
      const entries = emulator.requestLog.slice(firstSeq);
      tooMany += entries.filter((entry) => entry.status === 429).length;
      requests += entries.length;
      const span = (entries[entries.length - 1]!.receivedAt - entries[0]!.receivedAt) / 1000;
      // n requests spaced 1/rate apart span (n - 1)/rate seconds.
      rates.push((entries.length - 1) / span);
    }
    const achieved = series(rates);
    const met = achieved.median >= 0.95 * RATE && tooMany === 0;
    return {
      row: 3, name: `--rate ${RATE} vs an emulator limiting at ${RATE} req/s (${files} uploads)`, target, verdict: met ? 'met' : 'missed',
      measured: `${achieved.median.toFixed(2)} req/s = ${((achieved.median / RATE) * 100).toFixed(1)}% (min ${achieved.min.toFixed(2)}, max ${achieved.max.toFixed(2)}); ${tooMany} × 429 in ${requests} requests`,
      figures: { files, achievedRequestsPerSec: achieved, status429: tooMany, requests },
    };
  } finally {
    await emulator.close();
  }
};
