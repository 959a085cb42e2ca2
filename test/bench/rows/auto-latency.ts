/**
 * Row 14: no server limit, 20 ms latency, concurrency 8: `--rate auto` must not be the brake (row 2's 10,000 files).
 * Target: ≥ 90 % of the 400 files/s bound. Baseline, interleaved: `--rate 0` (unlimited), which
 * shows what the rest of the pipeline allows on this machine. The emulator's U1 processing time is 0
 * here, so the latency is the whole server time and 400 files/s the true bound.
 */
import path from 'node:path';
import { startEmulator } from '../../../src/emulator/server.js';
import { buildTree, interleave, series } from '../lib.js';
import { decisionsText, runPacedSync } from '../pacing.js';
import type { RowRunner } from '../row.js';
import { firstSyncTree } from './first-sync.js';

const BOUND = 400;

export const autoLatency: RowRunner = async (ctx) => {
  // Row 2's first sync, with --rate auto: what a process start and its end cost weighs as in row 2
  // (at 6,000 files, as this row uploaded until the eleventh session, the ~0.7 s they take is 4.5 % of the run).
  const shape = firstSyncTree(ctx.quick);
  const files = shape.files;
  const rounds = Math.min(ctx.rounds, ctx.quick ? 1 : 2);
  const root = path.join(ctx.scratch, 'row14-tree');
  await buildTree(root, shape);
  // The 20 ms stand for the whole server time (as in row 2): U1's processing time (5 ms by default,
  // slept after the latency) would make the bound 8 / 25 ms = 320 files/s, not 400.
  const emulator = await startEmulator({ port: 0, faults: { latencyMs: 20 }, upstream: { processingMs: 0 } });
  try {
    const decisions: string[] = [];
    let latencyDecreases = 0;
    const peakRssKiB: Record<string, number> = { auto: 0, unlimited: 0 };
    const run = (rate: string) => async (round: number): Promise<number> => {
      ctx.note(`row 14: round ${round + 1}/${rounds}, ${files} uploads at 20 ms latency, --rate ${rate}`);
      const result = await runPacedSync(emulator.url, { dir: root, folder: `row14-${rate}-${round}`, stateDir: path.join(ctx.scratch, `row14-state-${rate}-${round}`), rate, concurrency: 8 });
      const mode = rate === 'auto' ? 'auto' : 'unlimited';
      peakRssKiB[mode] = Math.max(peakRssKiB[mode]!, result.maxRssKiB ?? 0);
      if (rate === 'auto') {
        decisions.push(decisionsText(result.pacing));
        latencyDecreases += (result.pacing['decreases'] as { latency?: number } | undefined)?.latency ?? 0;
      }
      return files / (result.wallMs / 1000);
    };
    const samples = await interleave(rounds, { auto: run('auto'), unlimited: run('0') });
    const auto = series(samples.auto!);
    const unlimited = series(samples.unlimited!);
    const met = auto.median >= 0.9 * BOUND;
    return {
      row: 14, name: `--rate auto, no server limit, 20 ms latency, concurrency 8 (${files} uploads)`, target: `≥ 90% of ${BOUND} files/s`,
      verdict: met ? 'met' : 'missed',
      measured: `auto ${auto.median.toFixed(0)} files/s = ${((auto.median / BOUND) * 100).toFixed(0)}% of ${BOUND}; --rate 0 ${unlimited.median.toFixed(0)} files/s → auto/unlimited ${(auto.median / unlimited.median).toFixed(2)}`,
      figures: { files, autoFilesPerSec: auto, unlimitedFilesPerSec: unlimited, autoLatencyDecreases: latencyDecreases, autoDecisions: decisions.join(' | '),
        autoPeakRssKiB: peakRssKiB['auto']!, unlimitedPeakRssKiB: peakRssKiB['unlimited']! },
    };
  } finally {
    await emulator.close();
  }
};
