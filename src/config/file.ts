/**
 * Reading a config file: find it (`--config` or LUMENSYNC_CONFIG), refuse a readable-by-others
 * file that holds a key, parse it, validate everything at once, and resolve its relative paths
 * against the file's own folder.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LumenSyncError } from '../errors.js';
import { formatProblem, validateConfig, type ConfigProblem } from './validate.js';

/** One mirror as written in the file (paths already absolute). */
export interface FileMirror {
  root: string;
  org: string;
  folder: string;
  workspaces?: string[];
  removeWorkspaces?: string[];
  ignore?: string[];
  followSymlinks?: boolean;
  keepUnknown?: boolean;
  maxDelete?: string | number;
  deleteBatch?: number;
  embedBatch?: number;
  uploadBufferKiB?: number;
  verifyIntervalSeconds?: number;
  scanThreads?: number;
  stateDir?: string;
}

/** A validated config file (paths already absolute). */
/** The `watch` section of a config file. */
export interface FileWatch {
  settleMs?: number;
  deleteGraceMs?: number;
  reconcileIntervalSeconds?: number;
  maxDirty?: number;
  watcher?: string;
  poll?: boolean;
  pollIntervalMs?: number;
  healthPort?: number;
  drainTimeoutMs?: number;
  statusIntervalMs?: number;
  rootCheckMs?: number;
  historySize?: number;
  notifyExec?: string;
  notifyUrl?: string;
  notifyUnavailableAfterSeconds?: number;
}

export interface ConfigFile {
  /** Absolute path of the file it came from. */
  file: string;
  connection: { host?: string; account?: string; apiKeyFile?: string; apiKey?: string; caFile?: string };
  pacing: {
    concurrency?: number; rate?: number | 'auto'; retries?: number; maxBackoffSeconds?: number;
    requestTimeoutSeconds?: number; uploadTimeoutSeconds?: number; uploadIdleTimeoutSeconds?: number;
    rateStart?: number; rateMax?: number; rateProbeIntervalSeconds?: number; rateBackoff?: number; rateShare?: boolean; rateShareDir?: string;
  };
  log: { level?: string; file?: string };
  /** Tuning of `lumensync watch` (flags win over it). */
  watch: FileWatch;
  /** Mirrors by name, in file order. */
  mirrors: Array<{ name: string } & FileMirror>;
}

/** The config file to use: the flag wins over LUMENSYNC_CONFIG; undefined when neither is set. */
export function configPathFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = flag ?? (env.LUMENSYNC_CONFIG?.trim() || undefined);
  return chosen === undefined ? undefined : path.resolve(chosen);
}

/** `{ line, column }` (1-based) of a character offset in `text`. */
const positionOf = (text: string, offset: number): { line: number; column: number } => {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
};

/** Parse JSON, turning a syntax error into a message with line and column. */
export function parseConfigText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const offset = /position (\d+)/.exec(message)?.[1];
    const where = offset === undefined ? '' : (({ line, column }) => ` at line ${line}, column ${column}`)(positionOf(text, Number(offset)));
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `config file ${file} is not valid JSON${where}: ${message}`, {
      hint: 'fix the JSON syntax (no comments or trailing commas); see config/lumensync.example.json',
    });
  }
}

/** The error listing every problem of one config file (exit 2). */
export function configProblemsError(file: string, problems: readonly ConfigProblem[]): LumenSyncError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `config file ${file} has ${count}:\n  - ${problems.map(formatProblem).join('\n  - ')}`, {
    hint: 'fix every listed key (the schema is config/lumensync.schema.json; every key is documented in config/lumensync.example.json)',
  });
}

const absolute = (base: string, value: string | undefined): string | undefined => (value === undefined ? undefined : path.resolve(base, value));

/** Shape a validated object into a ConfigFile with absolute paths. */
export function toConfigFile(raw: unknown, file: string): ConfigFile {
  const value = raw as {
    connection?: ConfigFile['connection'];
    pacing?: ConfigFile['pacing'];
    log?: ConfigFile['log'];
    watch?: FileWatch & { $comment?: unknown };
    mirrors: Record<string, FileMirror>;
  };
  const base = path.dirname(file);
  const connection = { ...value.connection };
  if (connection.apiKeyFile !== undefined) connection.apiKeyFile = absolute(base, connection.apiKeyFile)!;
  if (connection.caFile !== undefined) connection.caFile = absolute(base, connection.caFile)!;
  const log = { ...value.log };
  if (log.file !== undefined) log.file = absolute(base, log.file)!;
  return {
    file,
    connection,
    pacing: { ...value.pacing, ...(value.pacing?.rateShareDir === undefined ? {} : { rateShareDir: absolute(base, value.pacing.rateShareDir)! }) },
    log,
    watch: Object.fromEntries(Object.entries(value.watch ?? {}).filter(([key]) => key !== '$comment')) as FileWatch,
    // `$comment` is prose for people, not a mirror.
    mirrors: Object.entries(value.mirrors).filter(([name]) => name !== '$comment').map(([name, mirror]) => ({
      name,
      ...mirror,
      root: absolute(base, mirror.root)!,
      ...(mirror.stateDir === undefined ? {} : { stateDir: absolute(base, mirror.stateDir)! }),
    })),
  };
}

/** Load and validate a config file; throws one LumenSyncError listing every problem. */
export async function loadConfigFile(file: string): Promise<ConfigFile> {
  let text: string;
  let mode: number;
  try {
    text = await readFile(file, 'utf8');
    mode = (await stat(file)).mode;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `cannot read config file ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, {
      hint: code === 'ENOENT' ? 'check --config / LUMENSYNC_CONFIG, or create one with `lumensync init`' : 'check the file permissions',
      cause: error,
    });
  }
  const raw = parseConfigText(text, file);
  const holdsKey = typeof raw === 'object' && raw !== null && typeof (raw as { connection?: { apiKey?: unknown } }).connection?.apiKey === 'string';
  // The key is a company-wide secret: a file holding it must be private, whatever else is wrong.
  if (holdsKey && process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `config file ${file} holds an API key and is readable by other users (mode ${(mode & 0o777).toString(8)})`, {
      hint: `run: chmod 600 ${file}   (or move the key to a 0600 key file / LUMENONE_API_KEY)`,
    });
  }
  const problems = validateConfig(raw);
  if (problems.length > 0) throw configProblemsError(file, problems);
  return toConfigFile(raw, file);
}
