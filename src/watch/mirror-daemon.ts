/**
 * One mirror kept in step for as long as the process runs: a full reconcile at start, then
 * scoped passes over settled dirty paths, a full reconcile on a timer (the watcher is a hint
 * that loses events), capped backoff while the remote is unavailable, and a drain on stop.
 * All remote work goes through the same engine as `sync` (scan → plan → execute → journal).
 */
import type { Logger } from 'pino';
import type { OpenSession } from '../cli/session.js';
import { holdYoungGeneration } from '../cli/young-generation.js';
import { LumenSyncError } from '../errors.js';
import { runPass } from '../sync/engine.js';
import { MIRROR_DEFAULTS } from '../sync/mirror.js';
import { nextVerificationAt } from '../sync/verification.js';
import { isIgnoreFileEvent, type Watcher, type WatchEvent } from '../local/watcher.js';
import { fingerprintOf, RootWatch, rootIdentity, rootWatchSettings, sameRoot, watcherFailureHint, type RootIdentity } from './root-watch.js';
import { recordFailedItems, type FailedItem } from './failed-items.js';
import type { MirrorState, WatcherCondition, WatchTuning } from './mirror-types.js';
import { DirtySet, type Fingerprint } from './dirty-set.js';
import { pathsWithSiblings } from './sibling-check.js';
import { WakeAlarm } from './wake-alarm.js';
import { DrainGate } from './drain-gate.js';
import { monitorRemote, recordOutcome, type RemoteCallOutcome, type RemoteHealth } from './remote-monitor.js';
import { mirrorSnapshot, type MirrorSnapshot } from './snapshot.js';
import { GuardHold } from './guard-hold.js';
import { approveCommand } from './approval.js';
import type { PassReport } from './history.js';
import { passLogFields, passReport, uploadedPaths } from './pass-report.js';
import { backoffMs, DEGRADED_RECONCILE_MS, nextReconcileAt, reconcileIntervalMs } from './reconcile-schedule.js';

export type { MirrorState, WatcherCondition, WatchTuning } from './mirror-types.js';

/** What a request refused during a drain fails with (not retryable: the next start redoes the work). */
const DRAINING = new LumenSyncError('LUMENSYNC_ABORTED', 'not sent: the daemon is stopping', { hint: 'the next start of lumensync watch finishes this work' });

/** One mirror's watch loop. Create, `start()`, later `stop()`. */
export class MirrorDaemon {
  state: MirrorState = 'starting';
  readonly remoteHealth: RemoteHealth = { reachable: true, lastError: undefined, lastErrorAt: undefined };
  watcherCondition: WatcherCondition = { backend: 'none', status: 'ok' };
  lastReconcileAt: number | undefined;
  lastReconcileOk = false;
  /** Whether the latest full pass listed the remote (a verification) or trusted the journal. */
  lastPassListed = false;
  nextReconcileAt = 0;
  backoffUntil = 0;
  /** What the guards hold back, and the approvals (status, /healthz, the page). */
  readonly hold: GuardHold;
  /** Called after every pass (history, alerts). */
  onPass: ((report: PassReport) => void) | undefined;
  /** Failures over the process's life (stats keep only the latest pass's). */
  failuresTotal = 0;
  /** Files the sibling check found changed without an event (sibling-check.ts): what the watcher lost. */
  lostEventsFound = 0;
  readonly failedItems = new Map<string, FailedItem>();
  readonly dirty: DirtySet;
  readonly startedAt = Date.now();
  private readonly log: Logger;
  private watcher: Watcher | undefined;
  private failureStreak = 0;
  private reconcileRequested = true;
  private stopping = false;
  /** The loop's wait; an event, a watcher error or stop cuts it short. */
  private readonly alarm = new WakeAlarm();
  private loop: Promise<void> | undefined;
  private startup: Promise<void> | undefined;
  private inFlight = 0;
  private readonly gate = new DrainGate();
  private onIdle: (() => void) | undefined;
  /** Device and inode of the root the watcher is attached to; undefined while the root is missing. */
  private watchedRoot: RootIdentity | undefined;

