/** JSON shapes the emulator emits (the primary shapes of contract §6). */

import { toHexSlug } from '../api/slugs.js';
import type { EmbeddingRecord, EmulatorState, OrgRecord, StoredDocument, WorkspaceRecord } from './state.js';

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

/** One element of a W1/W4 `documents` array. */
const embeddedDocumentJson = (ws: WorkspaceRecord, embedding: EmbeddingRecord, doc: StoredDocument | undefined): Record<string, unknown> => ({
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
});

/** W1/W4 workspace object with its embedded documents. */
export const workspaceDetailJson = (ws: WorkspaceRecord, state: EmulatorState): Record<string, unknown> => ({
  ...workspaceJson(ws),
  documents: state.workspaceEmbeddingRecords(ws.workspaceSlug).map((embedding) => embeddedDocumentJson(ws, embedding, state.document(embedding.docpath))),
});

/** Serialised W1/W4 elements per (immutable) embedding record, valid while its document and workspace id are the same. */
const embeddedTexts = new WeakMap<EmbeddingRecord, { doc: StoredDocument | undefined; workspaceId: number; text: string }>();

/** The same element as in `workspaceDetailJson`, serialised once per embedding record. */
const embeddedDocumentText = (ws: WorkspaceRecord, embedding: EmbeddingRecord, doc: StoredDocument | undefined): string => {
  const cached = embeddedTexts.get(embedding);
  if (cached !== undefined && cached.doc === doc && cached.workspaceId === ws.id) return cached.text;
  const text = JSON.stringify(embeddedDocumentJson(ws, embedding, doc));
  embeddedTexts.set(embedding, { doc, workspaceId: ws.id, text });
  return text;
};

/**
 * `workspaceDetailJson` serialised as text parts, for answers written in chunks (http.ts): the
 * same bytes as `JSON.stringify(workspaceDetailJson(ws, state))`, but a 1,000,000-document
 * workspace never becomes one object or one string (past V8's string limit), and each element's
 * text is cached, so producing the answer is a walk over cached strings.
 */
export const workspaceDetailJsonParts = (ws: WorkspaceRecord, state: EmulatorState): Iterable<string> => {
  // The workspace and its records are taken now (the answer is the state of this request); the
  // documents are looked up as the parts are written.
  const head = `${JSON.stringify(workspaceJson(ws)).slice(0, -1)},"documents":[`;
  const records = state.workspaceEmbeddingRecords(ws.workspaceSlug);
  return (function* parts(): Generator<string> {
    yield head;
    let separator = '';
    for (const embedding of records) {
      yield separator + embeddedDocumentText(ws, embedding, state.document(embedding.docpath));
      separator = ',';
    }
    yield ']}';
  })();
};

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

/** Serialised D3/D4 items per (immutable) document, for the `cached` value they were made with. */
const itemTexts = new WeakMap<StoredDocument, { embedded: boolean; text: string }>();

/**
 * The same item as `documentItemJson`, already serialised (with `cached` last). Stored documents
 * never change in place (a move stores a new object), so the text is computed once per document
 * and embedding state: a 100,000-document listing is a walk over cached strings, not a stringify.
 */
export const documentItemJsonText = (doc: StoredDocument, embedded: boolean): string => {
  const cached = itemTexts.get(doc);
  if (cached !== undefined && cached.embedded === embedded) return cached.text;
  const { cached: _cached, ...rest } = documentItemJson(doc, embedded);
  const text = JSON.stringify({ ...rest, cached: embedded });
  itemTexts.set(doc, { embedded, text });
  return text;
};
