/**
 * The journal's entries in a compact in-memory layout (issue 11): one slot number per entry,
 * its fields in columns — sizes and mtimes in Float64Arrays, sha256 as 32 raw bytes in one
 * Buffer, the docpath as an interned folder prefix (`org/folder/`) plus its last part as UTF-8
 * in one byte arena — and one Map from relative path to slot. Entry objects exist only while a
 * caller holds them: `get` and `values` build them on demand.
 *
 * Per entry this costs the relative path (the Map key, ~40 bytes; its slot keeps a reference) and
 * its Map slot (~30), the docpath's last part (~55 bytes for `name-<uuid>.json`), 32 bytes of hash
 * and 36 of columns: ~200 bytes, where frozen entry objects in two Maps cost ~360; and a snapshot
 * loads with one string and one Map insertion per entry (the rest are a few large copies).
 */
import { isAscii } from 'node:buffer';
import type { JournalEntry, JournalLookup } from '../core/types.js';
import { allDistinct } from './distinct-slots.js';
import { HashColumn } from './hash-column.js';
import { NameArena } from './name-arena.js';
import { PathIndex } from './path-index.js';
import { PrefixTable } from './prefix-table.js';
import { ColumnsError, copyLittleEndian, grownSlotArray, isWellFormed, type SnapshotColumns } from './snapshot-columns.js';

/** What the planner and the engine read (core/types.ts). */
export type EntryLookup = JournalLookup;

const INITIAL_CAPACITY = 1024;
/** Spreads docpath prefix ids over the hash space before the name's bytes are mixed in. */
const DOC_DIR_SEED = 0x9e3779b1;

/** Entries by relative path, in insertion order (a replaced entry moves to the end, as in a Map). */
export class EntryStore implements EntryLookup {
  /** Relative path → slot; its order is the iteration order. */
  private readonly slots = new Map<string, number>();
  private docDirIds = new Uint32Array(INITIAL_CAPACITY);
  private sizes = new Float64Array(INITIAL_CAPACITY);
  private mtimes = new Float64Array(INITIAL_CAPACITY);
  private readonly hashes = new HashColumn(INITIAL_CAPACITY);
  /** Each slot's relative path (the Map's key): a scan lists unchanged files with these, not with strings of its own. */
  private paths = grownSlotArray<string>([], INITIAL_CAPACITY);
  /** The docpaths' last parts. */
  private readonly names = new NameArena(INITIAL_CAPACITY);
  /** Values the columns cannot hold exactly (a hash that is not lowercase hex, a name that is not well-formed): rare. */
  private readonly odd = new Map<number, { docName?: string; sha256?: string }>();
  /** Interned docpath prefixes: a mirror has one or a few. */
  private readonly docDirs = new PrefixTable();
  private readonly free: number[] = [];
  private nextSlot = 0;
  /** Docpath → relative path, built on the first `pathOfDocpath` call and kept up to date from then on. */
  private docpathIndex: Map<string, string> | undefined;
  /** docpathsUnique()'s answer, until an entry changes. */
  private docpathsDistinct: boolean | undefined;
  /**
   * A snapshot's paths as bytes with a hash index (path-index.ts), until something needs them as
   * strings (materialize): `slots` and `paths` are empty meanwhile, and row r is slot r. A no-op
   * pass only looks paths up (has, get, slotOf, unchangedPath), so it never builds them.
   */
  private loaded: PathIndex | undefined;

