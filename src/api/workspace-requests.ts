/**
 * The requests of the organization and workspace endpoints (A1, O1–O4, W1, W4): paths, routes
 * and bodies. Built here, sent and parsed by client.ts.
 */
import { carriesFailedList } from './client-support.js';
import type { ApiRequest } from './http-types.js';

/** A1: is the key valid (no account header). */
export const verifyKeyRequest = (): ApiRequest => ({ method: 'GET', path: '/v1/auth', route: '/v1/auth', withAccount: false });

/** O1: the organizations of the account. */
export const listOrganizationsRequest = (): ApiRequest => ({ method: 'GET', path: '/v1/orgs', route: '/v1/orgs' });

/** O2: one organization. */
export const getOrganizationRequest = (orgHex: string, orgSlug: string): ApiRequest => (
  { method: 'GET', path: `/v1/org/${orgHex}`, route: '/v1/org/:orgSlug', context: { orgSlug } });

/** O3: the workspaces of an organization. */
export const listWorkspacesRequest = (orgHex: string, orgSlug: string): ApiRequest => (
  { method: 'GET', path: `/v1/org/${orgHex}/workspaces`, route: '/v1/org/:orgSlug/workspaces', context: { orgSlug } });

/** O4: create a workspace at its documented path, and the alternative tried on "no such route" (contract §6.5: UNCONFIRMED). */
export function createWorkspaceRequests(orgHex: string, orgSlug: string, name: string): { primary: ApiRequest; alternative: ApiRequest } {
  const primary: ApiRequest = { method: 'POST', path: `/v1/org/${orgHex}/workspace/new`, route: '/v1/org/:orgSlug/workspace/new', json: { name }, context: { orgSlug } };
  return { primary, alternative: { ...primary, path: `/v1/org/${orgHex}/workspaces`, route: '/v1/org/:orgSlug/workspaces' } };
}

/** W1: a workspace with its embedded documents. */
export const workspaceRequest = (workspaceHex: string, orgSlug: string, workspaceSlug: string): ApiRequest => (
  { method: 'GET', path: `/v1/workspace/${workspaceHex}`, route: '/v1/workspace/:workspaceSlug', context: { orgSlug, workspaceSlug } });

/** W4: embed and un-embed docpaths; it embeds synchronously, so it gets the upload's headers timeout. */
export const updateEmbeddingsRequest = (
  workspaceHex: string, orgSlug: string, workspaceSlug: string, change: { adds: string[]; deletes: string[] }, headersTimeoutMs: number,
): ApiRequest => ({
  method: 'POST',
  path: `/v1/workspace/${workspaceHex}/update-embeddings`,
  route: '/v1/workspace/:workspaceSlug/update-embeddings',
  json: { adds: change.adds, deletes: change.deletes },
  headersTimeoutMs,
  context: { orgSlug, workspaceSlug },
  accept: carriesFailedList,
});
