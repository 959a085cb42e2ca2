/** `sync` walks the root while its journal is read (cli/session.ts, scan-prefetch.ts): the pass that takes the walk over plans what a plain pass plans. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openSession, type SessionInput } from '../../src/cli/session.js';
import { runPass, scanLocal } from '../../src/sync/engine.js';
import { silentLogger } from '../../src/log.js';
import { ACME_ACCOUNT, DEV_KEY, emulatorFixture, removeAll, runCli, tempDir, writeTree, isUpload, isRemove } from '../helpers/harness.js';

test('a pass taking over a walk begun before the journal was read uploads, replaces and deletes what changed, and nothing else', async () => {
  const { emu, env } = await emulatorFixture();
  const root = await tempDir();
  const stateDir = path.join(await tempDir(), 'state');
  try {
    const files: Record<string, string> = {};
    for (let index = 0; index < 60; index++) files[`dir${index % 6}/file${index}.txt`] = `content ${index}\n`;
    await writeTree(root, files);
    const args = ['sync', root, '--org', 'acme', '--folder', 'ahead', '--workspace', 'support-bot', '--state-dir', stateDir, '--rate', '0'];
    assert.equal((await runCli(args, { env })).code, 0);
    await writeFile(path.join(root, 'dir1', 'file1.txt'), 'edited\n');
    await rm(path.join(root, 'dir2', 'file2.txt'));
    await writeFile(path.join(root, 'dir3', 'new.txt'), 'new\n');
    const uploadsBefore = emu.requestLog.filter(isUpload).length;
    const input: SessionInput = {
      connection: { host: emu.url, apiKey: DEV_KEY, accountId: ACME_ACCOUNT },
      spec: { root, orgSlug: 'acme', folder: 'ahead', workspaces: ['support-bot'], ignore: [], followSymlinks: false, keepUnknown: false, maxDelete: { kind: 'percent', value: 50 }, allowEmptyRoot: false, deleteBatchSize: 50, embedBatchSize: 100, scanThreads: 1 },
      stateDir, pacing: { concurrency: 4, ratePerSecond: 0, retries: 0, maxBackoffMs: 100 }, log: silentLogger(),
      prefetchScanMinBytes: 0,
    };
    const opened = await openSession(input);
    try {
      const prefetch = opened.session.scanPrefetch;
      assert.ok(prefetch !== undefined, 'the walk started with the session');
      const pass = await runPass(opened.session);
      assert.equal(opened.session.scanPrefetch, undefined, 'the first full scan took the walk over');
      assert.ok(prefetch.directoriesWalked.worker > 0);
      const planned = pass.plan.actions.map((action) => `${action.kind} ${'relativePath' in action ? action.relativePath : ''}`).sort();
      assert.deepEqual(planned.filter((line) => !line.startsWith('embed')), ['remove dir2/file2.txt', 'upload dir1/file1.txt', 'upload dir3/new.txt'].sort());
      assert.equal(pass.listing.journaled?.length, 58, 'the unchanged files are found as journaled');
      const again = await runPass(opened.session);
      assert.equal(again.plan.actions.length, 0, 'the next pass (a scan of its own) finds nothing to do');
      // The journal did not change during that scan: its listing carries the revision it was found against.
      assert.equal(again.listing.journaledRevision, opened.session.journal.entriesByPath!().revision);
    } finally {
      await opened.close();
    }
    assert.equal(emu.requestLog.filter(isUpload).length - uploadsBefore, 2);
    assert.equal(emu.requestLog.filter(isRemove).length, 1);
    // A session that never scans stops its walk when closed (else the worker would keep the process alive).
    const unused = await openSession(input);
    assert.ok(unused.session.scanPrefetch !== undefined);
    await unused.close();
  } finally {
    await emu.close();
    await removeAll(root, path.dirname(stateDir));
  }
});

test('a scan during which the journal changed carries no revision stamp, and its pass checks every journaled path', async () => {
  const { emu, env } = await emulatorFixture();
  const root = await tempDir();
  const stateDir = path.join(await tempDir(), 'state');
  try {
    await writeTree(root, { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' });
    assert.equal((await runCli(['sync', root, '--org', 'acme', '--folder', 'stamp', '--workspace', 'support-bot', '--state-dir', stateDir, '--rate', '0'], { env })).code, 0);
    const opened = await openSession({
      connection: { host: emu.url, apiKey: DEV_KEY, accountId: ACME_ACCOUNT },
      spec: { root, orgSlug: 'acme', folder: 'stamp', workspaces: ['support-bot'], ignore: [], followSymlinks: false, keepUnknown: false, maxDelete: { kind: 'percent', value: 50 }, allowEmptyRoot: false, deleteBatchSize: 50, embedBatchSize: 100, scanThreads: 0 },
      stateDir, pacing: { concurrency: 4, ratePerSecond: 0, retries: 0, maxBackoffMs: 100 }, log: silentLogger(),
    });
    try {
      const { journal } = opened.session;
      const stamped = await scanLocal(opened.session);
      assert.equal(typeof stamped.journaledRevision, 'number');
      assert.equal(stamped.journaledRevision, journal.entriesByPath!().revision);
      // An entry rewritten while the scan asks the journal (as a concurrent writer would): no stamp.
      const ask = journal.unchangedPath.bind(journal);
      let rewritten = false;
      journal.unchangedPath = (relativePath, size, mtimeMs) => {
        if (!rewritten) {
          rewritten = true;
          const known = journal.get('c.txt')!;
          journal.put({ ...known });
        }
        return ask(relativePath, size, mtimeMs);
      };
      const unstamped = await scanLocal(opened.session);
      assert.ok(rewritten);
      assert.equal(unstamped.journaled?.length, 3);
      assert.equal(unstamped.journaledRevision, undefined);
    } finally {
      await opened.close();
    }
  } finally {
    await emu.close();
    await removeAll(root, path.dirname(stateDir));
  }
});
