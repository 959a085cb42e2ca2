/**
 * The journal snapshot's compact encoding (format 2.x, issue 11): a version line, one JSON header
 * line (seq, meta, intents, counts, the interned docpath prefixes), then the entries as columns —
 * sizes and mtimes (float64), docpath prefix ids and string lengths (uint32), sha256 as 32 raw
 * bytes, then the relative paths and docpath last parts as UTF-8 — and a CRC-32 of everything
 * before it in the last 4 bytes. Loading is a walk over one Buffer: no JSON.parse of one string
 * per entry, no intermediate entry objects. Rows a column cannot carry exactly (a hash that is not
 * 64 lowercase hex digits, a string that is not well-formed UTF-16) travel in the header as JSON.
 */
import { crc32 } from 'node:zlib';
import type { Intent, JournalMeta } from '../core/types.js';
import { EntryStore } from './entry-store.js';
import { ColumnsError, copyLittleEndian, isWellFormed } from './snapshot-columns.js';
import { isIntent, isObject, isStringArray } from './records.js';

/** First bytes of every compact snapshot; the version follows on the same line. */
export const COMPACT_MAGIC = 'lumensync-journal ';
export const COMPACT_VERSION = '2.0';

/** The whole journal state as of `seq`, entries in their compact store. */
export interface CompactState {
  seq: number;
  meta: JournalMeta;
  intents: Intent[];
  entries: EntryStore;
}

/** Why a compact snapshot could not be read; the caller words the error. */
export class CompactSnapshotError extends Error {}

const NEWLINE = 0x0a;
const HASH_BYTES = 32;
/** Bytes of fixed-width columns per entry: size, mtime (8 each), prefix id, path and name lengths (4 each), hash. */
const FIXED_BYTES_PER_ENTRY = 8 + 8 + 4 + 4 + 4 + HASH_BYTES;
const HEX_HASH = /^[0-9a-f]{64}$/;

/** One entry carried in the header: [row, relativePath, docpath, sha256]. */
type OddRow = [number, string, string, string];

/** Encode `state` as snapshot bytes. */
export function encodeCompactSnapshot(state: CompactState, writtenAt: number): Buffer {
  const count = state.entries.size;
  const pathLens = new Uint32Array(count);
  const nameLens = new Uint32Array(count);
  const docDirs: string[] = [];
  const docDirIds = new Map<string, number>();
  const odd: OddRow[] = [];
  let stringBytes = 0;
  let row = 0;
  state.entries.forEachRow((relativePath, docDir, docName, sha256) => {
    if (!docDirIds.has(docDir)) {
      docDirIds.set(docDir, docDirs.length);
      docDirs.push(docDir);
    }
    if (!HEX_HASH.test(sha256) || !isWellFormed(relativePath) || !isWellFormed(docDir) || !isWellFormed(docName)) {
      odd.push([row, relativePath, docDir + docName, sha256]);
    } else {
      pathLens[row] = Buffer.byteLength(relativePath);
      nameLens[row] = Buffer.byteLength(docName);
      stringBytes += pathLens[row]! + nameLens[row]!;
    }
    row += 1;
  });
  const head = Buffer.from(`${COMPACT_MAGIC}${COMPACT_VERSION}\n${JSON.stringify({
    seq: state.seq, writtenAt: new Date(writtenAt).toISOString(), meta: state.meta, intents: state.intents, entries: count, docDirs, odd,
    // What every pass of a journal-first mirror asks first (planner.ts); a reader without this key checks the entries itself.
    docpathsDistinct: state.entries.docpathsUnique(),
  })}\n`, 'utf8');
  const total = head.length + count * FIXED_BYTES_PER_ENTRY + stringBytes + 4;
  const out = Buffer.alloc(total);
  head.copy(out, 0);
  const sizeAt = head.length;
  const mtimeAt = sizeAt + 8 * count;
  const dirAt = mtimeAt + 8 * count;
  const pathLenAt = dirAt + 4 * count;
  const nameLenAt = pathLenAt + 4 * count;
  const hashAt = nameLenAt + 4 * count;
  let pathAt = hashAt + HASH_BYTES * count;
  const namesStart = pathAt + sumOf(pathLens, count);
  let nameAt = namesStart;
  let oddIndex = 0;
  row = 0;
  state.entries.forEachRow((relativePath, docDir, docName, sha256, size, mtimeMs) => {
    out.writeDoubleLE(size, sizeAt + 8 * row);
    out.writeDoubleLE(mtimeMs, mtimeAt + 8 * row);
    out.writeUInt32LE(docDirIds.get(docDir)!, dirAt + 4 * row);
    out.writeUInt32LE(pathLens[row]!, pathLenAt + 4 * row);
    out.writeUInt32LE(nameLens[row]!, nameLenAt + 4 * row);
    if (odd[oddIndex]?.[0] === row) oddIndex += 1;
    else {
      out.write(sha256, hashAt + HASH_BYTES * row, HASH_BYTES, 'hex');
      pathAt += out.write(relativePath, pathAt, 'utf8');
      nameAt += out.write(docName, nameAt, 'utf8');
    }
    row += 1;
  });
  out.writeUInt32LE(crc32(out.subarray(0, total - 4)), total - 4);
  return out;
}

