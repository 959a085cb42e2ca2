/**
 * The narrow views of the API client and the journal the executor needs. Structural, so
 * the executor is tested with fakes and does not depend on the concrete classes.
 */
import type { BatchResult, DocpathFilter, ListedDocument, UploadRequest, UploadedDocument, WorkspaceDetail } from '../api/types.js';
import type { Intent, JournalEntry } from '../core/types.js';

export interface RemotePort {
  uploadDocument(request: UploadRequest): Promise<UploadedDocument[]>;
  updateEmbeddings(workspaceSlug: string, orgSlug: string, change: { adds?: string[]; deletes?: string[] }): Promise<BatchResult>;
  removeFiles(orgSlug: string, docpaths: string[]): Promise<BatchResult>;
  createFolder(orgSlug: string, folder: string): Promise<{ created: boolean }>;
  /**
   * A folder's documents page by page, for the lookups after uncertain answers and the U3 orphan
   * search (skipped when absent): uncertain-uploads.ts `listKept` keeps what it looks for.
   */
  forEachFolderDocument?(orgSlug: string, folder: string, onDocument: (document: ListedDocument) => void): Promise<unknown>;
  /**
   * For the U5 check that new uploads are embedded (skipped when absent): the workspace's
   * docpaths `keep` accepts, read as a stream (the whole answer carries every document's metadata).
   */
  getWorkspaceDocpaths?(workspaceSlug: string, orgSlug: string, keep: DocpathFilter): Promise<WorkspaceDetail>;
}

export interface JournalPort {
  get(relativePath: string): JournalEntry | undefined;
  byDocpath(docpath: string): JournalEntry | undefined;
  put(entry: JournalEntry): void;
  delete(relativePath: string): void;
  move(fromRelativePath: string, toRelativePath: string, stat: { size: number; mtimeMs: number }): void;
  beginIntent(intent: Omit<Intent, 'id' | 'at'>): Intent;
  endIntent(id: string, outcome: 'done' | 'failed' | 'abandoned'): void;
}