  constructor(
    readonly name: string,
    readonly opened: OpenSession,
    private readonly tuning: WatchTuning,
    /** Aborts this mirror's session (queued requests reject at once); its signal must be the one the session was opened with. */
    private readonly sessionAbort: AbortController,
    private readonly onRemoteCall: (mirror: string, outcome: RemoteCallOutcome) => void = () => undefined,
    /** The watcher `watch` started before opening the session (rootWatchSettings); attached at start. */
    private pendingWatch?: RootWatch,
  ) {
    this.log = opened.session.log;
    this.hold = new GuardHold(opened.stateDir, approveCommand(name, opened.stateDir, opened.mirrorId), this.log, opened.session.spec.root);
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

  /** Every status tick: an approval naming exactly the held set asks for a full reconcile, which applies it. */
  pollApproval(): void {
    if (!this.hold.poll() || this.stopping) return;
    this.reconcileRequested = true;
    this.alarm.wake();
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
    this.alarm.wake();
    await this.watcher?.close().catch(() => undefined);
    await this.pendingWatch?.close().catch(() => undefined);
    if (this.inFlight > 0) await new Promise<void>((resolve) => { this.onIdle = resolve; });
    this.sessionAbort.abort(DRAINING);
    await this.startup?.catch(() => undefined);
    await this.loop;
    this.state = 'stopped';
  }

  private async startWatching(): Promise<void> {
    const rootWatch = this.pendingWatch ?? RootWatch.start(rootWatchSettings(this.opened.session.spec, this.tuning));
    this.pendingWatch = undefined;
    this.watchedRoot = rootWatch.identity;
    try {
      const watcher = await rootWatch.attach({ onEvents: (events) => this.onEvents(events), onError: (error) => this.onWatcherError(error) });
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
    this.alarm.wake();
  }

  private onWatcherError(error: Error): void {
    const { code, hint } = watcherFailureHint(error);
    if (this.watcherCondition.status !== 'degraded') {
      this.log.warn({ err: error.message, code, hint, reconcileEveryMs: reconcileIntervalMs(this.tuning.reconcileIntervalMs, true) }, 'watcher failed; relying on periodic reconcile');
    }
    this.watcherCondition = { backend: this.watcherCondition.backend, status: 'degraded', message: `${error.message} — ${hint}` };
    this.nextReconcileAt = Math.min(this.nextReconcileAt, Date.now() + DEGRADED_RECONCILE_MS);
    this.alarm.wake();
  }

  /**
   * The root is compared with the directory the watcher was attached to (device + inode): a folder
   * swapped for another (`mv docs docs.old && mkdir docs`), deleted or recreated is noticed here.
   * The watcher is re-attached to what the path now names, stale dirty paths are dropped (their
   * events came from the old directory) and a full reconcile follows, under the root guards.
   */
  private async checkRoot(): Promise<void> {
    const now = rootIdentity(this.opened.session.spec.root);
    if (sameRoot(now, this.watchedRoot)) return;
    this.log.warn({ root: this.opened.session.spec.root, was: this.watchedRoot, now: now ?? 'missing' },
      now === undefined ? 'the mirror root is gone; nothing is deleted while it is missing' : 'the mirror root is no longer the directory being watched; re-attaching the watcher and reconciling');
    const previous = this.watcher;
    this.watcher = undefined;
    await previous?.close().catch(() => undefined);
    // Clears every pending path too: they were seen in the old directory.
    this.dirty.takeOverflow();
    this.watchedRoot = now;
    if (now !== undefined && !this.stopping) await this.startWatching();
    this.reconcileRequested = true;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      await this.checkRoot();
      if (this.stopping) break;
      const now = Date.now();
      if (now < this.backoffUntil) {
        this.state = 'backoff';
        await this.alarm.sleepUntil(this.backoffUntil);
        continue;
      }
      const overflowDue = this.dirty.overflowDueAt();
      if (this.reconcileRequested || now >= this.nextReconcileAt || (overflowDue !== undefined && now >= overflowDue)) {
        await this.reconcile();
        continue;
      }
      const batch = this.dirty.take(now, (relativePath) => this.probe(relativePath));
      if (batch.relativePaths.length > 0) {
        this.state = 'syncing';
        const lostEvents = (count: number): void => {
          this.lostEventsFound += count;
          this.nextReconcileAt = Math.min(this.nextReconcileAt, now + DEGRADED_RECONCILE_MS);
        };
        await this.pass(await pathsWithSiblings(batch, now, this.dirty, { spec: this.opened.session.spec, journal: this.opened.journal, settleMs: this.tuning.settleMs, lostEvents }, this.log));
        continue;
      }
      this.state = 'watching';
      const due = this.dirty.nextDueAt(now);
      await this.alarm.sleepUntil(Math.min(due ?? Infinity, this.nextReconcileAt, overflowDue ?? Infinity, now + this.tuning.rootCheckMs));
    }
  }

  private probe(relativePath: string): Fingerprint {
    return fingerprintOf(this.opened.session.spec.root, relativePath);
  }

  /** One full pass with the remote listing; it also clears any overflow of the dirty set. */
  private async reconcile(): Promise<void> {
    this.state = 'reconciling';
    this.reconcileRequested = false;
    this.dirty.takeOverflow();
    const ok = await this.pass(undefined);
    this.lastReconcileAt = Date.now();
    this.lastReconcileOk = ok;
    // Journal-first: the full pass lists the remote only when a verification is due, so wake for that too.
    const { session } = this.opened;
    const verifyDue = nextVerificationAt(this.opened.journal.meta(), session.spec.verifyIntervalMs ?? MIRROR_DEFAULTS.verifyIntervalMs);
    this.nextReconcileAt = nextReconcileAt(this.lastReconcileAt, reconcileIntervalMs(this.tuning.reconcileIntervalMs, this.watcherCondition.status === 'degraded'), verifyDue);
  }

  /** Run one pass; false when it failed in a way worth retrying (then a backoff and a full reconcile are scheduled). */
  private async pass(scope: string[] | undefined): Promise<boolean> {
    const { session } = this.opened;
    session.stats.resetFailures();
    // V8 may have shrunk an idle daemon's young generation: let it grow back to its size.
    holdYoungGeneration();
    let retryLater = false;
    const startedAt = Date.now();
    const before = session.stats.snapshot();
    let passError: string | undefined;
    let released = 0, listed = false;
    let uploaded: string[] = [];
    try {
      const result = await runPass(session, { ...(scope ? { scope } : {}), release: (held) => this.hold.release(held) });
      released = result.released?.count ?? 0;
      listed = result.verification.listed;
      if (scope === undefined) this.lastPassListed = listed;
      this.hold.note(result.plan, scope !== undefined);
      uploaded = uploadedPaths(result.plan, session.stats.failures);
      // What each pass did, for pm2's log (info: the daemon's default level when not on a terminal).
      this.log.info(passLogFields(result.plan, scope, session.stats.failures.length), 'pass finished');
      retryLater = result.relistNeeded || session.stats.failures.some((failure) => failure.retryable);
    } catch (error) {
      if (this.stopping) return false;
      const message = error instanceof Error ? error.message : String(error);
      session.stats.fail({ operation: 'list', message, retryable: true });
      this.log.warn({ err: message, scoped: scope !== undefined }, 'pass failed');
      retryLater = true;
      passError = message;
    }
    if (this.stopping) return false;
    this.failuresTotal += session.stats.failures.length;
    recordFailedItems(this.failedItems, scope, session.stats.failures);
    this.onPass?.(passReport({
      startedAt, full: scope === undefined, listed, failures: session.stats.failures.length, error: passError, held: this.hold.count, released, uploadedPaths: uploaded,
    }, before, session.stats.snapshot()));
    if (!retryLater) {
      this.failureStreak = 0;
      return true;
    }
    // The next full reconcile finds whatever this pass left undone; wait first, capped, so a dead remote is not hammered.
    this.failureStreak += 1;
    const delay = backoffMs(this.tuning, this.failureStreak);
    this.backoffUntil = Date.now() + delay;
    this.reconcileRequested = true;
    this.log.warn({ failures: session.stats.failures.length, delayMs: delay, streak: this.failureStreak }, 'pass left retryable work; full reconcile after backoff');
    return false;
  }
}
