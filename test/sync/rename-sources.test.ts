/** Scoped (watch) passes widen their scope to where a moved file may have come from. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSourcesOutside } from '../../src/sync/engine.js';
import type { JournalEntry, LocalListing } from '../../src/core/types.js';

const H = (c: string): string => c.repeat(64);
const journalOf = (entries: JournalEntry[]) => {
  const byPath = new Map(entries.map((entry) => [entry.relativePath, entry]));
  return { get: (relativePath: string) => byPath.get(relativePath), entries: () => byPath.values() };
};
const listing = (entries: { relativePath: string; sha256: string }[]): LocalListing => ({
  rootStatus: 'ok', entries: entries.map((entry) => ({ ...entry, size: 1, mtimeMs: 1 })), errors: [], scope: ['moved'],
  stats: { filesSeen: entries.length, filesHashed: 0, bytesHashed: 0, ignored: 0, durationMs: 0 },
});
const journal = journalOf([
  { relativePath: 'docs/b.txt', docpath: 'acme/x/b.json', sha256: H('b'), size: 1, mtimeMs: 1 },
  { relativePath: 'docs/c.txt', docpath: 'acme/x/c.json', sha256: H('c'), size: 1, mtimeMs: 1 },
  { relativePath: 'moved/known.txt', docpath: 'acme/x/k.json', sha256: H('k'), size: 1, mtimeMs: 1 },
]);

const cases = [
  { label: 'a new file with known content points at the journal path holding it', entries: [{ relativePath: 'moved/b2.txt', sha256: H('b') }], expect: ['docs/b.txt'] },
  { label: 'new content points nowhere', entries: [{ relativePath: 'moved/new.txt', sha256: H('n') }], expect: [] },
  { label: 'an unchanged known file needs no widening', entries: [{ relativePath: 'moved/known.txt', sha256: H('k') }], expect: [] },
  { label: 'paths already in scope are not added again', entries: [{ relativePath: 'moved/copy.txt', sha256: H('k') }], expect: [] },
];
for (const { label, entries, expect } of cases) {
  test(`renameSourcesOutside: ${label}`, () => assert.deepEqual(renameSourcesOutside(listing(entries), journal, ['moved']), expect));
}

test('scoped pass naming only the new folder still renames (events of a move can arrive in either order)', async () => {
  const { emulatorFixture, runCli, tempDir, writeTree, removeAll, isUpload, isMutation, DEV_KEY, ACME_ACCOUNT } = await import('../helpers/harness.js');
  const { openSession } = await import('../../src/cli/session.js');
  const { runPass } = await import('../../src/sync/engine.js');
  const { silentLogger } = await import('../../src/log.js');
  const { mkdir, rename } = await import('node:fs/promises');
  const path = await import('node:path');
  const { emu, env } = await emulatorFixture();
  const root = await tempDir();
  const stateDir = path.join(await tempDir(), 'state');
  try {
    await writeTree(root, { 'docs/b.txt': 'beta\n', 'a.txt': 'alpha\n' });
    const args = ['sync', root, '--org', 'acme', '--folder', 'mv', '--workspace', 'support-bot', '--state-dir', stateDir, '--rate', '0'];
    assert.equal((await runCli(args, { env })).code, 0);
    await mkdir(path.join(root, 'moved'));
    await rename(path.join(root, 'docs', 'b.txt'), path.join(root, 'moved', 'b2.txt'));
    const mutationsBefore = emu.requestLog.filter(isMutation).length;
    const opened = await openSession({
      connection: { host: emu.url, apiKey: DEV_KEY, accountId: ACME_ACCOUNT },
      spec: { root, orgSlug: 'acme', folder: 'mv', workspaces: ['support-bot'], ignore: [], followSymlinks: false, keepUnknown: false, maxDelete: { kind: 'percent', value: 50 }, allowEmptyRoot: false, deleteBatchSize: 50, embedBatchSize: 100 },
      stateDir, pacing: { concurrency: 4, ratePerSecond: 0, retries: 0, maxBackoffMs: 100 }, log: silentLogger(),
    });
    try {
      const pass = await runPass(opened.session, { scope: ['moved'] });
      assert.deepEqual(pass.plan.actions.map((action) => action.kind), ['rename']);
      assert.equal(pass.listing.stats.filesHashed, 1, 'the moved file is hashed once: only the source paths are scanned again');
      assert.equal(opened.journal.get('moved/b2.txt')?.docpath !== undefined, true);
      assert.equal(opened.journal.get('docs/b.txt'), undefined);
    } finally {
      await opened.close();
    }
    assert.equal(emu.requestLog.filter(isUpload).length, 2, 'only the first sync uploaded');
    assert.equal(emu.requestLog.filter(isMutation).length, mutationsBefore, 'the rename sent nothing');
  } finally {
    await emu.close();
    await removeAll(root, path.dirname(stateDir));
  }
});

test('renameSourcesOutside: a journal that finds holders by hash (EntryStore) answers as a walk over its entries does', async () => {
  const { EntryStore } = await import('../../src/journal/entry-store.js');
  const store = new EntryStore();
  for (const entry of journal.entries()) store.set(entry);
  const byHash = { get: (relativePath: string) => store.get(relativePath), entries: () => store.values(), pathsHolding: (sha256s: ReadonlySet<string>) => store.pathsHolding(sha256s) };
  for (const { label, entries, expect } of cases) assert.deepEqual(renameSourcesOutside(listing(entries), byHash, ['moved']), expect, label);
});
