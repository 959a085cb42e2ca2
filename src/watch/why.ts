/**
 * `lumensync why <path>` and the page's per-file view: everything lumensync knows about one local
 * file — ignored (which rule, which file), unchanged / pending / failed (reason, fix, attempts),
 * its docpath, the workspaces embedding it as of the last verification, when it was last
 * uploaded, whether a guard holds its document. Gathering (`gatherWhy`) is kept apart from
 * judging (`judgeWhy`, pure) and rendering (`renderWhy`).
 */
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { JournalEntry, JournalMeta } from '../core/types.js';
import { hashFile } from '../local/hash.js';
import { explainIgnore, type IgnoreReason } from '../local/ignore-explain.js';
import type { FailureRecord } from '../stats/stats.js';
import type { MirrorSnapshot } from './snapshot.js';

/** The verdict on one path. */
export type WhyState = 'ignored' | 'unchanged' | 'pending' | 'failed' | 'held' | 'not-uploaded' | 'gone' | 'not-a-file';

/** What is known about the local path. */
export interface LocalFacts { kind: 'file' | 'directory' | 'symlink' | 'other' | 'missing'; size?: number; mtimeMs?: number; sha256?: string }

/** Everything gathered for one path. */
export interface WhyInput {
  relativePath: string;
  local: LocalFacts;
  ignored: IgnoreReason | undefined;
  entry: JournalEntry | undefined;
  meta: JournalMeta;
  /** The daemon's view (live, or its last status file); undefined when no daemon ever ran. */
  daemon: Pick<MirrorSnapshot, 'failed' | 'held' | 'pending' | 'approveCommand' | 'guards' | 'workspaces'> | undefined;
  uploadedAt: number | undefined;
  followSymlinks: boolean;
}

/** The answer. */
export interface WhyReport {
  relativePath: string;
  state: WhyState;
  /** One sentence. */
  summary: string;
  ignoredBy?: IgnoreReason;
  failure?: FailureRecord & { attempts?: number };
  docpath?: string;
  /** Workspaces the document is embedded in as of the last verification (or, before any, as uploaded). */
  embeddedIn: string[];
  /** What `embeddedIn` rests on: a verification of the remote, or only the upload (no complete pass yet). */
  embeddedAsOf: 'verification' | 'upload' | 'nothing';
  /** When the remote was last verified (ms since epoch). */
  verifiedAt?: number;
  lastUploadedAt?: number;
  held?: { guards: string[]; approveCommand?: string };
  pending?: string;
}

const describeRule = (reason: IgnoreReason): string =>
  `rule "${reason.pattern}" in ${reason.source}${reason.line !== undefined ? ` (line ${reason.line})` : ''}${reason.matched.includes('/') || reason.matched !== '' ? ` matches ${reason.matched}` : ''}`;

/** Decide the verdict from what was gathered. Pure. */
export function judgeWhy(input: WhyInput): WhyReport {
  const { relativePath, local, entry, meta, daemon } = input;
  const verifiedAt = (meta as JournalMeta & { lastVerifiedAt?: number }).lastVerifiedAt ?? meta.lastReconcileAt;
  // Before any complete pass the journal's workspaces are not known yet: the upload asked for the mirror's.
  const embeddedAsOf = !entry ? 'nothing' : verifiedAt !== undefined ? 'verification' : daemon ? 'upload' : 'nothing';
  const base: WhyReport = {
    relativePath, state: 'unchanged', summary: '', embeddedAsOf,
    embeddedIn: embeddedAsOf === 'verification' ? [...meta.workspaces] : embeddedAsOf === 'upload' ? [...daemon!.workspaces] : [],
    ...(entry ? { docpath: entry.docpath } : {}), ...(verifiedAt !== undefined ? { verifiedAt } : {}),
    ...(input.uploadedAt !== undefined ? { lastUploadedAt: input.uploadedAt } : {}),
  };
  if (input.ignored) return { ...base, state: 'ignored', ignoredBy: input.ignored, summary: `ignored: ${describeRule(input.ignored)}; lumensync never uploads it${entry ? ' (its old document is removed by the next pass)' : ''}` };
  const failure = daemon?.failed.find((item) => item.relativePath === relativePath) as (FailureRecord & { attempts?: number }) | undefined;
  const heldAction = daemon?.held?.sample.find((action) => action.relativePath === relativePath || (entry !== undefined && action.docpath === entry.docpath));
  if (heldAction && daemon?.held) {
    const held = { guards: daemon.guards ?? [], ...(daemon.held.approvable && daemon.approveCommand ? { approveCommand: daemon.approveCommand } : {}) };
    const what = heldAction.kind === 'remove' ? `the removal of its document ${heldAction.docpath}` : `its un-embedding from ${heldAction.workspaceSlug}`;
    return { ...base, state: 'held', held, summary: `held by a guard: ${what} waits for approval (${daemon.held.count} action(s) held)${held.approveCommand ? `; approve with: ${held.approveCommand}` : ''}` };
  }
  if (failure) return { ...base, state: 'failed', failure, summary: `failed (${failure.operation}${failure.attempts !== undefined ? `, ${failure.attempts} attempt(s)` : ''}): ${failure.message}${failure.hint ? `; fix: ${failure.hint}` : ''}${failure.retryable ? '; retried automatically' : ''}` };
  if (local.kind === 'missing') {
    return entry
      ? { ...base, state: 'pending', pending: 'deleted locally; its document is removed by the next pass', summary: `deleted locally; its document ${entry.docpath} is removed by the next pass` }
      : { ...base, state: 'gone', summary: 'no such file, and lumensync has no document for it' };
  }
  if (local.kind === 'directory') return { ...base, state: 'not-a-file', summary: 'a directory: ask about a file inside it' };
  if (local.kind === 'symlink' && !input.followSymlinks) return { ...base, state: 'not-a-file', summary: 'a symlink, and symlinks are not followed (--follow-symlinks follows those that stay inside the folder)' };
  if (local.kind === 'other') return { ...base, state: 'not-a-file', summary: 'not a regular file (socket, fifo or device): never uploaded' };
  const queued = daemon?.pending.paths.includes(relativePath) ?? false;
  if (queued) return { ...base, state: 'pending', pending: 'changed; waiting for the settle time before it is synced', summary: 'pending: changed, synced once it has settled' };
  if (!entry) return { ...base, state: 'not-uploaded', pending: 'new; not uploaded yet', summary: 'not uploaded yet: the next pass uploads it' };
  const same = (local.size === entry.size && local.mtimeMs === entry.mtimeMs) || (local.sha256 !== undefined && local.sha256 === entry.sha256);
  if (!same) return { ...base, state: 'pending', pending: 'content changed since the last upload', summary: `pending: the content changed since it was uploaded as ${entry.docpath}; the next pass replaces it` };
  const embedded = base.embeddedIn.length > 0 ? `, embedded in ${base.embeddedIn.join(', ')}` : ', embedded in no workspace';
  return { ...base, state: 'unchanged', summary: `in sync: uploaded as ${entry.docpath}${embedded}${verifiedAt !== undefined ? ` (as of the verification at ${new Date(verifiedAt).toISOString()})` : ' (as uploaded; no complete pass has verified it yet)'}` };
}

