/**
 * The rate board: where lumensync processes on one machine that send with the same API key to
 * the same host tell each other what they send (`--rate auto`, rate-share.ts). One directory per
 * host and key — named by a hash, the key itself is never written — with one small JSON record per
 * process, rewritten every half second (0.1 s while things move) while the process sends, removed when it stops sending
 * or exits (the last one out removes the directory; opening a board also clears the abandoned
 * ones of other hosts and keys). A record not rewritten for `FRESH_MS` is ignored (a process that was killed); one
 * left for `GONE_MS` is deleted by whoever reads it.
 *
 * Default place: `$XDG_RUNTIME_DIR/lumensync/rate-share`, else `<tmpdir>/lumensync-<uid>/rate-share`
 * (`--rate-share-dir`). Directories are created private (0700) and refused when they are a
 * symbolic link, another user's, or writable by others: a record steers how fast we send.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, rmdirSync, rmSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LumenSyncError } from '../errors.js';

/** A record older than this (ms, by its writer's wall clock) is not counted: its process stopped or hangs. */
export const FRESH_MS = 3000;
/** A record older than this is deleted by any reader (its process died without removing it). */
export const GONE_MS = 60_000;

/** One process's record. Rates in req/s; times in ms since the epoch. */
export interface RateRecord {
  format: 'lumensync-rate-share';
  hostname: string;
  pid: number;
  at: number;
  sentRate: number;
  acceptedRate: number;
  hungry: boolean;
  /** The whole key's rate as this process's controller sees it, and the part it sends. */
  keyRatePerSec: number;
  ratePerSec: number;
  limitPerSec: number | null;
  decreasedAt: number | null;
  /** The controller's climb: the first after slow start, and how often the same limit was found. */
  firstClimb: boolean;
  confirmed: number;
}

/** What a process publishes (the board adds who and when). */
export type OwnRateRecord = Omit<RateRecord, 'format' | 'hostname' | 'pid' | 'at'>;

/** The default base directory of every rate board of this user. */
export function defaultRateShareDir(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime !== undefined && path.isAbsolute(runtime)) return path.join(runtime, 'lumensync', 'rate-share');
  return path.join(os.tmpdir(), `lumensync-${process.getuid?.() ?? 'user'}`, 'rate-share');
}

/** The board's directory name for a host and key: 16 hex digits of sha256, so the key is not recoverable from it. */
export function rateShareKey(host: string, apiKey: string): string {
  return createHash('sha256').update(`lumensync-rate-share\n${host.toLowerCase()}\n${apiKey}`).digest('hex').slice(0, 16);
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function parseRecord(text: string): RateRecord | undefined {
  try {
    const record = JSON.parse(text) as Partial<RateRecord>;
    const valid = record.format === 'lumensync-rate-share' && finite(record.at) && finite(record.sentRate) && finite(record.acceptedRate)
      && typeof record.hungry === 'boolean' && finite(record.keyRatePerSec) && finite(record.ratePerSec)
      && (record.limitPerSec === null || finite(record.limitPerSec)) && (record.decreasedAt === null || finite(record.decreasedAt))
      && typeof record.firstClimb === 'boolean' && finite(record.confirmed);
    return valid ? record as RateRecord : undefined;
  } catch {
    return undefined;
  }
}

/** Refuse a directory another user could steer: a symlink, not ours, or writable by group or others. */
async function assertPrivateDirectory(directory: string): Promise<void> {
  const stats = await lstat(directory);
  const uid = process.getuid?.();
  const problem = stats.isSymbolicLink() ? 'is a symbolic link' : !stats.isDirectory() ? 'is not a directory'
    : uid !== undefined && stats.uid !== uid ? 'belongs to another user'
      // Windows has no POSIX modes (a directory there says 0o666 whatever its ACL): only the checks above apply.
      : process.platform !== 'win32' && (stats.mode & 0o022) !== 0 ? 'is writable by other users' : undefined;
  if (problem !== undefined) throw boardError(directory, problem);
}

/** Every directory above `directory` up to the first one root owns must be ours (another user could move ours away). */
async function assertOwnedAncestors(directory: string): Promise<void> {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  for (let current = path.dirname(directory); ; current = path.dirname(current)) {
    const owner = (await stat(current)).uid;
    if (owner === 0) return;
    if (owner !== uid) throw boardError(current, 'belongs to another user');
    if (path.dirname(current) === current) return;
  }
}

const boardError = (directory: string, problem: string): LumenSyncError => new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `the rate board directory ${directory} ${problem}`, {
  hint: 'point --rate-share-dir at a private directory of yours, or turn sharing off with --no-rate-share',
});

