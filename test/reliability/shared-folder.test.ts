/**
 * Issue 15 item 3: two mirrors (two roots, two state dirs) pointed at one organization folder.
 * Each used to see the other's documents as stale and delete them on every run. Now every upload
 * names its mirror; a pass that meets another mirror's documents deletes nothing, exits 4 and
 * says how to give each mirror its own folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { documentsByTitle, emulatorFixture, mirrorArgs, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';

const FOLDER = 'shared';

test('two mirrors on one remote folder never delete each other\'s documents, and are told how to separate', { timeout: 60_000 }, async () => {
  const { emu, env } = await emulatorFixture();
  const rootA = await tempDir('lumensync-shared-a-');
  const rootB = await tempDir('lumensync-shared-b-');
  const stateParent = await tempDir('lumensync-shared-state-');
  const filesA = Object.fromEntries(Array.from({ length: 5 }, (_, index) => [`a${index}.md`, `tree A ${index}\n`]));
  const filesB = Object.fromEntries(Array.from({ length: 5 }, (_, index) => [`b${index}.md`, `tree B ${index}\n`]));
  const titles = (): string[] => [...documentsByTitle(emu, FOLDER).keys()].sort();
  const everything = [...Object.keys(filesA), ...Object.keys(filesB)].sort();
  try {
    await writeTree(rootA, filesA);
    await writeTree(rootB, filesB);
    const syncA = (...extra: string[]) => runCli([...mirrorArgs('sync', rootA, path.join(stateParent, 'a'), FOLDER), ...extra], { env });
    const syncB = () => runCli(mirrorArgs('sync', rootB, path.join(stateParent, 'b'), FOLDER), { env });
    assert.equal((await syncA()).code, 0);
    assert.deepEqual(titles(), Object.keys(filesA).sort());

    const second = await syncB();
    assert.deepEqual(titles(), everything, 'mirror B deleted documents of mirror A');
    assert.equal(second.code, 4, second.stdout + second.stderr);
    assert.match(second.stdout + second.stderr, /another mirror/);
    assert.match(second.stdout + second.stderr, /give each mirror its own remote folder/);

    // Journal-first: a pass that trusts its journal never lists, so it cannot delete B's documents either.
    const trusted = await syncA();
    assert.deepEqual(titles(), everything, 'mirror A deleted documents of mirror B');
    assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr);
    // The next verification lists the folder: B's documents are seen, kept, and the user is told.
    const third = await syncA('--verify');
    assert.deepEqual(titles(), everything, 'mirror A deleted documents of mirror B');
    assert.equal(third.code, 4, third.stdout + third.stderr);
    for (const docpaths of documentsByTitle(emu, FOLDER).values()) assert.equal(docpaths.length, 1, 'one document per file');
  } finally {
    await emu.close();
    await removeAll(rootA, rootB, stateParent);
  }
});
