/**
 * Which EntryStore slot holds which relative path: a Map from path to slot (its order is the
 * store's iteration order, a re-set path moving to the end) and each slot's path string; or, for
 * a snapshot just read with ASCII paths, the snapshot's bytes behind a hash index (path-index.ts)
 * until something needs the paths as strings (materialize). A no-op pass only looks paths up
 * (slotOf), so it never builds 100,000 strings and a Map of them.
 */
import type { PathIndex } from './path-index.js';
import { grownSlotArray } from './snapshot-columns.js';

/** The last revision given to any SlotsByPath of this process. */
let lastRevision = 0;

export class SlotsByPath {
  /** See `revision`. */
  private changes = ++lastRevision;
  private readonly slots = new Map<string, number>();
  /** Each slot's path (the Map's key): a scan lists unchanged files with these, not with strings of its own. */
  private paths: (string | undefined)[];
  /** Until materialize(): row r of the index is slot r, and `slots` and `paths` are empty. */
  private loaded: PathIndex | undefined;

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
    return this.loaded?.count ?? this.slots.size;
  }

  slotOf(relativePath: string): number | undefined {
    return this.loaded === undefined ? this.slots.get(relativePath) : this.loaded.rowOf(relativePath);
  }

  /** Slot's own path string, or `asked` (an equal string) while the paths are bytes. */
  ownPath(slot: number, asked: string): string {
    return this.loaded === undefined ? (this.paths[slot] as string) : asked;
  }

  /** The path at `slot`, undefined for a slot not in use. */
  pathAt(slot: number): string | undefined {
    if (this.loaded !== undefined) return slot < this.loaded.count ? this.loaded.pathAt(slot) : undefined;
    return this.paths[slot];
  }

  /** Build the strings and the Map now, in row order, if they are not yet. */
  materialize(): void {
    const loaded = this.loaded;
    if (loaded === undefined) return;
    this.loaded = undefined;
    let slot = 0;
    for (const relativePath of loaded.paths()) {
      this.slots.set(relativePath, slot);
      this.paths[slot] = relativePath;
      slot += 1;
    }
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
    return this.loaded === undefined ? this.slots.values() : slotsBelow(this.loaded.count);
  }

  /** `relativePath` is at `slot` now, at the end of the order; false when it already was in the store (it moves). */
  add(relativePath: string, slot: number): boolean {
    this.materialize();
    this.changes = ++lastRevision;
    const before = this.slots.size;
    this.slots.delete(relativePath);
    this.slots.set(relativePath, slot);
    this.paths[slot] = relativePath;
    return this.slots.size > before;
  }

  /** `relativePath` (at `slot`) is no longer in the store. */
  remove(relativePath: string, slot: number): void {
    this.materialize();
    this.changes = ++lastRevision;
    this.slots.delete(relativePath);
    this.paths[slot] = undefined;
  }

  /** Room for `capacity` slots. */
  resize(capacity: number): void {
    this.paths = grownSlotArray(this.paths, capacity);
  }
}

/** 0, 1, …, count - 1. */
function* slotsBelow(count: number): IterableIterator<number> {
  for (let slot = 0; slot < count; slot += 1) yield slot;
}