  /** A store holding a snapshot's rows, in row order. Throws ColumnsError when they do not add up. */
  static fromColumns(columns: SnapshotColumns): EntryStore {
    const store = new EntryStore();
    const { count } = columns;
    store.resize(Math.max(INITIAL_CAPACITY, count));
    const dirIds = columns.docDirs.map((prefix) => store.docDirs.idOf(prefix));
    store.hashes.load(columns.hashes, count);
    // Odd rows are set() while the other rows are placed: their names need room in the arena.
    const oddNameBytes = columns.odd.reduce((sum, [, , docpath]) => sum + Buffer.byteLength(docpath), 0);
    store.names.load(columns.names, columns.nameLengths, count, oddNameBytes);
    // The number columns are copied whole into the store's own (little-endian, as written), and
    // the paths, when they are ASCII (bytes = characters), are decoded as one string and cut: one
    // call per snapshot instead of one per row (journal open: BENCHMARKS.md, "Start-up"). Row r
    // takes slot r (odd rows too: set() takes the next slot), so the columns line up.
    copyLittleEndian(columns.sizes, store.sizes, count);
    copyLittleEndian(columns.mtimes, store.mtimes, count);
    copyLittleEndian(columns.docDirIds, store.docDirIds, count);
    const pathLengths = new Uint32Array(count);
    copyLittleEndian(columns.pathLengths, pathLengths, count);
    // The writer's answer holds for these rows until an entry changes (set and delete forget it).
    store.docpathsDistinct = columns.docpathsDistinct;
    if (columns.odd.length === 0 && isAscii(columns.paths)) return store.loadIndexed(columns, pathLengths, dirIds);
    const asciiPaths = isAscii(columns.paths) ? columns.paths.toString('latin1') : undefined;
    let pathAt = 0;
    let nameAt = 0;
    let oddIndex = 0;
    for (let row = 0; row < count; row += 1) {
      const size = store.sizes[row]!;
      const mtimeMs = store.mtimes[row]!;
      if (!Number.isFinite(size) || !Number.isFinite(mtimeMs)) throw new ColumnsError(`entry ${row} has an invalid size or mtime`);
      const odd = columns.odd[oddIndex];
      if (odd !== undefined && odd[0] === row) {
        oddIndex += 1;
        if (store.has(odd[1])) throw new ColumnsError(`${odd[1]} is listed twice`);
        store.set({ relativePath: odd[1], docpath: odd[2], sha256: odd[3], size, mtimeMs });
        continue;
      }
      const dirId = dirIds[store.docDirIds[row]!];
      const pathEnd = pathAt + pathLengths[row]!;
      const nameLength = store.names.lengthAt(row);
      if (dirId === undefined || pathEnd === pathAt || pathEnd > columns.paths.length || nameAt + nameLength > columns.names.length) throw new ColumnsError(`entry ${row} is invalid`);
      const relativePath = asciiPaths !== undefined ? asciiPaths.slice(pathAt, pathEnd) : columns.paths.toString('utf8', pathAt, pathEnd);
      pathAt = pathEnd;
      const slot = store.nextSlot;
      const before = store.slots.size;
      store.slots.set(relativePath, slot);
      store.paths[slot] = relativePath;
      if (store.slots.size === before) throw new ColumnsError(`${relativePath} is listed twice`);
      store.nextSlot = slot + 1;
      store.docDirIds[slot] = dirId;
      store.names.place(slot, nameAt);
      nameAt += nameLength;
    }
    if (pathAt !== columns.paths.length || nameAt !== columns.names.length || oddIndex !== columns.odd.length) throw new ColumnsError('the entries do not fill the columns');
    return store;
  }

  /** fromColumns for ASCII paths and no odd row: the paths stay bytes behind a hash index until materialize(). */
  private loadIndexed(columns: SnapshotColumns, pathLengths: Uint32Array, dirIds: number[]): EntryStore {
    const { count } = columns;
    this.loaded = new PathIndex(columns.paths, pathLengths, count);
    let nameAt = 0;
    for (let row = 0; row < count; row += 1) {
      if (!Number.isFinite(this.sizes[row]!) || !Number.isFinite(this.mtimes[row]!)) throw new ColumnsError(`entry ${row} has an invalid size or mtime`);
      const dirId = dirIds[this.docDirIds[row]!];
      const nameLength = this.names.lengthAt(row);
      if (dirId === undefined || nameAt + nameLength > columns.names.length) throw new ColumnsError(`entry ${row} is invalid`);
      this.docDirIds[row] = dirId;
      this.names.place(row, nameAt);
      nameAt += nameLength;
    }
    if (nameAt !== columns.names.length) throw new ColumnsError('the entries do not fill the columns');
    this.nextSlot = count;
    return this;
  }

  get size(): number {
    return this.loaded?.count ?? this.slots.size;
  }

  has(relativePath: string): boolean {
    return this.slotOf(relativePath) !== undefined;
  }

  get(relativePath: string): JournalEntry | undefined {
    const slot = this.slotOf(relativePath);
    return slot === undefined ? undefined : this.entryAt(relativePath, slot);
  }

