/** What plan() reads (planner.ts): the remote listing as the planner needs it, the policy, the whole input. */
import type { JournalEntry, JournalLookup, JournalMeta, LocalListing } from './types.js';
import type { MaxDelete } from './guards.js';

/** One remote document as the planner needs it. */
export interface RemoteDocumentView {
  docpath: string;
  title?: string | undefined;
  docSource?: string | undefined;
  /** Names the owning mirror on documents uploaded since issue 15 (see marker.ts). */
  docAuthor?: string | undefined;
}

/** The remote side of the mirror, as listed at the start of the pass. */
export interface RemoteView {
  folderExists: boolean;
  /** Documents in the mirror's folder. */
  documents: RemoteDocumentView[];
  /** Docpaths embedded per workspace (original slug), for the workspaces that were read. */
  embeddings: Record<string, string[]>;
  /** `documents` by docpath (the last one listed for a docpath wins), when the caller built that index: the planner then builds none. */
  documentsByDocpath?: ReadonlyMap<string, RemoteDocumentView>;
}

export interface PlanPolicy {
  folder: string;
  /** Original slugs of the workspaces the documents must be embedded in. */
  workspaces: string[];
  /** Keep documents in the folder that lumensync did not upload. */
  keepUnknown: boolean;
  /** The folder holds documents of others (custom-documents): never delete unknown documents. */
  sharedFolder: boolean;
  maxDelete: MaxDelete;
  /** Lift the empty-root guard for this pass (the folder really was emptied). */
  allowEmptyRoot?: boolean;
  /** Docpaths per update-embeddings request. */
  embedBatchSize: number;
  /** This mirror's owner mark: a document marked by another mirror is never adopted nor deleted. */
  ownerMark?: string;
  /** Workspaces the user removes from the mirror on purpose: their un-embeds pass the workspace guard. */
  removeWorkspaces?: string[];
}

export interface PlanInput {
  local: LocalListing;
  journalEntries: Iterable<JournalEntry>;
  /** The same entries by relative path, when the caller holds such an index (saves building one per pass). */
  journalByPath?: JournalLookup;
  journalMeta: JournalMeta;
  /** Undefined: trust the journal (a watch pass over a few dirty paths, without listing the remote). */
  remote: RemoteView | undefined;
  policy: PlanPolicy;
  /** Content the server refused for good (relative path → sha256): not sent again until it changes. */
  rejectedContent?: ReadonlyMap<string, string>;
}

/** Documents by docpath; the last one listed for a docpath wins. */
export function indexByDocpath(documents: readonly RemoteDocumentView[]): Map<string, RemoteDocumentView> {
  const byDocpath = new Map<string, RemoteDocumentView>();
  for (const doc of documents) byDocpath.set(doc.docpath, doc);
  return byDocpath;
}
