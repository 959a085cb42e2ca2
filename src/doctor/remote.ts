/**
 * Doctor's remote checklist (the errors page's debugging steps, automated): 1) the key works,
 * 2) the account sees the org, 3) slugs are in the right form, 4) every workspace belongs to
 * the org, 5) the remote folder exists or can be created. Each step says ✓/✗ and the fix.
 */
import { LumenOneClient } from '../api/client.js';
import { decodeIfHexSlug, toHexSlug } from '../api/slugs.js';
import type { Organization, Workspace } from '../api/types.js';
import { RemoteError } from '../errors.js';
import { clientOptionsFor, type Connection } from '../cli/connection.js';
import type { MirrorSettings } from '../config/settings.js';
import { isRecord, rawRequest } from './raw.js';
import { step, type DoctorStep } from './types.js';

/** What the remote checks learned about one mirror (for the local checks and the probes). */
export interface ResolvedMirror {
  mirror: MirrorSettings;
  org: Organization | undefined;
  workspaces: Workspace[];
}

const fixOf = (error: unknown): string | undefined => (error instanceof RemoteError || error instanceof Error ? (error as { hint?: string }).hint : undefined);
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Find an org by its original slug, or by its hex form (reported by the slug step). */
const findOrg = (orgs: Organization[], input: string): { org: Organization; viaHex: boolean } | undefined => {
  const exact = orgs.find((org) => org.orgSlug === input);
  if (exact) return { org: exact, viaHex: false };
  const decoded = decodeIfHexSlug(input);
  const hex = orgs.find((org) => org.orgSlugHex === input || (decoded !== undefined && org.orgSlug === decoded));
  return hex ? { org: hex, viaHex: true } : undefined;
};

const findWorkspace = (workspaces: Workspace[], input: string): { workspace: Workspace; viaHex: boolean } | undefined => {
  const exact = workspaces.find((workspace) => workspace.workspaceSlug === input);
  if (exact) return { workspace: exact, viaHex: false };
  const decoded = decodeIfHexSlug(input);
  const hex = workspaces.find((workspace) => workspace.workspaceSlugHex === input || (decoded !== undefined && workspace.workspaceSlug === decoded));
  return hex ? { workspace: hex, viaHex: true } : undefined;
};

/**
 * Which org (of any account of this key's company) holds a workspace: first the account's other
 * orgs, then the orgs `GET /v1/orgs` lists without X-Account-Id (the whole company, contract §2.1).
 */
async function ownerOf(client: LumenOneClient, connection: Connection, orgs: Organization[], skipOrg: string, input: string): Promise<{ orgSlug: string; accountId: string; workspaceSlug: string } | undefined> {
  for (const org of orgs) {
    if (org.orgSlug === skipOrg) continue;
    const found = findWorkspace(await client.listWorkspaces(org.orgSlug).catch(() => []), input);
    if (found) return { orgSlug: org.orgSlug, accountId: connection.accountId, workspaceSlug: found.workspace.workspaceSlug };
  }
  const company = await rawRequest(client.apiBaseUrl, { path: '/v1/orgs', apiKey: connection.apiKey }).catch(() => undefined);
  const list = company === undefined ? [] : Array.isArray(company.body) ? company.body : isRecord(company.body) && Array.isArray(company.body.organizations) ? company.body.organizations : [];
  for (const item of list) {
    if (!isRecord(item) || typeof item.accountId !== 'string' || item.accountId === connection.accountId || typeof item.originalSlug !== 'string') continue;
    const other = new LumenOneClient(clientOptionsFor(connection, item.accountId));
    try {
      const found = findWorkspace(await other.listWorkspaces(item.originalSlug).catch(() => []), input);
      if (found) return { orgSlug: item.originalSlug, accountId: item.accountId, workspaceSlug: found.workspace.workspaceSlug };
    } finally {
      await other.close();
    }
  }
  return undefined;
}

