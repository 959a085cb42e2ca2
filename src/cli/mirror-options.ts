/** The flags shared by `sync` and `watch`, and their conversion into a MirrorSpec. */
import path from 'node:path';
import type { Argv } from 'yargs';
import { LumenSyncError } from '../errors.js';
import { parseMaxDelete } from '../core/guards.js';
import { MIRROR_DEFAULTS, type MirrorSpec } from '../sync/mirror.js';
import { RATE_DEFAULTS } from '../executor/rate-controller.js';

/** The parsed mirror and connection flags; undefined means "not given" (so env and file can fill it). */
export interface MirrorArgs {
  dir?: string;
  config?: string;
  mirror?: string[];
  org?: string;
  folder?: string;
  workspace?: string[];
  'remove-workspace'?: string[];
  host?: string;
  account?: string;
  'api-key-file'?: string;
  'ca-file'?: string;
  'state-dir'?: string;
  ignore?: string[];
  'follow-symlinks'?: boolean;
  'keep-unknown'?: boolean;
  'max-delete'?: string;
  'allow-empty-root'?: boolean;
  'delete-batch'?: number;
  'embed-batch'?: number;
  'upload-buffer-kib'?: number;
  'verify-interval'?: number;
  'scan-threads'?: number;
  concurrency?: number;
  rate?: number | 'auto';
  'rate-start'?: number;
  'rate-max'?: number;
  'rate-probe-interval'?: number;
  'rate-backoff'?: number;
  'rate-share'?: boolean;
  'rate-share-dir'?: string;
  retries?: number;
  'max-backoff'?: number;
  'request-timeout'?: number;
  'upload-timeout'?: number;
  'upload-idle-timeout'?: number;
  'log-level'?: string;
  'log-file'?: string;
  json?: boolean;
}

/** Log levels pino accepts (the --log-level choices). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const CONFIG_OPTION = { type: 'string', describe: 'config file (JSON, see config/lumensync.example.json) [env LUMENSYNC_CONFIG]' } as const;
const MIRROR_OPTION = { type: 'string', array: true, describe: 'with --config: run only this mirror (by name); repeatable' } as const;

/**
 * `--config` and `--mirror`: how every command that reads mirrors (sync, watch, doctor, status, …)
 * picks them, the same way everywhere.
 */
export function mirrorSelectionOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs.option('config', CONFIG_OPTION).option('mirror', MIRROR_OPTION);
}

/** The connection and config-file flags (shared by sync, watch, doctor, init). No yargs defaults: resolution fills them. */
export function connectionOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option('config', CONFIG_OPTION)
    .option('host', { type: 'string', describe: 'LumenOne base URL [env LUMENONE_HOST; file connection.host]' })
    .option('account', { type: 'string', describe: 'account UUID [env LUMENONE_ACCOUNT_ID; file connection.account]' })
    .option('ca-file', { type: 'string', describe: 'extra CA certificate bundle (PEM) to trust for https [env LUMENONE_CA_FILE; file connection.caFile]; verification cannot be turned off' })
    .option('api-key-file', { type: 'string', describe: 'file holding the API key, mode 0600 [else env LUMENONE_API_KEY, env LUMENONE_API_KEY_FILE, file connection.apiKeyFile]' })
    .option('log-level', { type: 'string', choices: [...LOG_LEVELS], defaultDescription: 'warn', describe: 'pino log level (JSON on stderr, pretty on a terminal) [env LUMENSYNC_LOG_LEVEL; file log.level]' })
    .option('log-file', { type: 'string', describe: 'write JSON logs to this file instead of stderr [env LUMENSYNC_LOG_FILE; file log.file]' });
}

/**
 * Add the mirror and connection flags to a command. Defaults live in the resolution step
 * (flags > environment > file > defaults), so `defaultDescription` only shows them in --help.
 */
