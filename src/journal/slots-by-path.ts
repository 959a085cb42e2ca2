/**
 * Which EntryStore slot holds which relative path: a Map from path to slot (its order is the
 * store's iteration order, a re-set path moving to the end) and each slot's path string; or, for
 * a snapshot just read with ASCII paths, the snapshot's bytes behind a hash index (path-index.ts)
 * until something needs the paths as strings (materialize). A no-op pass only looks paths up
 * (slotOf), so it never builds 100,000 strings and a Map of them.
 *
 * A few changes do not build them either: a path set or removed after the snapshot was read goes
 * into the Map (after the snapshot's rows in the order), and its snapshot row is marked gone. So a
 * no-op that replays the last records of a pass with changes still only looks paths up (building
 * every path took 23 ms of such a no-op at 100,000 entries; BENCHMARKS.md, sixteenth session).
 */
import type { PathIndex } from './path-index.js';
import { grownSlotArray } from './snapshot-columns.js';

/** The last revision given to any SlotsByPath of this process. */
let lastRevision = 0;

export class SlotsByPath {
  /** See `revision`. */
  private changes = ++lastRevision;
  /** Paths by slot, in order; while `loaded`, only those set after the snapshot was read (they follow its rows). */
  private slots = new Map<string, number>();
  /** Each slot's path (the Map's key): a scan lists unchanged files with these, not with strings of its own. */
  private paths: (string | undefined)[];
  /** Until materialize(): row r of the index is slot r (unless gone), and only later paths are in `slots` and `paths`. */
  private loaded: PathIndex | undefined;
  /** While `loaded`: 1 for a row whose path was removed or set again since (it no longer holds that slot in place). */
  private gone: Uint8Array | undefined;
  private goneRows = 0;

  constructor(capacity: number) {
    this.paths = grownSlotArray<string>([], capacity);
  }

  /** Take a snapshot's paths as they are (slot r holds row r), for a store that holds nothing yet. */
  adopt(index: PathIndex): void {
    this.loaded = index;
  }

  /**
   * Changes with every add and remove, and no two instances of a process share a value. Every change
   * of an EntryStore entry adds (or removes) its path here, so this is the store's revision too.
   */
  get revision(): number {
    return this.changes;
  }

  get size(): number {
    return this.loaded === undefined ? this.slots.size : this.loaded.count - this.goneRows + this.slots.size;
  }

  slotOf(relativePath: string): number | undefined {
    if (this.loaded === undefined) return this.slots.get(relativePath);
    if (this.slots.size > 0) {
      const slot = this.slots.get(relativePath);
      if (slot !== undefined) return slot;
    }
    return this.liveRowOf(relativePath);
  }

  /** Slot's own path string, or `asked` (an equal string) while the paths are bytes. */
  ownPath(slot: number, asked: string): string {
    return this.inSnapshot(slot) ? asked : (this.paths[slot] as string);
  }

  /** The path at `slot`, undefined for a slot not in use. */
  pathAt(slot: number): string | undefined {
    return this.inSnapshot(slot) ? this.loaded!.pathAt(slot) : this.paths[slot];
  }

  /** Build the strings and the Map now, in row order, if they are not yet. */
  materialize(): void {
    const loaded = this.loaded;
    if (loaded === undefined) return;
    const gone = this.gone;
    const later = this.slots;
    this.loaded = undefined;
    this.gone = undefined;
    this.goneRows = 0;
    this.slots = new Map<string, number>();
    let slot = 0;
    for (const relativePath of loaded.paths()) {
      if (gone?.[slot] !== 1) {
        this.slots.set(relativePath, slot);
        this.paths[slot] = relativePath;
      }
      slot += 1;
    }
    for (const [relativePath, laterSlot] of later) this.slots.set(relativePath, laterSlot);
  }

  /** [path, slot] in order. */
  entries(): IterableIterator<[string, number]> {
    this.materialize();
    return this.slots.entries();
  }

  /** Paths in order. */
  keys(): IterableIterator<string> {
    this.materialize();
    return this.slots.keys();
  }

  /** The slots in use, in order, without making the paths strings. */
  usedSlots(): Iterable<number> {
    return this.loaded === undefined ? this.slots.values() : this.liveSlots(this.loaded.count);
  }

  /** `relativePath` is at `slot` now, at the end of the order; false when it already was in the store (it moves). */
  add(relativePath: string, slot: number): boolean {
    this.changes = ++lastRevision;
    let existed = this.slots.delete(relativePath);
    if (this.loaded !== undefined) {
      const row = this.liveRowOf(relativePath);
      if (row !== undefined) {
        this.markGone(row);
        existed = true;
      }
    }
    this.slots.set(relativePath, slot);
    this.paths[slot] = relativePath;
    return !existed;
  }

  /** `relativePath` (at `slot`) is no longer in the store. */
  remove(relativePath: string, slot: number): void {
    this.changes = ++lastRevision;
    if (!this.slots.delete(relativePath) && this.inSnapshot(slot)) this.markGone(slot);
    this.paths[slot] = undefined;
  }

  /** Room for `capacity` slots. */
  resize(capacity: number): void {
    this.paths = grownSlotArray(this.paths, capacity);
  }

  /** The snapshot row holding `relativePath` still, while `loaded`. */
  private liveRowOf(relativePath: string): number | undefined {
    const row = this.loaded!.rowOf(relativePath);
    return row === undefined || this.gone?.[row] === 1 ? undefined : row;
  }

  /** True when `slot` is a snapshot row that still holds its own path (while `loaded`). */
  private inSnapshot(slot: number): boolean {
    return this.loaded !== undefined && slot < this.loaded.count && this.gone?.[slot] !== 1;
  }

  private markGone(row: number): void {
    this.gone ??= new Uint8Array(this.loaded!.count);
    if (this.gone[row] === 1) return;
    this.gone[row] = 1;
    this.goneRows += 1;
  }

  /** The snapshot's rows still in place, then the later slots, in order. */
  private *liveSlots(count: number): IterableIterator<number> {
    for (let slot = 0; slot < count; slot += 1) if (this.gone?.[slot] !== 1) yield slot;
    yield* this.slots.values();
  }
}
