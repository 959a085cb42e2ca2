/** The plan: a serialisable list of actions plus the guard verdicts. `--dry-run` prints it. */

/** Upload a file (new, or a replacement of `replacesDocpath`, removed after the upload succeeds). */
export interface UploadAction {
  kind: 'upload';
  relativePath: string;
  sha256: string;
  size: number;
  mtimeMs: number;
  replacesDocpath?: string;
}

/** Journal-only: take over a remote document that already holds this content (lost response, lost state). */
export interface AdoptAction {
  kind: 'adopt';
  relativePath: string;
  docpath: string;
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** Journal-only: a file moved inside the tree with unchanged content keeps its document. */
export interface RenameAction {
  kind: 'rename';
  fromRelativePath: string;
  relativePath: string;
  docpath: string;
  size: number;
  mtimeMs: number;
}

/** Journal-only: content unchanged but size/mtime moved (a `touch`); refresh the cache. */
export interface RecordAction {
  kind: 'record';
  relativePath: string;
  docpath: string;
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** Why a document is removed. */
export type RemoveReason = 'deleted' | 'unknown' | 'duplicate' | 'stale';

/** Remove one remote document (batched by the executor). */
export interface RemoveAction {
  kind: 'remove';
  docpath: string;
  /** The local path the document stood for, when known. */
  relativePath?: string;
  reason: RemoveReason;
}

/** Journal-only: the file is gone and so is its document; drop the entry. */
export interface ForgetAction {
  kind: 'forget';
  relativePath: string;
}

/** Embed documents into a workspace (update-embeddings adds). */
export interface EmbedAction {
  kind: 'embed';
  workspaceSlug: string;
  docpaths: string[];
}

/** Un-embed documents from a workspace no longer in the mirror (update-embeddings deletes). */
export interface UnembedAction {
  kind: 'unembed';
  workspaceSlug: string;
  docpaths: string[];
}

/** Create the mirror's remote folder. */
export interface CreateFolderAction {
  kind: 'create-folder';
  folder: string;
}

export type Action =
  | UploadAction
  | AdoptAction
  | RenameAction
  | RecordAction
  | RemoveAction
  | ForgetAction
  | EmbedAction
  | UnembedAction
  | CreateFolderAction;

/**
 * A file the pass does not upload, by a local verdict: `empty` (0 bytes: LumenOne stores no
 * document without text, so none is asked for) or `rejected` (the server refused this very
 * content before, U9; tried again once the content changes). A document of an earlier version stays.
 */
export interface SkippedFile {
  relativePath: string;
  sha256: string;
  reason: 'empty' | 'rejected';
}

/** A guard that held actions back (deletes, or un-embeds for `workspace-removed`), with what to do about it. */
export interface GuardVerdict {
  guard: 'root-missing' | 'root-not-directory' | 'root-unreadable' | 'root-empty' | 'local-read-errors' | 'max-delete' | 'foreign-mirror' | 'workspace-removed';
  message: string;
  hint: string;
}

export interface PlanSummary {
  uploads: number;
  replacements: number;
  uploadBytes: number;
  adoptions: number;
  renames: number;
  records: number;
  removes: number;
  forgets: number;
  embeds: number;
  unembeds: number;
  unchanged: number;
  blockedRemoves: number;
  /** Docpaths (per workspace) the workspace guard kept embedded. */
  blockedUnembeds: number;
  /** Files not uploaded because they are empty. */
  skippedEmpty: number;
  /** Files not uploaded because the server refused this content before. */
  skippedRejected: number;
}

export interface Plan {
  actions: Action[];
  /** Removals the guards held back (not in `actions`). */
  blockedRemoves: RemoveAction[];
  /** Un-embeds the workspace guard held back (not in `actions`): workspaces no longer named, not removed explicitly. */
  blockedUnembeds: UnembedAction[];
  /** Files left out of the uploads by a local verdict (empty, or content the server refused). */
  skipped: SkippedFile[];
  guards: GuardVerdict[];
  summary: PlanSummary;
}