export function mirrorOptions<T>(yargs: Argv<T>): Argv<T> {
  return connectionOptions(yargs)
    .option('mirror', MIRROR_OPTION)
    .option('org', { type: 'string', describe: 'organization slug, original form (e.g. acme)' })
    .option('folder', { type: 'string', describe: 'remote folder to mirror into (one level; created when missing)' })
    .option('workspace', { type: 'string', array: true, describe: 'workspace slug (original form) to embed into; repeat for several' })
    .option('remove-workspace', { type: 'string', array: true, describe: 'take the documents out of a workspace the mirror no longer names (passes the workspace guard); repeatable' })
    .option('state-dir', { type: 'string', defaultDescription: '$XDG_STATE_HOME/lumensync/<mirror-id>', describe: 'journal directory, outside the mirrored folder' })
    .option('ignore', { type: 'string', array: true, describe: 'extra ignore pattern, gitignore syntax; repeatable' })
    .option('follow-symlinks', { type: 'boolean', defaultDescription: 'false', describe: 'follow symlinks that stay inside the folder' })
    .option('keep-unknown', { type: 'boolean', defaultDescription: 'false', describe: 'keep documents in the remote folder that lumensync did not upload' })
    .option('max-delete', { type: 'string', defaultDescription: '50%', describe: 'most documents one pass may delete: a count or a percentage of the mirror' })
    .option('allow-empty-root', { type: 'boolean', defaultDescription: 'false', describe: 'allow deletes when the folder is empty but the journal remembers documents' })
    .option('delete-batch', { type: 'number', defaultDescription: String(MIRROR_DEFAULTS.deleteBatchSize), describe: 'docpaths per remove-files request' })
    .option('embed-batch', { type: 'number', defaultDescription: String(MIRROR_DEFAULTS.embedBatchSize), describe: 'docpaths per update-embeddings request' })
    .option('upload-buffer-kib', { type: 'number', defaultDescription: String(MIRROR_DEFAULTS.uploadBufferKiB), describe: 'files up to this size (KiB) are read whole, checked against their hash and sent as one body; larger ones stream from disk (0 = stream all)' })
    .option('verify-interval', { type: 'number', defaultDescription: String(MIRROR_DEFAULTS.verifyIntervalMs / 1000), describe: 'seconds to trust the journal after the last remote listing (0 = list the remote on every pass)' })
    .option('scan-threads', { type: 'number', defaultDescription: 'spare cores, at most 2', describe: 'worker threads that walk and stat files beside the main thread in a big scan (0 = one thread does it all)' })
    .option('concurrency', { type: 'number', defaultDescription: String(MIRROR_DEFAULTS.concurrency), describe: 'requests in flight at once' })
    .option('rate', { type: 'string', coerce: parseRate, defaultDescription: String(MIRROR_DEFAULTS.ratePerSecond), describe: 'requests per second: auto (find the server\'s limit), a number to pin it, 0 = unlimited' })
    .option('rate-start', { type: 'number', defaultDescription: String(RATE_DEFAULTS.initialRate), describe: '--rate auto: requests/s to start from when no limit was learned yet' })
    .option('rate-max', { type: 'number', defaultDescription: String(RATE_DEFAULTS.maxRate), describe: '--rate auto: never pace faster than this many requests/s' })
    .option('rate-probe-interval', { type: 'number', defaultDescription: String(RATE_DEFAULTS.probeCycleMs / 1000), describe: '--rate auto: least seconds between two probes past a known limit (each costs a 429 and a Retry-After pause); doubles while the same limit is found again' })
    .option('rate-backoff', { type: 'number', defaultDescription: String(RATE_DEFAULTS.beta), describe: '--rate auto: share of the measured limit the rate drops to on a 429/503 (0.5 to 0.97)' })
    .option('rate-share', { type: 'boolean', defaultDescription: 'true', describe: '--rate auto: split the key\'s rate with other lumensync processes on this machine that use the same key and host (--no-rate-share: each finds its part alone)' })
    .option('rate-share-dir', { type: 'string', defaultDescription: '$XDG_RUNTIME_DIR/lumensync/rate-share, else <tmp>/lumensync-<uid>/rate-share', describe: '--rate auto: private directory where those processes publish what they send' })
    .option('retries', { type: 'number', defaultDescription: String(MIRROR_DEFAULTS.retries), describe: 'retries per request (network errors, 408, 429, 5xx)' })
    .option('max-backoff', { type: 'number', defaultDescription: String(MIRROR_DEFAULTS.maxBackoffMs / 1000), describe: 'backoff ceiling between retries, seconds' })
    .option('request-timeout', { type: 'number', defaultDescription: String(MIRROR_DEFAULTS.requestTimeoutS), describe: 'seconds to wait for an answer (and between its bytes) before a request is retried' })
    .option('upload-timeout', { type: 'number', defaultDescription: String(MIRROR_DEFAULTS.uploadTimeoutS), describe: 'seconds to wait for the answer once an upload is sent (the server embeds first)' })
    .option('upload-idle-timeout', { type: 'number', defaultDescription: String(MIRROR_DEFAULTS.uploadIdleTimeoutS), describe: 'an upload that sends no byte for this many seconds is abandoned and retried' })
    .option('json', { type: 'boolean', defaultDescription: 'false', describe: 'print the summary as JSON on stdout' });
}

/** `--rate auto` or a number (NaN for anything else, reported by mirrorSpecFrom). */
export function parseRate(value: unknown): number | 'auto' | undefined {
  if (value === undefined) return undefined;
  const text = String(Array.isArray(value) ? value[value.length - 1] : value).trim().toLowerCase();
  if (text === 'auto') return 'auto';
  return text === '' ? Number.NaN : Number(text);
}

/** The `--rate auto` tunables' problems (also checked for the config file's pacing section). */
export function rateAutoProblems(args: Pick<MirrorArgs, 'rate-start' | 'rate-max' | 'rate-probe-interval' | 'rate-backoff'>): string[] {
  const problems: string[] = [];
  for (const flag of ['rate-start', 'rate-max', 'rate-probe-interval'] as const) {
    const value = args[flag];
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) problems.push(`--${flag} must be a number > 0 (got ${value})`);
  }
  const backoff = args['rate-backoff'];
  if (backoff !== undefined && (!Number.isFinite(backoff) || backoff < 0.5 || backoff > 0.97)) problems.push(`--rate-backoff must be a share from 0.5 to 0.97 (got ${backoff})`);
  const start = args['rate-start'];
  const max = args['rate-max'];
  if (start !== undefined && max !== undefined && start > max) problems.push(`--rate-start ${start} is above --rate-max ${max}: lower the start or raise the maximum`);
  return problems;
}

