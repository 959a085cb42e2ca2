/**
 * Doctor's local checks: the mirrored folder, the state directory, the inotify watch budget
 * and the clock. The verdicts are pure functions; the thin async wrappers gather the facts.
 */
import { constants } from 'node:fs';
import { access, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { assertStateDirOutsideRoot } from '../journal/state-dir.js';
import { matchesDefaultIgnore } from '../local/ignore.js';
import { step, type DoctorStep } from './types.js';

/** Where Linux publishes the per-user inotify watch limit. */
export const INOTIFY_LIMIT_FILE = '/proc/sys/fs/inotify/max_user_watches';
/** Folder count at which counting stops (the verdict is clear long before). */
const MAX_COUNTED_FOLDERS = 2_000_000;
/** Skew (s) worth a warning, and skew that fails: timestamps in logs and journals stop lining up. */
export const CLOCK_WARN_SECONDS = 30;
export const CLOCK_FAIL_SECONDS = 300;

/** The root exists, is a folder, and can be listed. */
export async function checkRoot(root: string, mirror?: string): Promise<DoctorStep> {
  const title = `local folder ${root} exists and is readable`;
  try {
    const info = await stat(root);
    if (!info.isDirectory()) return step('root', 'local', title, 'fail', `${root} is not a folder`, 'set root / <dir> to the folder to mirror', mirror);
    await access(root, constants.R_OK | constants.X_OK);
    await readdir(root);
    return step('root', 'local', title, 'ok', `${root} is a readable folder`, undefined, mirror);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return step('root', 'local', title, 'fail', `${root} does not exist`, `create it (mkdir -p ${root}) or fix the mirror's root; an unmounted drive looks like this too`, mirror);
    return step('root', 'local', title, 'fail', `${root} cannot be read (${code ?? (error as Error).message})`, `give your user read access: chmod u+rx ${root}`, mirror);
  }
}

/** The deepest existing ancestor of `target` (the state dir is created on first run). */
async function deepestExisting(target: string): Promise<string> {
  let current = path.resolve(target);
  for (;;) {
    try {
      await stat(current);
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

/** The state dir is outside the root and writable (or creatable). */
export async function checkStateDir(stateDir: string, root: string, mirror?: string): Promise<DoctorStep> {
  const title = `state directory ${stateDir} is writable and outside the mirrored folder`;
  try {
    await assertStateDirOutsideRoot(stateDir, root);
  } catch (error) {
    return step('state-dir', 'local', title, 'fail', (error as Error).message, (error as { hint?: string }).hint, mirror);
  }
  const existing = await deepestExisting(stateDir);
  try {
    await access(existing, constants.W_OK | constants.X_OK);
  } catch {
    return step('state-dir', 'local', title, 'fail', `${existing} is not writable by this user`, `choose another stateDir / --state-dir, or fix ownership: chown -R $(id -u) ${existing}`, mirror);
  }
  const detail = existing === path.resolve(stateDir) ? `${stateDir} is writable` : `${stateDir} will be created under writable ${existing}`;
  return step('state-dir', 'local', title, 'ok', detail, undefined, mirror);
}

/** Folders under `root` that a watcher would watch (default-ignored folders skipped). */
export async function countFolders(root: string): Promise<number> {
  let count = 0;
  const pending = [root];
  while (pending.length > 0 && count < MAX_COUNTED_FOLDERS) {
    const folder = pending.pop()!;
    count += 1;
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      continue; // Unreadable folders are the root check's business.
    }
    for (const entry of entries) if (entry.isDirectory() && !matchesDefaultIgnore(entry.name, true)) pending.push(path.join(folder, entry.name));
  }
  return count;
}

/** Verdict on the watch budget: one inotify watch per folder, shared with every other program of the user. */
export function inotifyVerdict(folders: number, limit: number | undefined, mirror?: string): DoctorStep {
  const title = 'inotify watch limit covers the folders to watch (watch mode)';
  if (limit === undefined) return step('inotify', 'local', title, 'skip', `no ${INOTIFY_LIMIT_FILE} (not Linux): the limit does not apply`, undefined, mirror);
  const fix = `raise it: echo fs.inotify.max_user_watches=${Math.max(524_288, folders * 2)} | sudo tee /etc/sysctl.d/60-lumensync.conf && sudo sysctl --system`;
  if (folders > limit) return step('inotify', 'local', title, 'fail', `${folders} folders to watch but max_user_watches is ${limit}: watch mode would miss changes`, fix, mirror);
  if (folders > limit * 0.8) return step('inotify', 'local', title, 'warn', `${folders} folders use most of max_user_watches ${limit} (editors and other watchers share it)`, fix, mirror);
  return step('inotify', 'local', title, 'ok', `${folders} folders, max_user_watches ${limit}`, undefined, mirror);
}

/** Read the limit (undefined off Linux) and count folders. */
export async function checkInotify(root: string, mirror?: string, limitFile = INOTIFY_LIMIT_FILE): Promise<DoctorStep> {
  let limit: number | undefined;
  try {
    const value = Number((await readFile(limitFile, 'utf8')).trim());
    limit = Number.isFinite(value) ? value : undefined;
  } catch {
    limit = undefined;
  }
  return inotifyVerdict(limit === undefined ? 0 : await countFolders(root), limit, mirror);
}

/** Verdict on clock skew from the server's `Date` header, measured against the local clock mid-request. */
export function clockVerdict(dateHeader: string | undefined, localMs: number): DoctorStep {
  const title = 'local clock agrees with the server (Date header)';
  if (dateHeader === undefined) return step('clock', 'remote', title, 'skip', 'the server sends no Date header');
  const serverMs = Date.parse(dateHeader);
  if (Number.isNaN(serverMs)) return step('clock', 'remote', title, 'skip', `unreadable Date header ${JSON.stringify(dateHeader)}`);
  // Date has one-second resolution: half a second either way is noise.
  const skewSeconds = Math.round((localMs - serverMs) / 1000);
  const direction = skewSeconds > 0 ? 'ahead of' : 'behind';
  const fix = 'sync the clock (e.g. timedatectl set-ntp true, or install chrony): logs, journal times and support tickets rely on it';
  if (Math.abs(skewSeconds) >= CLOCK_FAIL_SECONDS) return step('clock', 'remote', title, 'fail', `local clock is ${Math.abs(skewSeconds)} s ${direction} the server`, fix);
  if (Math.abs(skewSeconds) >= CLOCK_WARN_SECONDS) return step('clock', 'remote', title, 'warn', `local clock is ${Math.abs(skewSeconds)} s ${direction} the server`, fix);
  return step('clock', 'remote', title, 'ok', `skew ${Math.abs(skewSeconds)} s`);
}
