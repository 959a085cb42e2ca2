/**
 * What `lumensync status` reports per mirror, read without taking any lock: the daemon's
 * status.json, the lock file's owner and whether that pid lives, and the journal opened
 * read-only. Reading is kept apart from judging (`judgeStatus`, pure) and rendering.
 */
import { readdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal, LOG_FILE_NAME, SNAPSHOT_FILE_NAME } from '../journal/journal.js';
import { isPidAlive, LOCK_FILE_NAME, readLockFile, type LockOwner } from '../journal/lock.js';
import { defaultStateDir } from '../journal/state-dir.js';
import { readStatusFile, STATUS_FILE_NAME, type StatusFile } from './status-file.js';
import { readHistory, type HistoryEntry } from './history.js';
import { readRejections, type Rejection } from '../journal/rejections.js';

/** Everything read from one state dir. */
export interface StatusInput {
  stateDir: string;
  statusFile: StatusFile | undefined;
  lock: LockOwner | 'missing' | 'unreadable';
  /** Whether the lock owner's (or, without a lock, the status file's) pid is alive on this host. */
  pidAlive: boolean;
  journal: { filesTracked: number; lastReconcileAt: number | undefined; lastVerifiedAt?: number | undefined; openIntents: number } | { error: string };
  now: number;
}

/** The verdict on one mirror. */
export interface MirrorStatusView {
  stateDir: string;
  name: string | undefined;
  running: boolean;
  /** One line saying why running is true or false. */
  condition: string;
  pid: number | undefined;
  journal: StatusInput['journal'];
  /** The daemon's last written state (may be from a dead process: see `running`). */
  daemon: StatusFile | undefined;
  /** The last passes, newest first (history.json). */
  history?: HistoryEntry[];
  /** Files whose content the server refused for good (U9), from `rejections.json`. */
  rejected?: Rejection[];
}

/** A status file not rewritten for this many of its intervals (assumed 2 s) means a hung daemon. */
const STALE_AFTER_MS = 30_000;

/** Decide whether the daemon runs and say why, from what was read. Pure. */
export function judgeStatus(input: StatusInput): MirrorStatusView {
  const { statusFile, lock } = input;
  const base = { stateDir: input.stateDir, name: statusFile?.name, journal: input.journal, daemon: statusFile };
  const lockPid = typeof lock === 'object' ? lock.pid : undefined;
  const otherHost = typeof lock === 'object' && lock.hostname !== os.hostname();
  if (lockPid !== undefined && otherHost) {
    return { ...base, running: true, pid: lockPid, condition: `locked by pid ${lockPid} on host ${(lock as LockOwner).hostname} (cannot check it from here)` };
  }
  if (lockPid !== undefined && input.pidAlive) {
    if (statusFile === undefined || statusFile.pid !== lockPid) {
      return { ...base, running: true, pid: lockPid, condition: `pid ${lockPid} holds the lock (a sync, or a watch that has not written its status yet)` };
    }
    const age = input.now - statusFile.updatedAt;
    const stale = age > STALE_AFTER_MS ? `; status not updated for ${Math.round(age / 1000)} s: the daemon may be hung` : '';
    return { ...base, running: true, pid: lockPid, condition: `running (pid ${lockPid}, ${statusFile.state})${stale}` };
  }
  if (statusFile === undefined) {
    return { ...base, running: false, pid: undefined, condition: lockPid !== undefined ? `not running: pid ${lockPid} left a stale lock (it died)` : 'not running: no watch daemon has run on this state dir' };
  }
  if (statusFile.exited) {
    return { ...base, running: false, pid: undefined, condition: `not running: stopped cleanly at ${new Date(statusFile.updatedAt).toISOString()}` };
  }
  return { ...base, running: false, pid: undefined, condition: `not running: pid ${statusFile.pid} is dead (killed or crashed; last status ${new Date(statusFile.updatedAt).toISOString()}); the next start resumes from the journal` };
}

/** True when `dir` looks like a lumensync state dir. */
const isStateDir = (dir: string): boolean =>
  [STATUS_FILE_NAME, SNAPSHOT_FILE_NAME, LOG_FILE_NAME, LOCK_FILE_NAME].some((name) => existsSync(path.join(dir, name)));

/** The state dirs under the default state root ($XDG_STATE_HOME/lumensync), sorted. */
export function defaultStateDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const root = path.dirname(defaultStateDir('probe', env));
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names.sort().map((name) => path.join(root, name)).filter(isStateDir);
}

/** Read one state dir (never writes, never locks) and judge it. */
export async function readMirrorStatus(stateDir: string, now = Date.now()): Promise<MirrorStatusView> {
  const statusFile = readStatusFile(stateDir);
  let lock: StatusInput['lock'];
  try {
    lock = readLockFile(path.join(stateDir, LOCK_FILE_NAME));
  } catch {
    lock = 'unreadable';
  }
  const pid = typeof lock === 'object' ? lock.pid : undefined;
  const pidAlive = pid !== undefined && isPidAlive(pid);
  let journal: StatusInput['journal'];
  try {
    const opened = await Journal.open({ stateDir, readOnly: true, lock: false });
    journal = { filesTracked: opened.size, lastReconcileAt: opened.meta().lastReconcileAt, lastVerifiedAt: opened.meta().lastVerifiedAt, openIntents: opened.openIntents().length };
    await opened.close();
  } catch (error) {
    journal = { error: error instanceof Error ? error.message : String(error) };
  }
  return { ...judgeStatus({ stateDir, statusFile, lock, pidAlive, journal, now }), history: readHistory(stateDir).reverse(), rejected: readRejections(stateDir) };
}

