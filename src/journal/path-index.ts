/**
 * The relative paths of a snapshot just read, kept as their ASCII bytes with a hash index over
 * them: EntryStore's state until something needs the paths as strings (entry-store.ts). A no-op
 * pass only looks scanned paths up, so it no longer waits for 100,000 strings and a Map of them
 * to be built first (~0.15 s of one core, and the young-generation collections that copy them).
 */
import { ColumnsError } from './snapshot-columns.js';

/** Hashes 4 characters (= bytes, the paths being ASCII) at a time: a word mixed by multiplication and shift, then murmur3's finaliser. */
const SEED = 0x811c9dc5;
const WORD_MULTIPLIER = 0x9e3779b1;

const mixWord = (hash: number, word: number): number => {
  const mixed = Math.imul(hash ^ word, WORD_MULTIPLIER);
  return mixed ^ (mixed >>> 15);
};

const finish = (hash: number): number => {
  let mixed = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) >>> 0;
};

/** The hash of `length` bytes of `bytes` from `start`. */
function hashBytes(bytes: Buffer, start: number, length: number): number {
  const end = start + length;
  let hash = SEED ^ length;
  let index = start;
  for (; index + 4 <= end; index += 4) hash = mixWord(hash, bytes[index]! | (bytes[index + 1]! << 8) | (bytes[index + 2]! << 16) | (bytes[index + 3]! << 24));
  for (; index < end; index++) hash = mixWord(hash, bytes[index]!);
  return finish(hash);
}

/** The same hash of an ASCII string's characters; undefined for a string that is not ASCII. */
function hashAscii(text: string): number | undefined {
  const end = text.length;
  let hash = SEED ^ end;
  let index = 0;
  for (; index + 4 <= end; index += 4) {
    const a = text.charCodeAt(index);
    const b = text.charCodeAt(index + 1);
    const c = text.charCodeAt(index + 2);
    const d = text.charCodeAt(index + 3);
    if ((a | b | c | d) > 0x7f) return undefined;
    hash = mixWord(hash, a | (b << 8) | (c << 16) | (d << 24));
  }
  for (; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code > 0x7f) return undefined;
    hash = mixWord(hash, code);
  }
  return finish(hash);
}

export class PathIndex {
  readonly count: number;
  private readonly bytes: Buffer;
  /** Row r's path is bytes[starts[r], starts[r + 1]). */
  private readonly starts: Uint32Array;
  /** Open addressing: row + 1 per cell (0: empty), and the hash of the path held there. */
  private readonly cells: Int32Array;
  private readonly hashes: Uint32Array;
  private readonly mask: number;

  /**
   * Index `count` paths, ASCII, back to back in `paths` with their byte lengths. Throws
   * ColumnsError for an empty path or one listed twice (a damaged snapshot).
   */
  constructor(paths: Buffer, lengths: Uint32Array, count: number) {
    this.count = count;
    this.bytes = Buffer.from(paths);
    this.starts = new Uint32Array(count + 1);
    let capacity = 16;
    while (capacity < count * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.cells = new Int32Array(capacity);
    this.hashes = new Uint32Array(capacity);
    let at = 0;
    for (let row = 0; row < count; row++) {
      const length = lengths[row]!;
      if (length === 0 || at + length > this.bytes.length) throw new ColumnsError(`entry ${row} is invalid`);
      this.starts[row] = at;
      this.starts[row + 1] = at + length;
      const hash = hashBytes(this.bytes, at, length);
      let cell = hash & this.mask;
      for (let held = this.cells[cell]!; held !== 0; held = this.cells[cell]!) {
        if (this.hashes[cell] === hash && this.bytes.compare(this.bytes, at, at + length, this.starts[held - 1], this.starts[held]) === 0) {
          throw new ColumnsError(`${this.pathAt(row)} is listed twice`);
        }
        cell = (cell + 1) & this.mask;
      }
      this.cells[cell] = row + 1;
      this.hashes[cell] = hash;
      at += length;
    }
    if (at !== this.bytes.length) throw new ColumnsError('the entries do not fill the columns');
  }

  /** The row holding `relativePath`, or undefined. */
  rowOf(relativePath: string): number | undefined {
    const hash = hashAscii(relativePath);
    if (hash === undefined) return undefined; // every path held is ASCII
    for (let cell = hash & this.mask, held = this.cells[cell]!; held !== 0; cell = (cell + 1) & this.mask, held = this.cells[cell]!) {
      if (this.hashes[cell] === hash && this.holds(held - 1, relativePath)) return held - 1;
    }
    return undefined;
  }

  /** Row `row`'s path as a string. */
  pathAt(row: number): string {
    return this.bytes.toString('latin1', this.starts[row]!, this.starts[row + 1]!);
  }

  /** Every path, in row order, as slices of one string (one string in memory, as the eager load makes them). */
  *paths(): IterableIterator<string> {
    const text = this.bytes.toString('latin1');
    for (let row = 0; row < this.count; row++) yield text.slice(this.starts[row]!, this.starts[row + 1]!);
  }

  private holds(row: number, relativePath: string): boolean {
    const start = this.starts[row]!;
    if (this.starts[row + 1]! - start !== relativePath.length) return false;
    for (let index = 0; index < relativePath.length; index++) if (this.bytes[start + index] !== relativePath.charCodeAt(index)) return false;
    return true;
  }
}
