/**
 * The watch process: one MirrorDaemon per mirror, the status files, the optional health
 * server, and the drain. Start: open each mirror (lock, journal replay), watch and reconcile in
 * full, then report ready. Stop: stop taking work, let requests in flight finish up to the
 * drain deadline, then abandon them (the journal's open intents let the next start settle
 * them), write the final status and close the journals.
 */
import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Settings } from '../config/settings.js';
import { openSession, type OpenSession } from '../cli/session.js';
import { PacerPool } from '../executor/pacer.js';
import { MirrorDaemon, type WatchTuning } from './mirror-daemon.js';
import { RootWatch, rootWatchSettings } from './root-watch.js';
import { DaemonMetrics, startHealthServer, type HealthServer } from './health.js';
import { StatusWriter } from './status-file.js';
import type { MirrorSnapshot } from './snapshot.js';
import { PassHistory } from './history.js';
import { Throughput } from './throughput.js';
import { Notifier, type NotifyOptions } from './notifier.js';
import { cockpitStatus, cockpitWhy, type CockpitMirror } from './cockpit.js';

/** Everything the process needs besides the settings. */
export interface DaemonOptions {
  settings: Settings;
  tuning: WatchTuning;
  log: Logger;
  /** Serve /healthz and /metrics on 127.0.0.1 at this port (0 = any free port). */
  healthPort?: number | undefined;
  /** How long a stop waits for requests in flight (default 10 s). */
  drainTimeoutMs: number;
  /** How often each mirror's status.json is rewritten (default 2 s). */
  statusIntervalMs: number;
  /** Passes kept in each mirror's history.json (default 200). */
  historySize?: number;
  /** Alerts (--notify-exec, --notify-url). */
  notify?: NotifyOptions;
}

/** After the drain deadline, how long the aborted passes get to unwind before the journals close anyway. */
const ABORT_GRACE_MS = 2_000;

/** A running watch process. */
export class WatchDaemon {
  private stopped: Promise<void> | undefined;

  private constructor(
    readonly mirrors: MirrorDaemon[],
    private readonly options: DaemonOptions,
    private readonly aborts: AbortController[],
    private readonly statusWriter: StatusWriter,
    readonly health: HealthServer | undefined,
    readonly cockpit: CockpitMirror[],
    private readonly notifier: Notifier,
  ) {}

