/**
 * Opening a mirror for work: connection, org and workspace resolution, state dir, lock,
 * journal, pacer and stats. Shared by `sync` and `watch`; closed in reverse order.
 */
import type { Logger } from 'pino';
import { LumenOneClient } from '../api/client.js';
import { resolveOrganization, resolveWorkspaces } from '../api/resolve.js';
import { Journal } from '../journal/journal.js';
import { Rejections } from '../journal/rejections.js';
import { assertStateDirOutsideRoot, defaultStateDir, mirrorIdFor } from '../journal/state-dir.js';
import { Pacer } from '../executor/pacer.js';
import { Stats } from '../stats/stats.js';
import type { SyncSession } from '../sync/engine.js';
import type { MirrorSpec } from '../sync/mirror.js';
import { clientOptionsFor, isCleartextRemote, type Connection } from './connection.js';
import type { PacingSettings } from '../config/settings.js';

export interface SessionInput {
  connection: Connection;
  spec: MirrorSpec;
  stateDir?: string | undefined;
  pacing: PacingSettings;
  log: Logger;
  signal?: AbortSignal;
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
  if (isCleartextRemote(connection.host)) input.log.warn({ host: new URL(connection.host).host }, 'plain http:// to a non-loopback host sends the API key unencrypted; use https://');
  const client = new LumenOneClient(clientOptionsFor(connection));
  const stats = new Stats();
  const pacer = new Pacer({
    ...input.pacing,
    ...(input.signal ? { signal: input.signal } : {}),
    onRetry: ({ label, attempt, error, retryAfterMs }) => {
      stats.retries += 1;
      input.log.info({ request: label, attempt, retryAfterMs, err: error instanceof Error ? error.message : String(error) }, 'retrying');
    },
  });
  let journal: Journal | undefined;
  try {
    const org = await pacer.run('resolve-org', () => resolveOrganization(client, input.spec.orgSlug));
    const workspaces = await pacer.run('resolve-workspaces', () => resolveWorkspaces(client, org, input.spec.workspaces));
    const spec: MirrorSpec = { ...input.spec, orgSlug: org.orgSlug, workspaces: workspaces.map((workspace) => workspace.workspaceSlug) };
    const mirrorId = mirrorIdFor({ apiBaseUrl: client.apiBaseUrl, accountId: connection.accountId, orgSlug: spec.orgSlug, folder: spec.folder, root: spec.root });
    const stateDir = input.stateDir ?? defaultStateDir(mirrorId);
    await assertStateDirOutsideRoot(stateDir, spec.root);
    // LUMENSYNC_JOURNAL_COMPACT_EVERY tunes how many records trigger a compaction (default in journal.ts).
    const compactEvery = Number(process.env.LUMENSYNC_JOURNAL_COMPACT_EVERY);
    journal = await Journal.open({ stateDir, ...(Number.isInteger(compactEvery) && compactEvery > 0 ? { compactEvery } : {}) });
    const openJournal = journal;
    if (journal.recovery.openIntents.length > 0) {
      input.log.warn({ openIntents: journal.recovery.openIntents.length }, 'previous run stopped mid-operation; the remote listing settles what it did');
    }
    const session: SyncSession = { remote: client, journal, pacer, stats, log: input.log, spec, rejections: Rejections.load(stateDir), ...(input.signal ? { signal: input.signal } : {}) };
    return {
      session, client, journal, stateDir, mirrorId,
      close: async () => {
        pacer.stop();
        await openJournal.close();
        await client.close();
      },
    };
  } catch (error) {
    pacer.stop();
    await journal?.close().catch(() => undefined);
    await client.close().catch(() => undefined);
    throw error;
  }
}
