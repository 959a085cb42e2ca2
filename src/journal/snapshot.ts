/**
 * The journal's snapshot file: the whole state at one `seq`, replaced atomically
 * (temp file, fsync, rename, fsync of the directory) so a crash leaves the old or the new one.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Intent, JournalEntry, JournalMeta } from '../core/types.js';
import { LumenSyncError } from '../errors.js';
import { isIntent, isJournalEntry, isObject, isStringArray } from './records.js';
import { corruptHint, stateIoError } from './state-errors.js';

/** Format marker, so a stray JSON file is not mistaken for a journal. */
const FORMAT = 'lumensync-journal';
/** Major.minor: a newer minor only adds fields this version may ignore; a newer major is refused. */
export const SNAPSHOT_VERSION = '1.0';
const SUPPORTED_MAJOR = 1;

/** The whole journal state as of `seq`. */
export interface SnapshotState {
  /** Seq of the last log record folded into this snapshot (0 for none). */
  seq: number;
  meta: JournalMeta;
  entries: JournalEntry[];
  intents: Intent[];
}

/** Read a snapshot; undefined when the file does not exist. Throws LUMENSYNC_STATE_CORRUPT on anything unreadable. */
export async function readSnapshot(snapshotPath: string): Promise<{ state: SnapshotState; bytes: number } | undefined> {
  let text: string;
  try {
    text = await readFile(snapshotPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw stateIoError(`cannot read journal snapshot ${snapshotPath}`, error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(snapshotPath, 'is not valid JSON', error);
  }
  return { state: toSnapshotState(parsed, snapshotPath), bytes: Buffer.byteLength(text) };
}

/** Serialise a state as snapshot text (one entry per line, so the file stays greppable). */
export function serialiseSnapshot(state: SnapshotState, writtenAt: number): string {
  const head = JSON.stringify({ format: FORMAT, version: SNAPSHOT_VERSION, seq: state.seq, writtenAt: new Date(writtenAt).toISOString(), meta: state.meta, intents: state.intents });
  const entries = state.entries.map((entry) => JSON.stringify(entry)).join(',\n');
  return `${head.slice(0, -1)},"entries":[\n${entries}\n]}\n`;
}

/** Replace `snapshotPath` with `text` atomically and durably (mode 0600); returns the byte count. */
export async function writeSnapshotAtomic(snapshotPath: string, text: string): Promise<number> {
  const tempPath = `${snapshotPath}.tmp`;
  const data = Buffer.from(text, 'utf8');
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

function toSnapshotState(value: unknown, snapshotPath: string): SnapshotState {
  if (!isObject(value) || value.format !== FORMAT || typeof value.version !== 'string') {
    throw corrupt(snapshotPath, 'is not a lumensync journal snapshot');
  }
  const major = Number.parseInt(value.version.split('.')[0] ?? '', 10);
  if (!Number.isInteger(major)) throw corrupt(snapshotPath, `has an unreadable version ${JSON.stringify(value.version)}`);
  if (major > SUPPORTED_MAJOR) {
    throw new LumenSyncError(
      'LUMENSYNC_STATE_CORRUPT',
      `journal snapshot ${snapshotPath} has format version ${value.version}, written by a newer lumensync; this version reads ${SUPPORTED_MAJOR}.x`,
      { hint: `upgrade lumensync, or ${corruptHint(path.dirname(snapshotPath))}` },
    );
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
