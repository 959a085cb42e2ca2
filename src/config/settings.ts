/**
 * Settings for a run, resolved per value from flags > environment > config file > defaults.
 *
 * - Connection: see src/cli/connection.ts (LUMENONE_HOST, LUMENONE_ACCOUNT_ID, LUMENONE_API_KEY,
 *   LUMENONE_API_KEY_FILE; file `connection`).
 * - Mirrors: with a positional <dir>, one mirror from the flags (the file mirror with the same
 *   root, if any, supplies what the flags leave out); without one, every mirror of the file in
 *   order (or those named by --mirror), each tunable flag overriding the file for all of them.
 * - Pacing: flags > file `pacing` > MIRROR_DEFAULTS. Log: flags > LUMENSYNC_LOG_LEVEL /
 *   LUMENSYNC_LOG_FILE > file `log` > warn on stderr.
 */
import path from 'node:path';
import type { LevelWithSilent } from 'pino';
import { resolveConnection, type Connection } from '../cli/connection.js';
import { LOG_LEVELS, commandOf, mirrorSpecFrom, rateAutoProblems, type MirrorArgs } from '../cli/mirror-options.js';
import { LumenSyncError } from '../errors.js';
import { defaultRateShareDir } from '../journal/rate-board.js';
import { MIRROR_DEFAULTS, type MirrorSpec } from '../sync/mirror.js';
import type { RateConfig } from '../executor/rate-controller.js';
import { configPathFrom, loadConfigFile, type ConfigFile, type FileMirror, type FileWatch } from './file.js';
import { didYouMean } from './suggest.js';

/** Request pacing for one host. */
export interface PacingSettings {
  concurrency: number;
  /** Requests per second: a number pins it, 0 = unlimited, 'auto' finds the server's limit. */
  ratePerSecond: number | 'auto';
  /** `--rate auto` tunables given by flag or file (the rest keep RATE_DEFAULTS). */
  rateConfig?: Partial<RateConfig>;
  retries: number;
  maxBackoffMs: number;
  /** Request timeouts (issue 15); see MIRROR_DEFAULTS. */
  requestTimeoutMs?: number;
  uploadTimeoutMs?: number;
  uploadIdleTimeoutMs?: number;
  /** `--rate auto`: the rate board's base directory (rate-board.ts); undefined with `--no-rate-share`. */
  rateShareDir?: string | undefined;
}

/** One mirror, fully resolved. */
export interface MirrorSettings {
  /** A short name for logs and `status` (config file key, or the folder name). */
  name: string;
  spec: MirrorSpec;
  /** Explicit state dir; undefined → the default under XDG_STATE_HOME. */
  stateDir: string | undefined;
}

/** Everything a sync/watch run needs. */
export interface Settings {
  connection: Connection;
  mirrors: MirrorSettings[];
  pacing: PacingSettings;
  log: { level: LevelWithSilent; file: string | undefined };
  /** The config file used, if any (absolute). */
  configFile?: string | undefined;
  /** The config file's `watch` section (empty without a file). */
  watch: FileWatch;
}

/** Flags that define which mirror this is; meaningless for "every mirror of the file". */
const DEFINING_FLAGS = ['org', 'folder', 'workspace'] as const;

/** A file mirror as the MirrorArgs it stands for. */
export function fileMirrorArgs(mirror: FileMirror): MirrorArgs {
  const args: MirrorArgs = { dir: mirror.root, org: mirror.org, folder: mirror.folder };
  if (mirror.workspaces !== undefined) args.workspace = mirror.workspaces;
  if (mirror.removeWorkspaces !== undefined) args['remove-workspace'] = mirror.removeWorkspaces;
  if (mirror.ignore !== undefined) args.ignore = mirror.ignore;
  if (mirror.followSymlinks !== undefined) args['follow-symlinks'] = mirror.followSymlinks;
  if (mirror.keepUnknown !== undefined) args['keep-unknown'] = mirror.keepUnknown;
  if (mirror.maxDelete !== undefined) args['max-delete'] = String(mirror.maxDelete);
  if (mirror.deleteBatch !== undefined) args['delete-batch'] = mirror.deleteBatch;
  if (mirror.embedBatch !== undefined) args['embed-batch'] = mirror.embedBatch;
  if (mirror.uploadBufferKiB !== undefined) args['upload-buffer-kib'] = mirror.uploadBufferKiB;
  if (mirror.verifyIntervalSeconds !== undefined) args['verify-interval'] = mirror.verifyIntervalSeconds;
  if (mirror.scanThreads !== undefined) args['scan-threads'] = mirror.scanThreads;
  return args;
}

