/**
 * Turn what the user typed (original slugs) into server objects, catching the usual mistakes
 * with a message that names them: the hex form given instead of the original, a workspace of
 * another organization, a slug the account cannot see, a difference in letter case.
 */
import { LumenSyncError } from '../errors.js';
import { decodeIfHexSlug } from './slugs.js';
import type { Organization, Workspace } from './types.js';

/** The part of the client the resolvers need (a stub in unit tests). */
export type SlugDirectory = {
  listOrganizations(): Promise<Organization[]>;
  listWorkspaces(orgSlug: string): Promise<Workspace[]>;
};

const listOf = (slugs: string[]): string => (slugs.length === 0 ? '(none)' : slugs.join(', '));

const configError = (message: string, hint: string): LumenSyncError => new LumenSyncError('LUMENSYNC_CONFIG_INVALID', message, { hint });
/** Not a typo we can name: the account simply does not see it (exit 3, as for a 403/404). */
const accessError = (message: string, hint: string): LumenSyncError => new LumenSyncError('LUMENSYNC_ACCESS', message, { hint });

/** The item whose original slug is `input`, else the one whose hex form it is, else undefined. */
function findByHex<T>(items: T[], input: string, original: (item: T) => string, hex: (item: T) => string): T | undefined {
  const decoded = decodeIfHexSlug(input);
  return items.find((item) => hex(item) === input || (decoded !== undefined && original(item) === decoded));
}

/** How one kind of slug is named and read, for the shared wrong-form check. */
interface SlugKind<T> {
  what: 'organization' | 'workspace';
  flag: '--org' | '--workspace';
  original: (item: T) => string;
  hex: (item: T) => string;
  /** "is not visible under this account" / "is not in organization …". */
  notFoundPhrase: string;
}

/** The error for `input` when it names one of `items` in the wrong form (hex, or another letter case). */
function wrongForm<T>(items: T[], input: string, kind: SlugKind<T>): LumenSyncError | undefined {
  const hexOf = findByHex(items, input, kind.original, kind.hex);
  if (hexOf !== undefined) {
    return configError(
      `"${input}" is the hex form of the ${kind.what} slug "${kind.original(hexOf)}"; lumensync expects the original slug and hex-encodes it for URLs itself.`,
      `use ${kind.flag} ${kind.original(hexOf)}`,
    );
  }
  const caseless = items.find((item) => kind.original(item).toLowerCase() === input.toLowerCase());
  if (caseless === undefined) return undefined;
  const label = kind.what === 'organization' ? 'Organization' : 'Workspace';
  return configError(`${label} "${input}" ${kind.notFoundPhrase}, but "${kind.original(caseless)}" is (slugs are case-sensitive).`, `use ${kind.flag} ${kind.original(caseless)}`);
}

/** Resolve `--org` against the organizations the account sees. */
export async function resolveOrganization(client: SlugDirectory, orgSlugInput: string): Promise<Organization> {
  const input = orgSlugInput.trim();
  const organizations = await client.listOrganizations();
  const exact = organizations.find((org) => org.orgSlug === input);
  if (exact !== undefined) return exact;
  const visible = organizations.map((org) => org.orgSlug);
  const mistake = wrongForm(organizations, input, { what: 'organization', flag: '--org', original: (org) => org.orgSlug, hex: (org) => org.orgSlugHex, notFoundPhrase: 'is not visible under this account' });
  if (mistake !== undefined) throw mistake;
  throw accessError(
    `Organization "${input}" is not visible under this account; the account sees: ${listOf(visible)}.`,
    visible.length === 0
      ? 'check LUMENONE_ACCOUNT_ID: this account has no organizations under the API key'
      : `use --org with one of: ${listOf(visible)}; or check LUMENONE_ACCOUNT_ID if the organization belongs to another account`,
  );
}

/** Find which other organization of the account holds a workspace (by original or hex slug). */
async function findInOtherOrganizations(client: SlugDirectory, org: Organization, input: string): Promise<{ org: Organization; workspace: Workspace } | undefined> {
  let organizations: Organization[];
  try {
    organizations = await client.listOrganizations();
  } catch {
    return undefined; // Only a better message is at stake.
  }
  for (const other of organizations) {
    if (other.orgSlug === org.orgSlug) continue;
    let workspaces: Workspace[];
    try {
      workspaces = await client.listWorkspaces(other.orgSlug);
    } catch {
      continue;
    }
    const workspace =
      workspaces.find((candidate) => candidate.workspaceSlug === input) ??
      findByHex(workspaces, input, (candidate) => candidate.workspaceSlug, (candidate) => candidate.workspaceSlugHex);
    if (workspace !== undefined) return { org: other, workspace };
  }
  return undefined;
}

/** Resolve one workspace input against the workspaces of `org`, or explain why it does not fit. */
async function resolveWorkspace(client: SlugDirectory, org: Organization, workspaces: Workspace[], input: string): Promise<Workspace> {
  const exact = workspaces.find((workspace) => workspace.workspaceSlug === input);
  if (exact !== undefined) return exact;
  const available = workspaces.map((workspace) => workspace.workspaceSlug);
  const mistake = wrongForm(workspaces, input, {
    what: 'workspace', flag: '--workspace', original: (workspace) => workspace.workspaceSlug, hex: (workspace) => workspace.workspaceSlugHex,
    notFoundPhrase: `is not in organization "${org.orgSlug}"`,
  });
  if (mistake !== undefined) throw mistake;
  const elsewhere = await findInOtherOrganizations(client, org, input);
  if (elsewhere !== undefined) {
    const slug = elsewhere.workspace.workspaceSlug;
    const asHex = slug === input ? '' : ` ("${input}" is the hex form of "${slug}")`;
    throw accessError(
      `Workspace "${slug}" belongs to organization "${elsewhere.org.orgSlug}", not "${org.orgSlug}"${asHex}; documents can only be embedded in workspaces of their own organization.`,
      `use --org ${elsewhere.org.orgSlug} --workspace ${slug}, or a workspace of "${org.orgSlug}": ${listOf(available)}`,
    );
  }
  throw accessError(
    `Workspace "${input}" is not in organization "${org.orgSlug}"; it has: ${listOf(available)}.`,
    available.length === 0 ? `create a workspace in "${org.orgSlug}" first, or pick another --org` : `use --workspace with one of: ${listOf(available)}`,
  );
}

/** Resolve every `--workspace` against `org`, in the order given, without duplicates. */
export async function resolveWorkspaces(client: SlugDirectory, org: Organization, workspaceSlugInputs: string[]): Promise<Workspace[]> {
  const inputs = [...new Set(workspaceSlugInputs.map((input) => input.trim()).filter((input) => input !== ''))];
  if (inputs.length === 0) return [];
  const workspaces = await client.listWorkspaces(org.orgSlug);
  const resolved: Workspace[] = [];
  for (const input of inputs) resolved.push(await resolveWorkspace(client, org, workspaces, input));
  return resolved;
}
