/** Workspace routes: W1 get, W2 update, W3 delete, W4 update-embeddings. */

import { fail, readJsonObject } from './http.js';
import { workspaceDetailJsonParts, workspaceJson } from './present.js';
import { readWorkspaceSettings } from './routes-org.js';
import type { Route, RouteContext } from './types.js';
import { parseDocpathArray } from './validation.js';

/** `parts` between `before` and `after` (the answer's wrapper around the workspace object). */
function* wrapped(before: string, parts: Iterable<string>, after: string): Generator<string> {
  yield before;
  yield* parts;
  yield after;
}

const updateWorkspace = async (ctx: RouteContext) => {
  const body = await readJsonObject(ctx.req);
  const name = body.name;
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) throw fail(400, 'name must be a non-empty string');
  const settings = readWorkspaceSettings(body);
  const workspace = ctx.state.updateWorkspace(ctx.workspace!.workspaceSlug, { name: name?.trim(), settings });
  return { status: 200, body: { workspace: workspaceJson(workspace!), message: null } };
};

const updateEmbeddings = async (ctx: RouteContext) => {
  const body = await readJsonObject(ctx.req);
  const workspace = ctx.workspace!;
  const org = ctx.state.org(workspace.orgSlug)!;
  const adds = parseDocpathArray(body.adds, org, 'adds', { allowEmpty: true });
  const deletes = parseDocpathArray(body.deletes, org, 'deletes', { allowEmpty: true });
  if (adds.length === 0 && deletes.length === 0) throw fail(400, 'adds and deletes cannot both be empty');
  ctx.log.embeddings = { workspaceSlug: workspace.workspaceSlug, adds: adds.map((d) => d.docpath), deletes: deletes.map((d) => d.docpath) };
  // Upstream order: deletes first, then adds; unknown docpaths in adds are skipped silently.
  for (const { docpath } of deletes) ctx.state.unembed(workspace.workspaceSlug, docpath);
  // U6: an embedded docpath added again gets a second record.
  for (const { docpath } of adds) {
    if (ctx.state.document(docpath) === undefined) continue;
    if (!ctx.state.embed(workspace.workspaceSlug, docpath) && ctx.upstream.on('U6')) ctx.state.embedAgain(workspace.workspaceSlug, docpath);
  }
  return { status: 200, jsonParts: wrapped('{"workspace":', workspaceDetailJsonParts(workspace, ctx.state), ',"message":null}') };
};

/** W1–W4. */
export const workspaceRoutes: Route[] = [
  {
    method: 'GET', pattern: 'workspace/:workspaceSlugHex', scope: 'account', mutation: false,
    // Upstream quirk mirrored on purpose: the workspace comes wrapped in a one-element array.
    handler: (ctx) => ({ status: 200, jsonParts: wrapped('{"workspace":[', workspaceDetailJsonParts(ctx.workspace!, ctx.state), ']}') }),
  },
  { method: 'POST', pattern: 'workspace/:workspaceSlugHex/update', scope: 'account', mutation: true, handler: updateWorkspace },
  {
    method: 'DELETE', pattern: 'workspace/:workspaceSlugHex', scope: 'account', mutation: true,
    handler: (ctx) => {
      ctx.state.deleteWorkspace(ctx.workspace!.workspaceSlug);
      return { status: 200 };
    },
  },
  { method: 'POST', pattern: 'workspace/:workspaceSlugHex/update-embeddings', scope: 'account', mutation: true, handler: updateEmbeddings },
];