/** `base` with every flag that was actually given laid over it (flags win). */
export function overlay(base: MirrorArgs, flags: MirrorArgs): MirrorArgs {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) merged[key] = value;
  return merged as MirrorArgs;
}

/** The mirrors to run, by the rules in the header comment. */
export function resolveMirrors(args: MirrorArgs, file: ConfigFile | undefined): MirrorSettings[] {
  if (args.dir !== undefined) {
    const root = path.resolve(args.dir);
    const base = file?.mirrors.find((mirror) => mirror.root === root);
    const spec = mirrorSpecFrom(overlay(base === undefined ? {} : fileMirrorArgs(base), args));
    return [{ name: base?.name ?? spec.folder, spec, stateDir: args['state-dir'] ?? base?.stateDir }];
  }
  if (file === undefined) return [{ name: '', spec: mirrorSpecFrom(args), stateDir: args['state-dir'] }];
  const defining = DEFINING_FLAGS.filter((flag) => args[flag] !== undefined);
  if (defining.length > 0 || args['state-dir'] !== undefined) {
    const given = [...defining, ...(args['state-dir'] === undefined ? [] : ['state-dir'])].map((flag) => `--${flag}`).join(', ');
    throw new LumenSyncError('LUMENSYNC_USAGE', `${given} define one mirror, but no <dir> was given, so every mirror of ${file.file} would get them`, {
      hint: 'give the folder too (lumensync sync <dir> --org … --folder …), or pick mirrors of the file with --mirror <name>',
    });
  }
  const names = file.mirrors.map((mirror) => mirror.name);
  const unknown = (args.mirror ?? []).filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    const hints = unknown.map((name) => `"${name}"${((guess) => (guess === undefined ? '' : ` (did you mean "${guess}"?)`))(didYouMean(name, names))}`);
    throw new LumenSyncError('LUMENSYNC_USAGE', `no mirror named ${hints.join(', ')} in ${file.file}`, { hint: `the file defines: ${names.join(', ')}` });
  }
  const selected = args.mirror === undefined ? file.mirrors : file.mirrors.filter((mirror) => args.mirror!.includes(mirror.name));
  const { dir: _dir, ...tunables } = args;
  return selected.map((mirror) => ({ name: mirror.name, spec: mirrorSpecFrom(overlay(fileMirrorArgs(mirror), tunables)), stateDir: mirror.stateDir }));
}

/** The `--rate auto` tunables: flags > file; those given by neither are left to RATE_DEFAULTS. */
function rateConfigFrom(args: MirrorArgs, pacing: ConfigFile['pacing']): Partial<RateConfig> {
  const start = args['rate-start'] ?? pacing.rateStart;
  const max = args['rate-max'] ?? pacing.rateMax;
  const probeSeconds = args['rate-probe-interval'] ?? pacing.rateProbeIntervalSeconds;
  const backoff = args['rate-backoff'] ?? pacing.rateBackoff;
  const problems = rateAutoProblems({ 'rate-start': start, 'rate-max': max, 'rate-probe-interval': probeSeconds, 'rate-backoff': backoff });
  if (problems.length > 0) throw new LumenSyncError('LUMENSYNC_USAGE', problems.join('; '), { hint: 'fix the flags or the config file\'s pacing section (rateStart, rateMax, rateProbeIntervalSeconds, rateBackoff)' });
  return {
    ...(start === undefined ? {} : { initialRate: start }),
    ...(max === undefined ? {} : { maxRate: max }),
    ...(probeSeconds === undefined ? {} : { probeCycleMs: probeSeconds * 1000 }),
    ...(backoff === undefined ? {} : { beta: backoff }),
  };
}

