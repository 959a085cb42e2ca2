/**
 * The status page's data: per mirror the daemon's snapshot, its health verdict, the recent
 * passes and throughput over the last hour, and the per-file `why` view. Read-only: nothing
 * here changes the daemon, and nothing carries the API key (snapshots never hold it).
 */
import { VERSION } from '../version.js';
import { healthReport, type HealthReport } from './health.js';
import type { PassHistory, HistoryEntry } from './history.js';
import { readUploadTimes } from './history.js';
import type { MirrorDaemon } from './mirror-daemon.js';
import type { MirrorSnapshot } from './snapshot.js';
import type { Throughput, ThroughputSeries } from './throughput.js';
import { gatherWhy, relativeToRoot, type WhyReport } from './why.js';

/** Passes the page lists at most. */
const PAGE_HISTORY = 30;

/** One mirror as the page gets it. */
export interface CockpitMirror { daemon: MirrorDaemon; history: PassHistory; throughput: Throughput }

/** The `/api/status` body. */
export interface CockpitStatus {
  generatedAt: number;
  version: string;
  pid: number;
  health: HealthReport;
  mirrors: (MirrorSnapshot & { healthy: boolean; history: HistoryEntry[]; throughput: ThroughputSeries })[];
}

/** Build the page's status from the running mirrors. */
export function cockpitStatus(mirrors: readonly CockpitMirror[], now = Date.now()): CockpitStatus {
  const snapshots = mirrors.map((mirror) => mirror.daemon.snapshot(now));
  const health = healthReport(snapshots);
  return {
    generatedAt: now, version: VERSION, pid: process.pid, health,
    mirrors: snapshots.map((snapshot, index) => ({
      ...snapshot,
      healthy: health.mirrors[index]!.healthy && health.mirrors[index]!.held === 0,
      history: mirrors[index]!.history.entries().slice(-PAGE_HISTORY).reverse(),
      throughput: mirrors[index]!.throughput.series(),
    })),
  };
}

/** The `/api/why` answer: an error message (400/404) or the report. */
export async function cockpitWhy(mirrors: readonly CockpitMirror[], mirrorName: string | null, target: string | null): Promise<{ status: number; body: WhyReport | { error: string } }> {
  const mirror = mirrors.find((candidate) => candidate.daemon.name === mirrorName) ?? (mirrors.length === 1 && !mirrorName ? mirrors[0] : undefined);
  if (!mirror) return { status: 404, body: { error: `no mirror named ${JSON.stringify(mirrorName)}: ${mirrors.map((candidate) => candidate.daemon.name).join(', ')}` } };
  if (!target) return { status: 400, body: { error: 'give a path: /api/why?mirror=<name>&path=<path inside the folder>' } };
  const { session, journal, stateDir } = mirror.daemon.opened;
  const relativePath = relativeToRoot(session.spec.root, target, session.spec.root);
  if (relativePath === undefined) return { status: 400, body: { error: `${target} is not inside the mirrored folder ${session.spec.root}` } };
  const snapshot = mirror.daemon.snapshot();
  const report = await gatherWhy({
    root: session.spec.root, ignore: session.spec.ignore, followSymlinks: session.spec.followSymlinks,
    journal, daemon: snapshot, uploadTimes: () => readUploadTimes(stateDir),
  }, relativePath);
  return { status: 200, body: report };
}