const ago = (now: number, time: number | undefined): string =>
  time === undefined ? 'never' : `${new Date(time).toISOString()} (${Math.max(0, Math.round((now - time) / 1000))} s ago)`;

/** Human text for `lumensync status`. */
export function renderStatus(views: readonly MirrorStatusView[], now: number): string {
  if (views.length === 0) return 'no mirrors found: pass --state-dir <dir>, or run lumensync sync/watch first';
  const lines: string[] = [];
  for (const view of views) {
    const daemon = view.daemon;
    lines.push(`${view.name ?? path.basename(view.stateDir)}: ${view.condition}`);
    if (daemon) lines.push(`  mirror: ${daemon.root} → ${daemon.orgSlug}/${daemon.folder}${daemon.workspaces.length > 0 ? ` [${daemon.workspaces.join(', ')}]` : ''}`);
    lines.push(`  state dir: ${view.stateDir}`);
    if ('error' in view.journal) lines.push(`  journal: unreadable: ${view.journal.error}`);
    else {
      lines.push(`  files tracked: ${view.journal.filesTracked}; last complete reconcile: ${ago(now, view.journal.lastReconcileAt)}`);
      lines.push(`  remote last verified (listed): ${ago(now, view.journal.lastVerifiedAt)}${daemon ? `; latest reconcile ${daemon.lastPassListed ? 'listed the remote' : 'trusted the journal'}` : ''}`);
      if (view.journal.openIntents > 0) lines.push(`  open intents: ${view.journal.openIntents} (settled by the next pass)`);
    }
    const rejected = view.rejected ?? [];
    if (rejected.length > 0) lines.push(`  rejected by the server: ${rejected.length} (not sent again until the file changes)`);
    for (const item of rejected.slice(0, 20)) {
      lines.push(`    - ${item.relativePath}: ${item.reason} (${item.attempts} attempt(s), last ${new Date(item.lastAt).toISOString()})${item.hint ? ` — fix: ${item.hint}` : ''}`);
    }
    if (rejected.length > 20) lines.push(`    … and ${rejected.length - 20} more (see --json)`);
    renderHistory(lines, view.history ?? []);
    if (!daemon) continue;
    const lost = daemon.counters.lostEventsFound ?? 0;
    const lostText = lost > 0 ? `; ${lost} file(s) changed without an event since start (found next to other changes, synced)` : '';
    lines.push(`  watcher: ${daemon.watcher.backend} ${daemon.watcher.status}${daemon.watcher.message ? ` — ${daemon.watcher.message}` : ''}${lostText}`);
    lines.push(`  remote: ${daemon.remoteReachable ? 'reachable' : 'UNREACHABLE'}${daemon.lastError ? `; last error: ${daemon.lastError}` : ''}`);
    if (daemon.throughputLimit) lines.push(`  throughput: ${daemon.throughputLimit.text}`);
    lines.push(`  pending: ${daemon.pending.dirtyPaths} changed path(s)${daemon.pending.overflowed ? ' (overflowed: full reconcile due)' : ''}, ${daemon.pending.requests} request(s) queued, lag ${Math.round(daemon.lagMs / 1000)} s`);
    for (const relativePath of daemon.pending.paths.slice(0, 10)) lines.push(`    - ${relativePath}`);
    if (daemon.backoffUntil > now) lines.push(`  backing off until ${new Date(daemon.backoffUntil).toISOString()} (remote unavailable)`);
    for (const guard of daemon.guards) lines.push(`  guard: ${guard}`);
    if (daemon.held && daemon.held.count > 0) lines.push(`  held: ${daemon.held.count} action(s) since ${new Date(daemon.held.since).toISOString()}${daemon.held.approvable ? `; approve with: ${daemon.approveCommand}` : ''}`);
    if (daemon.approvalProblem) lines.push(`  approval: ${daemon.approvalProblem}`);
    if (daemon.lastApproval) lines.push(`  last approval: ${daemon.lastApproval.count} action(s) by ${daemon.lastApproval.by}, applied ${new Date(daemon.lastApproval.appliedAt).toISOString()}`);
    lines.push(`  failed: ${daemon.failed.length}`);
    for (const failure of daemon.failed.slice(0, 20)) {
      lines.push(`    - ${failure.relativePath ?? failure.docpath ?? '(mirror)'} (${failure.operation}${failure.retryable ? ', will retry' : ''}): ${failure.message}${failure.hint ? ` — fix: ${failure.hint}` : ''}`);
    }
  }
  return lines.join('\n');
}

/** Passes listed by `status` (all of them with --json). */
const STATUS_HISTORY_LINES = 5;

function renderHistory(lines: string[], history: readonly HistoryEntry[]): void {
  if (history.length === 0) return;
  lines.push(`  recent passes (newest first, ${history.length} kept):`);
  for (const pass of history.slice(0, STATUS_HISTORY_LINES)) {
    lines.push(`    ${new Date(pass.startedAt).toISOString()} ${pass.kind} ${Math.round(pass.durationMs)} ms: ${pass.uploads} uploaded, ${pass.deletes} deleted, ${pass.failures} failed, ${pass.bytes} B${pass.verified ? ', verified' : ''}${pass.held > 0 ? `, ${pass.held} held` : ''}${pass.released > 0 ? `, ${pass.released} approved` : ''}${pass.error ? ` — ${pass.error}` : ''}`);
  }
}
