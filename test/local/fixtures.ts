/** Temporary trees for the local tests: built from a plain description, removed afterwards. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

/** A tree: relative file path → content; directories are implied. `{ symlink: target }` makes a symlink, `{ fifo: true }` a FIFO, `{ dir: true }` an empty directory. */
export type TreeSpec = Record<string, string | Buffer | { symlink: string } | { fifo: true } | { dir: true }>;

/** Create a fresh temporary directory (removed by {@link removeTemp}). */
export async function makeTemp(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'lumensync-'));
}

/** Remove a temporary directory made by {@link makeTemp}, even if tests changed its modes. */
export async function removeTemp(directory: string): Promise<void> {
  try {
    execFileSync('chmod', ['-R', 'u+rwx', directory], { stdio: 'ignore' });
  } catch {
    // best effort: rm below reports real problems
  }
  await rm(directory, { recursive: true, force: true });
}

/** Write `spec` under `root`. */
export async function buildTree(root: string, spec: TreeSpec): Promise<void> {
  for (const [relativePath, content] of Object.entries(spec)) {
    const absolutePath = path.join(root, ...relativePath.split('/'));
    await mkdir(path.dirname(absolutePath), { recursive: true });
    if (typeof content === 'string' || Buffer.isBuffer(content)) await writeFile(absolutePath, content);
    else if ('symlink' in content) await symlink(content.symlink, absolutePath);
    else if ('fifo' in content) execFileSync('mkfifo', [absolutePath]);
    else await mkdir(absolutePath, { recursive: true });
  }
}

/** True when running as root, where permission bits do not stop reads. */
export const runningAsRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;
