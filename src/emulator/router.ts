/**
 * Request pipeline (contract §10, first failure wins): route under /api/v1 → bearer key →
 * X-Account-Id → hex path slugs → the route's own body validation and action.
 */

import type { IncomingMessage } from 'node:http';
import { fromHexSlug, isHexSlugShape } from '../api/slugs.js';
import type { FaultEngine } from './faults.js';
import { errorReply, fail, HttpError } from './http.js';
import { documentRoutes } from './routes-documents.js';
import { orgRoutes } from './routes-org.js';
import { uploadRoutes } from './routes-upload.js';
import { workspaceRoutes } from './routes-workspace.js';
import { isUuidShape } from './seed.js';
import type { EmulatorState } from './state.js';
import type { LogDetails, Reply, Route, RouteContext } from './types.js';
import { Upstream } from './upstream.js';

/** Prefix every route is mounted under (no bare /v1 alias, like the contract says). */
export const API_PREFIX = '/api/v1/';

/** Every route of the emulator. */
export const ROUTES: Route[] = [...orgRoutes, ...workspaceRoutes, ...uploadRoutes, ...documentRoutes];

const compiled = ROUTES.map((route) => ({ route, segments: route.pattern.split('/') }));

/** Find the route for a method and the path segments after /api/v1 (literal segments win over params). */
export const matchRoute = (method: string, segments: string[]): { route: Route; params: Record<string, string> } | undefined => {
  let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
  for (const { route, segments: pattern } of compiled) {
    if (route.method !== method || pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    const matches = pattern.every((part, index) => {
      const actual = segments[index] ?? '';
      if (part.startsWith(':')) {
        params[part.slice(1)] = actual;
        return actual !== '';
      }
      literals += 1;
      return part === actual;
    });
    if (matches && (best === undefined || literals > best.literals)) best = { route, params, literals };
  }
  return best;
};

/** Split the path after the prefix into decoded segments; undefined when outside /api/v1. */
export const pathSegments = (pathname: string): string[] | undefined => {
  if (!pathname.startsWith(API_PREFIX)) return undefined;
  try {
    return pathname.slice(API_PREFIX.length).replace(/\/$/, '').split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
};

const bearerKey = (req: IncomingMessage): string | undefined => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];

/** Step 3: the account header, checked against the key's company. */
const checkAccount = (req: IncomingMessage, state: EmulatorState, companyId: string, required: boolean): string | undefined => {
  const header = req.headers['x-account-id'];
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw.trim() === '') {
    if (required) throw fail(400, 'X-Account-Id header is required (the account UUID)');
    return undefined;
  }
  if (!isUuidShape(raw.trim())) throw fail(400, `X-Account-Id must be a UUID (got "${raw}")`);
  const accountId = raw.trim().toLowerCase();
  if (state.account(accountId)?.companyId !== companyId) throw fail(403, 'X-Account-Id is not an account of this API key\'s company');
  return accountId;
};

/** Step 4: a hex path slug → original slug; 400 when not lowercase hex pairs. */
const decodePathSlug = (value: string, what: 'organization' | 'workspace'): string | undefined => {
  if (!isHexSlugShape(value)) {
    const hint = isHexSlugShape(value.toLowerCase())
      ? 'hex slugs must be lowercase'
      : `URL paths take the hex form of the ${what} slug (e.g. "${Buffer.from(value, 'utf8').toString('hex')}" for "${value}")`;
    throw fail(400, `Invalid ${what} slug "${value}" in path: ${hint}`);
  }
  try {
    return fromHexSlug(value);
  } catch {
    return undefined; // Not UTF-8: cannot name anything that exists.
  }
};

/** U7: upstream answers an unknown workspace with 200 { workspace: [] } on GET and a bare 400 on update-embeddings. */
const unknownWorkspaceReply = (route: Route): Reply | undefined => {
  if (route.method === 'GET' && route.pattern === 'workspace/:workspaceSlugHex') return { status: 200, body: { workspace: [] } };
  if (route.pattern === 'workspace/:workspaceSlugHex/update-embeddings') return { status: 400 };
  return undefined;
};

/** Run one request through the pipeline; errors thrown by any stage become their reply. */
export const runPipeline = async (
  req: IncomingMessage,
  url: URL,
  state: EmulatorState,
  faults: FaultEngine,
  log: LogDetails & { mutation?: boolean },
  upstream: Upstream = new Upstream(),
): Promise<Reply> => {
  try {
    const segments = pathSegments(url.pathname);
    const matched = segments === undefined ? undefined : matchRoute(req.method ?? 'GET', segments);
    if (matched === undefined) throw fail(404, 'Not found');
    const { route, params } = matched;
    log.mutation = route.mutation;
    const key = bearerKey(req);
    const companyId = key === undefined ? undefined : state.companyForKey(key);
    if (companyId === undefined) throw fail(403, 'Invalid API Key');
    const accountId = route.scope === 'key' ? undefined : checkAccount(req, state, companyId, route.scope === 'account');
    const ctx: RouteContext = { req, state, faults, upstream, params, query: url.searchParams, companyId, accountId, org: undefined, workspace: undefined, log };
    if (params.orgSlugHex !== undefined) {
      const orgSlug = decodePathSlug(params.orgSlugHex, 'organization');
      const org = orgSlug === undefined ? undefined : state.org(orgSlug);
      if (org === undefined || org.accountId !== accountId) throw fail(404, 'Organization not found');
      ctx.org = org;
    }
    if (params.workspaceSlugHex !== undefined) {
      const workspaceSlug = decodePathSlug(params.workspaceSlugHex, 'workspace');
      const workspace = workspaceSlug === undefined ? undefined : state.workspace(workspaceSlug);
      if (workspace === undefined || state.org(workspace.orgSlug)?.accountId !== accountId) {
        const quirk = workspace === undefined && upstream.on('U7') ? unknownWorkspaceReply(route) : undefined;
        if (quirk !== undefined) return quirk;
        throw fail(404, 'Workspace not found');
      }
      ctx.workspace = workspace;
    }
    return await route.handler(ctx);
  } catch (error) {
    if (error instanceof HttpError) return errorReply(error);
    throw error;
  }
};
