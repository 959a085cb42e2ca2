/**
 * The journal's entries in a compact in-memory layout (issue 11): one slot number per entry,
 * its fields in columns — sizes and mtimes in Float64Arrays, sha256 as 32 raw bytes in one
 * Buffer, the docpath as an interned folder prefix (`org/folder/`) plus its last part as UTF-8
 * in one byte arena — and the relative paths by slot (slots-by-path.ts: a Map, or a loaded
 * snapshot's bytes behind a hash index until strings are needed). Entry objects exist only while
 * a caller holds them: `get` and `values` build them on demand. Per entry: ~200 bytes with the
 * paths as strings, where frozen entry objects in two Maps cost ~360.
 */
import { isAscii } from 'node:buffer';
import type { JournalEntry, JournalLookup } from '../core/types.js';
import { docpathsDistinct } from './distinct-slots.js';
import { DocpathIndex } from './docpath-index.js';
import { HashColumn } from './hash-column.js';
import { NameArena } from './name-arena.js';
import { PathIndex } from './path-index.js';
import { SlotsByPath } from './slots-by-path.js';
import { PrefixTable } from './prefix-table.js';
import { ColumnsError, copyLittleEndian, isWellFormed, type SnapshotColumns } from './snapshot-columns.js';

/** What the planner and the engine read (core/types.ts). */
export type EntryLookup = JournalLookup;

const INITIAL_CAPACITY = 1024;
/** Spreads docpath prefix ids over the hash space before the name's bytes are mixed in. */
const DOC_DIR_SEED = 0x9e3779b1;

