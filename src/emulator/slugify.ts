/** Name → slug rules of the emulated server (contract §4.3, §6.5). */

import { randomInt } from 'node:crypto';

// Characters no common file system accepts in a name, plus ASCII control characters.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be dropped
const UNSAFE_IN_FILE_NAMES = /[<>:"/\\|?*\u0000-\u001f\u007f]/gu;

/**
 * Stored-name base for an uploaded file, like upstream's npm `slugify` default:
 * whitespace runs → '-', case kept, file-name-unsafe characters dropped, unicode letters kept.
 */
export const slugifyFileName = (fileName: string): string => {
  const slugified = fileName
    .replace(UNSAFE_IN_FILE_NAMES, '')
    .trim()
    .replace(/\s+/gu, '-')
    .replace(/^-+|-+$/gu, '');
  // An all-unsafe name must still yield a usable stored name.
  return slugified === '' ? 'document' : slugified;
};

/** Stored document name: `slugify(fileName)-<uuid>.json` (the uuid is also the document id). */
export const storedNameFor = (fileName: string, documentId: string): string =>
  `${slugifyFileName(fileName)}-${documentId}.json`;

/** Workspace slug derived from a display name: lower case, runs of non letters/digits → '-'. */
export const slugifyWorkspaceName = (name: string): string => {
  const slugified = name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_]+/gu, '-')
    .replace(/^-+|-+$/gu, '');
  return slugified === '' ? 'workspace' : slugified;
};

/** Unique workspace slug: the slugified name, plus `-` and 8 random digits when taken (upstream). */
export const uniqueWorkspaceSlug = (name: string, isTaken: (workspaceSlug: string) => boolean): string => {
  const base = slugifyWorkspaceName(name);
  let candidate = base;
  while (isTaken(candidate)) candidate = `${base}-${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
  return candidate;
};