/** The read-only sources `gatherWhy` needs. */
export interface WhySources {
  root: string;
  ignore: readonly string[];
  followSymlinks: boolean;
  journal: { get(relativePath: string): JournalEntry | undefined; meta(): JournalMeta };
  daemon: WhyInput['daemon'];
  uploadTimes: () => Map<string, number>;
}

/** `target` (absolute, or relative to `cwd`) as a path relative to `root`; undefined when outside it. */
export function relativeToRoot(root: string, target: string, cwd = process.cwd()): string | undefined {
  const relative = path.relative(root, path.resolve(cwd, target));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

/** Gather everything about `relativePath` and judge it (reads the file's metadata, hashes it only when size or mtime moved). */
export async function gatherWhy(sources: WhySources, relativePath: string): Promise<WhyReport> {
  const absolute = path.join(sources.root, ...relativePath.split('/'));
  let local: LocalFacts;
  try {
    const stats = await lstat(absolute);
    local = stats.isFile() ? { kind: 'file', size: stats.size, mtimeMs: stats.mtimeMs } : stats.isDirectory() ? { kind: 'directory' } : stats.isSymbolicLink() ? { kind: 'symlink' } : { kind: 'other' };
  } catch {
    local = { kind: 'missing' };
  }
  const entry = sources.journal.get(relativePath);
  if (local.kind === 'file' && entry && (local.size !== entry.size || local.mtimeMs !== entry.mtimeMs)) {
    try {
      local.sha256 = (await hashFile(absolute)).sha256;
    } catch {
      // Unreadable now: judged as changed; the daemon's scan reports the read error.
    }
  }
  const ignored = local.kind === 'missing' ? undefined : explainIgnore(sources.root, sources.ignore, relativePath, local.kind === 'directory');
  return judgeWhy({
    relativePath, local, ignored, entry, meta: sources.journal.meta(), daemon: sources.daemon,
    uploadedAt: sources.uploadTimes().get(relativePath), followSymlinks: sources.followSymlinks,
  });
}

const time = (value: number | undefined): string => (value === undefined ? 'unknown' : new Date(value).toISOString());

/** Human text for `lumensync why`. */
export function renderWhy(report: WhyReport, mirror: string): string {
  const lines = [`${report.relativePath} (mirror ${mirror}): ${report.state}`, `  ${report.summary}`];
  if (report.ignoredBy) lines.push(`  rule: ${report.ignoredBy.pattern}  (${report.ignoredBy.source}${report.ignoredBy.line !== undefined ? `:${report.ignoredBy.line}` : ''}, matches ${report.ignoredBy.matched})`);
  if (report.failure) {
    lines.push(`  failure: ${report.failure.operation}: ${report.failure.message}`);
    if (report.failure.hint) lines.push(`  fix: ${report.failure.hint}`);
    if (report.failure.attempts !== undefined) lines.push(`  attempts: ${report.failure.attempts}`);
  }
  if (report.held) {
    for (const guard of report.held.guards) lines.push(`  guard: ${guard}`);
    if (report.held.approveCommand) lines.push(`  approve: ${report.held.approveCommand}`);
  }
  lines.push(`  docpath: ${report.docpath ?? 'none'}`);
  const asOf = report.embeddedAsOf === 'verification' ? `as of the last verification, ${time(report.verifiedAt)}` : report.embeddedAsOf === 'upload' ? 'as uploaded; not verified yet' : 'not uploaded';
  lines.push(`  embedded in: ${report.embeddedIn.length > 0 ? report.embeddedIn.join(', ') : 'no workspace'} (${asOf})`);
  lines.push(`  last uploaded: ${report.lastUploadedAt !== undefined ? time(report.lastUploadedAt) : report.docpath ? 'before the recent-upload log (see history)' : 'never'}`);
  return lines.join('\n');
}
