/**
 * Tolerant parsers for LumenOne response bodies (contract §6, "be liberal in what you parse").
 * Each takes a decoded JSON body and returns the normalised shapes of `types.ts`, or throws
 * `ResponseShapeError` when the body cannot be understood at all (the client turns that into a
 * `RemoteError` of kind 'protocol').
 */
import { docpathProblem } from './docpath-check.js';
import { isHexSlugShape, toHexSlug, decodeIfHexSlug } from './slugs.js';
import type { FolderListing, Organization, RemoteDocument, UploadedDocument, Workspace, WorkspaceDetail } from './types.js';

/** A 2xx body whose shape none of the tolerated variants matches. */
export class ResponseShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResponseShapeError';
  }
}

/** `JSON.parse` of an answer's text (or a part of it); ResponseShapeError when it is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ResponseShapeError(`the answer is not JSON (${(error as Error).message})`);
  }
}

type Json = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A non-empty string field, else undefined (servers send `null`, numbers, or nothing). */
export const stringField = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const idField = (value: unknown): string | number | undefined => (typeof value === 'string' || typeof value === 'number' ? value : undefined);

/**
 * The server's human message for an error body: `message ?? error ?? statusText` (contract §7.2).
 * A short plain-text body (proxies, `res.sendStatus`) is used as-is; HTML and long text are not.
 */
export function serverMessageOf(body: unknown, statusText: string): string {
  if (isObject(body)) {
    return stringField(body.message) ?? stringField(body.error) ?? statusText;
  }
  if (typeof body === 'string') {
    const text = body.trim();
    if (text !== '' && text.length <= 200 && !text.includes('<') && !text.includes('\n')) return text;
  }
  return statusText;
}

/**
 * Docpaths may come back without the org prefix (`custom-documents/x.json`); the rest of the
 * program always works with `{org}/{folder}/{storedName}`, so prepend the original org slug.
 */
export function normaliseDocpath(value: string, orgSlug: string): string {
  // Runs for every listed document: index arithmetic, no regular expression or split.
  let start = 0;
  while (value.charCodeAt(start) === 0x2f) start += 1;
  const trimmed = start === 0 ? value : value.slice(start);
  const slash = trimmed.indexOf('/');
  return slash !== -1 && trimmed.indexOf('/', slash + 1) === -1 ? `${orgSlug}/${trimmed}` : trimmed;
}

/** First value found under one of `keys` of an object body, else the body itself when `bare`. */
function unwrap(body: unknown, keys: string[], bare: boolean): unknown {
  if (isObject(body)) {
    for (const key of keys) if (key in body && body[key] !== undefined && body[key] !== null) return body[key];
  }
  return bare ? body : undefined;
}

/** Both slug forms from an item carrying `slug` (hex) and/or `originalSlug`. */
function slugPair(item: Json, what: string): { original: string; hex: string } {
  const original = stringField(item.originalSlug) ?? stringField(item.original_slug);
  const serverSlug = stringField(item.slug);
  if (original !== undefined) {
    // Prefer the server's hex when it is one; a server that echoes the original in `slug` gets ours.
    const hex = serverSlug !== undefined && isHexSlugShape(serverSlug) ? serverSlug : toHexSlug(original);
    return { original, hex };
  }
  if (serverSlug !== undefined) {
    const decoded = decodeIfHexSlug(serverSlug);
    return decoded !== undefined ? { original: decoded, hex: serverSlug } : { original: serverSlug, hex: toHexSlug(serverSlug) };
  }
  throw new ResponseShapeError(`${what} without "slug" or "originalSlug"`);
}

/** One organization object → Organization. */
export function parseOrganizationItem(item: unknown): Organization {
  if (!isObject(item)) throw new ResponseShapeError('organization is not an object');
  const { original, hex } = slugPair(item, 'organization');
  return { orgSlug: original, orgSlugHex: hex, name: stringField(item.name), id: idField(item.id) };
}

/** O1 body: an array at top level or under `organizations`, `orgs` or `data`. */
export function parseOrganizations(body: unknown): Organization[] {
  const list = Array.isArray(body) ? body : unwrap(body, ['organizations', 'orgs', 'data'], false);
  if (!Array.isArray(list)) throw new ResponseShapeError('no organization list (expected organizations, orgs, data or an array)');
  return list.map(parseOrganizationItem);
}

/** O2 body: the object under `organization`, `org`, or the bare object. */
export function parseOrganization(body: unknown): Organization {
  const item = unwrap(body, ['organization', 'org'], true);
  return parseOrganizationItem(Array.isArray(item) && item.length === 1 ? item[0] : item);
}

