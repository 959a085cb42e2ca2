/**
 * The journal: what lumensync knows about a mirror between runs. State = snapshot file +
 * append-only log (see records.ts). Every mutation is appended with one synchronous write
 * before it changes memory, so a process killed at any instant leaves a prefix of the
 * mutations it acknowledged, and the next open sees every outcome and every still-open intent.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Intent, JournalEntry, JournalMeta } from '../core/types.js';
import { LumenSyncError } from '../errors.js';
import { acquireLock, type LockHandle } from './lock.js';
import { encodeRecord, isJournalEntry, parseLog, type IntentOutcome, type JournalRecord, type MetaPatchRecord } from './records.js';
import { LogFile, readLogFile } from './log-file.js';
import { LEGACY_SNAPSHOT_FILE_NAME, SNAPSHOT_FILE_NAME, readSnapshot } from './snapshot.js';
import { Compaction } from './compaction.js';
import type { EntryLookup } from './entry-store.js';
import { JournalState } from './state.js';
import { corruptHint, stateIoError } from './state-errors.js';

export type { IntentOutcome } from './records.js';

export { LEGACY_SNAPSHOT_FILE_NAME, SNAPSHOT_FILE_NAME } from './snapshot.js';
export type { EntryLookup } from './entry-store.js';
/** Name of the append-only log inside the state dir. */
export const LOG_FILE_NAME = 'journal.log';

/** How to open a journal. */
export interface JournalOptions {
  /** Directory holding snapshot, log and lock; created (mode 0700) when missing. */
  stateDir: string;
  /** Records appended before an automatic compaction (default 10_000). */
  compactEvery?: number;
  /** Take the single-writer lock (default true); `lumensync status` reads with `readOnly` instead. */
  lock?: boolean;
  /** No writes, no lock, no repair of a torn tail: for readers beside a running writer. */
  readOnly?: boolean;
}

/** What loading found. */
export interface JournalRecovery {
  /** A cut-short or garbled last log line was dropped (the previous run died mid-append). */
  tornTail: boolean;
  /** Log records applied on top of the snapshot. */
  recordsRead: number;
  /** Intents begun but never ended: remote mutations whose outcome the engine must re-check. */
  openIntents: Intent[];
}

const DEFAULT_COMPACT_EVERY = 10_000;
const DIR_MODE = 0o700;

/** Durable sync state of one mirror. Mutators are synchronous; open/compact/close are async. */
export class Journal {
  /** What loading found (torn tail, records replayed, intents left open). */
  readonly recovery: JournalRecovery;
  private readonly state: JournalState;
  private lock: LockHandle | undefined;
  /** The writable log; undefined for a read-only journal. */
  private readonly log: LogFile | undefined;
  /** Snapshot writes; undefined for a read-only journal. */
  private readonly compaction: Compaction | undefined;
  private closed = false;

  private constructor(init: { state: JournalState; recovery: JournalRecovery; lock: LockHandle | undefined; log: LogFile | undefined; compaction: Compaction | undefined }) {
    this.state = init.state;
    this.recovery = init.recovery;
    this.lock = init.lock;
    this.log = init.log;
    this.compaction = init.compaction;
  }

