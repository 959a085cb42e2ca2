/** Reads the scanner makes beside listing a directory: names that are not UTF-8, and ignore files. */
import { constants as fsConstants } from 'node:fs';
import { open, readdir } from 'node:fs/promises';

/** Names in `absolutePath` that are not valid UTF-8 (Node decodes them with U+FFFD), found by re-reading the directory as bytes. */
export async function invalidNamesIn(absolutePath: string): Promise<Set<string>> {
  const invalid = new Set<string>();
  for (const raw of await readdir(absolutePath, { encoding: 'buffer' })) {
    const decoded = raw.toString('utf8');
    if (!Buffer.from(decoded, 'utf8').equals(raw)) invalid.add(decoded);
  }
  return invalid;
}

/** Text of an ignore file, or undefined when it is not a regular file (a FIFO there must not hang the scan). */
export async function readIgnoreFileText(absolutePath: string): Promise<string | undefined> {
  const handle = await open(absolutePath, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
