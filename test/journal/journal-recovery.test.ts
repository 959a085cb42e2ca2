/** Loading after crashes and corruption, and compaction (including a crash between its steps). */
import assert from 'node:assert/strict';
import { appendFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { LumenSyncError } from '../../src/errors.js';
import { Journal, LEGACY_SNAPSHOT_FILE_NAME, LOG_FILE_NAME, SNAPSHOT_FILE_NAME } from '../../src/journal/journal.js';
import { readSnapshot } from '../../src/journal/snapshot.js';
import { encodeRecord } from '../../src/journal/records.js';
import { entry, freshStateDir, isCode, openJournal, sorted, useJournalFixtures } from './helpers.js';

useJournalFixtures();

describe('Journal recovery', () => {
  it('drops a torn last record, reports it, and appends cleanly after it', async () => {
    const stateDir = await freshStateDir();
    await (await Journal.open({ stateDir })).close();
    // What a writer killed in the middle of its third append leaves behind.
    const half = encodeRecord({ seq: 3, op: 'put', entry: entry('torn.md') });
    await writeFile(
      path.join(stateDir, LOG_FILE_NAME),
      Buffer.concat([encodeRecord({ seq: 1, op: 'put', entry: entry('a.md') }), encodeRecord({ seq: 2, op: 'put', entry: entry('b.md') }), half.subarray(0, Math.floor(half.length / 2))]),
    );

    const reopened = await openJournal(stateDir);
    assert.equal(reopened.recovery.tornTail, true);
    assert.equal(reopened.recovery.recordsRead, 2);
    assert.equal(reopened.get('torn.md'), undefined);
    reopened.put(entry('c.md'));

    // Read the log as the writer left it (before close() compacts): the torn bytes must be gone.
    const reader = await openJournal(stateDir, { readOnly: true });
    assert.equal(reader.recovery.tornTail, false);
    assert.equal(reader.recovery.recordsRead, 3);
    assert.deepEqual(sorted(reader).map((e) => e.relativePath), ['a.md', 'b.md', 'c.md']);
  });

  const garbledTails: { label: string; tail: (line: Buffer) => Buffer }[] = [
    { label: 'a whole line with a flipped byte', tail: (line) => Buffer.from(line.toString().replace('torn', 'tOrn')) },
    { label: 'a line of NUL bytes', tail: (line) => Buffer.alloc(line.length) },
    { label: 'a record without its newline', tail: (line) => line.subarray(0, line.length - 1) },
  ];
  for (const { label, tail } of garbledTails) {
    it(`treats ${label} at the end as a torn tail`, async () => {
      const stateDir = await freshStateDir();
      const journal = await Journal.open({ stateDir });
      journal.put(entry('a.md'));
      await journal.close();
      await appendFile(path.join(stateDir, LOG_FILE_NAME), tail(encodeRecord({ seq: 2, op: 'put', entry: entry('torn.md') })));
      const reader = await openJournal(stateDir, { readOnly: true });
      assert.equal(reader.recovery.tornTail, true);
      assert.deepEqual([...reader.entries()].map((e) => e.relativePath), ['a.md']);
    });
  }

  const corruptLogs: { label: string; lines: (good: Buffer[]) => Buffer[]; message: RegExp }[] = [
    { label: 'garbage between records', lines: (good) => [good[0]!, Buffer.from('not json at all\n'), good[1]!], message: /journal\.log line 2 fails its checksum/ },
    { label: 'a flipped byte in a middle record', lines: (good) => [good[0]!, Buffer.from(good[1]!.toString().replace('b.md', 'B.md')), good[2]!], message: /line 2/ },
    { label: 'a missing record (seq gap)', lines: (good) => [good[0]!, good[2]!], message: /line 2 has seq 3 after seq 1/ },
    { label: 'a valid checksum around an unknown record shape', lines: (good) => [good[0]!, unknownShapeLine()], message: /unknown shape/ },
  ];
  for (const { label, lines, message } of corruptLogs) {
    it(`refuses ${label} with LUMENSYNC_STATE_CORRUPT naming file and line`, async () => {
      const stateDir = await freshStateDir();
      const good = [entry('a.md'), entry('b.md'), entry('c.md')].map((e, i) => encodeRecord({ seq: i + 1, op: 'put', entry: e }));
      await Journal.open({ stateDir }).then((j) => j.close());
      await writeFile(path.join(stateDir, LOG_FILE_NAME), Buffer.concat(lines(good)));
      await assert.rejects(Journal.open({ stateDir }), (error: unknown) => {
        isCode('LUMENSYNC_STATE_CORRUPT', message)(error);
        assert.match((error as LumenSyncError).hint ?? '', /move the state dir .* aside/);
        return true;
      });
      // The failed open released its lock, and moving the log aside lets the next run start over.
      await assert.rejects(stat(path.join(stateDir, 'lock')), { code: 'ENOENT' });
      await rm(path.join(stateDir, LOG_FILE_NAME));
      await (await Journal.open({ stateDir })).close();
    });
  }

  const corruptSnapshots: { label: string; content: string; message: RegExp; hint?: RegExp }[] = [
    { label: 'unparseable JSON', content: '{"format":"lumensync-journal",', message: /not valid JSON/ },
    { label: 'a foreign JSON file', content: '{"hello":1}', message: /not a lumensync journal snapshot/ },
    { label: 'a newer major version', content: JSON.stringify({ format: 'lumensync-journal', version: '3.0', seq: 0, meta: { workspaces: [] }, entries: [], intents: [] }), message: /version 3\.0, written by a newer lumensync/, hint: /upgrade lumensync/ },
    { label: 'an invalid entry', content: JSON.stringify({ format: 'lumensync-journal', version: '1.0', seq: 0, meta: { workspaces: [] }, entries: [{ relativePath: 'a' }], intents: [] }), message: /invalid entry/ },
  ];
  for (const { label, content, message, hint } of corruptSnapshots) {
    it(`refuses a snapshot with ${label}`, async () => {
      const stateDir = await freshStateDir();
      await (await Journal.open({ stateDir })).close();
      await writeFile(path.join(stateDir, LEGACY_SNAPSHOT_FILE_NAME), content);
      await assert.rejects(Journal.open({ stateDir, readOnly: true }), (error: unknown) => {
        isCode('LUMENSYNC_STATE_CORRUPT', message)(error);
        if (hint) assert.match((error as LumenSyncError).hint ?? '', hint);
        return true;
      });
    });
  }

  it('accepts a snapshot of a newer minor version', async () => {
    const stateDir = await freshStateDir();
    await (await Journal.open({ stateDir })).close();
    const snapshot = { format: 'lumensync-journal', version: '1.7', seq: 0, meta: { workspaces: ['w'] }, entries: [entry('a.md')], intents: [], futureField: true };
    await writeFile(path.join(stateDir, LEGACY_SNAPSHOT_FILE_NAME), JSON.stringify(snapshot));
    const journal = await openJournal(stateDir);
    assert.deepEqual(sorted(journal), [entry('a.md')]);
  });

  it('loads a prefix of the records at every byte where a write could have been cut', async () => {
    const stateDir = await freshStateDir();
    await (await Journal.open({ stateDir })).close();
    const lines = [
      encodeRecord({ seq: 1, op: 'put', entry: entry('a.md') }),
      encodeRecord({ seq: 2, op: 'meta', patch: { workspaces: ['w'], lastReconcileAt: 2 } }),
      encodeRecord({ seq: 3, op: 'begin', intent: { id: 'i-1', op: 'upload', relativePaths: ['b.md'], docpaths: [], at: 3 } }),
      encodeRecord({ seq: 4, op: 'put', entry: entry('b.md') }),
      encodeRecord({ seq: 5, op: 'end', id: 'i-1', outcome: 'done' }),
      encodeRecord({ seq: 6, op: 'move', from: 'a.md', to: 'c.md', size: 1, mtimeMs: 1 }),
      encodeRecord({ seq: 7, op: 'delete', relativePath: 'b.md' }),
    ];
    const full = Buffer.concat(lines);
    const ends = lines.map((_, i) => Buffer.concat(lines.slice(0, i + 1)).length);
    const logPath = path.join(stateDir, LOG_FILE_NAME);
    for (let cut = 0; cut <= full.length; cut += 1) {
      await writeFile(logPath, full.subarray(0, cut));
      const journal = await Journal.open({ stateDir, readOnly: true });
      const whole = ends.filter((end) => end <= cut).length;
      assert.equal(journal.recovery.recordsRead, whole, `cut at ${cut}`);
      assert.equal(journal.recovery.tornTail, !ends.includes(cut) && cut !== 0, `cut at ${cut}`);
      const expectedPaths = [['a.md'], ['a.md'], ['a.md'], ['a.md', 'b.md'], ['a.md', 'b.md'], ['b.md', 'c.md'], ['c.md']][whole - 1] ?? [];
      assert.deepEqual(sorted(journal).map((e) => e.relativePath), expectedPaths, `cut at ${cut}`);
      assert.equal(journal.openIntents().length, whole === 3 || whole === 4 ? 1 : 0, `cut at ${cut}`);
      await journal.close();
    }
  });

  it('ignores and removes temp files left by a compaction killed midway', async () => {
    const stateDir = await freshStateDir();
    const journal = await Journal.open({ stateDir });
    journal.put(entry('a.md'));
    await journal.compact();
    journal.put(entry('b.md'));
    await journal.close();
    const snapshotTemp = path.join(stateDir, `${SNAPSHOT_FILE_NAME}.tmp`);
    const logTemp = path.join(stateDir, `${LOG_FILE_NAME}.tmp`);
    await writeFile(snapshotTemp, '{"format":"lumensync-journal","version":"1.0","seq":9,"ent');
    await writeFile(logTemp, encodeRecord({ seq: 99, op: 'delete', relativePath: 'a.md' }).subarray(0, 20));
    const reopened = await openJournal(stateDir);
    assert.deepEqual(sorted(reopened).map((e) => e.relativePath), ['a.md', 'b.md']);
    await assert.rejects(stat(snapshotTemp), { code: 'ENOENT' });
    await assert.rejects(stat(logTemp), { code: 'ENOENT' });
  });

  it('refuses a log that continues past a gap after the snapshot', async () => {
    const stateDir = await freshStateDir();
    await (await Journal.open({ stateDir })).close();
    await writeFile(path.join(stateDir, LOG_FILE_NAME), encodeRecord({ seq: 7, op: 'put', entry: entry('a.md') }));
    await assert.rejects(Journal.open({ stateDir }), isCode('LUMENSYNC_STATE_CORRUPT', /continues at seq 7 but the snapshot ends at seq 0/));
  });
});

describe('Journal compaction', () => {
  const logSize = async (stateDir: string): Promise<number> => (await stat(path.join(stateDir, LOG_FILE_NAME))).size;

  it('keeps the state, writes the snapshot and truncates the log', async () => {
    const stateDir = await freshStateDir();
    const journal = await openJournal(stateDir);
    for (let i = 0; i < 20; i += 1) journal.put(entry(`f${i}.md`, i));
    journal.delete('f3.md');
    journal.move('f4.md', 'moved/f4.md', { size: 1, mtimeMs: 2 });
    journal.setMeta({ workspaces: ['w'], lastReconcileAt: 9 });
    const open = journal.beginIntent({ op: 'upload', relativePaths: ['x.md'], docpaths: [] });
    const before = sorted(journal);
    assert.ok((await logSize(stateDir)) > 0);
    await journal.compact();
    assert.equal(await logSize(stateDir), 0);
    assert.deepEqual(sorted(journal), before);
    const snapshot = await readSnapshot(stateDir);
    assert.equal(snapshot?.state.seq, 24);
    assert.equal(snapshot?.legacy, false);
    assert.match(await readFile(path.join(stateDir, SNAPSHOT_FILE_NAME), 'latin1'), /^lumensync-journal 2\.0\n/);
    journal.put(entry('after.md'));
    await journal.close();

    const reopened = await openJournal(stateDir);
    assert.deepEqual(sorted(reopened), [...before, entry('after.md')].sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1)));
    assert.deepEqual(reopened.openIntents(), [open]);
    assert.deepEqual(reopened.meta(), { workspaces: ['w'], lastReconcileAt: 9 });
  });

  it('loads without double-applying after a crash between snapshot rename and log truncation', async () => {
    const stateDir = await freshStateDir();
    const journal = await Journal.open({ stateDir, lock: false });
    journal.put(entry('a.md', 1));
    journal.put(entry('b.md', 1));
    journal.move('a.md', 'c.md', { size: 10, mtimeMs: 1 }); // replaying this twice would lose c.md
    journal.beginIntent({ op: 'remove', relativePaths: [], docpaths: ['doc/b.md-1.md'] });
    const logBeforeCompaction = await readFile(path.join(stateDir, LOG_FILE_NAME));
    await journal.compact();
    await journal.close();
    await writeFile(path.join(stateDir, LOG_FILE_NAME), logBeforeCompaction); // as if truncation never happened

    const reopened = await openJournal(stateDir);
    assert.equal(reopened.recovery.recordsRead, 0);
    assert.deepEqual(sorted(reopened).map((e) => e.relativePath), ['b.md', 'c.md']);
    assert.equal(reopened.openIntents().length, 1);
    reopened.put(entry('d.md'));
    await reopened.close();
    const third = await openJournal(stateDir, { readOnly: true });
    assert.deepEqual(sorted(third).map((e) => e.relativePath), ['b.md', 'c.md', 'd.md']);
  });

  it('keeps records appended while a compaction is writing the snapshot', async () => {
    const stateDir = await freshStateDir();
    const journal = await openJournal(stateDir);
    for (let i = 0; i < 5; i += 1) journal.put(entry(`f${i}.md`));
    const compaction = journal.compact();
    journal.put(entry('during-1.md'));
    journal.delete('f0.md');
    await compaction;
    journal.put(entry('after.md'));
    const log = await readFile(path.join(stateDir, LOG_FILE_NAME), 'utf8');
    assert.equal(log.trim().split('\n').length, 3, 'only the records after the snapshot stay in the log');
    await journal.close();
    const reopened = await openJournal(stateDir, { readOnly: true });
    assert.deepEqual(sorted(reopened).map((e) => e.relativePath), ['after.md', 'during-1.md', 'f1.md', 'f2.md', 'f3.md', 'f4.md']);
  });

  it('compacts automatically every compactEvery records', async () => {
    const stateDir = await freshStateDir();
    const journal = await openJournal(stateDir, { compactEvery: 10 });
    for (let i = 0; i < 25; i += 1) journal.put(entry(`f${i}.md`));
    let snapshotSeq = 0;
    for (let waited = 0; snapshotSeq === 0 && waited < 5_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      snapshotSeq = await readSnapshot(stateDir).then((snapshot) => snapshot?.state.seq ?? 0, () => 0);
    }
    assert.ok(snapshotSeq >= 10, `snapshot seq ${snapshotSeq}`);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the log cut follows the snapshot rename
    const logLines = (await readFile(path.join(stateDir, LOG_FILE_NAME), 'utf8')).split('\n').filter(Boolean).length;
    assert.equal(logLines, 25 - snapshotSeq);
    await journal.close();
    assert.equal((await openJournal(stateDir, { readOnly: true })).size, 25);
  });

  it('close skips the snapshot rewrite when the log is small next to it', async () => {
    const stateDir = await freshStateDir();
    const journal = await openJournal(stateDir);
    for (let i = 0; i < 200; i += 1) journal.put(entry(`f${i}.md`));
    await journal.compact();
    journal.put(entry('one-more.md'));
    await journal.close();
    assert.ok((await logSize(stateDir)) > 0, 'log kept');
    assert.equal((await openJournal(stateDir, { readOnly: true })).size, 201);
  });
});

function unknownShapeLine(): Buffer {
  // Re-encode a record whose op this version does not know, with a correct checksum.
  return encodeRecord({ seq: 2, op: 'teleport' } as never);
}