/** Entries by relative path, in insertion order (a replaced entry moves to the end, as in a Map). */
export class EntryStore implements EntryLookup {
  /** Relative path → slot; its order is the iteration order (slots-by-path.ts). */
  private readonly slots = new SlotsByPath(INITIAL_CAPACITY);
  private docDirIds = new Uint32Array(INITIAL_CAPACITY);
  private sizes = new Float64Array(INITIAL_CAPACITY);
  private mtimes = new Float64Array(INITIAL_CAPACITY);
  private readonly hashes = new HashColumn(INITIAL_CAPACITY);
  /** The docpaths' last parts. */
  private readonly names = new NameArena(INITIAL_CAPACITY);
  /** Values the columns cannot hold exactly (a hash that is not lowercase hex, a name that is not well-formed): rare. */
  private readonly odd = new Map<number, { docName?: string; sha256?: string }>();
  /** Interned docpath prefixes: a mirror has one or a few. */
  private readonly docDirs = new PrefixTable();
  private readonly free: number[] = [];
  private nextSlot = 0;
  private readonly docpathIndex = new DocpathIndex(() => this.docpathsAndPaths());
  /** docpathsUnique()'s answer, until an entry changes. */
  private docpathsDistinct: boolean | undefined;

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
    // The number columns are copied whole (little-endian, as written). Row r takes slot r (odd
    // rows too: set() takes the next slot), so the columns line up.
    copyLittleEndian(columns.sizes, store.sizes, count);
    copyLittleEndian(columns.mtimes, store.mtimes, count);
    copyLittleEndian(columns.docDirIds, store.docDirIds, count);
    const pathLengths = new Uint32Array(count);
    copyLittleEndian(columns.pathLengths, pathLengths, count);
    // The writer's answer holds for these rows until an entry changes (set and delete forget it).
    store.docpathsDistinct = columns.docpathsDistinct;
    // The usual snapshot (ASCII paths, no odd row) keeps its paths as bytes (slots-by-path.ts).
    const indexed = columns.odd.length === 0 && isAscii(columns.paths);
    if (indexed) store.slots.adopt(new PathIndex(columns.paths, pathLengths, count));
    const asciiPaths = !indexed && isAscii(columns.paths) ? columns.paths.toString('latin1') : undefined;
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
      const badPath = !indexed && (pathEnd === pathAt || pathEnd > columns.paths.length);
      if (dirId === undefined || badPath || nameAt + nameLength > columns.names.length) throw new ColumnsError(`entry ${row} is invalid`);
      const slot = store.nextSlot;
      if (!indexed) {
        const relativePath = asciiPaths !== undefined ? asciiPaths.slice(pathAt, pathEnd) : columns.paths.toString('utf8', pathAt, pathEnd);
        if (!store.slots.add(relativePath, slot)) throw new ColumnsError(`${relativePath} is listed twice`);
        pathAt = pathEnd;
      }
      store.nextSlot = slot + 1;
      store.docDirIds[slot] = dirId;
      store.names.place(slot, nameAt);
      nameAt += nameLength;
    }
    // The index checked that the paths fill their column.
    if ((!indexed && pathAt !== columns.paths.length) || nameAt !== columns.names.length || oddIndex !== columns.odd.length) throw new ColumnsError('the entries do not fill the columns');
    return store;
  }

  get size(): number {
    return this.slots.size;
  }

  /** Changes whenever an entry is set, moved or deleted, and differs between two stores (SlotsByPath.revision). */
  get revision(): number {
    return this.slots.revision;
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
    return this.slots.ownPath(slot, relativePath);
  }

  /**
   * Build the paths as strings now, if they are not yet: before a scan whose listing should hold
   * the store's own strings (a verification indexes every entry's path anyway, and would otherwise
   * keep two copies of each).
   */
  materialize(): void {
    this.slots.materialize();
  }

  /** Entries in insertion order, each built when reached. */
  *values(): IterableIterator<JournalEntry> {
    for (const [relativePath, slot] of this.slots.entries()) yield this.entryAt(relativePath, slot);
  }

  /** Relative paths of the entries whose content is one of `sha256s` (a watch pass's rename sources): no entry built. */
  pathsHolding(sha256s: ReadonlySet<string>): string[] {
    const slots = this.hashes.slotsHolding(sha256s, this.nextSlot).filter((slot) => this.odd.get(slot)?.sha256 === undefined);
    for (const [slot, odd] of this.odd) if (odd.sha256 !== undefined && sha256s.has(odd.sha256)) slots.push(slot);
    return slots.flatMap((slot) => this.slots.pathAt(slot) ?? []);
  }

  /** Relative paths in insertion order (no entry objects built). */
  keys(): IterableIterator<string> { return this.slots.keys(); }

  /** The relative path whose entry holds `docpath` (the latest one set, when several did). */
  pathOfDocpath(docpath: string): string | undefined {
    return this.docpathIndex.pathOf(docpath);
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
    const cut = entry.docpath.lastIndexOf('/') + 1;
    this.setParts(entry.relativePath, this.docDirs.idOf(entry.docpath.slice(0, cut)), entry.docpath.slice(cut), entry.sha256, entry.size, entry.mtimeMs);
  }

  /** Change the path, size and mtime of an entry, keeping its docpath and hash (a local move). */
  move(from: string, to: string, size: number, mtimeMs: number): void {
    const slot = this.slots.slotOf(from);
    if (slot === undefined) return;
    const docDirId = this.docDirIds[slot]!;
    const docName = this.docNameAt(slot);
    const sha256 = this.hashAt(slot);
    this.delete(from);
    this.setParts(to, docDirId, docName, sha256, size, mtimeMs);
  }

  delete(relativePath: string): void {
    const slot = this.slots.slotOf(relativePath);
    if (slot === undefined) return;
    this.docpathIndex.drop(relativePath, () => this.docpathAt(slot));
    this.slots.remove(relativePath, slot);
    this.names.release(slot);
    this.odd.delete(slot);
    this.free.push(slot);
    // Fewer entries cannot make docpaths collide; a collision may have gone.
    if (this.docpathsDistinct === false) this.docpathsDistinct = undefined;
  }

  /** Visit every entry's docpath, relative path and slot in order (the planner's docpath index): no hash text, no entry. */
  forEachDocpath(visit: (docpath: string, relativePath: string, slot: number) => void): void {
    for (const [relativePath, slot] of this.slots.entries()) visit(this.docpathAt(slot), relativePath, slot);
  }

  /** The slot holding `relativePath`'s entry: a number below slotLimit, stable until the store changes. */
  slotOf(relativePath: string): number | undefined {
    return this.slots.slotOf(relativePath);
  }

  /** One more than the highest slot in use or freed. */
  get slotLimit(): number {
    return this.nextSlot;
  }

  /** Visit every entry's fields in order (the snapshot writer). */
  forEachRow(visit: (relativePath: string, docDir: string, docName: string, sha256: string, size: number, mtimeMs: number) => void): void {
    for (const [relativePath, slot] of this.slots.entries()) {
      visit(relativePath, this.docDirs.at(this.docDirIds[slot]!), this.docNameAt(slot), this.hashAt(slot), this.sizes[slot]!, this.mtimes[slot]!);
    }
  }

  private setParts(relativePath: string, docDirId: number, docName: string, sha256: string, size: number, mtimeMs: number): void {
    const held = this.slots.slotOf(relativePath);
    const slot = held ?? this.free.pop() ?? this.grow();
    if (held !== undefined) {
      this.docpathIndex.drop(relativePath, () => this.docpathAt(slot));
      this.names.release(slot);
      this.odd.delete(slot);
    }
    this.docpathsDistinct = undefined;
    this.slots.add(relativePath, slot);
    this.docDirIds[slot] = docDirId;
    this.sizes[slot] = size;
    this.mtimes[slot] = mtimeMs;
    const odd: { docName?: string; sha256?: string } = {};
    if (isWellFormed(docName)) this.names.store(slot, docName, () => this.slots.usedSlots());
    else {
      this.names.release(slot);
      odd.docName = docName;
    }
    if (!this.hashes.write(slot, sha256)) odd.sha256 = sha256;
    if (odd.docName !== undefined || odd.sha256 !== undefined) this.odd.set(slot, odd);
    this.docpathIndex.set(relativePath, () => this.docpathAt(slot));
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
    const aside = new Map<number, string>();
    for (const [slot, odd] of this.odd) if (odd.docName !== undefined) aside.set(slot, this.docpathAt(slot));
    return docpathsDistinct(this.slots.usedSlots(), this.size, aside,
      (slot) => this.names.hash(slot, Math.imul(this.docDirIds[slot]! + 1, DOC_DIR_SEED)),
      (slot, other) => this.docDirIds[slot] === this.docDirIds[other] && this.names.same(slot, other));
  }

  private *docpathsAndPaths(): IterableIterator<[string, string]> {
    for (const [relativePath, slot] of this.slots.entries()) yield [this.docpathAt(slot), relativePath];
  }

  private grow(): number {
    if (this.nextSlot === this.docDirIds.length) this.resize(this.docDirIds.length * 2);
    const slot = this.nextSlot;
    this.nextSlot += 1;
    return slot;
  }

  private resize(capacity: number): void {
    const grown = <T extends Uint32Array | Float64Array>(from: T, to: T): T => { to.set(from); return to; };
    this.docDirIds = grown(this.docDirIds, new Uint32Array(capacity));
    this.names.resize(capacity);
    this.sizes = grown(this.sizes, new Float64Array(capacity));
    this.mtimes = grown(this.mtimes, new Float64Array(capacity));
    this.hashes.resize(capacity);
    this.slots.resize(capacity);
  }
}
