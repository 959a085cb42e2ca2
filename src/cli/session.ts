/**
 * Opening a mirror for work: connection, org and workspace resolution, state dir, lock,
 * journal, pacer and stats. Shared by `sync` and `watch`; closed in reverse order.
 */
import type { Logger } from 'pino';
import { LumenOneClient } from '../api/client.js';
import { resolveOrganization, resolveWorkspaces } from '../api/resolve.js';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Journal } from '../journal/journal.js';
import { Rejections } from '../journal/rejections.js';
import { SNAPSHOT_FILE_NAME } from '../journal/snapshot.js';
import { ScanPrefetch } from '../local/scan-prefetch.js';
import { holdYoungGeneration } from './young-generation.js';
import { dropEarlyScan, takeEarlyScan } from './early-scan.js';
import { defaultScanThreads } from '../local/stat-pool.js';
import { assertStateDirOutsideRoot, defaultStateDir, mirrorIdFor } from '../journal/state-dir.js';
import { PacerPool } from '../executor/pacer.js';
import { readLearnedRate, writeLearnedRate } from '../journal/learned-rate.js';
import { RateBoard } from '../journal/rate-board.js';
import { Stats } from '../stats/stats.js';
import type { SyncSession } from '../sync/engine.js';
import { MIRROR_DEFAULTS, type MirrorSpec } from '../sync/mirror.js';
import { remoteIdFor, verificationReason } from '../sync/verification.js';
import { clientOptionsFor, isCleartextRemote, type Connection } from './connection.js';
import type { PacingSettings } from '../config/settings.js';
import { printError } from './output.js';
import { configuredHeapGrowth, growHeapGently } from './heap-growth.js';

export interface SessionInput {
  connection: Connection;
  spec: MirrorSpec;
  stateDir?: string | undefined;
  pacing: PacingSettings;
  log: Logger;
  signal?: AbortSignal;
  /** `--verify`: resolve the org and workspaces again even when the journal vouches for them. */
  verify?: boolean;
  /** The process's pacers, one per host, shared by every mirror (default: a pool of this session's own). */
  pacers?: PacerPool;
  /**
   * Walk the root while the journal is read when its snapshot has at least this many bytes, for
   * the first full scan (scan-prefetch.ts). Only for a pass that scans right after opening
   * (`sync`): `watch` must subscribe to changes before it scans. Undefined: no walk ahead.
   */
  prefetchScanMinBytes?: number;
}

/**
 * A snapshot this big holds ~4,000 entries or more: reading it takes one core long enough
 * (0.2 s per 100,000 entries) for a walk ahead to pay for its worker's start.
 */
export const PREFETCH_SCAN_MIN_SNAPSHOT_BYTES = 512 * 1024;

/** The size of the journal snapshot in `stateDir`, 0 when there is none. */
function snapshotBytes(stateDir: string): number {
  try {
    return statSync(path.join(stateDir, SNAPSHOT_FILE_NAME)).size;
  } catch {
    return 0;
  }
}

/**
 * Walk the mirror root ahead of its scan when the journal to read first is big enough (see
 * prefetchScanMinBytes), or when there is no journal at all (a first sync: the remote is resolved
 * first, and the worker hashes every small file meanwhile, files no journal could vouch for): with
 * the walk the command line started (early-scan.ts) when it lists what this scan lists, else with a
 * new one. A smaller journal is read before a worker could help: the early walk is dropped then
 * (its scan would wait for the worker instead of walking a few files).
 */
function walkAhead(spec: MirrorSpec, stateDir: string, firstSync: boolean, minBytes: number | undefined, log: Logger): ScanPrefetch | undefined {
  if (minBytes === undefined) return undefined;
  const early = takeEarlyScan(spec);
  const worthIt = !spec.followSymlinks && (firstSync || snapshotBytes(stateDir) >= minBytes);
  if (early.outcome !== 'none') log.debug({ early: early.outcome === 'kept' && !worthIt ? 'closed' : early.outcome }, 'walk started from the command line');
  let prefetch: ScanPrefetch | undefined;
  if (early.outcome === 'kept') {
    if (worthIt) prefetch = early.prefetch;
    else dropEarlyScan(early.prefetch);
  } else if (worthIt) {
    prefetch = ScanPrefetch.start({ root: spec.root, ignore: spec.ignore, threads: spec.scanThreads ?? defaultScanThreads() });
  }
  if (firstSync) prefetch?.hashFiles();
  return prefetch;
}

export interface OpenSession {
  session: SyncSession;
  client: LumenOneClient;
  journal: Journal;
  stateDir: string;
  mirrorId: string;
  close(): Promise<void>;
}

