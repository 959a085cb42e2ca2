/** Body-level checks (pipeline step 5): docpaths and slugs in bodies/forms take the ORIGINAL form. */

import { decodeIfHexSlug } from '../api/slugs.js';
import { fail } from './http.js';
import type { EmulatorState, OrgRecord } from './state.js';

/** A docpath split into its parts. */
export interface DocpathParts { docpath: string; orgSlug: string; folder: string; storedName: string }

/**
 * Check that `value` is a docpath `{org}/{folder}/{storedName}` of `org`; 400 otherwise, with a
 * message that names the hex-vs-original mistake when that is what happened.
 */
export const parseDocpath = (value: unknown, org: OrgRecord, field: string): DocpathParts => {
  if (typeof value !== 'string') throw fail(400, `${field} must be a docpath string (got ${JSON.stringify(value)})`);
  const segments = value.split('/');
  const [orgSlug, folder, storedName] = segments;
  if (segments.length !== 3 || !orgSlug || !folder || !storedName) {
    throw fail(400, `${field} "${value}" is not a docpath of the form {orgSlug}/{folder}/{storedName}`);
  }
  if (orgSlug !== org.orgSlug) {
    if (decodeIfHexSlug(orgSlug) === org.orgSlug) {
      throw fail(400, `${field} "${value}" starts with the hex slug "${orgSlug}"; docpaths take the original org slug "${org.orgSlug}"`);
    }
    throw fail(400, `${field} "${value}" does not belong to organization "${org.orgSlug}" (cross-org operations are refused)`);
  }
  return { docpath: value, orgSlug, folder, storedName };
};

/** Check an array of docpaths (all or nothing). */
export const parseDocpathArray = (value: unknown, org: OrgRecord, field: string, options: { allowEmpty: boolean }): DocpathParts[] => {
  if (value === undefined && options.allowEmpty) return [];
  if (!Array.isArray(value)) throw fail(400, `${field} must be an array of docpaths`);
  if (value.length === 0 && !options.allowEmpty) throw fail(400, `${field} must not be empty`);
  return value.map((entry, index) => parseDocpath(entry, org, `${field}[${index}]`));
};

/**
 * Resolve the `addToWorkspaces` form field (comma-separated ORIGINAL slugs) to workspaces of
 * `org`. Another org's workspace → 400; a hex form → 400; an unknown slug is ignored (upstream).
 */
export const resolveAddToWorkspaces = (raw: string | undefined, org: OrgRecord, state: EmulatorState): string[] => {
  if (raw === undefined) return [];
  const resolved: string[] = [];
  for (const entry of raw.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const workspace = state.workspace(entry);
    if (workspace !== undefined) {
      if (workspace.orgSlug !== org.orgSlug) {
        throw fail(400, `addToWorkspaces contains a workspace that does not belong to this organization ("${entry}" is not in "${org.orgSlug}")`);
      }
      if (!resolved.includes(entry)) resolved.push(entry);
      continue;
    }
    const decoded = decodeIfHexSlug(entry);
    if (decoded !== undefined && state.workspace(decoded) !== undefined) {
      throw fail(400, `addToWorkspaces entry "${entry}" is the hex form of workspace "${decoded}"; form fields take the original slug`);
    }
  }
  return resolved;
};

/** A required non-empty string field of a JSON body; 400 otherwise. */
export const requireString = (body: Record<string, unknown>, key: string): string => {
  const value = body[key];
  if (typeof value !== 'string' || value.trim() === '') throw fail(400, `${key} is required`);
  return value;
};