/** Steps 3–5 for one mirror, given the orgs the account sees. */
async function mirrorSteps(client: LumenOneClient, connection: Connection, orgs: Organization[], mirror: MirrorSettings): Promise<{ steps: DoctorStep[]; resolved: ResolvedMirror }> {
  const name = mirror.name || undefined;
  const { orgSlug: orgInput, workspaces: workspaceInputs, folder } = mirror.spec;
  const steps: DoctorStep[] = [];
  const found = findOrg(orgs, orgInput);
  const visible = orgs.map((org) => org.orgSlug).join(', ') || '(none)';
  if (found === undefined) {
    steps.push(step('org', 'remote', `account ${connection.accountId} sees organization "${orgInput}" (GET /v1/orgs)`, 'fail',
      `organization "${orgInput}" is not visible under account ${connection.accountId}; it sees: ${visible}`,
      orgs.length === 0 ? 'check the account id (LUMENONE_ACCOUNT_ID / connection.account): this account has no organizations' : `set org to one of: ${visible}, or use the account that owns "${orgInput}"`, name));
    return { steps, resolved: { mirror, org: undefined, workspaces: [] } };
  }
  const org = found.org;
  steps.push(step('org', 'remote', `account ${connection.accountId} sees organization "${orgInput}" (GET /v1/orgs)`, 'ok', `found organization "${org.orgSlug}"${found.viaHex ? ' (given in hex form: see the slug step)' : ''}`, undefined, name));

  // Step 3: slug forms, both ways — hex given where the original belongs, and the server's hex matching ours.
  const slugProblems: Array<{ detail: string; fix: string }> = [];
  if (found.viaHex) slugProblems.push({ detail: `org "${orgInput}" is the hex form of "${org.orgSlug}"`, fix: `write "org": "${org.orgSlug}" (lumensync hex-encodes URL paths itself)` });
  if (org.orgSlugHex !== toHexSlug(org.orgSlug)) slugProblems.push({ detail: `the server's hex slug of "${org.orgSlug}" is "${org.orgSlugHex}", not "${toHexSlug(org.orgSlug)}"`, fix: 'report it: lumensync computes hex slugs only as a fallback (src/api/slugs.ts), the server value is used' });
  const orgWorkspaces = workspaceInputs.length === 0 ? [] : await client.listWorkspaces(org.orgSlug);
  const resolvedWorkspaces: Workspace[] = [];
  const workspaceFailures: Array<{ detail: string; fix: string }> = [];
  for (const input of workspaceInputs) {
    const match = findWorkspace(orgWorkspaces, input);
    if (match) {
      resolvedWorkspaces.push(match.workspace);
      if (match.viaHex) slugProblems.push({ detail: `workspace "${input}" is the hex form of "${match.workspace.workspaceSlug}"`, fix: `write "${match.workspace.workspaceSlug}" in workspaces` });
      continue;
    }
    const owner = await ownerOf(client, connection, orgs, org.orgSlug, input);
    const available = orgWorkspaces.map((workspace) => workspace.workspaceSlug).join(', ') || '(none)';
    if (owner) {
      const other = owner.accountId === connection.accountId ? '' : ` of account ${owner.accountId}`;
      workspaceFailures.push({
        detail: `workspace "${owner.workspaceSlug}" belongs to organization "${owner.orgSlug}"${other}, not "${org.orgSlug}"`,
        fix: `documents embed only into workspaces of their own organization: use a workspace of "${org.orgSlug}" (${available}), or a separate mirror with org "${owner.orgSlug}"${other ? ` and account ${owner.accountId}` : ''}`,
      });
    } else {
      workspaceFailures.push({ detail: `workspace "${input}" is not in organization "${org.orgSlug}"`, fix: `use one of: ${available}` });
    }
  }
  const slugTitle = 'slugs are in their original form (hex only in URL paths, which lumensync builds)';
  steps.push(slugProblems.length === 0
    ? step('slug-forms', 'remote', slugTitle, 'ok', `org "${org.orgSlug}" ↔ hex ${org.orgSlugHex}${resolvedWorkspaces.map((w) => `, workspace "${w.workspaceSlug}" ↔ ${w.workspaceSlugHex}`).join('')}`, undefined, name)
    : step('slug-forms', 'remote', slugTitle, 'fail', slugProblems.map((problem) => problem.detail).join('; '), slugProblems.map((problem) => problem.fix).join('; '), name));
  const workspaceTitle = `every workspace belongs to organization "${org.orgSlug}" (GET /v1/org/{org}/workspaces)`;
  if (workspaceInputs.length === 0) steps.push(step('workspaces', 'remote', workspaceTitle, 'warn', 'no workspaces configured: documents are uploaded but not embedded anywhere', 'add workspaces to the mirror (--workspace <slug>) unless that is intended', name));
  else if (workspaceFailures.length === 0) steps.push(step('workspaces', 'remote', workspaceTitle, 'ok', resolvedWorkspaces.map((w) => w.workspaceSlug).join(', '), undefined, name));
  else steps.push(step('workspaces', 'remote', workspaceTitle, 'fail', workspaceFailures.map((failure) => failure.detail).join('; '), workspaceFailures.map((failure) => failure.fix).join('; '), name));

  // Step 5: the folder. Read-only: a missing folder is fine, the first upload creates it.
  const folderTitle = `remote folder "${folder}" exists or can be created`;
  try {
    const listing = await client.listFolder(org.orgSlug, folder);
    steps.push(step('folder', 'remote', folderTitle, 'ok', listing.exists ? `exists with ${listing.documents.length} document(s)` : 'does not exist yet; the first sync creates it', undefined, name));
  } catch (error) {
    steps.push(step('folder', 'remote', folderTitle, 'fail', messageOf(error), fixOf(error), name));
  }
  return { steps, resolved: { mirror, org, workspaces: resolvedWorkspaces } };
}

/** Run the remote checklist; later steps are skipped when an earlier one makes them meaningless. */
export async function runRemoteChecks(client: LumenOneClient, connection: Connection, mirrors: MirrorSettings[]): Promise<{ steps: DoctorStep[]; resolved: ResolvedMirror[] }> {
  const steps: DoctorStep[] = [];
  const keyTitle = 'the API key works (GET /v1/auth)';
  try {
    await client.verifyKey();
    steps.push(step('key', 'remote', keyTitle, 'ok', 'LumenOne accepted the key'));
  } catch (error) {
    steps.push(step('key', 'remote', keyTitle, 'fail', messageOf(error), fixOf(error)));
    return { steps, resolved: mirrors.map((mirror) => ({ mirror, org: undefined, workspaces: [] })) };
  }
  let orgs: Organization[];
  try {
    orgs = await client.listOrganizations();
  } catch (error) {
    steps.push(step('org', 'remote', `account ${connection.accountId} is usable with this key (GET /v1/orgs)`, 'fail', messageOf(error), fixOf(error)));
    return { steps, resolved: mirrors.map((mirror) => ({ mirror, org: undefined, workspaces: [] })) };
  }
  const resolved: ResolvedMirror[] = [];
  for (const mirror of mirrors) {
    try {
      const result = await mirrorSteps(client, connection, orgs, mirror);
      steps.push(...result.steps);
      resolved.push(result.resolved);
    } catch (error) {
      steps.push(step('workspaces', 'remote', 'the mirror\'s organization and workspaces can be read', 'fail', messageOf(error), fixOf(error), mirror.name || undefined));
      resolved.push({ mirror, org: undefined, workspaces: [] });
    }
  }
  return { steps, resolved };
}
