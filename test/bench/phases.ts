/**
 * Child-process helper of row 1: times the parts of a no-op sync pass (open session + journal,
 * scan, list remote, plan) with the same calls `runPass` makes, and prints them as JSON.
 * Usage: node dist/test/bench/phases.js <root> <folder> <stateDir>  (env: LUMENONE_HOST, …)
 */
import { openSession } from '../../src/cli/session.js';
import { plan } from '../../src/core/planner.js';
import { silentLogger } from '../../src/log.js';
import { listRemote, scanLocal } from '../../src/sync/engine.js';
import { MIRROR_DEFAULTS, SHARED_FOLDER, type MirrorSpec } from '../../src/sync/mirror.js';
import { DEV_ACCOUNT_ID, DEV_API_KEY } from './lib.js';

/** Time each part of one no-op pass; returns ms per part and the plan's counts. */
export async function timePhases(root: string, folder: string, stateDir: string, host: string): Promise<Record<string, number>> {
  const spec: MirrorSpec = {
    root, orgSlug: 'acme', folder, workspaces: ['support-bot'], ignore: [], followSymlinks: false, keepUnknown: false,
    maxDelete: MIRROR_DEFAULTS.maxDelete, allowEmptyRoot: false, deleteBatchSize: MIRROR_DEFAULTS.deleteBatchSize, embedBatchSize: MIRROR_DEFAULTS.embedBatchSize,
  };
  let mark = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const elapsed = now - mark;
    mark = now;
    return elapsed;
  };
  const opened = await openSession({
    connection: { host, apiKey: DEV_API_KEY, accountId: DEV_ACCOUNT_ID }, spec, stateDir, log: silentLogger(),
    pacing: { concurrency: 8, ratePerSecond: 0, retries: 0, maxBackoffMs: 1000 },
  });
  const openMs = lap();
  try {
    const { session } = opened;
    const listing = await scanLocal(session);
    const scanMs = lap();
    const remote = await listRemote(session);
    const listMs = lap();
    const result = plan({
      // Planned as a journal-first no-op plans (no listing); the listing above is timed for what a verification adds.
      local: listing, journalEntries: session.journal.entries(), journalByPath: opened.journal.entriesByPath(), journalMeta: session.journal.meta(), remote: remote.documents.length >= 0 ? undefined : remote,
      policy: {
        folder, workspaces: session.spec.workspaces, keepUnknown: false, sharedFolder: folder === SHARED_FOLDER,
        maxDelete: spec.maxDelete, allowEmptyRoot: false, embedBatchSize: spec.embedBatchSize,
      },
    });
    const planMs = lap();
    return { openMs, scanMs, listMs, planMs, unchanged: result.summary.unchanged, uploads: result.summary.uploads, files: listing.entries.length };
  } finally {
    await opened.close();
  }
}

const [root, folder, stateDir] = process.argv.slice(2);
if (root !== undefined && folder !== undefined && stateDir !== undefined) {
  const processStart = performance.timeOrigin;
  const importedAt = Date.now();
  const phases = await timePhases(root, folder, stateDir, process.env.LUMENONE_HOST ?? '');
  process.stdout.write(`${JSON.stringify({ ...phases, startupMs: importedAt - processStart })}\n`);
}
