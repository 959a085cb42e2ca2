/**
 * One mirror kept in step for as long as the process runs: a full reconcile at start, then
 * scoped passes over settled dirty paths, a full reconcile on a timer (the watcher is a hint
 * that loses events), capped backoff while the remote is unavailable, and a drain on stop.
 * All remote work goes through the same engine as `sync` (scan → plan → execute → journal).
 */
import { lstatSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OpenSession } from '../cli/session.js';
import { LumenSyncError } from '../errors.js';
import { runPass } from '../sync/engine.js';
import type { FailureRecord } from '../stats/stats.js';
import { startWatcher, isIgnoreFileEvent, type Watcher, type WatcherBackendName, type WatchEvent } from '../local/watcher.js';
import { DirtySet, type Fingerprint } from './dirty-set.js';
import { DrainGate } from './drain-gate.js';
import { monitorRemote, recordOutcome, type RemoteCallOutcome, type RemoteHealth } from './remote-monitor.js';
import { mirrorSnapshot, type MirrorSnapshot } from './snapshot.js';

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
}

/** Lifecycle state shown by `status` and `/healthz`. */
export type MirrorState = 'starting' | 'reconciling' | 'syncing' | 'watching' | 'backoff' | 'draining' | 'stopped';

/** Watcher condition: degraded means events are lost (e.g. ENOSPC) and only the periodic reconcile works. */
export interface WatcherCondition {
  backend: 'parcel' | 'chokidar' | 'none';
  status: 'ok' | 'degraded';
  message?: string;
}

/** Reconcile this often at most while the watcher is degraded, whatever --reconcile-interval says. */
const DEGRADED_RECONCILE_MS = 60_000;
/** Failed items kept for `status`. */
const MAX_FAILED_ITEMS = 200;

/** What a request refused during a drain fails with (not retryable: the next start redoes the work). */
const DRAINING = new LumenSyncError('LUMENSYNC_ABORTED', 'not sent: the daemon is stopping', { hint: 'the next start of lumensync watch finishes this work' });

const errnoCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/** One mirror's watch loop. Create, `start()`, later `stop()`. */
export class MirrorDaemon {
  state: MirrorState = 'starting';
  readonly remoteHealth: RemoteHealth = { reachable: true, lastError: undefined, lastErrorAt: undefined };
  watcherCondition: WatcherCondition = { backend: 'none', status: 'ok' };
  lastReconcileAt: number | undefined;
  lastReconcileOk = false;
  nextReconcileAt = 0;
  backoffUntil = 0;
  lastGuards: string[] = [];
  /** The workspace guard's verdict of the last full pass (scoped passes cannot judge it). */
  private heldUnembedGuards: string[] = [];
  /** Failures over the process's life (stats keep only the latest pass's). */
  failuresTotal = 0;
  readonly failedItems = new Map<string, FailureRecord>();
  readonly dirty: DirtySet;
  readonly startedAt = Date.now();
  private readonly log: Logger;
  private watcher: Watcher | undefined;
  private failureStreak = 0;
  private reconcileRequested = true;
  private stopping = false;
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private startup: Promise<void> | undefined;
  private inFlight = 0;
  private readonly gate = new DrainGate();
  private onIdle: (() => void) | undefined;

  constructor(
    readonly name: string,
    readonly opened: OpenSession,
    private readonly tuning: WatchTuning,
    /** Aborts this mirror's session (queued requests reject at once); its signal must be the one the session was opened with. */
    private readonly sessionAbort: AbortController,
    private readonly onRemoteCall: (mirror: string, outcome: RemoteCallOutcome) => void = () => undefined,
  ) {
    this.log = opened.session.log;
    this.dirty = new DirtySet({ settleMs: tuning.settleMs, deleteGraceMs: tuning.deleteGraceMs, maxDirty: tuning.maxDirty });
    // Reachability and latency come from the calls the engine makes anyway: no extra requests.
    opened.session.remote = monitorRemote(opened.session.remote, (outcome) => {
      this.inFlight -= 1;
      recordOutcome(this.remoteHealth, outcome, Date.now());
      onRemoteCall(name, outcome);
      if (this.inFlight === 0) this.onIdle?.();
    }, () => (this.stopping ? DRAINING : undefined), () => { this.inFlight += 1; });
    opened.session.pacer = this.gate.wrap(opened.session.pacer);
  }

