/**
 * The U5 check after uploads (contract §13 U5) against a fake remote: it embeds exactly the
 * uploads a workspace lacks, and keeps nothing else of the workspace's answer, which lists every
 * document of the workspace with its metadata (a big library's is tens of MB per pass).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Pacer } from '../../src/executor/pacer.js';
import type { RemotePort } from '../../src/executor/ports.js';
import { embedMissingUploads } from '../../src/executor/upstream-checks.js';
import { Stats } from '../../src/stats/stats.js';
import type { BatchResult, DocpathFilter, WorkspaceDetail } from '../../src/api/types.js';

const docpathOf = (folder: string, index: number): string => `acme/${folder}/file-${index}.md-0000.json`;

function fakeRemote(embedded: Record<string, string[]>) {
  const kept: Record<string, number> = {};
  const adds: Record<string, string[]> = {};
  const remote = {
    getWorkspaceDocpaths: (workspaceSlug: string, _org: string, keep: DocpathFilter): Promise<WorkspaceDetail> => {
      const accepts = typeof keep === 'string' ? (docpath: string) => docpath.startsWith(keep) : keep;
      const docpaths = (embedded[workspaceSlug] ?? []).filter((docpath) => accepts(docpath));
      kept[workspaceSlug] = docpaths.length;
      return Promise.resolve({ workspaceSlug, workspaceSlugHex: '', name: workspaceSlug, docpaths } as unknown as WorkspaceDetail);
    },
    updateEmbeddings: (workspaceSlug: string, _org: string, change: { adds?: string[] }): Promise<BatchResult> => {
      (adds[workspaceSlug] ??= []).push(...(change.adds ?? []));
      return Promise.resolve({ status: 200, partial: false, purged: [], failed: [], message: undefined });
    },
  } as unknown as RemotePort;
  return { remote, kept, adds };
}

test('U5: only the uploads a workspace lacks are embedded, and only this pass\'s uploads are kept of its answer', async () => {
  const uploaded = Array.from({ length: 20 }, (_, index) => docpathOf('mirror', 100_000 + index));
  // support-bot holds 50,000 older documents of the mirror's folder and of others, and half the new uploads.
  const library = Array.from({ length: 50_000 }, (_, index) => docpathOf(index % 2 === 0 ? 'mirror' : 'other', index));
  const { remote, kept, adds } = fakeRemote({ 'support-bot': [...library, ...uploaded.filter((_, index) => index % 2 === 0)], sales: [...library] });
  const stats = new Stats();
  const embedded = await embedMissingUploads(
    { remote, pacer: new Pacer({ retries: 0, ratePerSecond: 0 }), stats, log: pino({ level: 'silent' }), orgSlug: 'acme', folder: 'mirror', workspaces: ['support-bot', 'sales'] },
    uploaded,
  );
  assert.deepEqual(adds['support-bot']?.sort(), uploaded.filter((_, index) => index % 2 === 1).sort());
  assert.deepEqual(adds.sales?.sort(), [...uploaded].sort());
  assert.equal(embedded, 30);
  assert.deepEqual(stats.failures, []);
  // What the check held of each answer: the uploads present, not the 25,000 other documents of the folder.
  assert.deepEqual(kept, { 'support-bot': 10, sales: 0 });
});

test('U5: no uploads, no request', async () => {
  const { remote, kept } = fakeRemote({ 'support-bot': [docpathOf('mirror', 1)] });
  const embedded = await embedMissingUploads(
    { remote, pacer: new Pacer({ retries: 0, ratePerSecond: 0 }), stats: new Stats(), log: pino({ level: 'silent' }), orgSlug: 'acme', folder: 'mirror', workspaces: ['support-bot'] },
    [],
  );
  assert.equal(embedded, 0);
  assert.deepEqual(kept, {});
});
