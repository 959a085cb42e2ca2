/**
 * `doctor --probe`: read-only checks, against the live server, of the response shapes and
 * behaviours the client relies on that the API contract marks UNCONFIRMED. Each result names
 * the one module to change when the server disagrees.
 */
import { randomBytes } from 'node:crypto';
import { toHexSlug } from '../api/slugs.js';
import type { Connection } from '../cli/connection.js';
import { isRecord, rawRequest, shortJson, type RawResponse } from './raw.js';
import type { ProbeResult, ProbeVerdict } from './types.js';

/** What the probes need: where, who, and an org (and optionally a workspace) to look at. */
export interface ProbeTarget {
  apiBaseUrl: string;
  connection: Connection;
  orgSlug: string;
  workspaceSlug?: string | undefined;
}

const result = (id: string, assumption: string, verdict: ProbeVerdict, observed: string, module: string): ProbeResult => ({ id, assumption, verdict, observed, module });
const seen = (response: RawResponse): string => `HTTP ${response.status} ${shortJson(response.body)}`;
const hasBothSlugs = (item: unknown): boolean => isRecord(item) && typeof item.slug === 'string' && typeof item.originalSlug === 'string';
const randomName = (): string => `lumensync-probe-${randomBytes(4).toString('hex')}`;

/** A status expectation: confirmed when it matches, contradicted with what came instead. */
function statusProbe(id: string, assumption: string, response: RawResponse, expected: number[], module: string): ProbeResult {
  return result(id, assumption, expected.includes(response.status) ? 'confirmed' : 'contradicted', seen(response), module);
}