  /**
   * The store's own copy of `relativePath` when its entry has this size and mtime (the scan's
   * "found as journaled" test), else undefined: a scan that lists it keeps no string of its own.
   */
  unchangedPath(relativePath: string, size: number, mtimeMs: number): string | undefined {
    const slot = this.slotOf(relativePath);
    if (slot === undefined || this.sizes[slot] !== size || this.mtimes[slot] !== mtimeMs) return undefined;
    // Before materialize() the store holds no string of its own: the caller's is as good.
    return this.loaded === undefined ? this.paths[slot] : relativePath;
  }

  /**
   * Build the paths as strings now, if they are not yet: before a scan whose listing should hold
   * the store's own strings (a verification indexes every entry's path anyway, and would otherwise
   * keep two copies of each).
   */
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

  /** Entries in insertion order, each built when reached. */
  *values(): IterableIterator<JournalEntry> {
    this.materialize();
    for (const [relativePath, slot] of this.slots) yield this.entryAt(relativePath, slot);
  }

  /** Relative paths in insertion order (no entry objects built). */
  keys(): IterableIterator<string> {
    this.materialize();
    return this.slots.keys();
  }

  /** The relative path whose entry holds `docpath` (the latest one set, when several did). */
  pathOfDocpath(docpath: string): string | undefined {
    this.materialize();
    if (this.docpathIndex === undefined) {
      const index = new Map<string, string>();
      for (const [relativePath, slot] of this.slots) index.set(this.docpathAt(slot), relativePath);
      this.docpathIndex = index;
    }
    return this.docpathIndex.get(docpath);
  }

  /**
   * True when no two entries share a docpath, as the journal of a healthy mirror always has it: a
   * plan without a remote listing then need not claim the docpaths of files it finds unchanged
   * (core/planner.ts). Checked on the columns, without a docpath string; kept until an entry changes.
   */
  docpathsUnique(): boolean {
    this.docpathsDistinct ??= this.checkDocpathsDistinct();
    return this.docpathsDistinct;
  }

  /** Remember `entry` (replacing and moving to the end an entry of the same path). */
  set(entry: JournalEntry): void {
    this.materialize();
    const cut = entry.docpath.lastIndexOf('/') + 1;
    this.setParts(entry.relativePath, this.docDirs.idOf(entry.docpath.slice(0, cut)), entry.docpath.slice(cut), entry.sha256, entry.size, entry.mtimeMs);
  }

  /** Change the path, size and mtime of an entry, keeping its docpath and hash (a local move). */
  move(from: string, to: string, size: number, mtimeMs: number): void {
    this.materialize();
    const slot = this.slots.get(from);
    if (slot === undefined) return;
    const docDirId = this.docDirIds[slot]!;
    const docName = this.docNameAt(slot);
    const sha256 = this.hashAt(slot);
    this.delete(from);
    this.setParts(to, docDirId, docName, sha256, size, mtimeMs);
  }

  delete(relativePath: string): void {
    this.materialize();
    const slot = this.slots.get(relativePath);
    if (slot === undefined) return;
    this.unindexDocpath(relativePath, slot);
    this.slots.delete(relativePath);
    this.names.release(slot);
    this.odd.delete(slot);
    this.paths[slot] = undefined;
    this.free.push(slot);
    // Fewer entries cannot make docpaths collide; a collision may have gone.
    if (this.docpathsDistinct === false) this.docpathsDistinct = undefined;
  }

  /** Visit every entry's docpath, relative path and slot in order (the planner's docpath index): no hash text, no entry. */
  forEachDocpath(visit: (docpath: string, relativePath: string, slot: number) => void): void {
    this.materialize();
    for (const [relativePath, slot] of this.slots) visit(this.docpathAt(slot), relativePath, slot);
  }

  /** The slot holding `relativePath`'s entry: a number below slotLimit, stable until the store changes. */
  slotOf(relativePath: string): number | undefined {
    return this.loaded === undefined ? this.slots.get(relativePath) : this.loaded.rowOf(relativePath);
  }

  /** One more than the highest slot in use or freed. */
  get slotLimit(): number {
    return this.nextSlot;
  }

  /** Visit every entry's fields in order (the snapshot writer). */
  forEachRow(visit: (relativePath: string, docDir: string, docName: string, sha256: string, size: number, mtimeMs: number) => void): void {
    this.materialize();
    for (const [relativePath, slot] of this.slots) {
      visit(relativePath, this.docDirs.at(this.docDirIds[slot]!), this.docNameAt(slot), this.hashAt(slot), this.sizes[slot]!, this.mtimes[slot]!);
    }
  }

