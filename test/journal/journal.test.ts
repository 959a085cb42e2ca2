import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { JournalEntry } from '../../src/core/types.js';
import { Journal, LOG_FILE_NAME, SNAPSHOT_FILE_NAME } from '../../src/journal/journal.js';
import { entry, freshStateDir, isCode, openJournal, sorted, useJournalFixtures } from './helpers.js';

useJournalFixtures();

describe('Journal basics', () => {
  it('starts empty and round-trips entries, meta and intents through reopen', async () => {
    const stateDir = await freshStateDir();
    const first = await openJournal(stateDir);
    assert.equal(first.size, 0);
    assert.deepEqual(first.meta(), { workspaces: [] });
    assert.deepEqual(first.recovery, { tornTail: false, recordsRead: 0, openIntents: [] });
    first.put(entry('a.md'));
    first.put(entry('b/c.md', 2));
    first.setMeta({ workspaces: ['ws-1', 'ws-2'], orgSlug: 'acme', folder: 'Handbook', lastReconcileAt: 42 });
    const open = first.beginIntent({ op: 'upload', relativePaths: ['d.md'], docpaths: [] });
    const closed = first.beginIntent({ op: 'remove', relativePaths: [], docpaths: ['doc/x.md'] });
    first.endIntent(closed.id, 'done');
    await first.close();

    const second = await openJournal(stateDir);
    assert.deepEqual(sorted(second), [entry('a.md'), entry('b/c.md', 2)]);
    assert.deepEqual(second.meta(), { workspaces: ['ws-1', 'ws-2'], orgSlug: 'acme', folder: 'Handbook', lastReconcileAt: 42 });
    assert.deepEqual(second.openIntents(), [open]);
    assert.deepEqual(second.recovery.openIntents, [open]);
    assert.equal(second.byDocpath('doc/b/c.md-2.md')?.relativePath, 'b/c.md');
  });

  it('unchangedPath answers the scan only when size and mtime both match, also after reopen and a move', async () => {
    const stateDir = await freshStateDir();
    const journal = await openJournal(stateDir);
    const known = entry('a.md', 3);
    journal.put(known);
    journal.put({ ...entry('odd.md'), sha256: 'NOT-HEX' });
    const cases: [string, number, number, string | undefined][] = [
      ['a.md', known.size, known.mtimeMs, 'a.md'],
      ['a.md', known.size + 1, known.mtimeMs, undefined],
      ['a.md', known.size, known.mtimeMs + 1, undefined],
      ['never.md', known.size, known.mtimeMs, undefined],
      ['odd.md', entry('odd.md').size, entry('odd.md').mtimeMs, 'odd.md'],
    ];
    const answers = (j: Journal) => cases.map(([relativePath, size, mtimeMs]) => j.unchangedPath(relativePath, size, mtimeMs));
    assert.deepEqual(answers(journal), cases.map((testCase) => testCase[3]));
    await journal.close();
    const reopened = await openJournal(stateDir);
    assert.deepEqual(answers(reopened), cases.map((testCase) => testCase[3]));
    assert.equal(reopened.get('odd.md')?.sha256, 'NOT-HEX');
    reopened.move('a.md', 'b.md', { size: 99, mtimeMs: 7 });
    assert.equal(reopened.unchangedPath('a.md', known.size, known.mtimeMs), undefined);
    assert.equal(reopened.unchangedPath('b.md', 99, 7), 'b.md');
    assert.equal(reopened.get('b.md')?.sha256, known.sha256, 'a move keeps the content hash');
    // The same question, asked of a journal loaded from a compact snapshot (paths cut from one string).
    await reopened.compact();
    await reopened.close();
    const fromSnapshot = await openJournal(stateDir);
    assert.equal(fromSnapshot.unchangedPath('b.md', 99, 7), 'b.md');
    assert.equal(fromSnapshot.unchangedPath('odd.md', entry('odd.md').size, entry('odd.md').mtimeMs), 'odd.md');
    assert.equal(fromSnapshot.unchangedPath('b.md', 99, 8), undefined);
    assert.equal(fromSnapshot.unchangedPath('a.md', known.size, known.mtimeMs), undefined);
    await fromSnapshot.close();
  });

  type Step = (journal: Journal) => void;
  const cases: { label: string; steps: Step[]; expectEntries: JournalEntry[]; expectDocpaths: Record<string, string | undefined> }[] = [
    {
      label: 'put replaces and re-indexes the docpath',
      steps: [(j) => j.put(entry('a.md', 1)), (j) => j.put(entry('a.md', 2))],
      expectEntries: [entry('a.md', 2)],
      expectDocpaths: { 'doc/a.md-1.md': undefined, 'doc/a.md-2.md': 'a.md' },
    },
    {
      label: 'delete forgets the entry and its docpath; unknown delete is a no-op',
      steps: [(j) => j.put(entry('a.md')), (j) => j.put(entry('b.md')), (j) => j.delete('a.md'), (j) => j.delete('never.md')],
      expectEntries: [entry('b.md')],
      expectDocpaths: { 'doc/a.md-1.md': undefined, 'doc/b.md-1.md': 'b.md' },
    },
    {
      label: 'move keeps docpath and hash, takes the new stat',
      steps: [(j) => j.put(entry('old/a.md')), (j) => j.move('old/a.md', 'new/a.md', { size: 10, mtimeMs: 5 })],
      expectEntries: [{ ...entry('old/a.md'), relativePath: 'new/a.md', mtimeMs: 5 }],
      expectDocpaths: { 'doc/old/a.md-1.md': 'new/a.md' },
    },
    {
      label: 'move over an existing path replaces it',
      steps: [(j) => j.put(entry('a.md', 1)), (j) => j.put(entry('b.md', 2)), (j) => j.move('a.md', 'b.md', { size: 1, mtimeMs: 1 })],
      expectEntries: [{ ...entry('a.md', 1), relativePath: 'b.md', size: 1, mtimeMs: 1 }],
      expectDocpaths: { 'doc/a.md-1.md': 'b.md', 'doc/b.md-2.md': undefined },
    },
    {
      label: 'a docpath taken over by another path stays indexed when the first is deleted',
      steps: [(j) => j.put(entry('a.md')), (j) => j.put({ ...entry('b.md'), docpath: 'doc/a.md-1.md' }), (j) => j.delete('a.md')],
      expectEntries: [{ ...entry('b.md'), docpath: 'doc/a.md-1.md' }],
      expectDocpaths: { 'doc/a.md-1.md': 'b.md' },
    },
  ];
  for (const { label, steps, expectEntries, expectDocpaths } of cases) {
    it(`${label} (live and after reopen)`, async () => {
      const stateDir = await freshStateDir();
      const journal = await openJournal(stateDir);
      for (const step of steps) step(journal);
      const check = (j: Journal, when: string): void => {
        assert.deepEqual(sorted(j), expectEntries, when);
        assert.equal(j.size, expectEntries.length, when);
        for (const [docpath, relativePath] of Object.entries(expectDocpaths)) assert.equal(j.byDocpath(docpath)?.relativePath, relativePath, `${when}: ${docpath}`);
      };
      check(journal, 'live');
      await journal.close();
      check(await openJournal(stateDir, { readOnly: true }), 'reopened');
    });
  }

  it('setMeta merges, copies arrays, and removes fields set to undefined', async () => {
    const stateDir = await freshStateDir();
    const journal = await openJournal(stateDir);
    const workspaces = ['ws-1'];
    journal.setMeta({ workspaces, orgSlug: 'acme', lastReconcileAt: 1 });
    workspaces.push('mutated-by-caller');
    journal.setMeta({ lastReconcileAt: 2, orgSlug: undefined });
    journal.meta().workspaces.push('mutated-copy');
    const expected = { workspaces: ['ws-1'], lastReconcileAt: 2 };
    assert.deepEqual(journal.meta(), expected);
    await journal.close();
    assert.deepEqual((await openJournal(stateDir)).meta(), expected);
  });

  it('stored entries are copies: changing the given or a returned entry changes nothing', async () => {
    const journal = await openJournal(await freshStateDir());
    const input = entry('a.md');
    journal.put(input);
    input.size = 999;
    assert.equal(journal.get('a.md')?.size, 10);
    (journal.get('a.md') as JournalEntry).size = 1;
    assert.equal(journal.get('a.md')?.size, 10);
  });

  it('endIntent of an unknown or already ended intent is a no-op', async () => {
    const journal = await openJournal(await freshStateDir());
    const intent = journal.beginIntent({ op: 'embed', relativePaths: ['a.md'], docpaths: ['doc/a.md'] });
    journal.endIntent(intent.id, 'failed');
    journal.endIntent(intent.id, 'done');
    journal.endIntent('no-such-id', 'abandoned');
    assert.deepEqual(journal.openIntents(), []);
    assert.equal(typeof intent.at, 'number');
  });

  const misuse: { label: string; act: (j: Journal) => void }[] = [
    { label: 'move of an unknown path', act: (j) => j.move('nope.md', 'b.md', { size: 1, mtimeMs: 1 }) },
    { label: 'put of an entry without relativePath', act: (j) => j.put({ ...entry('a.md'), relativePath: '' }) },
    { label: 'put of an entry with a non-finite size', act: (j) => j.put({ ...entry('a.md'), size: Number.NaN }) },
  ];
  for (const { label, act } of misuse) {
    it(`refuses ${label} without writing anything`, async () => {
      const stateDir = await freshStateDir();
      const journal = await openJournal(stateDir);
      assert.throws(() => act(journal), isCode('LUMENSYNC_USAGE'));
      assert.equal((await readFile(path.join(stateDir, LOG_FILE_NAME))).length, 0);
    });
  }

  it('read-only journals refuse writes and do not lock', async () => {
    const stateDir = await freshStateDir();
    const writer = await openJournal(stateDir);
    writer.put(entry('a.md'));
    const reader = await openJournal(stateDir, { readOnly: true });
    assert.equal(reader.get('a.md')?.docpath, entry('a.md').docpath);
    assert.throws(() => reader.put(entry('b.md')), isCode('LUMENSYNC_USAGE', /read-only/));
    await assert.rejects(reader.compact(), isCode('LUMENSYNC_USAGE'));
  });

  it('read-only open of a missing state dir gives an empty journal and creates nothing', async () => {
    const stateDir = await freshStateDir();
    const reader = await openJournal(stateDir, { readOnly: true });
    assert.equal(reader.size, 0);
    await assert.rejects(stat(stateDir), { code: 'ENOENT' });
  });

  it('a closed journal refuses writes; close is idempotent', async () => {
    const journal = await Journal.open({ stateDir: await freshStateDir() });
    await journal.close();
    await journal.close();
    assert.throws(() => journal.put(entry('a.md')), isCode('LUMENSYNC_USAGE', /closed/));
  });

  it('creates the state dir 0700 and its files 0600', async () => {
    const stateDir = path.join(await freshStateDir(), 'nested');
    const journal = await openJournal(stateDir);
    journal.put(entry('a.md'));
    assert.equal((await stat(stateDir)).mode & 0o777, 0o700);
    assert.equal((await stat(path.join(stateDir, 'lock'))).mode & 0o777, 0o600);
    assert.equal((await stat(path.join(stateDir, LOG_FILE_NAME))).mode & 0o777, 0o600);
    await journal.compact();
    assert.equal((await stat(path.join(stateDir, SNAPSHOT_FILE_NAME))).mode & 0o777, 0o600);
  });

  it('refuses an invalid compactEvery', async () => {
    await assert.rejects(Journal.open({ stateDir: await freshStateDir(), compactEvery: 0 }), isCode('LUMENSYNC_CONFIG_INVALID'));
  });
});
