/**
 * Row 13: two lumensync processes sharing one API key (two accounts of one company), the server
 * limiting the key at 20 req/s. Target with `--rate auto`: together ≥ 85 % of 20 while both run,
 * neither < 35 %, 429s ≤ 2 %, both when they start together and when the second starts 3 s after
 * the first (as two machines would). The server counts its limit as a sliding window (the
 * emulator's default, the strictest); the 3 s case is also run with the limit counted as a fixed
 * window and as a token bucket (`--rate-limit-kind`: a live LumenOne's way is unknown), and the
 * verdict needs all three. Baseline in the same run: both pinned at `--rate 20` (each takes the full rate).
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimitKind } from '../../../src/emulator/rate-limiter.js';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator/server.js';
import { buildTree } from '../lib.js';
import { acceptedPerSec, count429, decisionsText, DEV_TENANTS, pct, perSecondTimeline, runPacedSync } from '../pacing.js';
import type { RowRunner } from '../row.js';

const LIMIT = 20;

interface SharedFigures { together: number; a: number; b: number; tooMany: number; requests: number; timelines: string; decisions: string }

/** The second process starts this long after the first in the offset case (two machines are rarely started together). */
const OFFSET_MS = 3000;

async function both(emulator: EmulatorHandle, root: string, scratch: string, rate: string, secondAfterMs = 0, kind: RateLimitKind = 'sliding-window'): Promise<SharedFigures> {
  emulator.setFaults({ rateLimitPerKeyPerSec: LIMIT, rateLimitKind: kind });
  await sleep(1100);
  const first = emulator.requestLog.length;
  const label = `${secondAfterMs > 0 ? `${rate}-offset` : rate}-${kind}`;
  const runs = await Promise.all((['acme', 'globex'] as const).map(async (tenant, index) => {
    if (index === 1 && secondAfterMs > 0) await sleep(secondAfterMs);
    return runPacedSync(emulator.url, { dir: root, folder: `row13-${label}`, stateDir: path.join(scratch, `row13-state-${label}-${tenant}`), rate, tenant });
  }));
  const entries = emulator.requestLog.slice(first);
  const byTenant = (['acme', 'globex'] as const).map((tenant) => entries.filter((entry) => entry.accountId === DEV_TENANTS[tenant].account));
  // While both run: from the later first request to the earlier last one.
  const from = Math.max(...byTenant.map((list) => list[0]!.receivedAt));
  const to = Math.min(...byTenant.map((list) => list[list.length - 1]!.receivedAt));
  const a = acceptedPerSec(byTenant[0]!, from, to);
  const b = acceptedPerSec(byTenant[1]!, from, to);
  return {
    together: a + b, a, b, tooMany: count429(entries), requests: entries.length,
    timelines: byTenant.map((list) => perSecondTimeline(list, entries[0]!.receivedAt)).join(' | '), decisions: runs.map((run) => decisionsText(run.pacing)).join(' | '),
  };
}

export const autoSharedKey: RowRunner = async (ctx) => {
  const files = ctx.quick ? 300 : 1000;
  const root = path.join(ctx.scratch, 'row13-tree');
  await buildTree(root, { files, folders: 20, bytesPerFile: 512 });
  const emulator = await startEmulator({ port: 0, faults: { rateLimitPerKeyPerSec: LIMIT } });
  try {
    ctx.note(`row 13: two processes × ${files} uploads, one key limited at ${LIMIT} req/s, --rate auto`);
    const auto = await both(emulator, root, ctx.scratch, 'auto');
    ctx.note(`row 13: the same with the second process started ${OFFSET_MS / 1000} s after the first`);
    const offset = await both(emulator, root, ctx.scratch, 'auto', OFFSET_MS);
    ctx.note(`row 13: started ${OFFSET_MS / 1000} s apart, the limit counted as a fixed window, then as a token bucket`);
    const offsetFixed = await both(emulator, root, ctx.scratch, 'auto', OFFSET_MS, 'fixed-window');
    const offsetBucket = await both(emulator, root, ctx.scratch, 'auto', OFFSET_MS, 'token-bucket');
    ctx.note(`row 13: the same with both at --rate ${LIMIT}`);
    const pinned = await both(emulator, root, ctx.scratch, String(LIMIT));
    const fair = (figures: SharedFigures): boolean =>
      figures.together >= 0.85 * LIMIT && Math.min(figures.a, figures.b) >= 0.35 * LIMIT && figures.tooMany <= 0.02 * figures.requests;
    const met = fair(auto) && fair(offset) && fair(offsetFixed) && fair(offsetBucket);
    const describe = (figures: SharedFigures): string =>
      `together ${figures.together.toFixed(2)} req/s = ${pct(figures.together, LIMIT)} (${pct(figures.a, LIMIT)} + ${pct(figures.b, LIMIT)}), ${figures.tooMany} × 429 = ${pct(figures.tooMany, figures.requests)} of ${figures.requests}`;
    return {
      row: 13, name: `two processes sharing one key limited at ${LIMIT} req/s (${files} uploads each)`,
      target: 'together ≥ 85%; neither < 35%; 429s ≤ 2% (started together, and 3 s apart under each kind of limit)', verdict: met ? 'met' : 'missed',
      measured: `auto: ${describe(auto)}; auto, second process ${OFFSET_MS / 1000} s later: ${describe(offset)}; the same, limit as a fixed window: ${describe(offsetFixed)}; `
        + `as a token bucket: ${describe(offsetBucket)}; both --rate ${LIMIT}: ${describe(pinned)}`,
      figures: { files, autoTogether: auto.together, autoA: auto.a, autoB: auto.b, auto429: auto.tooMany, autoRequests: auto.requests,
        autoPerSecond: auto.timelines, autoDecisions: auto.decisions,
        offsetMs: OFFSET_MS, offsetTogether: offset.together, offsetA: offset.a, offsetB: offset.b, offset429: offset.tooMany, offsetRequests: offset.requests, offsetDecisions: offset.decisions,
        fixedTogether: offsetFixed.together, fixedA: offsetFixed.a, fixedB: offsetFixed.b, fixed429: offsetFixed.tooMany, fixedRequests: offsetFixed.requests, fixedDecisions: offsetFixed.decisions,
        bucketTogether: offsetBucket.together, bucketA: offsetBucket.a, bucketB: offsetBucket.b, bucket429: offsetBucket.tooMany, bucketRequests: offsetBucket.requests, bucketDecisions: offsetBucket.decisions,
        pinnedTogether: pinned.together, pinnedA: pinned.a, pinnedB: pinned.b, pinned429: pinned.tooMany, pinnedRequests: pinned.requests },
    };
  } finally {
    await emulator.close();
  }
};
