/**
 * The journal's in-memory state and the one function that applies a record to it. Loading
 * (replay) and live appends both go through `apply`, so what a run sees and what the next
 * run reloads cannot drift apart.
 */
import type { Intent, JournalEntry, JournalMeta } from '../core/types.js';
import type { CompactState } from './compact-snapshot.js';
import { EntryStore } from './entry-store.js';
import type { JournalRecord } from './records.js';

/** Entries by relative path (compact store, docpath index on demand), open intents, meta and the last applied seq. */
export class JournalState {
  /** Entries by relative path. */
  readonly entries: EntryStore;
  /** Open intents by id, in the order they were begun. */
  readonly intents = new Map<string, Intent>();
  /** Seq of the last applied record. */
  seq = 0;
  private meta: JournalMeta = { workspaces: [] };

  private constructor(entries: EntryStore) {
    this.entries = entries;
  }

  /** An empty state (no snapshot yet). */
  static empty(): JournalState {
    return new JournalState(new EntryStore());
  }

  /** Build the state a snapshot describes (takes its entry store over). */
  static fromSnapshot(snapshot: CompactState): JournalState {
    const state = new JournalState(snapshot.entries);
    state.seq = snapshot.seq;
    state.meta = copyMeta(snapshot.meta);
    for (const intent of snapshot.intents) state.intents.set(intent.id, freezeIntent(intent));
    return state;
  }

  /** Apply one record (its seq must follow `seq`; the caller checks). */
  apply(record: JournalRecord): void {
    switch (record.op) {
      case 'put':
        this.entries.set(record.entry);
        break;
      case 'delete':
        this.entries.delete(record.relativePath);
        break;
      case 'move':
        // A move is only logged for a known path; tolerate its absence rather than refuse to load.
        this.entries.move(record.from, record.to, record.size, record.mtimeMs);
        break;
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

  /** The entry for `relativePath`, if any. */
  get(relativePath: string): JournalEntry | undefined {
    return this.entries.get(relativePath);
  }

  /** A copy of the meta (callers may mutate it freely). */
  metaCopy(): JournalMeta {
    return copyMeta(this.meta);
  }

  /** Open intents, oldest first. */
  openIntents(): Intent[] {
    return [...this.intents.values()];
  }

  /** The state as snapshot data (shares the entry store; encode it before the next mutation). */
  toSnapshot(): CompactState {
    return { seq: this.seq, meta: this.metaCopy(), intents: this.openIntents(), entries: this.entries };
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
