/**
 * Content the server refused for good (contract §13 U9: unsupported type, no text, no
 * extension), remembered per file *content* (relative path + sha256) so it is not sent again
 * on every pass and every reconcile — only once the file changes. Kept in its own small file
 * (`rejections.json` in the state dir), apart from the journal log: losing it costs at most one
 * more refused upload per file, so it is written atomically but without the journal's ceremony.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from './atomic-file.js';

/** Name of the file inside the state dir. */
export const REJECTIONS_FILE_NAME = 'rejections.json';
/** Entries kept at most (the ones seen longest ago go first): the file stays small whatever the tree holds. */
export const MAX_REJECTIONS = 10_000;

/** One refused content. */
export interface Rejection {
  relativePath: string;
  sha256: string;
  /** The server's own words, e.g. "File extension .xyz not supported for parsing …". */
  reason: string;
  /** What the user can do about it. */
  hint?: string;
  /** Uploads of this content the server refused (1 unless the file was sent again after a lost state). */
  attempts: number;
  /** ms since epoch: first and latest refusal. */
  firstAt: number;
  lastAt: number;
}

const isRejection = (value: unknown): value is Rejection => {
  const item = value as Partial<Rejection> | null;
  return typeof item === 'object' && item !== null && typeof item.relativePath === 'string' && typeof item.sha256 === 'string'
    && typeof item.reason === 'string' && typeof item.attempts === 'number' && typeof item.firstAt === 'number' && typeof item.lastAt === 'number';
};

/** Parse the file's text; anything unreadable counts as empty (the worst case is one more attempt per file). */
function parse(text: string): Rejection[] {
  try {
    const parsed = JSON.parse(text) as { version?: unknown; rejections?: unknown };
    return parsed.version === 1 && Array.isArray(parsed.rejections) ? parsed.rejections.filter(isRejection) : [];
  } catch {
    return [];
  }
}

/** Read the rejections of a state dir without opening anything for writing (for `status`). */
export function readRejections(stateDir: string): Rejection[] {
  try {
    return parse(readFileSync(path.join(stateDir, REJECTIONS_FILE_NAME), 'utf8'));
  } catch {
    return [];
  }
}

/** The remembered refusals of one mirror. Mutate, then `save()`. */
export class Rejections {
  private readonly byPath = new Map<string, Rejection>();
  private dirty = false;

  private constructor(private readonly file: string | undefined, items: readonly Rejection[], private readonly limit: number) {
    for (const item of items) this.byPath.set(item.relativePath, item);
  }

  /** Load the state dir's file (missing or unreadable: empty). */
  static load(stateDir: string, limit = MAX_REJECTIONS): Rejections {
    return new Rejections(path.join(stateDir, REJECTIONS_FILE_NAME), readRejections(stateDir), limit);
  }

  /** An in-memory store (tests, dry runs). */
  static inMemory(items: readonly Rejection[] = [], limit = MAX_REJECTIONS): Rejections {
    return new Rejections(undefined, items, limit);
  }

  get size(): number {
    return this.byPath.size;
  }

  get(relativePath: string): Rejection | undefined {
    return this.byPath.get(relativePath);
  }

  /** relative path → refused sha256, what the planner needs. */
  contents(): Map<string, string> {
    return new Map([...this.byPath].map(([relativePath, item]) => [relativePath, item.sha256]));
  }

  /** Every refusal, by path. */
  list(): Rejection[] {
    return [...this.byPath.values()].sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  }

  /** Remember a refusal of this content; returns the record (attempts counted per content). */
  record(refusal: { relativePath: string; sha256: string; reason: string; hint?: string | undefined }, now = Date.now()): Rejection {
    const previous = this.byPath.get(refusal.relativePath);
    const same = previous !== undefined && previous.sha256 === refusal.sha256;
    const item: Rejection = {
      relativePath: refusal.relativePath, sha256: refusal.sha256, reason: refusal.reason, ...(refusal.hint !== undefined ? { hint: refusal.hint } : {}),
      attempts: same ? previous.attempts + 1 : 1, firstAt: same ? previous.firstAt : now, lastAt: now,
    };
    this.byPath.delete(refusal.relativePath);
    this.byPath.set(refusal.relativePath, item);
    this.dirty = true;
    return item;
  }

  /** Drop the refusal of a path (its new content was accepted, or the file is gone). */
  forget(relativePath: string): void {
    if (this.byPath.delete(relativePath)) this.dirty = true;
  }

  /** Keep only the refusals `keep` approves (e.g. files still present with the refused content). */
  retain(keep: (item: Rejection) => boolean): void {
    for (const item of [...this.byPath.values()]) if (!keep(item)) this.forget(item.relativePath);
  }

  /** Write the file atomically (temp, fsync, rename) when something changed; bounded to `limit` entries. */
  async save(): Promise<void> {
    if (!this.dirty || this.file === undefined) return;
    const items = [...this.byPath.values()];
    if (items.length > this.limit) {
      items.sort((a, b) => a.lastAt - b.lastAt);
      for (const item of items.splice(0, items.length - this.limit)) this.byPath.delete(item.relativePath);
    }
    await writeFileAtomically(this.file, `${JSON.stringify({ version: 1, rejections: this.list() }, null, 1)}\n`);
    this.dirty = false;
  }
}
