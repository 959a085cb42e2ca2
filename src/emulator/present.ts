/** JSON shapes the emulator emits (the primary shapes of contract §6). */

import { toHexSlug } from '../api/slugs.js';
import type { EmulatorState, OrgRecord, StoredDocument, WorkspaceRecord } from './state.js';

/** O1/O2 organization object. */
export const orgJson = (org: OrgRecord): Record<string, unknown> => ({
  id: org.id,
  name: org.name,
  slug: toHexSlug(org.orgSlug),
  originalSlug: org.orgSlug,
  accountId: org.accountId,
  createdAt: org.createdAt,
});

/** O3/O4/W2 workspace object. */
export const workspaceJson = (ws: WorkspaceRecord): Record<string, unknown> => ({
  id: ws.id,
  name: ws.name,
  slug: toHexSlug(ws.workspaceSlug),
  originalSlug: ws.workspaceSlug,
  createdAt: ws.createdAt,
  lastUpdatedAt: ws.lastUpdatedAt,
  ...ws.settings,
  threads: [],
});

/** W1/W4 workspace object with its embedded documents. */
export const workspaceDetailJson = (ws: WorkspaceRecord, state: EmulatorState): Record<string, unknown> => ({
  ...workspaceJson(ws),
  documents: state.workspaceEmbeddingRecords(ws.workspaceSlug).map((embedding) => {
    const doc = state.document(embedding.docpath);
    return {
      id: embedding.id,
      docId: doc?.id ?? null,
      filename: doc?.storedName ?? embedding.docpath.split('/').pop(),
      docpath: embedding.docpath,
      workspaceId: ws.id,
      metadata: JSON.stringify(doc === undefined ? {} : metadataOf(doc)),
      pinned: false,
      watched: false,
      createdAt: embedding.createdAt,
      lastUpdatedAt: embedding.createdAt,
    };
  }),
});

/** The metadata fields of a stored document. */
export const metadataOf = (doc: StoredDocument): Record<string, string> => ({
  title: doc.title,
  docAuthor: doc.docAuthor,
  description: doc.description,
  docSource: doc.docSource,
  chunkSource: doc.chunkSource,
  url: doc.url,
  published: doc.published,
});

/** D3/D4/D5 file item (lumensync reads its own metadata back from these). */
export const documentItemJson = (doc: StoredDocument, embedded: boolean): Record<string, unknown> => ({
  name: doc.storedName,
  type: 'file',
  id: doc.id,
  ...metadataOf(doc),
  wordCount: doc.wordCount,
  token_count_estimate: doc.tokenCountEstimate,
  cached: embedded,
  canWatch: false,
  pinnedWorkspaces: [],
  watched: false,
});

/** D1/D2 uploaded document entry. */
export const uploadedDocumentJson = (doc: StoredDocument): Record<string, unknown> => ({
  id: doc.id,
  location: doc.docpath,
  name: doc.storedName,
  ...metadataOf(doc),
  wordCount: doc.wordCount,
  token_count_estimate: doc.tokenCountEstimate,
});

/** Serialised D3/D4 items without the closing `,"cached":…}` part, cached per (immutable) document. */
const itemPrefixes = new WeakMap<StoredDocument, string>();

/**
 * The same item as `documentItemJson`, already serialised. Stored documents never change in
 * place (a move stores a new object), so the text is computed once per document: this keeps a
 * 100,000-document listing a string join instead of a full JSON.stringify.
 */
export const documentItemJsonText = (doc: StoredDocument, embedded: boolean): string => {
  let prefix = itemPrefixes.get(doc);
  if (prefix === undefined) {
    const { cached: _cached, ...rest } = documentItemJson(doc, false);
    prefix = JSON.stringify(rest).slice(0, -1);
    itemPrefixes.set(doc, prefix);
  }
  return `${prefix},"cached":${embedded}}`;
};
