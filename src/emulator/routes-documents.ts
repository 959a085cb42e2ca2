/** Document routes except uploads: D3 list, D4 list folder, D5 get, D6–D7 folders, D8 move, D9 remove. */

import { fail, HttpError, readJsonObject } from './http.js';
import { documentItemJson, documentItemJsonText } from './present.js';
import { DOCUMENTS_PAGE_DEFAULT, pageOf } from './paging.js';
import { folderNameProblem } from './seed.js';
import { DEFAULT_FOLDER, type EmulatorState, type StoredDocument } from './state.js';
import type { Reply, Route, RouteContext } from './types.js';
import { parseDocpath, parseDocpathArray, requireString } from './validation.js';

const item = (ctx: RouteContext, doc: StoredDocument) => documentItemJson(doc, ctx.state.isEmbedded(doc.docpath));

/** The items of `docs`, comma-separated, as text parts (cached per document: present.ts). */
function* itemsParts(ctx: RouteContext, docs: readonly StoredDocument[]): Generator<string> {
  let separator = '';
  for (const doc of docs) {
    yield separator + documentItemJsonText(doc, ctx.state.isEmbedded(doc.docpath));
    separator = ',';
  }
}

/**
 * D3: `{localFiles:{name:"documents",type:"folder",items:[{name,type:"folder",items:[…]}]}}`, built
 * as text parts (written in chunks: an org of 1,000,000 documents is past V8's string limit).
 */
const listAll = (ctx: RouteContext): Reply => {
  // Newer upstream pages one folder here instead, default limit 100 (contract §13 U2).
  const folder = ctx.query.get('folder');
  if (folder !== null) return folderPage(ctx, folder, DOCUMENTS_PAGE_DEFAULT);
  const orgSlug = ctx.org!.orgSlug;
  const folders = ctx.state.folders(orgSlug).map((name) => ({ name, docs: ctx.state.folderDocuments(orgSlug, name) ?? [] }));
  return {
    status: 200,
    jsonParts: (function* parts(): Generator<string> {
      yield '{"localFiles":{"name":"documents","type":"folder","items":[';
      for (const [index, { name, docs }] of folders.entries()) {
        yield `${index === 0 ? '' : ','}{"name":${JSON.stringify(name)},"type":"folder","items":[`;
        yield* itemsParts(ctx, docs);
        yield ']}';
      }
      yield ']}}';
    })(),
  };
};

/** Folder arrays kept while the state is unchanged: paging 100,000 documents copies them once, not per page. */
const folderArrays = new WeakMap<EmulatorState, { version: number; byFolder: Map<string, StoredDocument[] | undefined> }>();

const folderDocuments = (state: EmulatorState, orgSlug: string, folder: string): StoredDocument[] | undefined => {
  let cache = folderArrays.get(state);
  if (cache?.version !== state.version) folderArrays.set(state, (cache = { version: state.version, byFolder: new Map() }));
  const key = `${orgSlug}/${folder}`;
  if (!cache.byFolder.has(key)) cache.byFolder.set(key, state.folderDocuments(orgSlug, folder));
  return cache.byFolder.get(key);
};

/** D4 (and D3 with `?folder=`): one page of a folder, modelled in paging.ts. */
const folderPage = (ctx: RouteContext, folder: string, defaultLimit: number | 'all'): Reply => {
  const docs = folderDocuments(ctx.state, ctx.org!.orgSlug, folder);
  if (docs === undefined) {
    const message = `Folder "${folder}" does not exist.`;
    throw new HttpError(404, message, { success: false, message, folder, documents: [], error: message });
  }
  const page = pageOf(docs, ctx.query, defaultLimit, ctx.faults.settings, (doc) => doc.docpath);
  const tail = page.totalCount === undefined ? '' : `,"totalCount":${page.totalCount},"hasMore":${page.hasMore}`;
  // Text parts, written in chunks: a server ignoring paging (U2) answers 1,000,000 documents at once.
  return {
    status: 200,
    jsonParts: (function* parts(): Generator<string> {
      yield `{"folder":${JSON.stringify(folder)},"documents":[`;
      yield* itemsParts(ctx, page.items);
      yield `]${tail}}`;
    })(),
  };
};

/** D4 takes `offset`/`limit` with default `all` (contract §6.13). */
const listFolder = (ctx: RouteContext): Reply => folderPage(ctx, ctx.params.folderName ?? '', 'all');

const getDocument = (ctx: RouteContext): Reply => {
  const doc = ctx.state.documentByStoredName(ctx.org!.orgSlug, ctx.params.docName ?? '');
  if (doc === undefined) throw fail(404, 'Document not found');
  return { status: 200, body: { document: item(ctx, doc) } };
};

const folderFromBody = (body: Record<string, unknown>): string => {
  const folder = requireString(body, 'name');
  const problem = folderNameProblem(folder);
  if (problem !== undefined) throw fail(400, problem);
  return folder;
};