/** Resolve and open everything a pass needs; throws typed errors (exit codes 2/3/5). */
export async function openSession(input: SessionInput): Promise<OpenSession> {
  const connection = input.connection;
  // A security warning is for the user: printed whatever --log-level says (issue 15), not a log line.
  if (isCleartextRemote(connection.host)) printError(`warning: plain http:// to a non-loopback host (${new URL(connection.host).host}) sends the API key unencrypted; use https://`);
  const client = new LumenOneClient({
    ...clientOptionsFor(connection),
    ...(input.pacing.requestTimeoutMs === undefined ? {} : { headersTimeoutMs: input.pacing.requestTimeoutMs, bodyTimeoutMs: input.pacing.requestTimeoutMs }),
    ...(input.pacing.uploadTimeoutMs === undefined ? {} : { uploadTimeoutMs: input.pacing.uploadTimeoutMs }),
    ...(input.pacing.uploadIdleTimeoutMs === undefined ? {} : { uploadIdleTimeoutMs: input.pacing.uploadIdleTimeoutMs }),
    // One keep-alive connection per request in flight: a --concurrency above the pool's 8 would otherwise queue in undici.
    connections: Math.max(8, input.pacing.concurrency),
  });
  const stats = new Stats();
  const pacerHost = new URL(client.apiBaseUrl).host;
  const pacer = (input.pacers ?? new PacerPool(input.pacing)).pacer(pacerHost, {
    retries: input.pacing.retries,
    maxBackoffMs: input.pacing.maxBackoffMs,
    ...(input.signal ? { signal: input.signal } : {}),
    onRetry: ({ label, attempt, error, retryAfterMs }) => {
      stats.retries += 1;
      input.log.info({ request: label, attempt, retryAfterMs, err: error instanceof Error ? error.message : String(error) }, 'retrying');
    },
  });
  // From here on allocations are the pass's: a young generation held small keeps them from piling up (young-generation.ts).
  holdYoungGeneration();
  let journal: Journal | undefined;
  let prefetch: ScanPrefetch | undefined;
  try {
    // A successful resolution returns exactly the slugs given (trimmed, deduplicated), so the state
    // dir is known before it: when the journal already vouches for these slugs and the remote was
    // verified within --verify-interval, the no-op path sends no resolution request at all.
    const given: MirrorSpec = { ...input.spec, remoteId: remoteIdFor(client.apiBaseUrl, connection.accountId), orgSlug: input.spec.orgSlug.trim(), workspaces: [...new Set(input.spec.workspaces.map((slug) => slug.trim()).filter((slug) => slug !== ''))] };
    const mirrorId = mirrorIdFor({ apiBaseUrl: client.apiBaseUrl, accountId: connection.accountId, orgSlug: given.orgSlug, folder: given.folder, root: given.root });
    given.ownerMark ??= mirrorId.slice(mirrorId.lastIndexOf('-') + 1);
    const stateDir = input.stateDir ?? defaultStateDir(mirrorId);
    const openJournal = async (): Promise<Journal> => {
      await assertStateDirOutsideRoot(stateDir, given.root);
      // LUMENSYNC_JOURNAL_COMPACT_EVERY tunes how many records trigger a compaction (default in journal.ts).
      const compactEvery = Number(process.env.LUMENSYNC_JOURNAL_COMPACT_EVERY);
      const opened = await Journal.open({ stateDir, ...(Number.isInteger(compactEvery) && compactEvery > 0 ? { compactEvery } : {}) });
      if (growHeapGently(opened.size)) input.log.debug({ entries: opened.size, heapGrowthPercent: configuredHeapGrowth() }, 'large mirror: the heap grows gently (LUMENSYNC_HEAP_GROWTH_PERCENT)');
      return opened;
    };
    // No state dir: a first sync (nothing journaled yet, so its walk ahead hashes too).
    const firstSync = !existsSync(stateDir);
    prefetch = walkAhead(given, stateDir, firstSync, input.prefetchScanMinBytes, input.log);
    // Only an existing state dir is opened before resolving: a mistyped slug must not create one.
    if (!firstSync) journal = await openJournal();
    // --rate auto starts near the limit an earlier run learned for this host (before any request, resolution included).
    pacer.host.seed(await readLearnedRate(stateDir, pacerHost));
    // …and splits the key's rate with other processes on this machine sending with the same key (rate-share.ts).
    const shareDir = input.pacing.rateShareDir;
    if (shareDir !== undefined) {
      pacer.host.shareRate(() => RateBoard.open(shareDir, pacerHost, connection.apiKey), (error) => {
        input.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'cannot share the request rate with other lumensync processes; pacing alone');
      });
    }
    const trusted = journal !== undefined && verificationReason({
      meta: journal.meta(), spec: given, openIntents: journal.recovery.openIntents.length, requested: input.verify ?? false,
      intervalMs: given.verifyIntervalMs ?? MIRROR_DEFAULTS.verifyIntervalMs, now: Date.now(),
    }) === undefined;
    if (!trusted) {
      const org = await pacer.run('resolve-org', () => resolveOrganization(client, given.orgSlug));
      const workspaces = await pacer.run('resolve-workspaces', () => resolveWorkspaces(client, org, given.workspaces));
      given.orgSlug = org.orgSlug;
      given.workspaces = workspaces.map((workspace) => workspace.workspaceSlug);
    }
    const spec = given;
    journal ??= await openJournal();
    const opened = journal;
    if (journal.recovery.openIntents.length > 0) {
      input.log.warn({ openIntents: journal.recovery.openIntents.length }, 'previous run stopped mid-operation; the remote listing settles what it did');
    }
    const session: SyncSession = {
      remote: client, journal, pacer, stats, log: input.log, spec, rejections: Rejections.load(stateDir),
      ...(input.signal ? { signal: input.signal } : {}), ...(prefetch ? { scanPrefetch: prefetch } : {}),
    };
    return {
      session, client, journal, stateDir, mirrorId,
      close: async () => {
        pacer.stop();
        // A walk ahead that no scan took over (the pass never scanned).
        await session.scanPrefetch?.close();
        const learned = pacer.host.learned();
        if (learned !== undefined) {
          await writeLearnedRate(stateDir, pacerHost, learned).catch((error: unknown) => {
            input.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not save the learned request rate');
          });
        }
        await opened.close();
        await client.close();
      },
    };
  } catch (error) {
    pacer.stop();
    await prefetch?.close().catch(() => undefined);
    await journal?.close().catch(() => undefined);
    await client.close().catch(() => undefined);
    throw error;
  }
}