/** One workspace object → Workspace. */
export function parseWorkspaceItem(item: unknown): Workspace {
  if (!isObject(item)) throw new ResponseShapeError('workspace is not an object');
  const { original, hex } = slugPair(item, 'workspace');
  return { workspaceSlug: original, workspaceSlugHex: hex, name: stringField(item.name), id: idField(item.id) };
}

/** O3 body: an array at top level or under `workspaces` or `data`. */
export function parseWorkspaces(body: unknown): Workspace[] {
  const list = Array.isArray(body) ? body : unwrap(body, ['workspaces', 'data'], false);
  if (!Array.isArray(list)) throw new ResponseShapeError('no workspace list (expected workspaces, data or an array)');
  return list.map(parseWorkspaceItem);
}

/** The workspace object of O4/W1/W4 bodies: under `workspace` (object or one-element array) or bare. */
function workspaceObject(body: unknown): Json {
  let item = unwrap(body, ['workspace'], true);
  if (Array.isArray(item)) {
    if (item.length !== 1) throw new ResponseShapeError(`workspace array with ${item.length} elements`);
    item = item[0];
  }
  if (!isObject(item)) throw new ResponseShapeError('no workspace object');
  return item;
}

/** O4 body → the created Workspace (slugs read from the response, never computed from the name). */
export function parseWorkspace(body: unknown): Workspace {
  return parseWorkspaceItem(workspaceObject(body));
}

/** Docpaths listed in a workspace object's `documents`, org-prefixed; undefined when absent. */
export function workspaceDocpaths(workspace: Json, orgSlug: string): string[] | undefined {
  if (!Array.isArray(workspace.documents)) return undefined;
  const docpaths: string[] = [];
  for (const document of workspace.documents) {
    const raw = typeof document === 'string' ? document : isObject(document) ? (stringField(document.docpath) ?? stringField(document.location)) : undefined;
    const docpath = raw === undefined ? undefined : normaliseDocpath(raw, orgSlug);
    // An unsafe docpath can never be one of the mirror's documents: skipped, never sent back.
    if (docpath !== undefined && docpathProblem(docpath) === undefined) docpaths.push(docpath);
  }
  return docpaths;
}

/** W1 body → WorkspaceDetail with org-prefixed docpaths (missing `documents` = none embedded). */
export function parseWorkspaceDetail(body: unknown, orgSlug: string): WorkspaceDetail {
  const item = workspaceObject(body);
  return { ...parseWorkspaceItem(item), docpaths: workspaceDocpaths(item, orgSlug) ?? [] };
}

/** The object body of W4, when it carries a workspace (for the post-check of adds/deletes). */
export function workspaceObjectIfAny(body: unknown): Json | undefined {
  try {
    return workspaceObject(body);
  } catch {
    return undefined;
  }
}

/** Metadata may be echoed flat or as a JSON string under `metadata`; flat fields win. */
function metadataOf(item: Json): Json {
  if (typeof item.metadata === 'string') {
    try {
      const parsed: unknown = JSON.parse(item.metadata);
      if (isObject(parsed)) return { ...parsed, ...item };
    } catch {
      // Unreadable metadata is not worth failing a listing over.
    }
  } else if (isObject(item.metadata)) {
    return { ...item.metadata, ...item };
  }
  return item;
}

/** One document item (D3/D4/D5) in `folder` → RemoteDocument; undefined when it has no name. */
export function parseDocumentItem(item: unknown, orgSlug: string, folder: string | undefined): RemoteDocument | undefined {
  if (!isObject(item)) return undefined;
  const fields = metadataOf(item);
  const explicit = stringField(item.docpath) ?? stringField(item.location);
  let docpath: string | undefined;
  if (explicit !== undefined) docpath = normaliseDocpath(explicit, orgSlug);
  else {
    const name = stringField(item.name) ?? stringField(item.filename);
    if (name === undefined || folder === undefined) return undefined;
    docpath = `${orgSlug}/${folder}/${name}`;
  }
  const firstSlash = docpath.indexOf('/');
  const lastSlash = docpath.lastIndexOf('/');
  return {
    docpath,
    // The segments between the first and the last (`a/b/c/d` → `b/c`); none: the folder asked for.
    folder: firstSlash !== lastSlash ? docpath.slice(firstSlash + 1, lastSlash) : (folder ?? ''),
    storedName: docpath.slice(lastSlash + 1),
    title: stringField(fields.title),
    docSource: stringField(fields.docSource),
    chunkSource: stringField(fields.chunkSource),
    description: stringField(fields.description),
    docAuthor: stringField(fields.docAuthor),
    id: stringField(fields.id) ?? (typeof fields.id === 'number' ? String(fields.id) : undefined),
  };
}

