/**
 * A mirror root's watcher, started before anyone listens to it. `watch` starts one per mirror
 * before opening the mirror's session: the native subscription crawls the tree on its own thread
 * (~1 s for 100,000 files) while the main thread loads the journal, so the daemon is ready
 * sooner (benchmark row 6). Events that arrive before the mirror attaches wait in a buffer: none
 * is lost, and the first reconcile still starts only once the watcher is in place.
 *
 * The root's identity (device + inode) is taken before the watcher starts, so a root swapped
 * while the subscription was being set up is noticed by the mirror's next root check.
 */
import { lstatSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Fingerprint } from './dirty-set.js';
import { startWatcher, type Watcher, type WatcherBackendName, type WatcherOptions, type WatchEvent } from '../local/watcher.js';

/** What identifies the directory a path names: a swapped folder has another inode. */
export interface RootIdentity { dev: number; ino: number }

/** The identity of the directory `root` names now; undefined when it is missing or not a directory. */
export const rootIdentity = (root: string): RootIdentity | undefined => {
  try {
    const stats = statSync(root);
    return stats.isDirectory() ? { dev: stats.dev, ino: stats.ino } : undefined;
  } catch {
    return undefined;
  }
};

/** The size and mtime `relativePath` under `root` has now (a dirty path's fingerprint); undefined when it cannot be stat'ed. */
export const fingerprintOf = (root: string, relativePath: string): Fingerprint => {
  try {
    const stats = lstatSync(path.join(root, relativePath));
    return { size: stats.size, mtimeMs: stats.mtimeMs };
  } catch {
    return undefined;
  }
};

export const sameRoot = (a: RootIdentity | undefined, b: RootIdentity | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a.dev === b.dev && a.ino === b.ino;

/** How a mirror's root is watched: `--poll` forces chokidar. */
export const rootWatchSettings = (
  spec: { root: string; ignore: readonly string[]; followSymlinks: boolean },
  tuning: { poll: boolean; watcher: WatcherBackendName; pollIntervalMs: number },
): RootWatchSettings => ({
  backend: tuning.poll ? 'chokidar' : tuning.watcher,
  root: spec.root, ignore: spec.ignore, poll: tuning.poll, pollIntervalMs: tuning.pollIntervalMs, followSymlinks: spec.followSymlinks,
});

/** What a watcher failure means for the operator: its errno code and what to do about it. */
export const watcherFailureHint = (error: Error): { code: string | undefined; hint: string } => {
  const code = (error as NodeJS.ErrnoException).code;
  const hint = code === 'ENOSPC'
    ? 'the inotify watch limit is reached: raise it with `sudo sysctl fs.inotify.max_user_watches=524288` (persist it in /etc/sysctl.d/99-lumensync.conf), or watch with --poll'
    : 'changes are still found by the periodic full reconcile; restart the daemon to watch again';
  return { code, hint };
};

/** Where the watcher's events and failures go once the mirror listens. */
export interface WatchListener {
  onEvents(events: WatchEvent[]): void;
  onError(error: Error): void;
}

/** How to watch a root: the watcher options without the listener, and the backend asked for. */
export type RootWatchSettings = Omit<WatcherOptions, 'onEvents' | 'onError'> & { backend: WatcherBackendName };

type StartedWatcher = Watcher & { fallbackReason?: string };

/** Starts a watcher for a listener: the real one is `startWatcher`; tests pass their own. */
export type WatcherStarter = (listener: WatchListener) => Promise<StartedWatcher>;

/** A watcher started now, whose events are delivered to the listener `attach` names later. */
export class RootWatch {
  /** Identity of the root when the watcher was started. */
  readonly identity: RootIdentity | undefined;
  private listener: WatchListener | undefined;
  private readonly waitingEvents: WatchEvent[] = [];
  private readonly waitingErrors: Error[] = [];
  private readonly started: Promise<StartedWatcher>;
  private closed = false;

  constructor(root: string, start: WatcherStarter) {
    this.identity = rootIdentity(root);
    this.started = start({
      onEvents: (events) => {
        if (this.listener !== undefined) this.listener.onEvents(events);
        else this.waitingEvents.push(...events);
      },
      onError: (error) => {
        if (this.listener !== undefined) this.listener.onError(error);
        else this.waitingErrors.push(error);
      },
    });
    // Observed by attach() or close(); a failure never goes unhandled in between.
    this.started.catch(() => undefined);
  }

  /** Start watching with `startWatcher` (parcel, or chokidar as configured and as a fallback). */
  static start(settings: RootWatchSettings): RootWatch {
    const { backend, ...options } = settings;
    return new RootWatch(settings.root, (listener) => startWatcher(backend, { ...options, onEvents: listener.onEvents, onError: listener.onError }));
  }

  /**
   * Resolves with the watcher once it is in place (rejects as `startWatcher` does). From then on
   * `listener` gets everything: first what arrived before, in order, then each batch as it comes.
   */
  async attach(listener: WatchListener): Promise<StartedWatcher> {
    const watcher = await this.started;
    if (this.closed) throw new Error('the watcher was closed before it was attached');
    this.listener = listener;
    if (this.waitingEvents.length > 0) listener.onEvents(this.waitingEvents.splice(0));
    for (const error of this.waitingErrors.splice(0)) listener.onError(error);
    return watcher;
  }

  /** Stop the watcher, started or not (a mirror that never attached: a failed start-up). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const watcher = await this.started.catch(() => undefined);
    await watcher?.close();
  }
}
