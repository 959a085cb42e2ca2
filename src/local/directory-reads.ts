/**
 * Reads the scanner makes beside listing a directory: names that are not UTF-8, and ignore files.
 * Each comes twice: asynchronous for the main thread's walk, synchronous for a worker's (subtree-walk.ts).
 */
import { closeSync, constants as fsConstants, fstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';

/** Opened without blocking: a FIFO named like an ignore file must not hang the scan. */
const IGNORE_FILE_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/** The names among `rawNames` that are not valid UTF-8, as Node decodes them (with U+FFFD). */
function invalidAmong(rawNames: readonly Buffer[]): Set<string> {
  const invalid = new Set<string>();
  for (const raw of rawNames) {
    const decoded = raw.toString('utf8');
    if (!Buffer.from(decoded, 'utf8').equals(raw)) invalid.add(decoded);
  }
  return invalid;
}

/** Names in `absolutePath` that are not valid UTF-8 (Node decodes them with U+FFFD), found by re-reading the directory as bytes. */
export async function invalidNamesIn(absolutePath: string): Promise<Set<string>> {
  return invalidAmong(await readdir(absolutePath, { encoding: 'buffer' }));
}

/** invalidNamesIn, synchronously. */
export function invalidNamesInSync(absolutePath: string): Set<string> {
  return invalidAmong(readdirSync(absolutePath, { encoding: 'buffer' }));
}

/** Text of an ignore file, or undefined when it is not a regular file (a FIFO there must not hang the scan). */
export async function readIgnoreFileText(absolutePath: string): Promise<string | undefined> {
  const handle = await open(absolutePath, IGNORE_FILE_FLAGS);
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** readIgnoreFileText, synchronously. */
export function readIgnoreFileTextSync(absolutePath: string): string | undefined {
  const descriptor = openSync(absolutePath, IGNORE_FILE_FLAGS);
  try {
    if (!fstatSync(descriptor).isFile()) return undefined;
    return readFileSync(descriptor, 'utf8');
  } finally {
    closeSync(descriptor);
  }
}
