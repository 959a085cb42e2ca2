/**
 * One mirror's sync engine: scan → list → plan → execute → account, repeated until the
 * remote converges or only failures that need time remain. Used by `sync` (once) and by
 * `watch` (at start, on a timer, and for dirty paths).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { plan } from '../core/planner.js';
import { scopeTest } from '../core/scope-test.js';
import { comparePaths } from '../core/journaled-files.js';
import type { Plan } from '../core/plan-types.js';
import { heldSet, releaseHeld, type HeldSet } from '../core/held.js';
import type { LocalListing } from '../core/types.js';
import { execute } from '../executor/executor.js';
import { scanTree } from '../local/scanner.js';
import { MIRROR_DEFAULTS, SHARED_FOLDER } from './mirror.js';
import { listRemote } from './remote-view.js';
import type { EngineJournal, SyncSession } from './session-types.js';
import { verificationReason, type VerificationStatus } from './verification.js';

export type { EngineJournal, ListingPort, SyncSession } from './session-types.js';
export { listRemote };

export interface PassOptions {
  dryRun?: boolean;
  /** Only these relative paths (watch); the remote is not listed, the journal is trusted. */
  scope?: string[];
  /** `--verify`: list the remote even when the journal may be trusted (full passes only). */
  verify?: boolean;
  /** Called with the plan before it runs (progress totals, --dry-run output). */
  onPlan?: (plan: Plan, listing: LocalListing) => void;
  /** Asked when the guards hold actions: true lets them through this once (an operator's approval matched). */
  release?: (held: HeldSet) => boolean;
}

export interface PassResult {
  plan: Plan;
  listing: LocalListing;
  relistNeeded: boolean;
  /** Whether this pass listed the remote, why, and when it was last verified. */
  verification: VerificationStatus;
  /** The held set an approval let through in this pass, if any. */
  released?: HeldSet;
}

/** Scan the root with the journal's hashes as a cache. */
export async function scanLocal(session: SyncSession, scope?: string[]): Promise<LocalListing> {
  const { spec, journal } = session;
  // A walk begun while the journal was read serves the first full scan only.
  const prefetch = scope === undefined ? session.scanPrefetch : undefined;
  if (prefetch) delete session.scanPrefetch;
  const revisionAtStart = journal.entriesByPath?.().revision;
  const listing = await scanTree({
    ...(prefetch ? { prefetch } : {}),
    root: spec.root,
    ignore: spec.ignore,
    followSymlinks: spec.followSymlinks,
    ...(spec.scanThreads !== undefined ? { scanThreads: spec.scanThreads } : {}),
    // Files found as journaled are listed by path; their content is the journal's (planner.ts).
    journaled: (relativePath, size, mtimeMs) => journal.unchangedPath(relativePath, size, mtimeMs),
    ...(scope ? { scope } : {}),
    ...(session.signal ? { signal: session.signal } : {}),
  });
  // No entry changed while the scan asked the journal: the planner may trust its answers (a
  // no-op pass over 100,000 files then skips 100,000 lookups, ~20 ms).
  if (revisionAtStart !== undefined && listing.journaled !== undefined && journal.entriesByPath?.().revision === revisionAtStart) {
    listing.journaledRevision = revisionAtStart;
  }
  return listing;
}

/**
 * Journal paths outside `scope` holding the content of a file the scoped scan found new or
 * changed: where a moved file may have come from. Empty when every scanned file is known.
 */
export function renameSourcesOutside(listing: LocalListing, journal: Pick<EngineJournal, 'get' | 'entries' | 'pathsHolding'>, scope: readonly string[]): string[] {
  const wanted = new Set<string>();
  for (const entry of listing.entries) {
    if (journal.get(entry.relativePath)?.sha256 !== entry.sha256) wanted.add(entry.sha256);
  }
  if (wanted.size === 0) return [];
  const inScope = scopeTest(scope);
  // The journal's hash column searched as bytes: building 100,000 entries to compare their hashes
  // cost ~90 ms of every watch event that changed a file.
  const holders = journal.pathsHolding?.(wanted) ?? [...journal.entries()].filter((entry) => wanted.has(entry.sha256)).map((entry) => entry.relativePath);
  return holders.filter((relativePath) => !inScope(relativePath));
}

/** Two scans of disjoint scopes as one listing (entries sorted as the scanner sorts them). */
export function mergeListings(first: LocalListing, second: LocalListing): LocalListing {
  const entries = [...first.entries, ...second.entries].sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  const journaled = [...(first.journaled ?? []), ...(second.journaled ?? [])].sort(comparePaths);
  const sum = (key: keyof LocalListing['stats']): number => first.stats[key] + second.stats[key];
  return {
    rootStatus: first.rootStatus === 'ok' ? second.rootStatus : first.rootStatus,
    entries,
    ...(journaled.length > 0 ? { journaled } : {}),
    errors: [...first.errors, ...second.errors],
    ...(first.scope && second.scope ? { scope: [...first.scope, ...second.scope] } : {}),
    ...(first.rootEmpty === true || second.rootEmpty === true ? { rootEmpty: true } : {}),
    stats: { filesSeen: sum('filesSeen'), filesHashed: sum('filesHashed'), bytesHashed: sum('bytesHashed'), ignored: sum('ignored'), durationMs: sum('durationMs') },
  };
}

