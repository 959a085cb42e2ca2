/**
 * A mirror daemon's state as plain data: what `status.json`, `lumensync status`, `/healthz`
 * and `/metrics` show. One shape, so the four never disagree.
 */
import type { FailureRecord, StatsSnapshot } from '../stats/stats.js';
import type { ThroughputLimit } from '../executor/throughput-limit.js';
import type { MirrorDaemon, MirrorState, WatcherCondition } from './mirror-daemon.js';
import type { HeldNow } from './guard-hold.js';
import type { Approval } from './approval.js';

/** Pending paths listed by name at most (the count is always exact). */
const MAX_PENDING_LISTED = 100;

/** One mirror, as `status` shows it. */
export interface MirrorSnapshot {
  name: string;
  pid: number;
  root: string;
  orgSlug: string;
  folder: string;
  workspaces: string[];
  stateDir: string;
  state: MirrorState;
  watcher: WatcherCondition;
  remoteReachable: boolean;
  /** Dirty paths waiting plus requests queued or in flight. */
  queueDepth: number;
  /** Age of the oldest change not yet synced (ms). */
  lagMs: number;
  /** What limits throughput to the host right now (pacing, latency, a Retry-After pause). */
  throughputLimit: ThroughputLimit;
  lastError: string | undefined;
  /** ms since epoch; undefined before the first full reconcile ended. */
  lastReconcileAt: number | undefined;
  lastReconcileOk: boolean;
  /** Last verification (remote listed by a completed pass), ms since epoch; undefined: never. */
  lastVerifiedAt?: number | undefined;
  /** Whether the latest full reconcile listed the remote. */
  lastPassListed?: boolean;
  nextReconcileAt: number;
  /** ms since epoch until which passes wait after a failure (0: none). */
  backoffUntil: number;
  filesTracked: number;
  pending: { dirtyPaths: number; requests: number; openIntents: number; overflowed: boolean; paths: string[] };
  failed: FailureRecord[];
  guards: string[];
  /** What the guards hold back (undefined: no guard fired in the last pass that decides). */
  held?: HeldNow | undefined;
  /** The exact command that lets the held actions through once. */
  approveCommand?: string | undefined;
  lastApproval?: (Approval & { appliedAt: number }) | undefined;
  /** Why a waiting approval does not apply. */
  approvalProblem?: string | undefined;
  /** The mirror's extra ignore patterns (for `why`). */
  ignore?: string[] | undefined;
  followSymlinks?: boolean | undefined;
  counters: Omit<StatsSnapshot, 'inFlight' | 'failures' | 'rejections' | 'lastError'> & { inFlight: number; failuresTotal: number; lostEventsFound: number };
  startedAt: number;
  updatedAt: number;
}

/** Build the snapshot of one running mirror at `now`. */
export function mirrorSnapshot(daemon: MirrorDaemon, now: number): MirrorSnapshot {
  const { session, journal, stateDir } = daemon.opened;
  const stats = session.stats.snapshot();
  const { inFlight, failures: _failures, rejections: _rejections, lastError: _lastError, ...counters } = stats;
  return {
    name: daemon.name,
    pid: process.pid,
    root: session.spec.root,
    orgSlug: session.spec.orgSlug,
    folder: session.spec.folder,
    workspaces: session.spec.workspaces,
    stateDir,
    state: daemon.state,
    watcher: daemon.watcherCondition,
    remoteReachable: daemon.remoteHealth.reachable,
    queueDepth: daemon.dirty.size + session.pacer.depth,
    lagMs: daemon.dirty.lagMs(now),
    throughputLimit: session.pacer.throughputLimit,
    lastError: daemon.remoteHealth.lastError ?? stats.lastError,
    lastReconcileAt: daemon.lastReconcileAt,
    lastReconcileOk: daemon.lastReconcileOk,
    lastVerifiedAt: journal.meta().lastVerifiedAt,
    lastPassListed: daemon.lastPassListed,
    nextReconcileAt: daemon.nextReconcileAt,
    backoffUntil: daemon.backoffUntil > now ? daemon.backoffUntil : 0,
    filesTracked: journal.size,
    pending: {
      dirtyPaths: daemon.dirty.size,
      requests: session.pacer.depth,
      openIntents: journal.openIntents().length,
      overflowed: daemon.dirty.overflowed,
      paths: daemon.dirty.pendingPaths(MAX_PENDING_LISTED),
    },
    failed: [...daemon.failedItems.values()],
    guards: daemon.hold.guards,
    held: daemon.hold.held,
    approveCommand: daemon.hold.approveCommand,
    lastApproval: daemon.hold.lastApproval,
    approvalProblem: daemon.hold.approvalProblem,
    ignore: session.spec.ignore,
    followSymlinks: session.spec.followSymlinks,
    counters: { ...counters, inFlight: inFlight.length, failuresTotal: daemon.failuresTotal, lostEventsFound: daemon.lostEventsFound },
    startedAt: daemon.startedAt,
    updatedAt: now,
  };
}

/** True when the mirror is doing its job: first reconcile done, not draining or backing off, remote answering. */
export const isHealthy = (snapshot: MirrorSnapshot): boolean =>
  snapshot.remoteReachable && snapshot.lastReconcileAt !== undefined && (snapshot.state === 'watching' || snapshot.state === 'syncing' || snapshot.state === 'reconciling');
