/**
 * The journal's in-memory state and the one function that applies a record to it. Loading
 * (replay) and live appends both go through `apply`, so what a run sees and what the next
 * run reloads cannot drift apart.
 */
import type { Intent, JournalEntry, JournalMeta } from '../core/types.js';
import type { JournalRecord } from './records.js';
import type { SnapshotState } from './snapshot.js';

/** Entries by relative path, a docpath index, open intents, meta and the last applied seq. */
export class JournalState {
  /** Frozen entries by relative path. */
  readonly entries = new Map<string, JournalEntry>();
  /** Docpath → relative path of the entry that owns it. */
  readonly pathByDocpath = new Map<string, string>();
  /** Open intents by id, in the order they were begun. */
  readonly intents = new Map<string, Intent>();
  /** Seq of the last applied record. */
  seq = 0;
  private meta: JournalMeta = { workspaces: [] };

  /** Build the state a snapshot describes. */
  static fromSnapshot(snapshot: SnapshotState): JournalState {
    const state = new JournalState();
    state.seq = snapshot.seq;
    state.meta = copyMeta(snapshot.meta);
    for (const entry of snapshot.entries) state.loadEntry(entry);
    for (const intent of snapshot.intents) state.intents.set(intent.id, freezeIntent(intent));
    return state;
  }

  /** Apply one record (its seq must follow `seq`; the caller checks). */
  apply(record: JournalRecord): void {
    switch (record.op) {
      case 'put':
        this.setEntry(record.entry);
        break;
      case 'delete':
        this.removeEntry(record.relativePath);
        break;
      case 'move': {
        const moved = this.entries.get(record.from);
        // A move is only logged for a known path; tolerate its absence rather than refuse to load.
        if (moved !== undefined) {
          this.removeEntry(record.from);
          this.setEntry({ ...moved, relativePath: record.to, size: record.size, mtimeMs: record.mtimeMs });
        }
        break;
      }
      case 'meta':
        this.applyMetaPatch(record.patch);
        break;
      case 'begin':
        this.intents.set(record.intent.id, freezeIntent(record.intent));
        break;
      case 'end':
        this.intents.delete(record.id);
        break;
    }
    this.seq = record.seq;
  }

  /** A copy of the meta (callers may mutate it freely). */
  metaCopy(): JournalMeta {
    return copyMeta(this.meta);
  }

  /** Open intents, oldest first. */
  openIntents(): Intent[] {
    return [...this.intents.values()];
  }

  /** The state as snapshot data (shares frozen objects; serialise before the next mutation). */
  toSnapshot(): SnapshotState {
    return { seq: this.seq, meta: this.metaCopy(), entries: [...this.entries.values()], intents: this.openIntents() };
  }

  /**
   * A snapshot entry (validated, owned by the loader): frozen as it is instead of copied, which
   * halves the objects a 100,000-entry load allocates (issue 11). Duplicates take the copying path.
   */
  private loadEntry(entry: JournalEntry): void {
    if (this.entries.has(entry.relativePath)) {
      this.setEntry(entry);
      return;
    }
    this.entries.set(entry.relativePath, Object.freeze(entry));
    this.pathByDocpath.set(entry.docpath, entry.relativePath);
  }

  private setEntry(entry: JournalEntry): void {
    this.removeEntry(entry.relativePath);
    const frozen = Object.freeze({ relativePath: entry.relativePath, docpath: entry.docpath, sha256: entry.sha256, size: entry.size, mtimeMs: entry.mtimeMs });
    this.entries.set(entry.relativePath, frozen);
    this.pathByDocpath.set(entry.docpath, entry.relativePath);
  }

  private removeEntry(relativePath: string): void {
    const existing = this.entries.get(relativePath);
    if (existing === undefined) return;
    this.entries.delete(relativePath);
    // Only drop the index if it still points here: another path may have taken the docpath over.
    if (this.pathByDocpath.get(existing.docpath) === relativePath) this.pathByDocpath.delete(existing.docpath);
  }

  private applyMetaPatch(patch: Record<string, unknown>): void {
    const next: Record<string, unknown> = { ...this.meta };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete next[key];
      else next[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
    }
    if (!Array.isArray(next.workspaces)) next.workspaces = [];
    this.meta = next as unknown as JournalMeta;
  }
}

function copyMeta(meta: JournalMeta): JournalMeta {
  return { ...meta, workspaces: [...meta.workspaces] };
}

function freezeIntent(intent: Intent): Intent {
  return Object.freeze({ ...intent, relativePaths: Object.freeze([...intent.relativePaths]) as string[], docpaths: Object.freeze([...intent.docpaths]) as string[] });
}
