/**
 * The journal's snapshot file: the whole state at one `seq`, replaced atomically
 * (temp file, fsync, rename, fsync of the directory) so a crash leaves the old or the new one.
 *
 * Two formats: the compact one (2.x, `journal.snapshot`, compact-snapshot.ts) every writer
 * writes, and the JSON one (1.x, `journal.snapshot.json`) of earlier versions, still read when
 * no compact snapshot exists. A writer that loaded a JSON snapshot migrates it: it writes the
 * compact snapshot, then replaces the JSON file with a stub naming format 2.0, which an earlier
 * lumensync refuses as "written by a newer lumensync" instead of reading an empty journal.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Intent, JournalEntry, JournalMeta } from '../core/types.js';
import { LumenSyncError } from '../errors.js';
import { COMPACT_VERSION, CompactSnapshotError, compactSnapshotVersion, decodeCompactSnapshot, type CompactState } from './compact-snapshot.js';
import { EntryStore } from './entry-store.js';
import { isIntent, isJournalEntry, isObject, isStringArray } from './records.js';
import { corruptHint, stateIoError } from './state-errors.js';

/** Name of the snapshot file inside the state dir (compact format). */
export const SNAPSHOT_FILE_NAME = 'journal.snapshot';
/** Name of the JSON snapshot of format 1.x (lumensync before issue 11); a stub once migrated. */
export const LEGACY_SNAPSHOT_FILE_NAME = 'journal.snapshot.json';

/** Format marker, so a stray JSON file is not mistaken for a journal. */
const FORMAT = 'lumensync-journal';
/** Major.minor of the JSON format: a newer minor only adds fields this version may ignore. */
export const SNAPSHOT_VERSION = '1.0';
/** The newest major this version reads (the compact format). */
const SUPPORTED_MAJOR = 2;

/** The whole journal state as of `seq`, as the JSON format (1.x) holds it. */
export interface SnapshotState {
  /** Seq of the last log record folded into this snapshot (0 for none). */
  seq: number;
  meta: JournalMeta;
  entries: JournalEntry[];
  intents: Intent[];
}

/** What reading found: the state, the file's size, and whether it came from a JSON (1.x) snapshot. */
export interface LoadedSnapshot {
  state: CompactState;
  bytes: number;
  legacy: boolean;
}

/** Read the state dir's snapshot (compact first, then JSON); undefined when there is none. Throws LUMENSYNC_STATE_CORRUPT on anything unreadable. */
export async function readSnapshot(stateDir: string): Promise<LoadedSnapshot | undefined> {
  const compactPath = path.join(stateDir, SNAPSHOT_FILE_NAME);
  const data = await readIfExists(compactPath);
  if (data !== undefined) {
    const version = compactSnapshotVersion(data);
    if (version === undefined) throw corrupt(compactPath, 'is not a lumensync journal snapshot');
    checkVersion(compactPath, version);
    const bytes = data.length;
    try {
      return { state: decodeCompactSnapshot(data), bytes, legacy: false };
    } catch (error) {
      if (error instanceof CompactSnapshotError) throw corrupt(compactPath, error.message);
      throw error;
    } finally {
      releaseNow(data);
    }
  }
  const legacyPath = path.join(stateDir, LEGACY_SNAPSHOT_FILE_NAME);
  const text = (await readIfExists(legacyPath))?.toString('utf8');
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(legacyPath, 'is not valid JSON', error);
  }
  const legacy = toSnapshotState(parsed, legacyPath);
  const entries = new EntryStore();
  for (const entry of legacy.entries) entries.set(entry);
  return { state: { seq: legacy.seq, meta: legacy.meta, intents: legacy.intents, entries }, bytes: Buffer.byteLength(text), legacy: true };
}

/** Serialise a state in the JSON format 1.x (what lumensync wrote before issue 11; tests build old state dirs with it). */
export function serialiseSnapshot(state: SnapshotState, writtenAt: number): string {
  const head = JSON.stringify({ format: FORMAT, version: SNAPSHOT_VERSION, seq: state.seq, writtenAt: new Date(writtenAt).toISOString(), meta: state.meta, intents: state.intents });
  const entries = state.entries.map((entry) => JSON.stringify(entry)).join(',\n');
  return `${head.slice(0, -1)},"entries":[\n${entries}\n]}\n`;
}

/** Replace a migrated JSON snapshot with a stub an earlier lumensync refuses (it names format 2.0). */
export async function writeLegacyStub(stateDir: string): Promise<void> {
  const stub = `${JSON.stringify({ format: FORMAT, version: COMPACT_VERSION, movedTo: SNAPSHOT_FILE_NAME, note: `this journal moved to ${SNAPSHOT_FILE_NAME} (compact format); upgrade lumensync to read it` })}\n`;
  await writeSnapshotAtomic(path.join(stateDir, LEGACY_SNAPSHOT_FILE_NAME), stub);
}