/** Run every read-only probe; a probe that throws (network) is reported inconclusive, never fatal. */
export async function runReadProbes(target: ProbeTarget): Promise<ProbeResult[]> {
  const { apiBaseUrl, connection, orgSlug } = target;
  const orgHex = toHexSlug(orgSlug);
  const get = (path: string, options: { accountId?: string | undefined; apiKey?: string; absolutePath?: boolean } = {}) =>
    rawRequest(apiBaseUrl, { path, apiKey: options.apiKey ?? connection.apiKey, accountId: 'accountId' in options ? options.accountId : connection.accountId, ...(options.absolutePath ? { absolutePath: true } : {}) });
  const probes: Array<[string, string, string, () => Promise<ProbeResult | ProbeResult[]>]> = [
    ['orgs-wrapper', '§6.2 GET /v1/orgs answers { organizations: [{ slug (hex), originalSlug, … }] }', 'src/api/parse.ts (parseOrganizations)', async () => {
      const response = await get('/v1/orgs');
      const list = isRecord(response.body) ? response.body.organizations : undefined;
      const ok = response.status === 200 && Array.isArray(list) && list.every(hasBothSlugs);
      const hexOk = Array.isArray(list) && list.every((item) => !hasBothSlugs(item) || (item as { slug: string }).slug === toHexSlug((item as { originalSlug: string }).originalSlug));
      return [
        result('orgs-wrapper', '§6.2 GET /v1/orgs answers { organizations: [{ slug (hex), originalSlug, … }] }', ok ? 'confirmed' : 'contradicted', seen(response), 'src/api/parse.ts (parseOrganizations)'),
        result('hex-derivation', '§3.2 hex slug = lowercase hex of the UTF-8 bytes of the original slug', ok && hexOk ? 'confirmed' : ok ? 'contradicted' : 'inconclusive', ok ? (list as Array<{ slug: string; originalSlug: string }>).map((org) => `${org.originalSlug}→${org.slug}`).join(', ') : 'no organization list to compare', 'src/api/slugs.ts (toHexSlug)'),
      ];
    }],
    ['org-wrapper', '§6.3 GET /v1/org/{hex} answers { organization: {…} }', 'src/api/parse.ts (parseOrganization)', async () => {
      const response = await get(`/v1/org/${orgHex}`);
      const ok = response.status === 200 && isRecord(response.body) && hasBothSlugs(response.body.organization);
      return result('org-wrapper', '§6.3 GET /v1/org/{hex} answers { organization: {…} }', ok ? 'confirmed' : 'contradicted', seen(response), 'src/api/parse.ts (parseOrganization)');
    }],
    ['workspaces-wrapper', '§6.4 GET /v1/org/{hex}/workspaces answers { workspaces: [{ slug, originalSlug, … }] }', 'src/api/parse.ts (parseWorkspaces)', async () => {
      const response = await get(`/v1/org/${orgHex}/workspaces`);
      const list = isRecord(response.body) ? response.body.workspaces : undefined;
      const ok = response.status === 200 && Array.isArray(list) && list.every(hasBothSlugs);
      return result('workspaces-wrapper', '§6.4 GET /v1/org/{hex}/workspaces answers { workspaces: [{ slug, originalSlug, … }] }', ok ? 'confirmed' : 'contradicted', seen(response), 'src/api/parse.ts (parseWorkspaces)');
    }],
    ['workspace-array', '§6.6 GET /v1/workspace/{hex} wraps the workspace in a one-element array, with documents[].docpath', 'src/api/parse.ts (parseWorkspaceDetail)', async () => {
      if (target.workspaceSlug === undefined) return result('workspace-array', '§6.6 GET /v1/workspace/{hex} wraps the workspace in a one-element array', 'inconclusive', 'no workspace configured to look at', 'src/api/parse.ts (parseWorkspaceDetail)');
      const response = await get(`/v1/workspace/${toHexSlug(target.workspaceSlug)}`);
      const wrapped = isRecord(response.body) ? response.body.workspace : undefined;
      const ok = response.status === 200 && Array.isArray(wrapped) && wrapped.length === 1 && isRecord(wrapped[0]) && Array.isArray(wrapped[0].documents);
      return result('workspace-array', '§6.6 GET /v1/workspace/{hex} wraps the workspace in a one-element array, with documents[].docpath', ok ? 'confirmed' : 'contradicted', seen(response), 'src/api/parse.ts (parseWorkspaceDetail)');
    }],
    ['documents-tree', '§6.12 GET /v1/org/{hex}/documents answers { localFiles: { items: [folders…] } }', 'src/api/parse.ts (parseDocumentTree)', async () => {
      const response = await get(`/v1/org/${orgHex}/documents`);
      const tree = isRecord(response.body) ? response.body.localFiles : undefined;
      const ok = response.status === 200 && isRecord(tree) && Array.isArray(tree.items);
      return result('documents-tree', '§6.12 GET /v1/org/{hex}/documents answers { localFiles: { items: [folders…] } }', ok ? 'confirmed' : 'contradicted', seen(response), 'src/api/parse.ts (parseDocumentTree)');
    }],
    ['folder-listing', '§6.13 GET /v1/org/{hex}/documents/folder/{name} (plain, URL-encoded name) answers { documents: [] }', 'src/api/client.ts (listFolder) + parse.ts (parseFolderPage)', async () => {
      const response = await get(`/v1/org/${orgHex}/documents/folder/custom-documents`);
      const ok = response.status === 200 && isRecord(response.body) && Array.isArray(response.body.documents);
      return result('folder-listing', '§6.13 GET /v1/org/{hex}/documents/folder/{name} (plain, URL-encoded name) answers { documents: [] }', ok ? 'confirmed' : 'contradicted', seen(response), 'src/api/client.ts (listFolder) + parse.ts (parseFolderPage)');
    }],
    ['unknown-folder-404', '§12.8 an unknown folder answers 404', 'src/api/client.ts (listFolder accept rule)', async () =>
      statusProbe('unknown-folder-404', '§12.8 an unknown folder answers 404', await get(`/v1/org/${orgHex}/documents/folder/${randomName()}`), [404], 'src/api/client.ts (listFolder accept rule)')],
    ['invalid-key-body', '§7.2 a bad key answers 403 with { message } (InvalidAPIKey)', 'src/api/classify.ts', async () => {
      const response = await get('/v1/auth', { apiKey: `invalid-${randomBytes(8).toString('hex')}`, accountId: undefined });
      const ok = response.status === 403 && isRecord(response.body) && typeof response.body.message === 'string';
      return result('invalid-key-body', '§7.2 a bad key answers 403 with { message } (InvalidAPIKey)', ok ? 'confirmed' : 'contradicted', seen(response), 'src/api/classify.ts');
    }],
    ['missing-account', '§2.3 an account-scoped route without X-Account-Id answers 400 (or 403)', 'src/api/classify.ts (account-header cause)', async () =>
      statusProbe('missing-account', '§2.3 an account-scoped route without X-Account-Id answers 400 (or 403)', await get(`/v1/org/${orgHex}/workspaces`, { accountId: undefined }), [400, 403], 'src/api/classify.ts (account-header cause)')],
    ['uppercase-hex', '§3.2 uppercase hex in a path is rejected (400); lumensync always sends lowercase', 'src/api/slugs.ts', async () =>
      statusProbe('uppercase-hex', '§3.2 uppercase hex in a path is rejected (400); lumensync always sends lowercase', await get(`/v1/org/${orgHex.toUpperCase()}`), [400], 'src/api/slugs.ts')],
    ['unknown-org-404', '§7.1 an unknown org (valid hex) answers 404', 'src/api/classify.ts (org-not-visible cause)', async () =>
      statusProbe('unknown-org-404', '§7.1 an unknown org (valid hex) answers 404', await get(`/v1/org/${toHexSlug(randomName())}`), [404], 'src/api/classify.ts (org-not-visible cause)')],
    ['bare-v1', '§1 there is no bare /v1 prefix without /api (404)', 'src/api/base-url.ts', async () => {
      const origin = new URL(apiBaseUrl);
      const bare = `${origin.pathname.replace(/\/api$/, '')}/v1/auth`;
      return statusProbe('bare-v1', '§1 there is no bare /v1 prefix without /api (404)', await get(bare, { absolutePath: true, accountId: undefined }), [404], 'src/api/base-url.ts');
    }],
  ];
  const results: ProbeResult[] = [];
  for (const [id, assumption, module, run] of probes) {
    try {
      const outcome = await run();
      results.push(...(Array.isArray(outcome) ? outcome : [outcome]));
    } catch (error) {
      results.push(result(id, assumption, 'inconclusive', `request failed: ${(error as Error).message}`, module));
    }
  }
  return results;
}
