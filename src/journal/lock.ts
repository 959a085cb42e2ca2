/**
 * The single-writer lock of a state dir: a file `lock` created with O_EXCL holding the
 * owner's pid, hostname and start time. A lock whose pid is dead on this host is stale and
 * taken over; the takeover itself is serialised by a short-lived `lock.takeover` guard so two
 * processes that both judge a lock stale cannot both end up holding it.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LumenSyncError } from '../errors.js';
import { stateIoError } from './state-errors.js';

/** A held lock. `release()` is idempotent. */
export interface LockHandle {
  /** Give the lock up (removes the lock file if it is still ours). */
  release(): Promise<void>;
  /** Absolute path of the lock file. */
  readonly path: string;
}

/** What a lock file holds. `token` tells two locks of the same pid apart. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO time the owning process started. */
  startedAt: string;
  token?: string;
}

/** Name of the lock file inside the state dir. */
export const LOCK_FILE_NAME = 'lock';
/** A lock file still empty or half-written after this long was left by a crash during creation. */
const UNREADABLE_LOCK_GRACE_MS = 5_000;
/** A takeover guard older than this was left by a process that died mid-takeover. */
const TAKEOVER_GUARD_STALE_MS = 10_000;
/** Bound on retries when other processes keep changing the lock under us. */
const MAX_ATTEMPTS = 5;

/** Pause between attempts when another process is changing the lock. */
const RETRY_DELAY_MS = 20;

/** Start time of this process, as other processes will see it in the lock file. */
const PROCESS_STARTED_AT = new Date(Date.now() - process.uptime() * 1000).toISOString();

/** Take the single-writer lock; throws LUMENSYNC_STATE_LOCKED when a live process holds it, takes over a stale one. */
export async function acquireLock(stateDir: string): Promise<LockHandle> {
  const lockPath = path.join(path.resolve(stateDir), LOCK_FILE_NAME);
  const owner: LockOwner = { pid: process.pid, hostname: os.hostname(), startedAt: PROCESS_STARTED_AT, token: randomUUID() };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (tryCreate(lockPath, owner)) return makeHandle(lockPath, owner);
    const observed = readLockFile(lockPath);
    if (observed === 'missing') continue; // released between our create and our read: try again
    const verdict = judge(observed, lockPath);
    if (verdict !== 'stale') throw lockedError(stateDir, lockPath, verdict);
    if (takeOver(lockPath, observed, owner)) return makeHandle(lockPath, owner);
    // Someone else is mid-takeover or replaced the lock: let them finish, then look again.
    await delay(RETRY_DELAY_MS * (attempt + 1));
  }
  throw new LumenSyncError('LUMENSYNC_STATE_LOCKED', `state directory ${stateDir} is locked: the lock kept changing while taking it`, {
    hint: 'another lumensync is starting for this mirror at the same time; run only one per mirror',
  });
}

/** Read the lock file's owner, `'missing'` when there is none, `'unreadable'` when it is empty or garbled. */
export function readLockFile(lockPath: string): LockOwner | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw stateIoError(`cannot read lock file ${lockPath}`, error);
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return 'unreadable';
    if (typeof parsed.hostname !== 'string' || typeof parsed.startedAt !== 'string') return 'unreadable';
    return { pid: parsed.pid, hostname: parsed.hostname, startedAt: parsed.startedAt, ...(typeof parsed.token === 'string' ? { token: parsed.token } : {}) };
  } catch {
    return 'unreadable';
  }
}

/** True when a process with `pid` exists (EPERM means it exists but belongs to someone else). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

type Verdict = 'stale' | LockOwner | 'being-created';

/** Decide whether an existing lock still counts. Another host's lock always counts: we cannot see its pids. */
function judge(observed: LockOwner | 'unreadable', lockPath: string): Verdict {
  if (observed === 'unreadable') {
    // O_EXCL creation and the write of the content are two steps; give a creator time to finish.
    const ageMs = fileAgeMs(lockPath);
    return ageMs !== undefined && ageMs < UNREADABLE_LOCK_GRACE_MS ? 'being-created' : 'stale';
  }
  if (observed.hostname !== os.hostname()) return observed;
  return isPidAlive(observed.pid) ? observed : 'stale';
}