/**
 * D3 body → flat list. The tree is `localFiles` (or the bare root) → folders → files; the
 * docpath of a file is `{org}/{folder.name}/{item.name}`. Files directly under the root have
 * no folder and therefore no docpath, so they are skipped.
 */
export function parseDocumentTree(body: unknown, orgSlug: string): RemoteDocument[] {
  const root = unwrap(body, ['localFiles', 'documents'], true);
  const folders = Array.isArray(root) ? root : isObject(root) && Array.isArray(root.items) ? root.items : undefined;
  if (folders === undefined) throw new ResponseShapeError('no document tree (expected localFiles.items)');
  const documents: RemoteDocument[] = [];
  for (const folder of folders) {
    if (!isObject(folder) || !Array.isArray(folder.items)) continue;
    const folderName = stringField(folder.name);
    for (const item of folder.items) {
      if (isObject(item) && item.type === 'folder') continue;
      const document = parseDocumentItem(item, orgSlug, folderName);
      if (document !== undefined && docpathProblem(document.docpath) === undefined) documents.push(document);
    }
  }
  return documents;
}

/** One D4 page: its documents and whether the server says more follow. */
export interface FolderPage extends FolderListing {
  /** Items whose name or docpath is unsafe (`../x`, NUL, another folder): skipped, with why. */
  rejected: string[];
  hasMore: boolean;
  totalCount: number | undefined;
}

/** D4 body → one page of a folder listing (`documents` or `items`, or a bare array). */
export function parseFolderPage(body: unknown, orgSlug: string, folder: string): FolderPage {
  const list = Array.isArray(body) ? body : unwrap(body, ['documents', 'items'], false);
  if (!Array.isArray(list)) throw new ResponseShapeError('no document list in folder listing (expected documents)');
  const documents: RemoteDocument[] = [];
  const rejected: string[] = [];
  for (const item of list) {
    const document = parseDocumentItem(item, orgSlug, folder);
    if (document === undefined) continue;
    const problem = docpathProblem(document.docpath, folder);
    if (problem === undefined) documents.push(document);
    else rejected.push(`${JSON.stringify(document.docpath)} (${problem})`);
  }
  const hasMore = isObject(body) && body.hasMore === true;
  const totalCount = isObject(body) && typeof body.totalCount === 'number' ? body.totalCount : undefined;
  return { folder, exists: true, documents, rejected, hasMore, totalCount };
}

/**
 * D5 body → the document under `document` (or bare, or a one-element array). With
 * `folderOptional`, an item that names no folder comes back with `docpath: ''` and `folder: ''`
 * so the caller can look the folder up; otherwise that is a shape error.
 */
export function parseDocument(body: unknown, orgSlug: string, folder: string | undefined, options: { folderOptional?: boolean } = {}): RemoteDocument {
  let item = unwrap(body, ['document'], true);
  if (Array.isArray(item) && item.length === 1) item = item[0];
  const document = parseDocumentItem(item, orgSlug, folder ?? (isObject(item) ? stringField(item.folder) : undefined));
  if (document !== undefined) return document;
  // An empty folder placeholder lets the metadata be parsed; the caller resolves the real folder.
  const withoutFolder = options.folderOptional === true ? parseDocumentItem(item, orgSlug, '') : undefined;
  if (withoutFolder === undefined) throw new ResponseShapeError('document without a name or docpath');
  return { ...withoutFolder, docpath: '', folder: '' };
}

/**
 * D1/D2 body → the created documents. `location` is the docpath to persist (prefixed with the
 * org when it has two segments); without it, `{org}/{folder}/{name}` is the best inference.
 */
export function parseUploadedDocuments(body: unknown, orgSlug: string, folder: string): UploadedDocument[] {
  const list = Array.isArray(body) ? body : unwrap(body, ['documents', 'document'], false);
  const items = Array.isArray(list) ? list : isObject(list) ? [list] : undefined;
  if (items === undefined || items.length === 0) throw new ResponseShapeError('upload answered without any document');
  return items.map((item) => {
    if (!isObject(item)) throw new ResponseShapeError('uploaded document is not an object');
    const location = stringField(item.location) ?? stringField(item.docpath);
    const name = stringField(item.name);
    const docpath = location !== undefined ? normaliseDocpath(location, orgSlug) : name !== undefined ? `${orgSlug}/${folder}/${name}` : undefined;
    if (docpath === undefined) throw new ResponseShapeError('uploaded document without location or name');
    const problem = docpathProblem(docpath);
    if (problem !== undefined) throw new ResponseShapeError(`uploaded document with an unsafe docpath ${JSON.stringify(docpath)} (${problem})`);
    return { docpath, storedName: docpath.split('/').pop() ?? docpath, title: stringField(item.title) };
  });
}