  private setParts(relativePath: string, docDirId: number, docName: string, sha256: string, size: number, mtimeMs: number): void {
    let slot = this.slots.get(relativePath);
    if (slot === undefined) slot = this.free.pop() ?? this.grow();
    else {
      this.unindexDocpath(relativePath, slot);
      this.slots.delete(relativePath);
      this.names.release(slot);
      this.odd.delete(slot);
    }
    this.docpathsDistinct = undefined;
    this.slots.set(relativePath, slot);
    this.paths[slot] = relativePath;
    this.docDirIds[slot] = docDirId;
    this.sizes[slot] = size;
    this.mtimes[slot] = mtimeMs;
    const odd: { docName?: string; sha256?: string } = {};
    if (isWellFormed(docName)) this.names.store(slot, docName, () => this.slots.values());
    else {
      this.names.release(slot);
      odd.docName = docName;
    }
    if (!this.hashes.write(slot, sha256)) odd.sha256 = sha256;
    if (odd.docName !== undefined || odd.sha256 !== undefined) this.odd.set(slot, odd);
    this.docpathIndex?.set(this.docpathAt(slot), relativePath);
  }

  private entryAt(relativePath: string, slot: number): JournalEntry {
    return { relativePath, docpath: this.docpathAt(slot), sha256: this.hashAt(slot), size: this.sizes[slot]!, mtimeMs: this.mtimes[slot]! };
  }

  private docpathAt(slot: number): string {
    return this.docDirs.at(this.docDirIds[slot]!) + this.docNameAt(slot);
  }

  private docNameAt(slot: number): string {
    const odd = this.odd.size === 0 ? undefined : this.odd.get(slot)?.docName;
    if (odd !== undefined) return odd;
    return this.names.read(slot);
  }

  private hashAt(slot: number): string {
    return this.hashes.read(slot, this.odd.size === 0 ? undefined : this.odd.get(slot)?.sha256);
  }

  private checkDocpathsDistinct(): boolean {
    // A name kept aside (not well-formed UTF-16) cannot equal a name of the arena: those are checked among themselves.
    const oddDocpaths = new Set<string>();
    for (const [slot, odd] of this.odd) {
      if (odd.docName === undefined) continue;
      const docpath = this.docpathAt(slot);
      if (oddDocpaths.has(docpath)) return false;
      oddDocpaths.add(docpath);
    }
    const live = this.loaded === undefined ? this.slots.values() : slotsBelow(this.loaded.count);
    const slots = oddDocpaths.size === 0 ? live : [...live].filter((slot) => this.odd.get(slot)?.docName === undefined);
    return allDistinct(
      slots,
      this.size,
      (slot) => this.names.hash(slot, Math.imul(this.docDirIds[slot]! + 1, DOC_DIR_SEED)),
      (slot, other) => this.docDirIds[slot] === this.docDirIds[other] && this.names.same(slot, other),
    );
  }

  private unindexDocpath(relativePath: string, slot: number): void {
    if (this.docpathIndex === undefined) return;
    const docpath = this.docpathAt(slot);
    // Only drop the index if it still points here: another path may have taken the docpath over.
    if (this.docpathIndex.get(docpath) === relativePath) this.docpathIndex.delete(docpath);
  }

  private grow(): number {
    if (this.nextSlot === this.docDirIds.length) this.resize(this.docDirIds.length * 2);
    const slot = this.nextSlot;
    this.nextSlot += 1;
    return slot;
  }

  private resize(capacity: number): void {
    const grown = <T extends Uint32Array | Float64Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.docDirIds = grown(this.docDirIds, new Uint32Array(capacity));
    this.names.resize(capacity);
    this.sizes = grown(this.sizes, new Float64Array(capacity));
    this.mtimes = grown(this.mtimes, new Float64Array(capacity));
    this.hashes.resize(capacity);
    this.paths = grownSlotArray(this.paths, capacity);
  }
}

/** 0, 1, …, count - 1. */
function* slotsBelow(count: number): IterableIterator<number> {
  for (let slot = 0; slot < count; slot += 1) yield slot;
}
