/**
 * Row 12: the server's per-key limit drops from 50 to 10 req/s mid-run, then rises back to 50.
 * Target with `--rate auto`: no 429 later than 5 s after the drop; 429s ≤ 2 %; ≥ 40 req/s accepted
 * within 30 s of the rise. Baseline in the same run: `--rate 50` pinned to the nominal limit.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type EmulatorHandle, type RequestLogEntry } from '../../../src/emulator/server.js';
import { buildTree } from '../lib.js';
import { count429, decisionsText, pct, perSecondTimeline, runPacedSync } from '../pacing.js';
import type { RowRunner } from '../row.js';

const HIGH = 50;
const LOW = 10;

/** First time (ms since epoch) ≥ `from` at which `threshold` requests were accepted within the preceding second. */
function reachedAt(entries: readonly RequestLogEntry[], from: number, threshold: number): number | undefined {
  const accepted = entries.filter((entry) => entry.receivedAt >= from && entry.status !== 429).map((entry) => entry.receivedAt);
  for (let i = threshold - 1; i < accepted.length; i += 1) if (accepted[i]! - accepted[i - threshold + 1]! < 1000) return accepted[i]!;
  return undefined;
}

interface ChangeFigures { lastLow429Ms: number; reachMs: number | undefined; tooMany: number; requests: number; wallMs: number; timeline: string; decisions: string }

async function runSchedule(emulator: EmulatorHandle, run: () => Promise<{ pacing: Record<string, unknown> }>, timing: { dropAfterMs: number; lowForMs: number }): Promise<ChangeFigures> {
  emulator.setFaults({ rateLimitPerKeyPerSec: HIGH });
  await sleep(1100);
  const first = emulator.requestLog.length;
  const started = Date.now();
  const syncing = run();
  let done = false;
  void syncing.finally(() => { done = true; });
  while (!done && !emulator.requestLog.slice(first).some((entry) => entry.path.includes('/document/upload'))) await sleep(20);
  const uploadsFrom = Date.now();
  await sleep(timing.dropAfterMs);
  const dropAt = Date.now();
  emulator.setFaults({ rateLimitPerKeyPerSec: LOW });
  await sleep(timing.lowForMs);
  const riseAt = Date.now();
  emulator.setFaults({ rateLimitPerKeyPerSec: HIGH });
  const { pacing } = await syncing;
  const entries = emulator.requestLog.slice(first);
  const low429 = entries.filter((entry) => entry.status === 429 && entry.receivedAt >= dropAt && entry.receivedAt < riseAt);
  const reached = reachedAt(entries, riseAt, Math.ceil(0.8 * HIGH));
  void uploadsFrom;
  return {
    lastLow429Ms: low429.length === 0 ? 0 : low429[low429.length - 1]!.receivedAt - dropAt,
    reachMs: reached === undefined ? undefined : reached - riseAt,
    tooMany: count429(entries), requests: entries.length, wallMs: Date.now() - started,
    // From the drop: the timeline's second 0 is the drop, second lowForMs/1000 the rise.
    timeline: perSecondTimeline(entries, dropAt), decisions: decisionsText(pacing),
  };
}

export const autoLimitChange: RowRunner = async (ctx) => {
  const files = ctx.quick ? 1200 : 2500;
  const timing = ctx.quick ? { dropAfterMs: 8000, lowForMs: 12_000 } : { dropAfterMs: 15_000, lowForMs: 20_000 };
  const root = path.join(ctx.scratch, 'row12-tree');
  await buildTree(root, { files, folders: 20, bytesPerFile: 512 });
  const emulator = await startEmulator({ port: 0 });
  try {
    const schedule = (rate: string): Promise<ChangeFigures> => {
      ctx.note(`row 12: ${files} uploads, limit ${HIGH} → ${LOW} → ${HIGH} req/s, --rate ${rate}`);
      return runSchedule(emulator, () => runPacedSync(emulator.url, { dir: root, folder: `row12-${rate}`, stateDir: path.join(ctx.scratch, `row12-state-${rate}`), rate }), timing);
    };
    const auto = await schedule('auto');
    const pinned = await schedule(String(HIGH));
    const met = auto.lastLow429Ms <= 5000 && auto.tooMany <= 0.02 * auto.requests && auto.reachMs !== undefined && auto.reachMs <= 30_000;
    const describe = (figures: ChangeFigures): string =>
      `last 429 ${(figures.lastLow429Ms / 1000).toFixed(1)} s after the drop, ${figures.tooMany} × 429 = ${pct(figures.tooMany, figures.requests)} of ${figures.requests}, ` +
      `≥ ${Math.ceil(0.8 * HIGH)} req/s ${figures.reachMs === undefined ? 'never reached' : `${(figures.reachMs / 1000).toFixed(1)} s`} after the rise, ${(figures.wallMs / 1000).toFixed(1)} s wall`;
    return {
      row: 12, name: `limit drops ${HIGH} → ${LOW} req/s mid-run, then rises (${files} uploads)`,
      target: 'under the new limit within 5 s; 429s ≤ 2%; ≥ 80% of 50 within 30 s of the rise', verdict: met ? 'met' : 'missed',
      measured: `auto: ${describe(auto)}; pinned --rate ${HIGH}: ${describe(pinned)}`,
      figures: {
        files, autoLastLow429Ms: auto.lastLow429Ms, autoReachMs: auto.reachMs ?? -1, auto429: auto.tooMany, autoRequests: auto.requests, autoWallMs: auto.wallMs,
        autoPerSecondFromDrop: auto.timeline, autoDecisions: auto.decisions,
        pinnedLastLow429Ms: pinned.lastLow429Ms, pinnedReachMs: pinned.reachMs ?? -1, pinned429: pinned.tooMany, pinnedRequests: pinned.requests, pinnedWallMs: pinned.wallMs,
      },
    };
  } finally {
    await emulator.close();
  }
};