/** The version written on the first line, or undefined when `data` is not a compact snapshot. */
export function compactSnapshotVersion(data: Buffer): string | undefined {
  const magic = Buffer.from(COMPACT_MAGIC);
  if (data.length < magic.length || !data.subarray(0, magic.length).equals(magic)) return undefined;
  const lineEnd = data.indexOf(NEWLINE);
  return lineEnd === -1 ? '' : data.toString('utf8', magic.length, lineEnd);
}

/** Decode snapshot bytes (the caller checked the version). Throws CompactSnapshotError on anything inconsistent. */
export function decodeCompactSnapshot(data: Buffer): CompactState {
  if (data.length < 4 || crc32(data.subarray(0, data.length - 4)) !== data.readUInt32LE(data.length - 4)) {
    throw new CompactSnapshotError('fails its checksum (cut short or damaged)');
  }
  const versionEnd = data.indexOf(NEWLINE);
  const headerEnd = versionEnd === -1 ? -1 : data.indexOf(NEWLINE, versionEnd + 1);
  if (headerEnd === -1) throw new CompactSnapshotError('has no header');
  let header: unknown;
  try {
    header = JSON.parse(data.toString('utf8', versionEnd + 1, headerEnd));
  } catch {
    throw new CompactSnapshotError('has an unreadable header');
  }
  const { seq, meta, intents, entries: count, docDirs, odd, docpathsDistinct } = checkHeader(header);
  const end = data.length - 4;
  let at = headerEnd + 1;
  const section = (bytes: number): Buffer => {
    if (at + bytes > end) throw new CompactSnapshotError('is shorter than its entry count says');
    const slice = data.subarray(at, at + bytes);
    at += bytes;
    return slice;
  };
  const sizes = section(8 * count);
  const mtimes = section(8 * count);
  const docDirIds = section(4 * count);
  const pathLengths = section(4 * count);
  const nameLengths = section(4 * count);
  const hashes = section(HASH_BYTES * count);
  const paths = section(sumOf(pathLengths, count));
  const names = section(sumOf(nameLengths, count));
  if (at !== end) throw new CompactSnapshotError('has bytes its header does not account for');
  try {
    const entries = EntryStore.fromColumns({ count, docDirs, sizes, mtimes, docDirIds, pathLengths, nameLengths, hashes, paths, names, odd, docpathsDistinct });
    return { seq, meta, intents, entries };
  } catch (error) {
    if (error instanceof ColumnsError) throw new CompactSnapshotError(`has an invalid entry: ${error.message}`);
    throw error;
  }
}

function checkHeader(header: unknown): { seq: number; meta: JournalMeta; intents: Intent[]; entries: number; docDirs: string[]; odd: OddRow[]; docpathsDistinct?: boolean } {
  if (!isObject(header)) throw new CompactSnapshotError('has an unreadable header');
  const { seq, meta, intents, entries, docDirs, odd, docpathsDistinct } = header;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw new CompactSnapshotError('has no valid seq');
  if (!isObject(meta) || !isStringArray(meta.workspaces)) throw new CompactSnapshotError('has no valid meta');
  if (!Array.isArray(intents) || !intents.every(isIntent)) throw new CompactSnapshotError('has an invalid intent');
  if (typeof entries !== 'number' || !Number.isSafeInteger(entries) || entries < 0) throw new CompactSnapshotError('has no valid entry count');
  if (!isStringArray(docDirs)) throw new CompactSnapshotError('has no valid docpath prefixes');
  if (!Array.isArray(odd) || !odd.every(isOddRow)) throw new CompactSnapshotError('has an invalid header entry');
  if (docpathsDistinct !== undefined && typeof docpathsDistinct !== 'boolean') throw new CompactSnapshotError('has an invalid header entry');
  return {
    seq, meta: meta as unknown as JournalMeta, intents, entries, docDirs, odd: (odd as OddRow[]).sort((a, b) => a[0] - b[0]),
    ...(docpathsDistinct === undefined ? {} : { docpathsDistinct }),
  };
}

function isOddRow(value: unknown): value is OddRow {
  return Array.isArray(value) && value.length === 4 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string' && value[1] !== '' && typeof value[2] === 'string' && typeof value[3] === 'string';
}

function sumOf(values: Uint32Array | Buffer, count: number): number {
  // A Buffer's numbers are copied into a Uint32Array first (one memory copy): 100,000
  // readUInt32LE calls in a loop that runs once cost ~8 ms, most of it before it is optimised.
  let numbers = values as Uint32Array;
  if (!(values instanceof Uint32Array)) {
    numbers = new Uint32Array(count);
    copyLittleEndian(values, numbers, count);
  }
  let sum = 0;
  for (let row = 0; row < count; row += 1) sum += numbers[row]!;
  return sum;
}
