/**
 * The columns of a compact journal snapshot (compact-snapshot.ts writes them, EntryStore.fromColumns
 * loads them), and the helpers that read them: numbers are stored little-endian, text as UTF-8.
 */
import { endianness } from 'node:os';

/** The columns of a compact snapshot, as slices of the file's bytes (compact-snapshot.ts). */
export interface SnapshotColumns {
  count: number;
  docDirs: string[];
  /** float64 LE per row. */
  sizes: Buffer;
  mtimes: Buffer;
  /** uint32 LE per row: docpath prefix id, byte length of the relative path, of the docpath's last part. */
  docDirIds: Buffer;
  pathLengths: Buffer;
  nameLengths: Buffer;
  /** 32 bytes per row. */
  hashes: Buffer;
  /** The relative paths, then the docpaths' last parts, UTF-8, back to back in row order. */
  paths: Buffer;
  names: Buffer;
  /** Rows the columns cannot carry exactly: [row, relativePath, docpath, sha256], by row. */
  odd: [number, string, string, string][];
  /** Whether no two rows share a docpath, as the writer found (EntryStore.docpathsUnique); absent in older snapshots. */
  docpathsDistinct?: boolean;
}

/** Thrown by {@link EntryStore.fromColumns} for columns that do not add up. */
export class ColumnsError extends Error {}

const LITTLE_ENDIAN = endianness() === 'LE';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Copy `count` little-endian numbers from `bytes` into the start of `target` (float64 or uint32,
 * by the array's type): one memory copy on a little-endian machine, no array in between.
 */
export const copyLittleEndian = (bytes: Buffer, target: Float64Array | Uint32Array, count: number): void => {
  const width = target.BYTES_PER_ELEMENT;
  if (LITTLE_ENDIAN) {
    new Uint8Array(target.buffer, target.byteOffset, width * count).set(bytes.subarray(0, width * count));
    return;
  }
  for (let row = 0; row < count; row += 1) target[row] = width === 8 ? bytes.readDoubleLE(8 * row) : bytes.readUInt32LE(4 * row);
};

/** True when `text` survives a UTF-8 round trip (no lone surrogate). */
export const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

/** A copy of `from` with `capacity` slots, filled to its length (writes at any slot then stay in V8's fast elements). */
export function grownSlotArray<T>(from: readonly (T | undefined)[], capacity: number): (T | undefined)[] {
  const grown = new Array<T | undefined>(capacity).fill(undefined);
  for (let slot = 0; slot < from.length; slot += 1) grown[slot] = from[slot];
  return grown;
}
