/**
 * Row 11: `--rate auto` against an emulator limiting at R = 5, 20 and 100 req/s per key (the client
 * is not told). Target: ≥ 90 % of R accepted after the first 10 s; 429s ≤ 1 % of requests.
 * Baseline in the same run: `--rate R` pinned by a user who knows the limit.
 */
import path from 'node:path';
import { startEmulator } from '../../../src/emulator/server.js';
import { buildTree } from '../lib.js';
import { acceptedPerSec, count429, decisionsText, pct, perSecondTimeline, runPacedSync } from '../pacing.js';
import type { RowRunner } from '../row.js';

/** Uploads per limit: 2,000, except at 5 req/s where that alone would take 400 s (kept ≤ ~2 minutes). */
const CASES = [{ limit: 5, files: 600 }, { limit: 20, files: 2000 }, { limit: 100, files: 2000 }];
const WARM_UP_MS = 10_000;

export const autoLimit: RowRunner = async (ctx) => {
  const figures: Record<string, number> = {};
  const parts: string[] = [];
  let met = true;
  for (const { limit, files: fullFiles } of CASES) {
    const files = ctx.quick ? Math.min(fullFiles, limit * 15) : fullFiles;
    const root = path.join(ctx.scratch, `row11-tree-${limit}`);
    await buildTree(root, { files, folders: 20, bytesPerFile: 512 });
    const emulator = await startEmulator({ port: 0, faults: { rateLimitPerKeyPerSec: limit } });
    try {
      const measure = async (rate: string, name: string): Promise<{ achieved: number; tooMany: number; requests: number; timeline: string; decisions: string; peakRssKiB: number }> => {
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const first = emulator.requestLog.length;
        ctx.note(`row 11: limit ${limit} req/s, ${files} uploads, --rate ${rate}`);
        const result = await runPacedSync(emulator.url, { dir: root, folder: `row11-${limit}-${name}`, stateDir: path.join(ctx.scratch, `row11-state-${limit}-${name}`), rate });
        const entries = emulator.requestLog.slice(first);
        const start = entries[0]!.receivedAt;
        const end = entries[entries.length - 1]!.receivedAt;
        return {
          achieved: acceptedPerSec(entries, start + WARM_UP_MS, end), tooMany: count429(entries), requests: entries.length,
          timeline: perSecondTimeline(entries), decisions: decisionsText(result.pacing), peakRssKiB: result.maxRssKiB ?? 0,
        };
      };
      const auto = await measure('auto', 'auto');
      const pinned = await measure(String(limit), 'pinned');
      const ok = auto.achieved >= 0.9 * limit && auto.tooMany <= 0.01 * auto.requests;
      met &&= ok;
      Object.assign(figures, {
        [`auto${limit}_reqPerSec`]: auto.achieved, [`auto${limit}_429`]: auto.tooMany, [`auto${limit}_requests`]: auto.requests,
        [`pinned${limit}_reqPerSec`]: pinned.achieved, [`pinned${limit}_429`]: pinned.tooMany, [`pinned${limit}_requests`]: pinned.requests,
        [`auto${limit}_perSecond`]: auto.timeline, [`auto${limit}_decisions`]: auto.decisions, [`auto${limit}_peakRssKiB`]: auto.peakRssKiB,
      });
      parts.push(`R=${limit}: ${auto.achieved.toFixed(2)} req/s = ${pct(auto.achieved, limit)} (pinned --rate ${limit}: ${pct(pinned.achieved, limit)}), ${auto.tooMany} × 429 = ${pct(auto.tooMany, auto.requests)} of ${auto.requests}`);
    } finally {
      await emulator.close();
    }
  }
  return {
    row: 11, name: '--rate auto vs a server limiting at 5, 20, 100 req/s per key', target: '≥ 90% of R after the first 10 s; 429s ≤ 1%',
    verdict: met ? 'met' : 'missed', measured: parts.join('; '), figures,
  };
};