/** Replace a stale lock under the takeover guard; false when the lock changed meanwhile (caller loops). */
function takeOver(lockPath: string, stale: LockOwner | 'unreadable', owner: LockOwner): boolean {
  const guardPath = `${lockPath}.takeover`;
  if (!tryCreate(guardPath, owner)) {
    const ageMs = fileAgeMs(guardPath);
    if (ageMs !== undefined && ageMs < TAKEOVER_GUARD_STALE_MS) return false;
    removeIfPresent(guardPath);
    if (!tryCreate(guardPath, owner)) return false;
  }
  try {
    // Only a guard holder unlinks a lock it did not create, so re-checking here is race-free.
    const current = readLockFile(lockPath);
    if (current !== 'missing' && !sameOwner(current, stale)) return false;
    removeIfPresent(lockPath);
    return tryCreate(lockPath, owner);
  } finally {
    removeIfPresent(guardPath);
  }
}

function sameOwner(a: LockOwner | 'unreadable', b: LockOwner | 'unreadable'): boolean {
  if (a === 'unreadable' || b === 'unreadable') return a === b;
  return a.pid === b.pid && a.hostname === b.hostname && a.startedAt === b.startedAt && a.token === b.token;
}

/** Create `filePath` with O_EXCL (mode 0600) holding `owner`; false when it already exists. */
function tryCreate(filePath: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(filePath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw stateIoError(`cannot create lock file ${filePath}`, error);
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } catch (error) {
    closeSync(fd);
    removeIfPresent(filePath);
    throw stateIoError(`cannot write lock file ${filePath}`, error);
  }
  closeSync(fd);
  return true;
}

function makeHandle(lockPath: string, owner: LockOwner): LockHandle {
  let released = false;
  const releaseNow = (): void => {
    if (released) return;
    released = true;
    process.removeListener('exit', releaseNow);
    // Never remove a lock that is no longer ours (e.g. taken over after we were presumed dead).
    const current = readLockFileQuietly(lockPath);
    if (current !== 'missing' && current !== 'unreadable' && current.pid === owner.pid && current.token === owner.token) removeIfPresent(lockPath);
  };
  // Best effort for a normal exit; a crash leaves a stale lock that the next run takes over.
  process.on('exit', releaseNow);
  return {
    path: lockPath,
    release: async () => releaseNow(),
  };
}

function readLockFileQuietly(lockPath: string): LockOwner | 'missing' | 'unreadable' {
  try {
    return readLockFile(lockPath);
  } catch {
    return 'unreadable';
  }
}

function fileAgeMs(filePath: string): number | undefined {
  try {
    return Date.now() - statSync(filePath).mtimeMs;
  } catch {
    return undefined;
  }
}

function removeIfPresent(filePath: string): void {
  try {
    unlinkSync(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw stateIoError(`cannot remove ${filePath}`, error);
  }
}

function lockedError(stateDir: string, lockPath: string, holder: LockOwner | 'being-created'): LumenSyncError {
  if (holder === 'being-created') {
    return new LumenSyncError('LUMENSYNC_STATE_LOCKED', `state directory ${stateDir} is being locked by another process`, {
      hint: 'another lumensync is starting for this mirror; run only one per mirror',
    });
  }
  const where = holder.hostname === os.hostname() ? '' : ` on host ${holder.hostname}`;
  const self = holder.pid === process.pid && where === '' ? ' (this process)' : '';
  return new LumenSyncError('LUMENSYNC_STATE_LOCKED', `state directory ${stateDir} is locked by pid ${holder.pid}${self}${where} (started ${holder.startedAt})`, {
    hint: `another lumensync is running for this mirror: stop it first (e.g. pm2 stop) or wait for it to finish; if no such process exists, delete ${lockPath}`,
  });
}