/** Replace `snapshotPath` with `content` atomically and durably (mode 0600); returns the byte count. */
export async function writeSnapshotAtomic(snapshotPath: string, content: string | Buffer): Promise<number> {
  const tempPath = `${snapshotPath}.tmp`;
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  try {
    const handle = await open(tempPath, 'w', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, snapshotPath);
  } catch (error) {
    await rm(tempPath, { force: true }).catch(() => undefined);
    throw stateIoError(`cannot write journal snapshot ${snapshotPath}`, error);
  }
  fsyncDirectory(path.dirname(snapshotPath));
  return data.length;
}

/** Make a rename inside `directory` durable. */
export function fsyncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch (error) {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw stateIoError(`cannot fsync ${directory}`, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Give a buffer's memory back now rather than at the next full collection: the decoded store holds
 * copies, and the file's bytes (13 MB per 100,000 entries) otherwise stayed allocated through the
 * scan that follows. Its ArrayBuffer is moved (transferred) into a clone nothing keeps, which the
 * next young-generation collection frees; `data` is empty afterwards. A buffer that shares its
 * ArrayBuffer (Node's pool for small ones) is left to the collector.
 */
export function releaseNow(data: Buffer): void {
  const memory = data.buffer;
  if (!(memory instanceof ArrayBuffer) || data.byteOffset !== 0 || memory.byteLength !== data.length || data.length < RELEASE_MIN_BYTES) return;
  structuredClone(memory, { transfer: [memory] });
}

/** Below this a snapshot's buffer is not worth releasing early. */
const RELEASE_MIN_BYTES = 1 << 20;

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readWhole(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw stateIoError(`cannot read journal snapshot ${file}`, error);
  }
}

/**
 * The file's bytes, read with one call into a buffer of its size on the thread pool. fs/promises'
 * readFile reads a big file 512 KiB at a time and copies the pieces together: at 13 MB (100,000
 * entries) ~30 ms of copying on the main thread. This read takes 42–57 ms on the thread pool, most
 * of it the kernel touching the buffer's 3,200 fresh pages (BENCHMARKS.md, seventh session).
 */
async function readWhole(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    // Its own memory, so releaseNow() can hand it back once it is decoded.
    const data = Buffer.allocUnsafeSlow(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(data, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    // A file cut short while read: what was there (its checksum then fails, as a torn file's does).
    return filled === size ? data : data.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

function checkVersion(snapshotPath: string, version: string): number {
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  if (!Number.isInteger(major)) throw corrupt(snapshotPath, `has an unreadable version ${JSON.stringify(version)}`);
  if (major > SUPPORTED_MAJOR) {
    throw new LumenSyncError(
      'LUMENSYNC_STATE_CORRUPT',
      `journal snapshot ${snapshotPath} has format version ${version}, written by a newer lumensync; this version reads ${SUPPORTED_MAJOR}.x`,
      { hint: `upgrade lumensync, or ${corruptHint(path.dirname(snapshotPath))}` },
    );
  }
  return major;
}

function toSnapshotState(value: unknown, snapshotPath: string): SnapshotState {
  if (!isObject(value) || value.format !== FORMAT || typeof value.version !== 'string') {
    throw corrupt(snapshotPath, 'is not a lumensync journal snapshot');
  }
  if (checkVersion(snapshotPath, value.version) >= 2) {
    // The stub a migration leaves: the compact snapshot it points to is gone.
    throw corrupt(snapshotPath, `was migrated to ${SNAPSHOT_FILE_NAME}, which is missing`);
  }
  const { seq, meta, entries, intents } = value;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw corrupt(snapshotPath, 'has no valid seq');
  if (!isObject(meta) || !isStringArray(meta.workspaces)) throw corrupt(snapshotPath, 'has no valid meta');
  if (!Array.isArray(entries) || !entries.every(isJournalEntry)) throw corrupt(snapshotPath, 'has an invalid entry');
  if (!Array.isArray(intents) || !intents.every(isIntent)) throw corrupt(snapshotPath, 'has an invalid intent');
  return { seq, meta: meta as unknown as JournalMeta, entries, intents };
}

function corrupt(snapshotPath: string, what: string, cause?: unknown): LumenSyncError {
  return new LumenSyncError('LUMENSYNC_STATE_CORRUPT', `journal snapshot ${snapshotPath} ${what}`, {
    hint: corruptHint(path.dirname(snapshotPath)),
    cause,
  });
}
