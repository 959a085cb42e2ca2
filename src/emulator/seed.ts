/** The emulator seed: companies → API keys and accounts → orgs → workspaces (and extra folders). */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LumenSyncError } from '../errors.js';

/** A workspace to create at start. */
export interface SeedWorkspace {
  /** Original workspace slug (unique across the whole emulator, like upstream). */
  slug: string;
  name: string;
}

/** An organization to create at start. */
export interface SeedOrg {
  /** Original org slug (unique across the whole emulator; the leading segment of docpaths). */
  slug: string;
  name: string;
  workspaces: SeedWorkspace[];
  /** Extra folders besides `custom-documents`. */
  folders?: string[];
}

/** A customer account (the `X-Account-Id` value). */
export interface SeedAccount {
  /** UUID. */
  id: string;
  name: string;
  orgs: SeedOrg[];
}

/** A partner company: its API keys see all of its accounts. */
export interface SeedCompany {
  name: string;
  apiKeys: string[];
  accounts: SeedAccount[];
}

/** The whole seed file. */
export interface EmulatorSeed {
  companies: SeedCompany[];
}

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is shaped like a UUID (any version, either case). */
export const isUuidShape = (value: string): boolean => UUID_SHAPE.test(value);

/** Why a folder name is refused, or undefined when it is a valid one-level name. */
export const folderNameProblem = (folder: string): string | undefined => {
  if (folder.trim() === '') return 'folder name must not be empty';
  if (/[/\\]/.test(folder)) return `folder name "${folder}" must not contain path separators (folders are one level deep)`;
  if (folder === '.' || folder === '..') return `folder name "${folder}" is not allowed`;
  return undefined;
};

type Problems = string[];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const readString = (record: Record<string, unknown>, key: string, where: string, problems: Problems): string => {
  const value = record[key];
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(`${where}.${key} must be a non-empty string`);
    return '';
  }
  return value;
};

const readArray = (record: Record<string, unknown>, key: string, where: string, problems: Problems, optional = false): unknown[] => {
  const value = record[key];
  if (value === undefined && optional) return [];
  if (!Array.isArray(value)) {
    problems.push(`${where}.${key} must be an array`);
    return [];
  }
  return value;
};

const parseWorkspace = (raw: unknown, where: string, problems: Problems): SeedWorkspace => {
  if (!isRecord(raw)) {
    problems.push(`${where} must be an object`);
    return { slug: '', name: '' };
  }
  return { slug: readString(raw, 'slug', where, problems), name: readString(raw, 'name', where, problems) };
};

const parseOrg = (raw: unknown, where: string, problems: Problems): SeedOrg => {
  if (!isRecord(raw)) {
    problems.push(`${where} must be an object`);
    return { slug: '', name: '', workspaces: [] };
  }
  const folders = readArray(raw, 'folders', where, problems, true).map((folder, index) => {
    const problem = typeof folder === 'string' ? folderNameProblem(folder) : 'must be a string';
    if (problem !== undefined) problems.push(`${where}.folders[${index}]: ${problem}`);
    return String(folder);
  });
  return {
    slug: readString(raw, 'slug', where, problems),
    name: readString(raw, 'name', where, problems),
    workspaces: readArray(raw, 'workspaces', where, problems).map((ws, index) => parseWorkspace(ws, `${where}.workspaces[${index}]`, problems)),
    folders,
  };
};

const parseAccount = (raw: unknown, where: string, problems: Problems): SeedAccount => {
  if (!isRecord(raw)) {
    problems.push(`${where} must be an object`);
    return { id: '', name: '', orgs: [] };
  }
  const id = readString(raw, 'id', where, problems);
  if (id !== '' && !isUuidShape(id)) problems.push(`${where}.id must be a UUID (got "${id}")`);
  return {
    id: id.toLowerCase(),
    name: readString(raw, 'name', where, problems),
    orgs: readArray(raw, 'orgs', where, problems).map((org, index) => parseOrg(org, `${where}.orgs[${index}]`, problems)),
  };
};

const parseCompany = (raw: unknown, where: string, problems: Problems): SeedCompany => {
  if (!isRecord(raw)) {
    problems.push(`${where} must be an object`);
    return { name: '', apiKeys: [], accounts: [] };
  }
  const apiKeys = readArray(raw, 'apiKeys', where, problems).map((key, index) => {
    if (typeof key !== 'string' || key.trim() === '') problems.push(`${where}.apiKeys[${index}] must be a non-empty string`);
    return String(key);
  });
  if (apiKeys.length === 0) problems.push(`${where}.apiKeys must list at least one key`);
  return {
    name: readString(raw, 'name', where, problems),
    apiKeys,
    accounts: readArray(raw, 'accounts', where, problems).map((account, index) => parseAccount(account, `${where}.accounts[${index}]`, problems)),
  };
};

/** Record a problem for every value seen twice (keys, account ids, org and workspace slugs are global). */
const checkUnique = (values: string[], what: string, problems: Problems): void => {
  const seen = new Set<string>();
  for (const value of values) {
    if (value === '') continue;
    if (seen.has(value)) problems.push(`duplicate ${what} "${value}" (must be unique across the seed)`);
    seen.add(value);
  }
};

/** Validate parsed JSON as a seed; reports every problem at once. Throws LUMENSYNC_CONFIG_INVALID. */
export const parseSeed = (raw: unknown, source = 'seed'): EmulatorSeed => {
  const problems: Problems = [];
  let companies: SeedCompany[] = [];
  if (!isRecord(raw)) problems.push('the seed must be a JSON object with a "companies" array');
  else companies = readArray(raw, 'companies', 'seed', problems).map((company, index) => parseCompany(company, `companies[${index}]`, problems));
  const accounts = companies.flatMap((company) => company.accounts);
  const orgs = accounts.flatMap((account) => account.orgs);
  checkUnique(companies.flatMap((company) => company.apiKeys), 'API key', problems);
  checkUnique(accounts.map((account) => account.id), 'account id', problems);
  checkUnique(orgs.map((org) => org.slug), 'org slug', problems);
  checkUnique(orgs.flatMap((org) => org.workspaces.map((ws) => ws.slug)), 'workspace slug', problems);
  for (const org of orgs) if (org.slug.includes('/')) problems.push(`org slug "${org.slug}" must not contain "/"`);
  if (problems.length > 0) {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `invalid emulator seed (${source}):\n  - ${problems.join('\n  - ')}`, {
      hint: 'Fix the listed fields; see config/emulator-seed.json for the expected shape.',
    });
  }
  return { companies };
};

/** Read and validate a seed file. */
export const loadSeedFile = (filePath: string): EmulatorSeed => {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (cause) {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `cannot read emulator seed ${filePath}`, { hint: 'Check the --seed path.', cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `emulator seed ${filePath} is not valid JSON: ${(cause as Error).message}`, {
      hint: 'Fix the JSON syntax of the seed file.',
      cause,
    });
  }
  return parseSeed(raw, filePath);
};

/** Path of the bundled default seed (`config/emulator-seed.json`), found from src/ and dist/src/ alike. */
export const defaultSeedPath = (): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    const candidate = path.join(dir, 'config', 'emulator-seed.json');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', 'bundled config/emulator-seed.json not found', {
    hint: 'Pass --seed <file> or reinstall lumensync.',
  });
};

/** The bundled default seed. */
export const loadDefaultSeed = (): EmulatorSeed => loadSeedFile(defaultSeedPath());