/** One pass: scan, list (unless scoped), plan, execute (unless dry-run). */
export async function runPass(session: SyncSession, options: PassOptions = {}): Promise<PassResult> {
  const { spec, journal, stats, log } = session;
  // Intents open before a full pass belong to a process that died mid-request (or to an aborted pass).
  const inheritedIntents = options.scope ? [] : journal.openIntents().map((intent) => intent.id);
  // Journal-first: a full pass lists the remote only when it must (src/sync/verification.ts).
  const startedAt = Date.now();
  const reason = options.scope ? undefined : verificationReason({
    meta: journal.meta(), spec, openIntents: inheritedIntents.length, requested: options.verify ?? false,
    intervalMs: spec.verifyIntervalMs ?? MIRROR_DEFAULTS.verifyIntervalMs, now: startedAt,
  });
  if (reason !== undefined) log.info({ reason }, 'verifying: listing the remote');
  // The planner will index every entry's docpath and path: have the scan list the journal's strings.
  if (reason !== undefined) journal.materializePaths?.();
  // Listing (network, server time) runs while the scan (local disk) does: a no-op pass then
  // costs the longer of the two, not their sum. Read-only, so starting it early is harmless.
  const remoteListed = reason === undefined ? undefined : listRemote(session);
  // A scan failure wins; the listing's own failure is then not worth an unhandled rejection.
  remoteListed?.catch(() => undefined);
  const scoped = await scanLocal(session, options.scope);
  const renameSources = options.scope ? renameSourcesOutside(scoped, journal, options.scope) : [];
  // Event order is not guaranteed (a move into a new folder can report the new path first):
  // look at the old paths too, so a move is still a journal-only rename, never an upload.
  // Only the source paths are scanned again (the scoped files were just hashed).
  const listing = renameSources.length > 0 ? mergeListings(scoped, await scanLocal(session, renameSources)) : scoped;
  // A missing or unreadable root is the guards' business (exit 4), not a per-file failure.
  for (const error of listing.rootStatus === 'ok' ? listing.errors : []) {
    stats.fail({ operation: 'scan', relativePath: error.relativePath, message: error.message.startsWith(error.code) ? error.message : `${error.code}: ${error.message}`, retryable: error.code === 'ECHANGED' });
  }
  const remote = remoteListed === undefined ? undefined : await remoteListed;
  let result = plan({
    local: listing,
    journalEntries: journal.entries(),
    ...(journal.entriesByPath ? { journalByPath: journal.entriesByPath() } : {}),
    journalMeta: journal.meta(),
    remote,
    ...(session.rejections ? { rejectedContent: session.rejections.contents() } : {}),
    policy: {
      folder: spec.folder, workspaces: spec.workspaces, keepUnknown: spec.keepUnknown,
      sharedFolder: spec.folder === SHARED_FOLDER, maxDelete: spec.maxDelete,
      allowEmptyRoot: spec.allowEmptyRoot, embedBatchSize: spec.embedBatchSize,
      ...(spec.ownerMark === undefined ? {} : { ownerMark: spec.ownerMark }),
      ...(spec.removeWorkspaces ? { removeWorkspaces: spec.removeWorkspaces } : {}),
    },
  });
  let released: HeldSet | undefined;
  if (options.release && !options.dryRun && result.guards.length > 0) {
    const held = heldSet(result);
    if (held.count > 0 && held.approvable && options.release(held)) {
      released = held;
      result = releaseHeld(result);
      log.warn({ held: held.count, fingerprint: held.fingerprint }, 'held actions approved by the operator: applying them once');
    }
  }
  stats.filesTotal = result.summary.uploads + result.summary.replacements + result.summary.removes;
  stats.bytesTotal = result.summary.uploadBytes;
  stats.filesDone = 0;
  stats.bytesDone = 0;
  stats.unchanged += result.summary.unchanged;
  for (const file of result.skipped) {
    const known = file.reason === 'rejected' ? session.rejections?.get(file.relativePath) : undefined;
    if (known) stats.reject({ relativePath: known.relativePath, reason: known.reason, ...(known.hint ? { hint: known.hint } : {}), attempts: known.attempts });
    else if (file.reason === 'empty') stats.skippedEmpty += 1;
  }
  options.onPlan?.(result, listing);
  log.info({ ...result.summary, guards: result.guards.map((guard) => guard.guard), scoped: options.scope !== undefined, listed: reason !== undefined }, 'planned');
  const verification = (lastVerifiedAt: number | undefined): VerificationStatus => ({ listed: reason !== undefined, reason, lastVerifiedAt });
  if (options.dryRun) return { plan: result, listing, relistNeeded: false, verification: verification(journal.meta().lastVerifiedAt) };

  let execution: Awaited<ReturnType<typeof execute>>;
  try {
    execution = await execute(result, {
      remote: session.remote, journal, pacer: session.pacer, stats, log, root: spec.root, orgSlug: spec.orgSlug,
      folder: spec.folder, workspaces: spec.workspaces, deleteBatchSize: spec.deleteBatchSize,
      verifyEmbeddings: !options.scope,
      ...(spec.uploadBufferBytes === undefined ? {} : { uploadBufferBytes: spec.uploadBufferBytes }),
      ...(spec.ownerMark === undefined ? {} : { ownerMark: spec.ownerMark }),
      ...(session.signal ? { signal: session.signal } : {}),
      ...(session.rejections ? { rejections: session.rejections } : {}),
    });
  } finally {
    // Interrupted (Ctrl+C, a daemon's drain): a request cut off may have been applied with no outcome
    // journalled (its intent ends 'abandoned'). The next pass must list the remote and adopt it, not
    // trust the journal and upload the file a second time.
    if (session.signal?.aborted === true) journal.setMeta({ passIncomplete: true });
  }
  await saveRejections(session, options.scope === undefined && listing.rootStatus === 'ok' ? listing : undefined);
  // Failures or blocked actions: the next full pass lists the remote whatever the interval says.
  const incomplete = stats.failures.length > 0 || execution.relistNeeded || result.guards.length > 0;
  // A folder that could not be read was not reconciled: no "last reconcile" for it.
  if (!options.scope && stats.failures.length === 0 && listing.rootStatus === 'ok') {
    // Workspaces whose un-embeds the guard held stay the mirror's: the next pass holds them again.
    const held = result.blockedUnembeds.map((action) => action.workspaceSlug).filter((slug) => !spec.workspaces.includes(slug));
    journal.setMeta({
      workspaces: [...new Set([...spec.workspaces, ...held])], orgSlug: spec.orgSlug, folder: spec.folder, lastReconcileAt: Date.now(),
      ...(reason !== undefined ? { lastVerifiedAt: startedAt, remoteId: spec.remoteId } : {}), passIncomplete: incomplete ? true : undefined,
    });
    // This pass listed the remote and reconciled everything: whatever those intents did is settled
    // (adopted, re-done or removed). Left open they would pile up in the journal after every crash.
    for (const id of inheritedIntents) journal.endIntent(id, 'abandoned');
  } else if (incomplete && journal.meta().passIncomplete !== true) journal.setMeta({ passIncomplete: true });
  return { plan: result, listing, relistNeeded: execution.relistNeeded, verification: verification(journal.meta().lastVerifiedAt), ...(released ? { released } : {}) };
}

