/** The compact snapshot (format 2.x, issue 11): round trips, migration of a JSON (1.x) journal, corruption, crash points of its writes. */
import assert from 'node:assert/strict';
import { existsSync, watch } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { JournalEntry } from '../../src/core/types.js';
import { Journal, LEGACY_SNAPSHOT_FILE_NAME, LOG_FILE_NAME, SNAPSHOT_FILE_NAME } from '../../src/journal/journal.js';
import { encodeRecord } from '../../src/journal/records.js';
import { serialiseSnapshot } from '../../src/journal/snapshot.js';
import { runChild } from './child.js';
import { entry, freshStateDir, isCode, openJournal, sorted, useJournalFixtures } from './helpers.js';

useJournalFixtures();

const hex = (n: number): string => n.toString(16).padStart(64, '0');
/** Entries like a real mirror's: folders, docpaths `org/folder/name-<id>.json`, hex hashes, fractional mtimes. */
const realistic = (count: number): JournalEntry[] => Array.from({ length: count }, (_, i) => ({
  relativePath: `d${i % 7}/f${i}.txt`, docpath: `acme/docs/f${i}.txt-${String(i).padStart(8, '0')}.json`, sha256: hex(i * 7919), size: i, mtimeMs: 1_700_000_000_000 + i / 8,
}));
/** Rows the columns cannot carry: a hash that is not hex, lone surrogates, non-ASCII, an empty docpath. */
const oddOnes: JournalEntry[] = [
  { relativePath: 'odd/short-hash.md', docpath: 'acme/docs/x.json', sha256: 'abc', size: 1, mtimeMs: 2 },
  { relativePath: 'odd/\ud800lone.md', docpath: 'acme/docs/\udc00.json', sha256: hex(5), size: 3, mtimeMs: 4 },
  { relativePath: 'odd/é ü 日本.md', docpath: 'acme/dócs/日本.json', sha256: hex(6), size: 5, mtimeMs: -1 },
  { relativePath: 'odd/no-docpath.md', docpath: '', sha256: '', size: 0, mtimeMs: 0 },
];
const byPath = (entries: JournalEntry[]): JournalEntry[] => [...entries].sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1));

/** A state dir as lumensync before issue 11 left it: a JSON snapshot (written by its serialiser) and a log after it. */
async function legacyStateDir(entries: JournalEntry[], seq = 3): Promise<string> {
  const stateDir = await freshStateDir();
  await (await Journal.open({ stateDir })).close();
  const meta = { workspaces: ['w'], orgSlug: 'acme', folder: 'docs', lastVerifiedAt: 5 };
  const intent = { id: 'i-1', op: 'upload' as const, relativePaths: ['x.md'], docpaths: [], at: 1 };
  await writeFile(path.join(stateDir, LEGACY_SNAPSHOT_FILE_NAME), serialiseSnapshot({ seq, meta, entries, intents: [intent] }, 1_700_000_000_000));
  await writeFile(path.join(stateDir, LOG_FILE_NAME), Buffer.concat([
    encodeRecord({ seq: seq + 1, op: 'put', entry: entry('from-log.md', 9) }),
    encodeRecord({ seq: seq + 2, op: 'delete', relativePath: entries[0]!.relativePath }),
  ]));
  return stateDir;
}

const expectedAfterLog = (entries: JournalEntry[]): JournalEntry[] => byPath([...entries.slice(1), entry('from-log.md', 9)]);

