/** The shapes a watched mirror shares with the daemon, `status` and the page. */
import type { WatcherBackendName } from '../local/watcher.js';

/** Tunables of `lumensync watch` (defaults documented on the flags). */
export interface WatchTuning {
  settleMs: number;
  deleteGraceMs: number;
  /** Full reconcile period. */
  reconcileIntervalMs: number;
  maxDirty: number;
  watcher: WatcherBackendName;
  poll: boolean;
  pollIntervalMs: number;
  /** First wait after a failed pass; doubles up to `maxBackoffMs`. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** How often the daemon checks its root is still the directory it watches (swapped, deleted, recreated). */
  rootCheckMs: number;
}

/** Lifecycle state shown by `status` and `/healthz`. */
export type MirrorState = 'starting' | 'reconciling' | 'syncing' | 'watching' | 'backoff' | 'draining' | 'stopped';

/** Watcher condition: degraded means events are lost (e.g. ENOSPC) and only the periodic reconcile works. */
export interface WatcherCondition {
  backend: 'parcel' | 'chokidar' | 'none';
  status: 'ok' | 'degraded';
  message?: string;
}