/** Forget refusals of files a full scan no longer finds, then write the file (a failed write costs one more attempt, no more). */
async function saveRejections(session: SyncSession, fullListing: LocalListing | undefined): Promise<void> {
  const { rejections } = session;
  if (!rejections) return;
  // A set of every listed path only when there is something to forget (1,000,000 paths cost 0.6 s).
  if (fullListing && rejections.size > 0) {
    const present = new Set([...fullListing.entries.map((entry) => entry.relativePath), ...(fullListing.journaled ?? [])]);
    rejections.retain((item) => present.has(item.relativePath));
  }
  try {
    await rejections.save();
  } catch (error) {
    session.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not save the rejected-files list; refused files are tried once more');
  }
}

export interface ConvergeOptions extends PassOptions {
  /** Full passes at most (default 3): later passes pick up what retries could not finish. */
  maxPasses?: number;
  /** Wait before the second pass, doubling after (default 2 s). */
  passBackoffMs?: number;
}

export interface ConvergeResult {
  passes: number;
  /** The first pass's plan (what `--dry-run` shows and the guards that fired). */
  firstPlan: Plan;
  lastPlan: Plan;
  /** The last pass's verification status; `listed` is true when any pass listed the remote. */
  verification: VerificationStatus;
}

/** Full passes until nothing is left to do, only permanent failures remain, or maxPasses is reached. */
export async function syncUntilConverged(session: SyncSession, options: ConvergeOptions = {}): Promise<ConvergeResult> {
  const maxPasses = Math.max(1, options.maxPasses ?? 3);
  let firstPlan: Plan | undefined;
  let lastPlan: Plan | undefined;
  let passes = 0;
  let verification: VerificationStatus | undefined;
  for (;;) {
    passes += 1;
    session.stats.resetFailures();
    const pass = await runPass(session, { ...options, ...(passes > 1 ? { onPlan: undefined } : {}) });
    firstPlan ??= pass.plan;
    lastPlan = pass.plan;
    verification = { ...pass.verification, listed: pass.verification.listed || verification?.listed === true, reason: pass.verification.reason ?? verification?.reason };
    if (options.dryRun) break;
    const worthRetrying = pass.relistNeeded || session.stats.failures.some((failure) => failure.retryable);
    if (!worthRetrying || passes >= maxPasses) break;
    const delay = (options.passBackoffMs ?? 2000) * 2 ** (passes - 1);
    session.log.warn({ pass: passes, failures: session.stats.failures.length, delayMs: delay }, 'pass ended with retryable failures; running another pass');
    await sleep(delay, undefined, session.signal ? { signal: session.signal } : undefined);
  }
  return { passes, firstPlan, lastPlan, verification: verification! };
}