/** Pacing: flags > file > defaults. Values were validated by mirrorSpecFrom / the schema. */
export function resolvePacing(args: MirrorArgs, file: ConfigFile | undefined, env: NodeJS.ProcessEnv = process.env): PacingSettings {
  const pacing = file?.pacing ?? {};
  const shareDir = args['rate-share-dir']?.trim() || pacing.rateShareDir || defaultRateShareDir(env);
  return {
    concurrency: args.concurrency ?? pacing.concurrency ?? MIRROR_DEFAULTS.concurrency,
    ratePerSecond: args.rate ?? pacing.rate ?? MIRROR_DEFAULTS.ratePerSecond,
    rateConfig: rateConfigFrom(args, pacing),
    retries: args.retries ?? pacing.retries ?? MIRROR_DEFAULTS.retries,
    maxBackoffMs: (args['max-backoff'] ?? pacing.maxBackoffSeconds ?? MIRROR_DEFAULTS.maxBackoffMs / 1000) * 1000,
    requestTimeoutMs: (args['request-timeout'] ?? pacing.requestTimeoutSeconds ?? MIRROR_DEFAULTS.requestTimeoutS) * 1000,
    uploadTimeoutMs: (args['upload-timeout'] ?? pacing.uploadTimeoutSeconds ?? MIRROR_DEFAULTS.uploadTimeoutS) * 1000,
    uploadIdleTimeoutMs: (args['upload-idle-timeout'] ?? pacing.uploadIdleTimeoutSeconds ?? MIRROR_DEFAULTS.uploadIdleTimeoutS) * 1000,
    rateShareDir: (args['rate-share'] ?? pacing.rateShare ?? true) ? shareDir : undefined,
  };
}

/** Log settings: flags > environment > file > warn on stderr. */
export function resolveLog(args: MirrorArgs, env: NodeJS.ProcessEnv, file: ConfigFile | undefined, fallback: LevelWithSilent = 'warn'): Settings['log'] {
  const level = args['log-level'] ?? (env.LUMENSYNC_LOG_LEVEL?.trim() || undefined) ?? file?.log.level ?? fallback;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `log level ${JSON.stringify(level)} is not one of ${LOG_LEVELS.join(', ')}`, { hint: 'fix LUMENSYNC_LOG_LEVEL' });
  }
  return { level: level as LevelWithSilent, file: args['log-file'] ?? (env.LUMENSYNC_LOG_FILE?.trim() || undefined) ?? file?.log.file };
}

/** Load the config file named by --config / LUMENSYNC_CONFIG, if any. */
export async function loadChosenConfig(args: Pick<MirrorArgs, 'config'>, env: NodeJS.ProcessEnv = process.env): Promise<ConfigFile | undefined> {
  const configPath = configPathFrom(args.config, env);
  return configPath === undefined ? undefined : loadConfigFile(configPath);
}

/** Resolve everything a sync/watch run needs; throws LumenSyncError (exit 2) listing every problem. */
export async function resolveSettings(args: MirrorArgs, env: NodeJS.ProcessEnv = process.env, defaults: { logLevel?: LevelWithSilent } = {}): Promise<Settings> {
  const file = await loadChosenConfig(args, env);
  const mirrors = resolveMirrors(args, file);
  const connection = await resolveConnection({ host: args.host, account: args.account, apiKeyFile: args['api-key-file'], caFile: args['ca-file'], command: commandOf(args) }, env, file?.connection);
  return { connection, mirrors, pacing: resolvePacing(args, file, env), log: resolveLog(args, env, file, defaults.logLevel), configFile: file?.file, watch: file?.watch ?? {} };
}
