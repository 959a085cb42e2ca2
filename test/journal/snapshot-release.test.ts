/** A snapshot's file buffer is given back as soon as it is decoded, and nothing decoded from it is lost. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSnapshot, releaseNow } from '../../src/journal/snapshot.js';
import { entry, freshStateDir, openJournal, sorted, useJournalFixtures } from './helpers.js';

describe('snapshot buffer release', () => {
  useJournalFixtures();

  it('releaseNow empties a buffer that owns its memory, and leaves a view of a larger one, or a small one, alone', () => {
    const owned = Buffer.allocUnsafeSlow(2 << 20).fill(7);
    releaseNow(owned);
    assert.equal(owned.length, 0, 'its memory was moved out');
    const small = Buffer.allocUnsafeSlow(1024).fill(7);
    releaseNow(small);
    assert.equal(small.length, 1024, 'below the threshold: left to the collector');
    const whole = Buffer.allocUnsafeSlow(4 << 20).fill(7);
    const part = whole.subarray(0, 2 << 20);
    releaseNow(part);
    assert.equal(part.length, 2 << 20, 'a view of a larger buffer is not released');
    assert.equal(whole[whole.length - 1], 7);
  });

  it('a snapshot over the threshold reads back whole: the store keeps copies, not views of the released bytes', async () => {
    const stateDir = await freshStateDir();
    const journal = await openJournal(stateDir);
    // ~12,000 entries: a snapshot of a few MB, so its buffer is released after decoding.
    for (let index = 0; index < 12_000; index++) journal.put(entry(`folder-${index % 40}/file-${index}.md`, index + 1));
    journal.put(entry('odd/ünïcode name.md', 99_999));
    journal.setMeta({ workspaces: ['w'], lastReconcileAt: 9 });
    const expected = sorted(journal);
    await journal.compact();
    await journal.close();

    const snapshot = await readSnapshot(stateDir);
    assert.ok((snapshot?.bytes ?? 0) > 1 << 20, `the snapshot is over 1 MiB (${snapshot?.bytes} bytes)`);
    const reopened = await openJournal(stateDir);
    assert.deepEqual(sorted(reopened), expected);
    assert.equal(reopened.unchangedPath('folder-3/file-3.md', 40, 1_700_000_000_004), 'folder-3/file-3.md');
    await reopened.close();
  });
});