/** Boards swept per open, at most (a base full of them is cleaned over several runs). */
const SWEEP_LIMIT = 32;
const BOARD_NAME = /^[0-9a-f]{16}$/;

/**
 * Other host-and-key directories under `base` hold records only processes of that host and key
 * read (and delete when old); after a key rotation or a host change nobody does. Delete what is
 * older than GONE_MS there, and the directory once empty.
 */
async function sweepAbandoned(base: string, own: string, now = Date.now()): Promise<void> {
  const names = (await readdir(base).catch(() => [] as string[])).filter((name) => BOARD_NAME.test(name) && path.join(base, name) !== own);
  for (const name of names.slice(0, SWEEP_LIMIT)) {
    const directory = path.join(base, name);
    for (const file of await readdir(directory).catch(() => [] as string[])) {
      const stats = await lstat(path.join(directory, file)).catch(() => undefined);
      if (stats !== undefined && stats.isFile() && now - stats.mtimeMs > GONE_MS) await rm(path.join(directory, file), { force: true }).catch(() => undefined);
    }
    await rmdir(directory).catch(() => undefined);
  }
}

export class RateBoard {
  private readonly file: string;
  /** Written into every record (read once: a record is rewritten up to ten times a second). */
  private readonly hostname = os.hostname();
  private writes = 0;
  private readonly onExit = (): void => this.leaveSync();

  private constructor(readonly directory: string) {
    this.file = path.join(directory, `${this.hostname.replace(/[^A-Za-z0-9.-]+/g, '-')}-${process.pid}-${randomBytes(3).toString('hex')}.json`);
    process.once('exit', this.onExit);
  }

  /** The board of `host` and `apiKey` under `baseDir`, created private when missing. */
  static async open(baseDir: string, host: string, apiKey: string): Promise<RateBoard> {
    const directory = path.join(path.resolve(baseDir), rateShareKey(host, apiKey));
    await mkdir(directory, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      throw boardError(directory, `cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)}: a file is in the way?)`);
    });
    await assertPrivateDirectory(path.dirname(directory));
    await assertPrivateDirectory(directory);
    await assertOwnedAncestors(path.dirname(directory));
    await sweepAbandoned(path.dirname(directory), directory);
    return new RateBoard(directory);
  }

  /** Publish this process's record and read the fresh records of the others. */
  async exchange(own: OwnRateRecord, now = Date.now()): Promise<RateRecord[]> {
    const record: RateRecord = { format: 'lumensync-rate-share', hostname: this.hostname, pid: process.pid, at: now, ...own };
    this.writes += 1;
    const temporary = `${this.file}.${this.writes}.tmp`;
    const text = `${JSON.stringify(record)}\n`;
    // The last process to leave removes the directory: create it again (a sibling leaving at that moment may remove it once more).
    for (let attempt = 1; ; attempt += 1) {
      try {
        await writeFile(temporary, text, { mode: 0o600 });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
        await mkdir(this.directory, { recursive: true, mode: 0o700 });
      }
    }
    await rename(temporary, this.file);
    const others: RateRecord[] = [];
    for (const name of await readdir(this.directory)) {
      const file = path.join(this.directory, name);
      if (!name.endsWith('.json') || file === this.file) continue;
      const text = await readFile(file, 'utf8').catch(() => undefined);
      const parsed = text === undefined ? undefined : parseRecord(text);
      if (parsed !== undefined && Math.abs(now - parsed.at) <= FRESH_MS) others.push(parsed);
      else if (parsed === undefined || now - parsed.at > GONE_MS) await this.removeIfOld(file, now);
    }
    return others;
  }

  /** Delete a record (or an unreadable file) nobody has written for GONE_MS. */
  private async removeIfOld(file: string, now: number): Promise<void> {
    const stats = await lstat(file).catch(() => undefined);
    if (stats !== undefined && now - stats.mtimeMs > GONE_MS) await rm(file, { force: true }).catch(() => undefined);
  }

  /** Remove this process's record (it stopped sending); it comes back with the next exchange. */
  async leave(): Promise<void> {
    await rm(this.file, { force: true });
    await rmdir(this.directory).catch(() => undefined);
  }

  /** Remove the record at once (process exit); the board stays usable. */
  leaveSync(): void {
    try {
      if (lstatSync(this.file, { throwIfNoEntry: false }) !== undefined) rmSync(this.file, { force: true });
      // The last one out removes the host and key's directory (fails, as it should, while others are in it).
      rmdirSync(this.directory);
    } catch {
      // Best effort: a record left behind is ignored after FRESH_MS and deleted after GONE_MS.
    }
  }

  /** Stop: remove the record and the exit hook. */
  close(): void {
    process.removeListener('exit', this.onExit);
    this.leaveSync();
  }
}
