/**
 * Small state files (status, history, rejections, learned rate) written so that a reader or a
 * crash sees the old file or the new one, never half of one: temp file (0600), fsync, rename.
 */
import { open, rename, rm } from 'node:fs/promises';

/** Writes of this process so far: two writes of one file at once (a status tick during a pass) need two temp files. */
let writes = 0;

/** Write `text` to `target` atomically; the temp file is removed when the rename fails. */
export async function writeFileAtomically(target: string, text: string): Promise<void> {
  writes += 1;
  const temporary = `${target}.${process.pid}.${writes}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
