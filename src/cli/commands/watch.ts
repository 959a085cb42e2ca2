/**
 * `lumensync watch [dir]`: the long-running daemon (usually under pm2). Keeps each mirror's
 * remote equal to its folder: full reconcile at start and on a timer, scoped passes for the
 * paths the watcher names. The first SIGINT/SIGTERM drains (exit 0); main.ts exits at once on
 * a second one (the journal is consistent at every instant).
 */
import type { Argv, CommandModule } from 'yargs';
import { LumenSyncError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { resolveSettings } from '../../config/settings.js';
import type { FileWatch } from '../../config/file.js';
import { WatchDaemon } from '../../watch/daemon.js';
import type { WatchTuning } from '../../watch/mirror-daemon.js';
import type { WatcherBackendName } from '../../local/watcher.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { mirrorOptions, type MirrorArgs } from '../mirror-options.js';
import { printLine } from '../output.js';
import { DESCRIPTIONS } from '../command-list.js';

/** `watch` flags on top of the mirror flags. */
export interface WatchArgs extends MirrorArgs {
  'settle-ms'?: number;
  'delete-grace-ms'?: number;
  'reconcile-interval'?: number;
  poll?: boolean;
  'poll-interval-ms'?: number;
  watcher?: string;
  'health-port'?: number;
  'drain-timeout-ms'?: number;
  'max-dirty'?: number;
  'status-interval-ms'?: number;
}

/** Documented defaults of the watch flags. */
export const WATCH_DEFAULTS = {
  settleMs: 1000,
  deleteGraceMs: 2000,
  reconcileIntervalS: 3600,
  pollIntervalMs: 2000,
  drainTimeoutMs: 10_000,
  maxDirty: 5000,
  statusIntervalMs: 2000,
  minBackoffMs: 1000,
} as const;

/** The config file's `watch` section under the flags: a flag given wins, the file fills the rest. */
export function watchArgsWithFile(args: WatchArgs, file: FileWatch): WatchArgs {
  const fromFile: WatchArgs = {
    'settle-ms': file.settleMs, 'delete-grace-ms': file.deleteGraceMs, 'reconcile-interval': file.reconcileIntervalSeconds,
    'max-dirty': file.maxDirty, watcher: file.watcher, poll: file.poll, 'poll-interval-ms': file.pollIntervalMs,
    'health-port': file.healthPort, 'drain-timeout-ms': file.drainTimeoutMs, 'status-interval-ms': file.statusIntervalMs,
  };
  const given = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
  return { ...Object.fromEntries(Object.entries(fromFile).filter(([, value]) => value !== undefined)), ...given };
}

/** Validate the watch flags, reporting every problem at once (exit 2). */
export function watchTuningFrom(args: WatchArgs, maxBackoffMs: number): WatchTuning & { drainTimeoutMs: number; statusIntervalMs: number; healthPort: number | undefined } {
  const problems: string[] = [];
  const whole = (flag: keyof WatchArgs, fallback: number, min: number): number => {
    const value = args[flag] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) problems.push(`--${flag} must be a whole number ≥ ${min} (got ${String(value)})`);
    return value as number;
  };
  const tuning = {
    settleMs: whole('settle-ms', WATCH_DEFAULTS.settleMs, 0),
    deleteGraceMs: whole('delete-grace-ms', WATCH_DEFAULTS.deleteGraceMs, 0),
    reconcileIntervalMs: whole('reconcile-interval', WATCH_DEFAULTS.reconcileIntervalS, 1) * 1000,
    maxDirty: whole('max-dirty', WATCH_DEFAULTS.maxDirty, 1),
    poll: args.poll ?? false,
    pollIntervalMs: whole('poll-interval-ms', WATCH_DEFAULTS.pollIntervalMs, 10),
    drainTimeoutMs: whole('drain-timeout-ms', WATCH_DEFAULTS.drainTimeoutMs, 0),
    statusIntervalMs: whole('status-interval-ms', WATCH_DEFAULTS.statusIntervalMs, 100),
    minBackoffMs: Math.min(WATCH_DEFAULTS.minBackoffMs, maxBackoffMs),
    maxBackoffMs,
    watcher: (args.watcher ?? 'auto') as WatcherBackendName,
    healthPort: args['health-port'] === undefined ? undefined : whole('health-port', 0, 0),
  };
  if (!['auto', 'parcel', 'chokidar'].includes(tuning.watcher)) problems.push(`--watcher must be auto, parcel or chokidar (got ${JSON.stringify(args.watcher)})`);
  if (tuning.healthPort !== undefined && tuning.healthPort > 65535) problems.push(`--health-port must be a TCP port (got ${tuning.healthPort})`);
  if (problems.length > 0) {
    throw new LumenSyncError('LUMENSYNC_USAGE', problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`, { hint: 'see lumensync watch --help' });
  }
  return tuning;
}

/** The default log level of `watch`: info when its logs are kept (no terminal, or a log file), warn on a terminal. */
export const daemonLogLevel = (args: Pick<WatchArgs, 'log-file'>, stderrIsTerminal: boolean): 'info' | 'warn' =>
  stderrIsTerminal && args['log-file'] === undefined && !process.env.LUMENSYNC_LOG_FILE ? 'warn' : 'info';

/** Run the daemon until `signal` aborts, then drain; returns the exit code (main.ts owns process.exit). */
export async function runWatch(args: WatchArgs, signal: AbortSignal): Promise<ExitCode> {
  // A daemon (pm2, systemd, a log file) logs each pass's summary by default; a terminal stays quiet.
  const settings = await resolveSettings(args, process.env, { logLevel: daemonLogLevel(args, process.stderr.isTTY === true) });
  const tuning = watchTuningFrom(watchArgsWithFile(args, settings.watch), settings.pacing.maxBackoffMs);
  const log = createLogger({ level: settings.log.level, ...(settings.log.file ? { file: settings.log.file } : {}) });
  const daemon = await WatchDaemon.open({
    settings, tuning, log, healthPort: tuning.healthPort, drainTimeoutMs: tuning.drainTimeoutMs, statusIntervalMs: tuning.statusIntervalMs,
  });
  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    await Promise.race([daemon.start(), stopped]);
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  if (!signal.aborted) {
    const backends = [...new Set(daemon.mirrors.map((mirror) => mirror.watcherCondition.backend))].join(', ');
    const health = daemon.health ? `; health on http://127.0.0.1:${daemon.health.port}/healthz` : '';
    printLine(`lumensync watch: ready, ${daemon.mirrors.length} mirror(s), watcher ${backends}${health}`);
    // pm2's wait_ready: the process counts as online once its first reconcile has run.
    process.send?.('ready');
  }
  await stopped;
  await daemon.stop();
  printLine('lumensync watch: stopped cleanly, journal saved');
  return EXIT.OK;
}

export const watchCommand: CommandModule<object, WatchArgs> = {
  command: 'watch [dir]',
  describe: DESCRIPTIONS.watch,
  builder: (yargs: Argv) => mirrorOptions(yargs)
    .positional('dir', { type: 'string', describe: 'local folder to mirror (omit with --config to watch every mirror of the file)' })
    .option('settle-ms', { type: 'number', defaultDescription: String(WATCH_DEFAULTS.settleMs), describe: 'quiet time (and stable size+mtime) before a changed file is synced' })
    .option('delete-grace-ms', { type: 'number', defaultDescription: String(WATCH_DEFAULTS.deleteGraceMs), describe: 'wait before a delete is synced, so atomic saves and moves cost no upload' })
    .option('reconcile-interval', { type: 'number', defaultDescription: String(WATCH_DEFAULTS.reconcileIntervalS), describe: 'seconds between full reconciles (catches events the watcher lost)' })
    .option('watcher', { type: 'string', choices: ['auto', 'parcel', 'chokidar'], defaultDescription: 'auto', describe: 'event backend: auto = @parcel/watcher, falling back to chokidar when it cannot load' })
    .option('poll', { type: 'boolean', defaultDescription: 'false', describe: 'poll instead of native events (network shares); uses chokidar' })
    .option('poll-interval-ms', { type: 'number', defaultDescription: String(WATCH_DEFAULTS.pollIntervalMs), describe: 'polling interval with --poll' })
    .option('max-dirty', { type: 'number', defaultDescription: String(WATCH_DEFAULTS.maxDirty), describe: 'changed paths held at most; past it one full reconcile replaces them' })
    .option('health-port', { type: 'number', describe: 'serve /healthz and /metrics on 127.0.0.1:<port> (0 = any free port)' })
    .option('drain-timeout-ms', { type: 'number', defaultDescription: String(WATCH_DEFAULTS.drainTimeoutMs), describe: 'on SIGINT/SIGTERM, wait this long for requests in flight' })
    .option('status-interval-ms', { type: 'number', defaultDescription: String(WATCH_DEFAULTS.statusIntervalMs), describe: 'how often status.json is rewritten in each state dir' })
    .example('$0 watch ./handbook --org acme --folder handbook --workspace support-bot', 'keep acme/handbook equal to ./handbook')
    .example('$0 watch --config lumensync.json --health-port 9464', 'watch every mirror of the file, with /healthz and /metrics')
    .example('pm2 start ecosystem.config.cjs', 'run it under pm2 (see README)') as unknown as Argv<WatchArgs>,
  handler: () => undefined,
};
