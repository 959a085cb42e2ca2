/** What a sync session is made of: the API client, the journal and the pacing the engine works with. */
import type { Logger } from 'pino';
import type { CompactFolderListing, WorkspaceDetail } from '../api/types.js';
import type { Intent, JournalEntry, JournalLookup, JournalMeta } from '../core/types.js';
import type { Pacer } from '../executor/pacer.js';
import type { JournalPort, RemotePort } from '../executor/ports.js';
import type { Rejections } from '../journal/rejections.js';
import type { ScanPrefetch } from '../local/scan-prefetch.js';
import type { Stats } from '../stats/stats.js';
import type { MirrorSpec } from './mirror.js';

/** What the engine needs from the API client beyond the executor's calls. */
export interface ListingPort extends RemotePort {
  /** The folder paged and streamed, keeping only what the planner needs. */
  listFolderCompact(orgSlug: string, folder: string, runPage?: <T>(request: () => Promise<T>) => Promise<T>): Promise<CompactFolderListing>;
  /** W1 streamed, keeping only the docpaths under `docpathPrefix`. */
  getWorkspaceDocpaths(workspaceSlug: string, orgSlug: string, docpathPrefix: string): Promise<WorkspaceDetail>;
}

/** What the engine needs from the journal. */
export interface EngineJournal extends JournalPort {
  entries(): IterableIterator<JournalEntry>;
  /** The journal's copy of `relativePath` when its entry has this size and mtime (the scan's "found as journaled" test; no entry built). */
  unchangedPath(relativePath: string, size: number, mtimeMs: number): string | undefined;
  /** Relative paths of the entries whose content is one of `sha256s`, when the journal can find them without building every entry. */
  pathsHolding?(sha256s: ReadonlySet<string>): string[];
  /** Build the entries' path strings now when the journal defers them (a verification's listing should hold the journal's own strings, not a second copy). */
  materializePaths?(): void;
  /** The entries by relative path, when the journal keeps such an index (the planner then builds none). */
  entriesByPath?(): JournalLookup;
  meta(): JournalMeta;
  setMeta(patch: Partial<JournalMeta>): void;
  /** Intents begun and not yet ended (a killed process leaves some). */
  openIntents(): Intent[];
  readonly size: number;
}

export interface SyncSession {
  remote: ListingPort;
  journal: EngineJournal;
  pacer: Pacer;
  stats: Stats;
  log: Logger;
  spec: MirrorSpec;
  signal?: AbortSignal;
  /** Content the server refused for good (U9); without it every refusal is tried again next pass. */
  rejections?: Rejections;
  /** A walk of the root begun while the journal was read; the first full scan takes it over (and clears this). */
  scanPrefetch?: ScanPrefetch;
}