const createFolder = async (ctx: RouteContext): Promise<Reply> => {
  const folder = folderFromBody(await readJsonObject(ctx.req));
  // Upstream answers an existing folder with a 500; mirrored exactly (the client treats it as success).
  if (!ctx.state.createFolder(ctx.org!.orgSlug, folder)) throw fail(500, 'Folder by that name already exists');
  return { status: 200, body: { success: true, message: null } };
};

const removeFolder = async (ctx: RouteContext): Promise<Reply> => {
  const folder = folderFromBody(await readJsonObject(ctx.req));
  if (folder === DEFAULT_FOLDER) throw fail(400, `${DEFAULT_FOLDER} cannot be deleted`);
  if (!ctx.state.hasFolder(ctx.org!.orgSlug, folder)) throw fail(404, `Folder "${folder}" does not exist.`);
  ctx.state.removeFolder(ctx.org!.orgSlug, folder);
  return { status: 200, body: { success: true, message: 'Folder removed successfully' } };
};

const moveFiles = async (ctx: RouteContext): Promise<Reply> => {
  const body = await readJsonObject(ctx.req);
  const org = ctx.org!;
  if (!Array.isArray(body.files) || body.files.length === 0) throw fail(400, 'files must be a non-empty array of {from, to} entries');
  const moves = body.files.map((entry: unknown, index: number) => {
    if (typeof entry !== 'object' || entry === null) throw fail(400, `files[${index}] must be an object with from and to`);
    const { from, to } = entry as Record<string, unknown>;
    return { from: parseDocpath(from, org, `files[${index}].from`), to: parseDocpath(to, org, `files[${index}].to`) };
  });
  let refused = 0;
  let failed = false;
  for (const { from, to } of moves) {
    if (ctx.state.embeddedWorkspaces(from.docpath).length > 0) {
      refused += 1;
      continue;
    }
    // Upstream renames on disk: a missing source, a missing target folder or an occupied target fails.
    const occupied = from.docpath !== to.docpath && ctx.state.document(to.docpath) !== undefined;
    if (ctx.state.document(from.docpath) === undefined || !ctx.state.hasFolder(org.orgSlug, to.folder) || occupied) {
      failed = true;
      continue;
    }
    ctx.state.moveDocument(from.docpath, to);
  }
  if (failed) throw fail(500, 'Failed to move some files.');
  const message = refused === 0 ? null : `${refused}/${moves.length} files not moved. Unembed them from all workspaces.`;
  return { status: 200, body: { success: true, message } };
};

const removeFiles = async (ctx: RouteContext): Promise<Reply> => {
  const body = await readJsonObject(ctx.req);
  // Whole array validated first: one bad entry → 400 and nothing deleted (contract §8 rule 1).
  const docpaths = parseDocpathArray(body.files, ctx.org!, 'files', { allowEmpty: false }).map((d) => d.docpath);
  const purged: string[] = [];
  const failed: { docpath: string; reason: string }[] = [];
  ctx.log.removeFiles = [];
  for (const docpath of docpaths) {
    const injected = ctx.faults.removeFails();
    const reason = injected ? 'storage error (injected)' : ctx.state.removeDocument(docpath) ? undefined : 'Document not found';
    if (reason === undefined) purged.push(docpath);
    else failed.push({ docpath, reason });
    ctx.log.removeFiles.push(reason === undefined ? { docpath, outcome: 'purged' } : { docpath, outcome: 'failed', reason });
  }
  if (failed.length === 0) return { status: 200, body: { success: true, message: null, purged, failed } };
  const message = `${failed.length} of ${docpaths.length} documents could not be removed`;
  // U11: the status for "all failed" is undocumented upstream; a fault picks another one.
  const status = purged.length === 0 ? ctx.faults.settings.allFailedStatus ?? 207 : 207;
  return { status, body: { success: false, message, purged, failed } };
};

/** D3–D9. */
export const documentRoutes: Route[] = [
  { method: 'GET', pattern: 'org/:orgSlugHex/documents', scope: 'account', mutation: false, handler: listAll },
  { method: 'GET', pattern: 'org/:orgSlugHex/documents/folder/:folderName', scope: 'account', mutation: false, handler: listFolder },
  { method: 'GET', pattern: 'org/:orgSlugHex/document/:docName', scope: 'account', mutation: false, handler: getDocument },
  { method: 'POST', pattern: 'org/:orgSlugHex/document/create-folder', scope: 'account', mutation: true, handler: createFolder },
  { method: 'DELETE', pattern: 'org/:orgSlugHex/document/remove-folder', scope: 'account', mutation: true, handler: removeFolder },
  { method: 'POST', pattern: 'org/:orgSlugHex/document/move-files', scope: 'account', mutation: true, handler: moveFiles },
  { method: 'DELETE', pattern: 'org/:orgSlugHex/document/remove-files', scope: 'account', mutation: true, handler: removeFiles },
];