const positiveInteger = (value: number | undefined, flag: string, problems: string[], min = 1): number | undefined => {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min) problems.push(`--${flag} must be a whole number ≥ ${min} (got ${value})`);
  return value;
};

/** The command these parsed arguments belong to (yargs puts it first in `_`); sync when unknown. */
export const commandOf = (args: object): string => {
  const first = (args as { _?: unknown[] })._?.[0];
  return typeof first === 'string' && /^[a-z]+$/.test(first) ? first : 'sync';
};

/** Validate the flags into a MirrorSpec, reporting every problem at once (exit 2). */
export function mirrorSpecFrom(args: MirrorArgs): MirrorSpec {
  const problems: string[] = [];
  // The messages name the command being run (doctor, watch, …), not always sync.
  const command = commandOf(args);
  if (!args.dir) problems.push(`the folder to mirror is missing: lumensync ${command} <dir> --org <slug> --folder <name>, or lumensync ${command} --config <file>`);
  if (!args.org) problems.push('--org is required (the original organization slug, e.g. acme)');
  if (!args.folder) problems.push('--folder is required (the remote folder name, e.g. handbook)');
  else if (args.folder.includes('/') || args.folder.includes('\\') || args.folder === '.' || args.folder === '..') {
    const suggestion = args.folder === '.' || args.folder === '..' ? 'e.g. "handbook"' : `e.g. ${JSON.stringify(args.folder.replace(/[\\/]+/g, '__'))}`;
    problems.push(`--folder ${JSON.stringify(args.folder)} must be one plain name: LumenOne folders are one level deep (use ${suggestion})`);
  }
  const maxDelete = parseMaxDelete(args['max-delete'] ?? '50%');
  if (!maxDelete) problems.push(`--max-delete ${JSON.stringify(args['max-delete'])} must be a count (e.g. 100) or a percentage up to 100% (e.g. 25%)`);
  positiveInteger(args['delete-batch'], 'delete-batch', problems);
  positiveInteger(args['embed-batch'], 'embed-batch', problems);
  positiveInteger(args['upload-buffer-kib'], 'upload-buffer-kib', problems, 0);
  positiveInteger(args.concurrency, 'concurrency', problems);
  positiveInteger(args.retries, 'retries', problems, 0);
  if (args['scan-threads'] !== undefined && (!Number.isInteger(args['scan-threads']) || args['scan-threads'] < 0 || args['scan-threads'] > 16)) problems.push(`--scan-threads must be a whole number from 0 to 16 (got ${args['scan-threads']})`);
  if (args['verify-interval'] !== undefined && (!Number.isFinite(args['verify-interval']) || args['verify-interval'] < 0)) problems.push(`--verify-interval must be ≥ 0 seconds (got ${args['verify-interval']})`);
  if (args.rate !== undefined && args.rate !== 'auto' && (!Number.isFinite(args.rate) || args.rate < 0)) problems.push(`--rate must be auto or a number ≥ 0 requests/s (got ${String(args.rate)})`);
  problems.push(...rateAutoProblems(args));
  for (const flag of ['request-timeout', 'upload-timeout', 'upload-idle-timeout'] as const) {
    const value = args[flag];
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) problems.push(`--${flag} must be a number of seconds > 0 (got ${value})`);
  }
  if (problems.length > 0) {
    throw new LumenSyncError('LUMENSYNC_USAGE', problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`, { hint: `see lumensync ${command} --help` });
  }
  return {
    root: path.resolve(args.dir!),
    orgSlug: args.org!,
    folder: args.folder!,
    workspaces: [...new Set(args.workspace ?? [])],
    // A workspace still named wins: its documents stay embedded whatever --remove-workspace says.
    removeWorkspaces: [...new Set(args['remove-workspace'] ?? [])].filter((slug) => !(args.workspace ?? []).includes(slug)),
    ignore: args.ignore ?? [],
    followSymlinks: args['follow-symlinks'] ?? false,
    keepUnknown: args['keep-unknown'] ?? false,
    maxDelete: maxDelete!,
    allowEmptyRoot: args['allow-empty-root'] ?? false,
    deleteBatchSize: args['delete-batch'] ?? MIRROR_DEFAULTS.deleteBatchSize,
    embedBatchSize: args['embed-batch'] ?? MIRROR_DEFAULTS.embedBatchSize,
    uploadBufferBytes: (args['upload-buffer-kib'] ?? MIRROR_DEFAULTS.uploadBufferKiB) * 1024,
    verifyIntervalMs: (args['verify-interval'] ?? MIRROR_DEFAULTS.verifyIntervalMs / 1000) * 1000,
    ...(args['scan-threads'] !== undefined ? { scanThreads: args['scan-threads'] } : {}),
  };
}
