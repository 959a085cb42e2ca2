/**
 * The docpaths' last parts of an EntryStore (`name-<uuid>.json`), as UTF-8 in one byte arena
 * with a start and a length per slot: no string per entry until one is asked for. A replaced
 * name leaves garbage behind until the arena is rebuilt (when it runs out of room).
 */
import { copyLittleEndian } from './snapshot-columns.js';

const MIN_ARENA_BYTES = 16 * 1024;
/** FNV-1a, 32 bits. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export class NameArena {
  private starts: Uint32Array;
  private lengths: Uint32Array;
  private bytes = Buffer.alloc(MIN_ARENA_BYTES);
  /** The same bytes, for reading 4 at a time. */
  private view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  private used = 0;
  private garbage = 0;

  constructor(capacity: number) {
    this.starts = new Uint32Array(capacity);
    this.lengths = new Uint32Array(capacity);
  }

  /**
   * Take a snapshot's names (`names`, back to back in row order) with their byte lengths
   * (`lengths`, uint32 LE per row). Row r's name is slot r's until `place` says otherwise.
   * `roomBytes`: what will be stored before the last row is placed.
   */
  load(names: Buffer, lengths: Buffer, count: number, roomBytes = 0): void {
    // `roomBytes` on top: names stored while rows are still being placed (a snapshot's odd rows)
    // must fit, since a rebuild then would drop the rows not placed yet.
    this.bytes = Buffer.alloc(Math.max(MIN_ARENA_BYTES, Math.ceil(names.length * 1.25) + roomBytes));
    names.copy(this.bytes);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.used = names.length;
    copyLittleEndian(lengths, this.lengths, count);
  }

  /** Byte length of slot's name (0 for a slot without one). */
  lengthAt(slot: number): number {
    return this.lengths[slot]!;
  }

  /** Slot's name starts at byte `start` of the loaded names (used while loading, slot by slot). */
  place(slot: number, start: number): void {
    this.starts[slot] = start;
  }

  /** Grow the per-slot columns to `capacity` slots. */
  resize(capacity: number): void {
    const starts = new Uint32Array(capacity);
    starts.set(this.starts);
    this.starts = starts;
    const lengths = new Uint32Array(capacity);
    lengths.set(this.lengths);
    this.lengths = lengths;
  }

  /** Store `name` for `slot` (it must be well-formed text: it is kept as UTF-8). */
  store(slot: number, name: string, liveSlots: () => Iterable<number>): void {
    const length = Buffer.byteLength(name);
    if (this.used + length > this.bytes.length) this.rebuild(length, liveSlots());
    this.bytes.write(name, this.used, 'utf8');
    this.starts[slot] = this.used;
    this.lengths[slot] = length;
    this.used += length;
  }

  /** Slot no longer has a name: its bytes become garbage. */
  release(slot: number): void {
    this.garbage += this.lengths[slot]!;
    this.lengths[slot] = 0;
  }

  read(slot: number): string {
    const start = this.starts[slot]!;
    return this.bytes.toString('utf8', start, start + this.lengths[slot]!);
  }

  /** A 32-bit hash of slot's name bytes, mixed into `seed` (no string made): FNV-1a over 4-byte words, then the tail's bytes. */
  hash(slot: number, seed: number): number {
    let hash = (FNV_OFFSET ^ seed) >>> 0;
    const view = this.view;
    const bytes = this.bytes;
    const end = this.starts[slot]! + this.lengths[slot]!;
    let at = this.starts[slot]!;
    for (; at + 4 <= end; at += 4) hash = Math.imul(hash ^ view.getUint32(at, true), FNV_PRIME);
    for (; at < end; at += 1) hash = Math.imul(hash ^ bytes[at]!, FNV_PRIME);
    hash ^= hash >>> 16;
    return Math.imul(hash, FNV_PRIME) >>> 0;
  }

  /** True when both slots hold the same name. */
  same(slot: number, other: number): boolean {
    const length = this.lengths[slot]!;
    if (length !== this.lengths[other]!) return false;
    const start = this.starts[slot]!;
    const otherStart = this.starts[other]!;
    return this.bytes.compare(this.bytes, otherStart, otherStart + length, start, start + length) === 0;
  }

  /** Copy the live slots' names into a new arena with room for `extra` more bytes (drops the garbage). */
  private rebuild(extra: number, liveSlots: Iterable<number>): void {
    const live = this.used - this.garbage;
    const bytes = Buffer.alloc(Math.max(MIN_ARENA_BYTES, (live + extra) * 2));
    let at = 0;
    for (const slot of liveSlots) {
      const start = this.starts[slot]!;
      const length = this.lengths[slot]!;
      this.bytes.copy(bytes, at, start, start + length);
      this.starts[slot] = at;
      at += length;
    }
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.used = at;
    this.garbage = 0;
  }
}
