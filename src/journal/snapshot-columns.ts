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
}

/** Thrown by {@link EntryStore.fromColumns} for columns that do not add up. */
export class ColumnsError extends Error {}

const LITTLE_ENDIAN = endianness() === 'LE';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** `count` float64 values stored little-endian in `bytes`, as an array (copied at once on a little-endian machine). */
export const littleEndianFloats = (bytes: Buffer, count: number): Float64Array => {
  const floats = new Float64Array(count);
  if (LITTLE_ENDIAN) new Uint8Array(floats.buffer).set(bytes.subarray(0, 8 * count));
  else for (let row = 0; row < count; row += 1) floats[row] = bytes.readDoubleLE(8 * row);
  return floats;
};

/** `count` uint32 values stored little-endian in `bytes`, as an array. */
export const littleEndianUint32s = (bytes: Buffer, count: number): Uint32Array => {
  const numbers = new Uint32Array(count);
  if (LITTLE_ENDIAN) new Uint8Array(numbers.buffer).set(bytes.subarray(0, 4 * count));
  else for (let row = 0; row < count; row += 1) numbers[row] = bytes.readUInt32LE(4 * row);
  return numbers;
};

/** True when `text` survives a UTF-8 round trip (no lone surrogate). */
export const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);