describe('compact snapshot', () => {
  it('round-trips entries, odd ones included, through compaction and reopening', async () => {
    const stateDir = await freshStateDir();
    const journal = await openJournal(stateDir);
    for (const item of [...realistic(500), ...oddOnes]) journal.put(item);
    journal.delete('d3/f10.txt');
    journal.move('d1/f1.txt', 'moved/f1.txt', { size: 7, mtimeMs: 8 });
    journal.put({ ...realistic(3)[2]!, docpath: 'acme/docs/replaced.json' });
    const before = sorted(journal);
    await journal.compact();
    const reopened = await openJournal(stateDir, { readOnly: true });
    assert.deepEqual(sorted(reopened), before);
    assert.equal(reopened.byDocpath('acme/docs/replaced.json')?.relativePath, 'd2/f2.txt');
    assert.equal(reopened.byDocpath('acme/dócs/日本.json')?.relativePath, 'odd/é ü 日本.md');
  });

  it('keeps names right while many replacements rebuild the docpath arena', async () => {
    const stateDir = await freshStateDir();
    const journal = await openJournal(stateDir, { compactEvery: 1_000_000 });
    const items = realistic(300);
    for (let round = 0; round < 40; round += 1) {
      for (const item of items) journal.put({ ...item, docpath: `${item.docpath}-${round}`, size: round });
    }
    const expected = byPath(items.map((item) => ({ ...item, docpath: `${item.docpath}-39`, size: 39 })));
    assert.deepEqual(sorted(journal), expected);
    await journal.compact();
    assert.deepEqual(sorted(await openJournal(stateDir, { readOnly: true })), expected);
  });

  it('migrates a JSON (1.x) journal on the first writer open; a reader reads it as it is', async () => {
    const items = [...realistic(200), ...oddOnes];
    const stateDir = await legacyStateDir(items);
    const legacyPath = path.join(stateDir, LEGACY_SNAPSHOT_FILE_NAME);
    const legacyText = await readFile(legacyPath, 'utf8');

    const reader = await openJournal(stateDir, { readOnly: true });
    assert.deepEqual(sorted(reader), expectedAfterLog(items));
    assert.equal(existsSync(path.join(stateDir, SNAPSHOT_FILE_NAME)), false, 'a reader writes nothing');
    assert.equal(await readFile(legacyPath, 'utf8'), legacyText);

    const writer = await openJournal(stateDir);
    assert.deepEqual(sorted(writer), expectedAfterLog(items));
    assert.deepEqual(writer.meta(), { workspaces: ['w'], orgSlug: 'acme', folder: 'docs', lastVerifiedAt: 5 });
    assert.deepEqual(writer.openIntents().map((intent) => intent.id), ['i-1']);
    assert.equal((await stat(path.join(stateDir, LOG_FILE_NAME))).size, 0, 'the log was folded into the new snapshot');
    assert.match(await readFile(path.join(stateDir, SNAPSHOT_FILE_NAME), 'latin1'), /^lumensync-journal 2\.0\n/);
    // What an earlier lumensync reads there now: a snapshot of a newer major, which it refuses.
    const stub = JSON.parse(await readFile(legacyPath, 'utf8')) as { format: string; version: string };
    assert.equal(stub.format, 'lumensync-journal');
    assert.ok(Number.parseInt(stub.version, 10) > 1);
    await writer.close();
    assert.deepEqual(sorted(await openJournal(stateDir, { readOnly: true })), expectedAfterLog(items));
  });

  it('refuses a damaged or cut-short snapshot with the state-dir hint', async () => {
    const stateDir = await freshStateDir();
    const journal = await openJournal(stateDir);
    for (const item of realistic(50)) journal.put(item);
    await journal.compact();
    const snapshotPath = path.join(stateDir, SNAPSHOT_FILE_NAME);
    const good = await readFile(snapshotPath);
    for (const at of [30, Math.floor(good.length / 2), good.length - 30, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at] = bad[at]! ^ 0x01;
      await writeFile(snapshotPath, bad);
      await assert.rejects(Journal.open({ stateDir, readOnly: true }), isCode('LUMENSYNC_STATE_CORRUPT', /journal snapshot .* fails its checksum/), `byte ${at}`);
    }
    await writeFile(snapshotPath, good.subarray(0, good.length - 100));
    await assert.rejects(Journal.open({ stateDir, readOnly: true }), isCode('LUMENSYNC_STATE_CORRUPT', /fails its checksum/));
    await writeFile(snapshotPath, Buffer.from(good.toString('latin1').replace('lumensync-journal 2.0', 'lumensync-journal 3.0'), 'latin1'));
    await assert.rejects(Journal.open({ stateDir, readOnly: true }), isCode('LUMENSYNC_STATE_CORRUPT', /version 3\.0, written by a newer lumensync/));
    await writeFile(snapshotPath, '{"format":"lumensync-journal","version":"1.0"}');
    await assert.rejects(Journal.open({ stateDir, readOnly: true }), isCode('LUMENSYNC_STATE_CORRUPT', /is not a lumensync journal snapshot/));
    await rm(snapshotPath);
    await writeFile(path.join(stateDir, LEGACY_SNAPSHOT_FILE_NAME), JSON.stringify({ format: 'lumensync-journal', version: '2.0', movedTo: SNAPSHOT_FILE_NAME }));
    await assert.rejects(Journal.open({ stateDir, readOnly: true }), isCode('LUMENSYNC_STATE_CORRUPT', /migrated to journal\.snapshot, which is missing/));
  });
});

