/** Key, organization and workspace-creation routes: A1, O1–O4. */

import { fail, readJsonObject } from './http.js';
import { orgJson, workspaceJson } from './present.js';
import { uniqueWorkspaceSlug } from './slugify.js';
import { defaultWorkspaceSettings, type WorkspaceSettings } from './state.js';
import type { Route, RouteContext } from './types.js';
import { requireString } from './validation.js';

const SETTING_TYPES: Record<keyof WorkspaceSettings, 'number' | 'integer' | 'string'> = {
  similarityThreshold: 'number', openAiTemp: 'number', openAiHistory: 'integer', openAiPrompt: 'string',
  queryRefusalResponse: 'string', chatMode: 'string', topN: 'integer',
};

/** Pick the O4/W2 settings out of a body; 400 for a known key of the wrong type (unknown keys ignored). */
export const readWorkspaceSettings = (body: Record<string, unknown>): Partial<WorkspaceSettings> => {
  const settings: Record<string, unknown> = {};
  for (const [key, type] of Object.entries(SETTING_TYPES)) {
    const value = body[key];
    if (value === undefined) continue;
    const ok = type === 'string' ? typeof value === 'string' || value === null
      : type === 'integer' ? Number.isInteger(value) : typeof value === 'number' || value === null;
    if (!ok) throw fail(400, `${key} must be ${type === 'integer' ? 'an integer' : `a ${type}`}`);
    settings[key] = value;
  }
  return settings as Partial<WorkspaceSettings>;
};

const createWorkspace = async (ctx: RouteContext) => {
  const body = await readJsonObject(ctx.req);
  const name = requireString(body, 'name');
  const settings = { ...defaultWorkspaceSettings(), ...readWorkspaceSettings(body) };
  const org = ctx.org!;
  const workspaceSlug = uniqueWorkspaceSlug(name, (candidate) => ctx.state.workspace(candidate) !== undefined);
  const workspace = ctx.state.createWorkspace(org.orgSlug, workspaceSlug, name.trim(), settings);
  return { status: 200, body: { workspace: workspaceJson(workspace), message: 'Workspace created' } };
};

/** A1, O1–O4. */
export const orgRoutes: Route[] = [
  { method: 'GET', pattern: 'auth', scope: 'key', mutation: false, handler: () => ({ status: 200, body: { authenticated: true } }) },
  {
    method: 'GET', pattern: 'orgs', scope: 'optional-account', mutation: false,
    handler: (ctx) => ({ status: 200, body: { organizations: ctx.state.orgsOf(ctx.companyId, ctx.accountId).map(orgJson) } }),
  },
  { method: 'GET', pattern: 'org/:orgSlugHex', scope: 'account', mutation: false, handler: (ctx) => ({ status: 200, body: { organization: orgJson(ctx.org!) } }) },
  {
    method: 'GET', pattern: 'org/:orgSlugHex/workspaces', scope: 'account', mutation: false,
    handler: (ctx) => ({ status: 200, body: { workspaces: ctx.state.workspacesOf(ctx.org!.orgSlug).map(workspaceJson) } }),
  },
  { method: 'POST', pattern: 'org/:orgSlugHex/workspace/new', scope: 'account', mutation: true, handler: createWorkspace },
  // The contract's alternative path for O4 (UNCONFIRMED which one LumenOne uses).
  { method: 'POST', pattern: 'org/:orgSlugHex/workspaces', scope: 'account', mutation: true, handler: createWorkspace },
];