  /**
   * Watch, then reconcile in full; resolves once that first reconcile has run (even if it failed:
   * the loop retries). The watcher starts first so changes made during the reconcile are not lost.
   */
  start(): Promise<void> {
    this.startup ??= (async () => {
      await this.startWatching();
      if (!this.stopping) await this.reconcile();
      if (this.stopping) return;
      this.loop = this.run().catch((error: unknown) => {
        if (!this.stopping) this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'watch loop failed');
      });
    })();
    return this.startup;
  }

  /** What `status`, `/healthz` and `/metrics` show. */
  snapshot(now = Date.now()): MirrorSnapshot {
    return mirrorSnapshot(this, now);
  }

  /**
   * Stop taking work and close the watcher; once the requests in flight have answered, abort the
   * session so queued ones end at once. Resolves when the pass has ended (the caller enforces the deadline).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.gate.close(DRAINING);
    if (this.state !== 'stopped') this.state = 'draining';
    this.wakeUp?.();
    await this.watcher?.close().catch(() => undefined);
    if (this.inFlight > 0) await new Promise<void>((resolve) => { this.onIdle = resolve; });
    this.sessionAbort.abort(DRAINING);
    await this.startup?.catch(() => undefined);
    await this.loop;
    this.state = 'stopped';
  }

  private async startWatching(): Promise<void> {
    const { spec } = this.opened.session;
    try {
      const watcher = await startWatcher(this.tuning.poll ? 'chokidar' : this.tuning.watcher, {
        root: spec.root, ignore: spec.ignore, poll: this.tuning.poll, pollIntervalMs: this.tuning.pollIntervalMs,
        followSymlinks: spec.followSymlinks, onEvents: (events) => this.onEvents(events), onError: (error) => this.onWatcherError(error),
      });
      this.watcher = watcher;
      this.watcherCondition = { backend: watcher.backend, status: 'ok' };
      if (watcher.fallbackReason) this.log.warn({ reason: watcher.fallbackReason }, 'native watcher unavailable; using chokidar (more memory on large trees)');
      this.log.info({ backend: watcher.backend, poll: this.tuning.poll }, 'watching');
    } catch (error) {
      this.onWatcherError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private onEvents(events: WatchEvent[]): void {
    const now = Date.now();
    for (const event of events) {
      // New ignore rules can include or exclude any file: only a full pass applies them.
      if (isIgnoreFileEvent(event)) this.reconcileRequested = true;
      else this.dirty.mark(event.relativePath, event.kind, now, event.kind === 'change' ? this.probe(event.relativePath) : undefined);
    }
    this.wakeUp?.();
  }

  private onWatcherError(error: Error): void {
    const code = errnoCode(error);
    const hint = code === 'ENOSPC'
      ? 'the inotify watch limit is reached: raise it with `sudo sysctl fs.inotify.max_user_watches=524288` (persist it in /etc/sysctl.d/99-lumensync.conf), or watch with --poll'
      : 'changes are still found by the periodic full reconcile; restart the daemon to watch again';
    if (this.watcherCondition.status !== 'degraded') {
      this.log.warn({ err: error.message, code, hint, reconcileEveryMs: Math.min(this.tuning.reconcileIntervalMs, DEGRADED_RECONCILE_MS) }, 'watcher failed; relying on periodic reconcile');
    }
    this.watcherCondition = { backend: this.watcherCondition.backend, status: 'degraded', message: `${error.message} — ${hint}` };
    this.nextReconcileAt = Math.min(this.nextReconcileAt, Date.now() + DEGRADED_RECONCILE_MS);
    this.wakeUp?.();
  }

  private reconcileInterval(): number {
    return this.watcherCondition.status === 'degraded' ? Math.min(this.tuning.reconcileIntervalMs, DEGRADED_RECONCILE_MS) : this.tuning.reconcileIntervalMs;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const now = Date.now();
      if (now < this.backoffUntil) {
        this.state = 'backoff';
        await this.sleepUntil(this.backoffUntil);
        continue;
      }
      const overflowDue = this.dirty.overflowDueAt();
      if (this.reconcileRequested || now >= this.nextReconcileAt || (overflowDue !== undefined && now >= overflowDue)) {
        await this.reconcile();
        continue;
      }
      const batch = this.dirty.take(now, (relativePath) => this.probe(relativePath));
      if (batch.relativePaths.length > 0) {
        await this.syncPaths(batch.relativePaths);
        continue;
      }
      this.state = 'watching';
      const due = this.dirty.nextDueAt(now);
      await this.sleepUntil(Math.min(due ?? Infinity, this.nextReconcileAt, overflowDue ?? Infinity));
    }
  }

  /** Wait until `time` or until an event, a watcher error or stop wakes the loop. */
  private async sleepUntil(time: number): Promise<void> {
    const delay = Math.max(0, Math.min(time - Date.now(), 2 ** 31 - 1));
    const controller = new AbortController();
    await Promise.race([
      sleep(delay, undefined, { signal: controller.signal }).catch(() => undefined),
      new Promise<void>((resolve) => { this.wakeUp = resolve; }),
    ]);
    controller.abort();
    this.wakeUp = undefined;
  }

  private probe(relativePath: string): Fingerprint {
    try {
      const stats = lstatSync(path.join(this.opened.session.spec.root, relativePath));
      return { size: stats.size, mtimeMs: stats.mtimeMs };
    } catch {
      return undefined;
    }
  }

  /** One full pass with the remote listing; it also clears any overflow of the dirty set. */
  private async reconcile(): Promise<void> {
    this.state = 'reconciling';
    this.reconcileRequested = false;
    this.dirty.takeOverflow();
    const ok = await this.pass(undefined);
    this.lastReconcileAt = Date.now();
    this.lastReconcileOk = ok;
    this.nextReconcileAt = this.lastReconcileAt + this.reconcileInterval();
  }

  private async syncPaths(relativePaths: string[]): Promise<void> {
    this.state = 'syncing';
    await this.pass(relativePaths);
  }

  /** Run one pass; false when it failed in a way worth retrying (then a backoff and a full reconcile are scheduled). */
  private async pass(scope: string[] | undefined): Promise<boolean> {
    const { session } = this.opened;
    session.stats.resetFailures();
    let retryLater = false;
    try {
      const result = await runPass(session, scope ? { scope } : {});
      const guardLines = (guards: typeof result.plan.guards): string[] => guards.map((guard) => `${guard.message} (fix: ${guard.hint})`);
      // Only a full pass sees the workspaces, so the un-embeds it held stay reported until the next one.
      if (!scope) this.heldUnembedGuards = guardLines(result.plan.guards.filter((guard) => guard.guard === 'workspace-removed'));
      this.lastGuards = [...guardLines(result.plan.guards), ...(scope ? this.heldUnembedGuards : [])];
      for (const guard of result.plan.guards) this.log.warn({ guard: guard.guard, hint: guard.hint }, guard.message);
      retryLater = result.relistNeeded || session.stats.failures.some((failure) => failure.retryable);
    } catch (error) {
      if (this.stopping) return false;
      const message = error instanceof Error ? error.message : String(error);
      session.stats.fail({ operation: 'list', message, retryable: true });
      this.log.warn({ err: message, scoped: scope !== undefined }, 'pass failed');
      retryLater = true;
    }
    if (this.stopping) return false;
    this.failuresTotal += session.stats.failures.length;
    this.recordFailures(scope, session.stats.failures);
    if (!retryLater) {
      this.failureStreak = 0;
      return true;
    }
    // The next full reconcile finds whatever this pass left undone; wait first, capped, so a dead remote is not hammered.
    this.failureStreak += 1;
    const delay = Math.min(this.tuning.maxBackoffMs, this.tuning.minBackoffMs * 2 ** (this.failureStreak - 1));
    this.backoffUntil = Date.now() + delay;
    this.reconcileRequested = true;
    this.log.warn({ failures: session.stats.failures.length, delayMs: delay, streak: this.failureStreak }, 'pass left retryable work; full reconcile after backoff');
    return false;
  }

  private recordFailures(scope: string[] | undefined, failures: readonly FailureRecord[]): void {
    if (scope === undefined) this.failedItems.clear();
    else for (const relativePath of scope) this.failedItems.delete(relativePath);
    for (const failure of failures) {
      if (this.failedItems.size >= MAX_FAILED_ITEMS) break;
      this.failedItems.set(failure.relativePath ?? failure.docpath ?? `${failure.operation}:${failure.message}`, failure);
    }
  }
}