describe('compact snapshot crash points', () => {
  const items = realistic(120);

  it('killed mid-write of the temp file, or after it before the rename: the previous snapshot and the log hold the state', async () => {
    for (const cut of ['mid-write', 'before-rename'] as const) {
      const stateDir = await freshStateDir();
      const journal = await Journal.open({ stateDir });
      for (const item of items.slice(0, 60)) journal.put(item);
      await journal.compact();
      for (const item of items.slice(60)) journal.put(item);
      const logged = sorted(journal);
      // What the next compaction's temp file holds at the kill: a prefix, or all of it.
      const previous = await readFile(path.join(stateDir, SNAPSHOT_FILE_NAME));
      await journal.compact();
      const next = await readFile(path.join(stateDir, SNAPSHOT_FILE_NAME));
      await journal.close();
      await writeFile(path.join(stateDir, SNAPSHOT_FILE_NAME), previous);
      await writeFile(path.join(stateDir, LOG_FILE_NAME), Buffer.concat(items.slice(60).map((item, i) => encodeRecord({ seq: 61 + i, op: 'put', entry: item }))));
      await writeFile(path.join(stateDir, `${SNAPSHOT_FILE_NAME}.tmp`), cut === 'mid-write' ? next.subarray(0, Math.floor(next.length / 2)) : next);
      const reopened = await openJournal(stateDir);
      assert.deepEqual(sorted(reopened), logged, cut);
      assert.equal(existsSync(path.join(stateDir, `${SNAPSHOT_FILE_NAME}.tmp`)), false, `${cut}: temp file removed`);
    }
  });

  it('killed during a migration (compact snapshot written, JSON not yet a stub; or mid-write): nothing is lost and the migration completes', async () => {
    // After the compact snapshot's rename, before the stub: both files, the compact one wins.
    const stateDir = await legacyStateDir(items);
    const migrated = await Journal.open({ stateDir });
    await migrated.close();
    await writeFile(path.join(stateDir, LEGACY_SNAPSHOT_FILE_NAME), serialiseSnapshot({ seq: 0, meta: { workspaces: [] }, entries: [entry('stale.md')], intents: [] }, 1));
    assert.deepEqual(sorted(await openJournal(stateDir, { readOnly: true })), expectedAfterLog(items));
    // Mid-write of the compact snapshot: only a temp file besides the untouched JSON journal.
    const second = await legacyStateDir(items);
    await writeFile(path.join(second, `${SNAPSHOT_FILE_NAME}.tmp`), (await readFile(path.join(stateDir, SNAPSHOT_FILE_NAME))).subarray(0, 100));
    const resumed = await openJournal(second);
    assert.deepEqual(sorted(resumed), expectedAfterLog(items));
    assert.equal(existsSync(path.join(second, SNAPSHOT_FILE_NAME)), true);
  });

  it('SIGKILL at the migration\'s writes (temp file appears, compact snapshot appears): the next open holds every entry', async () => {
    const many = realistic(30_000);
    for (const trigger of [`${SNAPSHOT_FILE_NAME}.tmp`, SNAPSHOT_FILE_NAME, `${LEGACY_SNAPSHOT_FILE_NAME}.tmp`]) {
      const stateDir = await legacyStateDir(many);
      let seen = false;
      const child = runChild(`
        import { Journal } from 'JOURNAL';
        const journal = await Journal.open({ stateDir: ${JSON.stringify(stateDir)} });
        process.stdout.write('migrated\\n');
        await new Promise(() => undefined);
      `);
      const watcher = watch(stateDir, (_event, name) => {
        if (name === trigger && !seen) {
          seen = true;
          child.process.kill('SIGKILL');
        }
      });
      // Should the trigger come too late, the migration finished: stop the child anyway.
      child.waitForLine((line) => line === 'migrated', 30_000).then(() => child.process.kill('SIGKILL'), () => child.process.kill('SIGKILL'));
      const exit = await child.exited;
      watcher.close();
      const reopened = await openJournal(stateDir);
      assert.equal(reopened.size, many.length, `killed when ${trigger} appeared (${exit.signal ?? exit.code})`);
      assert.deepEqual(reopened.get('d2/f100.txt'), many[100]);
      assert.deepEqual(reopened.openIntents().map((intent) => intent.id), ['i-1']);
      assert.equal(existsSync(path.join(stateDir, `${SNAPSHOT_FILE_NAME}.tmp`)), false);
    }
  });
});