  /** Open every mirror (lock, journal replay) and the health server; throws (after closing what it opened) when one cannot be opened. */
  static async open(options: DaemonOptions): Promise<WatchDaemon> {
    const { settings, log } = options;
    // One per mirror, aborted by its drain once its requests in flight have answered (or at the deadline).
    const aborts: AbortController[] = [];
    const opened: OpenSession[] = [];
    // One pacer per host for every mirror: they share the server's limit and its Retry-After pauses.
    const pacers = new PacerPool(settings.pacing);
    // Each root's watcher starts first: its subscription crawls the tree on another thread while
    // the journals load below (root-watch.ts). Events wait for their mirror; none is lost.
    const rootWatches = settings.mirrors.map((mirror) => RootWatch.start(rootWatchSettings(mirror.spec, options.tuning)));
    const closeRootWatches = async (): Promise<void> => {
      await Promise.all(rootWatches.map((rootWatch) => rootWatch.close().catch(() => undefined)));
    };
    try {
      for (const mirror of settings.mirrors) {
        const abort = new AbortController();
        aborts.push(abort);
        opened.push(await openSession({
          connection: settings.connection, spec: mirror.spec, stateDir: mirror.stateDir, pacing: settings.pacing, pacers,
          log: log.child({ mirror: mirror.name }), signal: abort.signal,
        }));
      }
    } catch (error) {
      for (const session of opened) await session.close().catch(() => undefined);
      await closeRootWatches();
      throw error;
    }
    let metrics: DaemonMetrics | undefined;
    const mirrors = opened.map((session, index) => new MirrorDaemon(settings.mirrors[index]!.name, session, options.tuning, aborts[index]!, (name, outcome) => metrics?.observe(name, outcome), rootWatches[index]));
    const snapshots = (): MirrorSnapshot[] => mirrors.map((mirror) => mirror.snapshot());
    const notifier = new Notifier(options.notify ?? { unavailableAfterMs: Infinity }, log);
    const cockpit: CockpitMirror[] = mirrors.map((mirror) => {
      const history = new PassHistory(mirror.opened.stateDir, options.historySize ?? 200, (error) => log.warn({ mirror: mirror.name, err: error instanceof Error ? error.message : String(error) }, 'could not write history.json'));
      mirror.onPass = (report) => {
        void history.record(report);
        const failed = [...mirror.failedItems].map(([key, failure]) => ({ key, message: failure.message, hint: failure.hint }));
        notifier.passEnded(mirror.name, { error: report.error, failed },
          mirror.hold.held && { ...mirror.hold.held, guards: mirror.hold.guards, approveCommand: mirror.hold.held.approvable ? mirror.hold.approveCommand : undefined });
      };
      return { daemon: mirror, history, throughput: new Throughput() };
    });
    const statusWriter = new StatusWriter(
      () => mirrors.map((mirror, index) => ({
        stateDir: mirror.opened.stateDir,
        snapshot: () => {
          // Every tick: sample throughput, look for an approval, check how long the remote has been down.
          const snapshot = mirror.snapshot();
          cockpit[index]!.throughput.sample(snapshot.updatedAt, snapshot.counters.uploaded + snapshot.counters.replaced + snapshot.counters.deleted, snapshot.counters.bytesUploaded);
          mirror.pollApproval();
          notifier.remoteChecked(mirror.name, snapshot.remoteReachable, snapshot.lastError, snapshot.updatedAt);
          return snapshot;
        },
      })),
      options.statusIntervalMs,
      (error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not write status.json'),
    );
    let health: HealthServer | undefined;
    try {
      if (options.healthPort !== undefined) {
        metrics = new DaemonMetrics(snapshots);
        health = await startHealthServer(options.healthPort, snapshots, metrics, {
          status: () => cockpitStatus(cockpit),
          why: (mirror, target) => cockpitWhy(cockpit, mirror, target),
        });
        log.info({ port: health.port }, 'health server listening on 127.0.0.1');
      }
    } catch (error) {
      for (const session of opened) await session.close().catch(() => undefined);
      await closeRootWatches();
      throw error;
    }
    return new WatchDaemon(mirrors, options, aborts, statusWriter, health, cockpit, notifier);
  }

  /** Start watching and run each mirror's first full reconcile; resolves when all have run (the moment to report ready). */
  async start(): Promise<void> {
    this.statusWriter.start();
    await Promise.all(this.mirrors.map((mirror) => mirror.start()));
    await this.statusWriter.writeAll(false);
  }

  /** Snapshots of every mirror. */
  snapshots(): MirrorSnapshot[] {
    return this.mirrors.map((mirror) => mirror.snapshot());
  }

  /** Drain and close; idempotent. Resolves once the journals are closed. */
  stop(): Promise<void> {
    this.stopped ??= this.drain();
    return this.stopped;
  }

  private async drain(): Promise<void> {
    const { log, drainTimeoutMs } = this.options;
    const stopping = Promise.all(this.mirrors.map((mirror) => mirror.stop()));
    const deadline = new AbortController();
    const finishedInTime = await Promise.race([
      stopping.then(() => true),
      sleep(drainTimeoutMs, false, { signal: deadline.signal }).catch(() => false),
    ]);
    deadline.abort();
    if (!finishedInTime) {
      log.warn({ drainTimeoutMs }, 'drain deadline passed; abandoning requests in flight (the next start settles them from the journal)');
      for (const abort of this.aborts) abort.abort(new Error('drain deadline passed'));
      const grace = new AbortController();
      await Promise.race([stopping, sleep(ABORT_GRACE_MS, undefined, { signal: grace.signal }).catch(() => undefined)]);
      grace.abort();
    }
    await this.statusWriter.stop(true);
    await this.health?.close();
    await Promise.all([...this.cockpit.map((mirror) => mirror.history.flush()), this.notifier.flush()]);
    for (const mirror of this.mirrors) {
      try {
        await mirror.opened.close();
      } catch (error) {
        log.error({ mirror: mirror.name, err: error instanceof Error ? error.message : String(error) }, 'could not close the journal cleanly');
      }
    }
  }
}
