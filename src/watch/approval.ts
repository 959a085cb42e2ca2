/**
 * `approval.json` in a mirror's state dir: an operator's "let these held actions through once",
 * written by `lumensync approve` and taken by the daemon. It names the held set by its
 * fingerprint, so it only ever releases exactly the set the operator saw; the daemon deletes the
 * file (durably) before it applies the actions, so one approval is never applied twice.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { HeldSet } from '../core/held.js';
import { defaultStateDir } from '../journal/state-dir.js';

/** Name of the approval file inside the state dir. */
export const APPROVAL_FILE_NAME = 'approval.json';

/** One approval. */
export interface Approval {
  version: 1;
  /** The approved held set's fingerprint (see core/held.ts). */
  fingerprint: string;
  /** How many actions that set held (for messages). */
  count: number;
  approvedAt: number;
  /** Who approved: user@host (for the log). */
  by: string;
}

/** Fsync a directory so a rename or unlink in it survives a power cut. */
const syncDirectory = (dir: string): void => {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the write itself is still atomic.
  }
};

/** Write the approval of `held` atomically (temp file, fsync, rename). */
export function writeApproval(stateDir: string, held: Pick<HeldSet, 'fingerprint' | 'count'>, now = Date.now()): Approval {
  const approval: Approval = { version: 1, fingerprint: held.fingerprint, count: held.count, approvedAt: now, by: `${os.userInfo().username}@${os.hostname()}` };
  const target = path.join(stateDir, APPROVAL_FILE_NAME);
  const temporary = `${target}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeFileSync(fd, `${JSON.stringify(approval, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, target);
  syncDirectory(stateDir);
  return approval;
}

/** The approval waiting in `stateDir`, if any (a malformed file counts as none). */
export function readApproval(stateDir: string): Approval | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(stateDir, APPROVAL_FILE_NAME), 'utf8')) as Partial<Approval>;
    return parsed.version === 1 && typeof parsed.fingerprint === 'string' && typeof parsed.count === 'number' ? (parsed as Approval) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Take the approval for `held` if one waits: deletes the file durably and returns it; undefined
 * (file left alone) when there is none or it names another set.
 */
export function takeApproval(stateDir: string, held: Pick<HeldSet, 'fingerprint'>): Approval | undefined {
  const approval = readApproval(stateDir);
  if (approval === undefined || approval.fingerprint !== held.fingerprint) return undefined;
  rmSync(path.join(stateDir, APPROVAL_FILE_NAME), { force: true });
  syncDirectory(stateDir);
  return approval;
}

const shellSafe = (text: string): string => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);

/** The exact command that approves this mirror's held actions (the state dir is named unless it is the default one). */
export function approveCommand(name: string, stateDir: string, mirrorId: string, env: NodeJS.ProcessEnv = process.env): string {
  const isDefault = path.resolve(stateDir) === path.resolve(defaultStateDir(mirrorId, env));
  return `lumensync approve ${shellSafe(name)}${isDefault ? '' : ` --state-dir ${shellSafe(stateDir)}`}`;
}