  /** Create the state dir if needed (0700), take the lock, load snapshot + log, drop a torn last record. */
  static async open(options: JournalOptions): Promise<Journal> {
    const stateDir = path.resolve(options.stateDir);
    const readOnly = options.readOnly ?? false;
    const compactEvery = options.compactEvery ?? DEFAULT_COMPACT_EVERY;
    if (!Number.isSafeInteger(compactEvery) || compactEvery < 1) {
      throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `compactEvery must be a positive integer, got ${compactEvery}`, { hint: 'leave it unset for the default (10000)' });
    }
    if (!readOnly) {
      try {
        mkdirSync(stateDir, { recursive: true, mode: DIR_MODE });
      } catch (error) {
        throw stateIoError(`cannot create state directory ${stateDir}`, error);
      }
    }
    const lock = !readOnly && (options.lock ?? true) ? await acquireLock(stateDir) : undefined;
    try {
      const journal = await Journal.load(stateDir, compactEvery, readOnly, lock);
      // A JSON (1.x) snapshot is rewritten in the compact format by the first writer that opens it.
      if (journal.compaction?.migrating === true) {
        try {
          await journal.compact();
        } catch (error) {
          journal.log?.close();
          throw error;
        }
      }
      return journal;
    } catch (error) {
      await lock?.release();
      throw error;
    }
  }

  private static async load(stateDir: string, compactEvery: number, readOnly: boolean, lock: LockHandle | undefined): Promise<Journal> {
    const snapshotPath = path.join(stateDir, SNAPSHOT_FILE_NAME);
    const logPath = path.join(stateDir, LOG_FILE_NAME);
    // Log before snapshot: a reader racing a compaction then sees an older log with a newer
    // snapshot (records skipped by seq), never a newer, truncated log with an older snapshot.
    const logContent = await readLogFile(logPath);
    const snapshot = await readSnapshot(stateDir);
    const parsed = parseLog(logContent, logPath);
    const state = snapshot === undefined ? JournalState.empty() : JournalState.fromSnapshot(snapshot.state);
    let recordsRead = 0;
    for (const record of parsed.records) {
      if (record.seq <= state.seq) continue; // already folded into the snapshot (crash before log truncation)
      if (record.seq !== state.seq + 1) {
        throw new LumenSyncError('LUMENSYNC_STATE_CORRUPT', `journal log ${logPath} continues at seq ${record.seq} but the snapshot ends at seq ${state.seq}: records are missing`, {
          hint: corruptHint(stateDir),
        });
      }
      state.apply(record);
      recordsRead += 1;
    }
    const recovery: JournalRecovery = { tornTail: parsed.tornTail, recordsRead, openIntents: state.openIntents() };
    const snapshotBytes = snapshot?.bytes ?? 0;
    const legacySnapshot = snapshot?.legacy ?? false;
    if (readOnly) return new Journal({ state, recovery, lock, log: undefined, compaction: undefined });
    const log = LogFile.open(logPath, parsed.goodBytes, parsed.records.length);
    rmSync(`${snapshotPath}.tmp`, { force: true });
    rmSync(`${path.join(stateDir, LEGACY_SNAPSHOT_FILE_NAME)}.tmp`, { force: true });
    rmSync(`${logPath}.tmp`, { force: true });
    return new Journal({ state, recovery, lock, log, compaction: new Compaction(state, log, stateDir, compactEvery, snapshotBytes, legacySnapshot) });
  }

  /** The entry for `relativePath`, if the journal knows it (a fresh object: changing it changes nothing). */
  get(relativePath: string): JournalEntry | undefined {
    return this.state.entries.get(relativePath);
  }

  /** The journal's copy of `relativePath` when its entry has this size and mtime; see EntryStore.unchangedPath. */
  unchangedPath(relativePath: string, size: number, mtimeMs: number): string | undefined {
    return this.state.entries.unchangedPath(relativePath, size, mtimeMs);
  }

  /** Build the entries' path strings now if the store still defers them (EntryStore.materialize). */
  materializePaths(): void {
    this.state.entries.materialize();
  }

  /** Relative paths of the entries holding one of these contents (EntryStore.pathsHolding). */
  pathsHolding(sha256s: ReadonlySet<string>): string[] {
    return this.state.entries.pathsHolding(sha256s);
  }

  /** All entries, in insertion order. */
  entries(): IterableIterator<JournalEntry> {
    return this.state.entries.values();
  }

  /** The entries by relative path (read-only view of the live store: do not keep it across mutations). */
  entriesByPath(): EntryLookup {
    return this.state.entries;
  }

  /** Number of entries. */
  get size(): number {
    return this.state.entries.size;
  }

  /** The entry whose remote document is `docpath`. */
  byDocpath(docpath: string): JournalEntry | undefined {
    const relativePath = this.state.entries.pathOfDocpath(docpath);
    return relativePath === undefined ? undefined : this.state.entries.get(relativePath);
  }

  /** A copy of the mirror meta. */
  meta(): JournalMeta {
    return this.state.metaCopy();
  }

  /** Merge `patch` into the meta; a field set to `undefined` is removed. */
  setMeta(patch: Partial<JournalMeta>): void {
    const record: MetaPatchRecord = {};
    for (const [key, value] of Object.entries(patch)) record[key] = value === undefined ? null : value;
    this.append({ op: 'meta', patch: record });
  }

  /** Remember (or replace) the entry for `entry.relativePath`. */
  put(entry: JournalEntry): void {
    const copy: JournalEntry = { relativePath: entry.relativePath, docpath: entry.docpath, sha256: entry.sha256, size: entry.size, mtimeMs: entry.mtimeMs };
    if (!isJournalEntry(copy)) throw usage(`put: invalid journal entry ${JSON.stringify(copy)}`);
    this.append({ op: 'put', entry: copy });
  }

  /** Forget `relativePath` (no-op when unknown). */
  delete(relativePath: string): void {
    if (!this.state.entries.has(relativePath)) return;
    this.append({ op: 'delete', relativePath });
  }

  /** Rename without touching the remote (a local move of identical content). */
  move(fromRelativePath: string, toRelativePath: string, stat: { size: number; mtimeMs: number }): void {
    if (!this.state.entries.has(fromRelativePath)) throw usage(`move: ${fromRelativePath} is not in the journal`);
    if (toRelativePath === '' || !Number.isFinite(stat.size) || !Number.isFinite(stat.mtimeMs)) throw usage(`move: invalid target ${JSON.stringify({ toRelativePath, ...stat })}`);
    this.append({ op: 'move', from: fromRelativePath, to: toRelativePath, size: stat.size, mtimeMs: stat.mtimeMs });
  }

  /** Record a remote mutation about to be sent; returns it with its id and time. */
  beginIntent(intent: Omit<Intent, 'id' | 'at'>): Intent {
    const full: Intent = { id: randomUUID(), op: intent.op, relativePaths: [...intent.relativePaths], docpaths: [...intent.docpaths], at: Date.now() };
    this.append({ op: 'begin', intent: full });
    return this.state.intents.get(full.id) ?? full;
  }

  /** Close intent `id` with its outcome (no-op when it is not open, so a retry may end it twice). */
  endIntent(id: string, outcome: IntentOutcome): void {
    if (!this.state.intents.has(id)) return;
    this.append({ op: 'end', id, outcome });
  }

  /** Intents begun and not yet ended, oldest first. */
  openIntents(): Intent[] {
    return this.state.openIntents();
  }

  /** Write a snapshot (temp, fsync, rename, fsync dir), then drop the log records it holds. */
  async compact(): Promise<void> {
    this.writableLog('compact');
    await this.compaction?.now();
  }

  /** Compact if worthwhile, fsync, release the lock. Idempotent; the journal is unusable afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.compaction?.atClose();
    } finally {
      this.log?.close();
      await this.lock?.release();
      this.lock = undefined;
    }
  }

  /** Append one record with a synchronous write, then apply it to memory. */
  private append(change: DistributiveOmit<JournalRecord, 'seq'>): void {
    const log = this.writableLog(change.op);
    const record = { ...change, seq: this.state.seq + 1 } as JournalRecord;
    log.append(encodeRecord(record));
    this.state.apply(record);
    this.compaction?.afterAppend();
  }

  private writableLog(operation: string): LogFile {
    if (this.closed) throw usage(`${operation}: the journal is closed`);
    if (this.log === undefined) throw usage(`${operation}: the journal was opened read-only`);
    return this.log;
  }
}

/** `Omit` applied to each member of a union, keeping the discriminant. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function usage(message: string): LumenSyncError {
  return new LumenSyncError('LUMENSYNC_USAGE', `journal ${message}`, { hint: 'this is a lumensync bug; please report it with the log' });
}
