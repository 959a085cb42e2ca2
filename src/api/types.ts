/** Shapes the LumenOne client returns, normalised from the tolerant parsers (contract §6). */

/** An organization, with both slug forms. */
export interface Organization {
  orgSlug: string;
  orgSlugHex: string;
  name: string | undefined;
  id: string | number | undefined;
}

/** A workspace, with both slug forms. */
export interface Workspace {
  workspaceSlug: string;
  workspaceSlugHex: string;
  name: string | undefined;
  id: string | number | undefined;
}

/** A workspace as returned by W1, with the docpaths embedded in it (always org-prefixed). */
export interface WorkspaceDetail extends Workspace {
  docpaths: string[];
}

/** Which of a workspace's docpaths to keep: those starting with a prefix, or those a test accepts. */
export type DocpathFilter = string | ((docpath: string) => boolean);

/**
 * One stored document. `docpath` is always the full `{org}/{folder}/{storedName}` form.
 * The metadata fields are whatever the server echoed back (lumensync reads `title`
 * and `docSource` to recognise its own uploads).
 */
export interface RemoteDocument {
  docpath: string;
  folder: string;
  storedName: string;
  title: string | undefined;
  docSource: string | undefined;
  chunkSource: string | undefined;
  description: string | undefined;
  docAuthor: string | undefined;
  id: string | undefined;
}

/** Result of listing one folder: `exists: false` when the server says the folder is unknown. */
export interface FolderListing {
  folder: string;
  exists: boolean;
  documents: RemoteDocument[];
  /** Listed items skipped because their name or docpath is unsafe (issue 15), with why. */
  rejected?: string[];
}

/** What the sync keeps of a listed document (the planner's view): no heavy fields. */
export interface ListedDocument {
  docpath: string;
  title: string | undefined;
  docSource: string | undefined;
  /** Carries the owning mirror's mark (issue 15: two mirrors on one folder). */
  docAuthor: string | undefined;
}

/** A folder listing in the planner's compact form. */
export interface CompactFolderListing {
  folder: string;
  exists: boolean;
  documents: ListedDocument[];
  /** The same documents by docpath (each docpath is listed once). */
  byDocpath?: ReadonlyMap<string, ListedDocument>;
  /** Items whose name or docpath is unsafe (`../x`, NUL, another folder): skipped, with why. */
  rejected?: string[];
}

/** Metadata keys lumensync may attach to an upload (contract §6.10). */
export interface UploadMetadata {
  title?: string;
  docAuthor?: string;
  description?: string;
  docSource?: string;
  chunkSource?: string;
  url?: string;
  published?: string;
}

export interface UploadRequest {
  orgSlug: string;
  /** Remote folder; omitted → `custom-documents` (D1 instead of D2). */
  folder?: string;
  /** Absolute path of the local file; streamed from disk, never buffered whole (unless `content` is given). */
  filePath: string;
  /** The file's bytes, already read and checked by the caller (small files): sent as one body, `filePath` is not opened. */
  content?: Uint8Array;
  /** File name sent in the multipart part (becomes the remote title base). */
  fileName: string;
  /** Original workspace slugs to embed into at upload time. */
  addToWorkspaces?: string[];
  metadata?: UploadMetadata;
  signal?: AbortSignal;
}

/** One document created by an upload. */
export interface UploadedDocument {
  docpath: string;
  storedName: string;
  title: string | undefined;
}

/** One entry a batch endpoint could not apply. */
export interface BatchFailure {
  docpath: string;
  reason: string;
  /** A later attempt may succeed (e.g. storage error), as opposed to a permanent refusal. */
  retryable: boolean;
  /** The server said the document does not exist: for sync purposes it is already gone. */
  notFound: boolean;
}

/** Outcome of a batch endpoint (remove-files, move-files, update-embeddings): 200 or 207. */
export interface BatchResult {
  /** HTTP status (200 or 207). */
  status: number;
  partial: boolean;
  purged: string[];
  failed: BatchFailure[];
  message: string | undefined;
}

export interface MoveRequest {
  from: string;
  to: string;
}

/** Hook for metrics/logs: called once per HTTP exchange (including failures). */
export interface RequestObservation {
  method: string;
  /** Route template, e.g. `/v1/org/:orgSlug/document/upload/:folder` (no ids, low cardinality). */
  route: string;
  status: number | undefined;
  durationMs: number;
  error: string | undefined;
}
