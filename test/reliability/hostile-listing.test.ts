/**
 * Issue 15 item 4: a server whose listing holds names that are not plain stored names
 * (`../../etc/passwd`, `/etc/shadow`, a NUL, a backslash). They are reported and skipped, never
 * put in a request; the legitimate deletes of the same pass go through.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { StoredDocument } from '../../src/emulator/records.js';
import { auditMirror, emulatorFixture, isRemove, mirrorArgs, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';

const FOLDER = 'hostile';
const HOSTILE = ['../../etc/passwd', '/etc/shadow', 'nul\u0000name.json', '..\\..\\win.ini', '..'];

const hostileDocument = (storedName: string, index: number): StoredDocument => ({
  id: `hostile-${index}`, docpath: `acme/${FOLDER}/${storedName}`, folder: FOLDER, storedName, orgSlug: 'acme',
  title: storedName, docAuthor: 'Unknown', description: 'Unknown', docSource: 'planted by a hostile server', chunkSource: storedName,
  url: '', published: '', sha256: '0'.repeat(64), bytes: 1, createdAt: new Date(0).toISOString(), wordCount: 1, tokenCountEstimate: 1,
});

test('hostile listing: unsafe names are skipped and never sent; the legitimate deletes of the batch go through', { timeout: 60_000 }, async () => {
  const { emu, env } = await emulatorFixture();
  const root = await tempDir('lumensync-hostile-root-');
  const stateParent = await tempDir('lumensync-hostile-state-');
  const args = mirrorArgs('sync', root, path.join(stateParent, 'state'), FOLDER, ['--max-delete', '100%', '--log-level', 'warn']);
  try {
    const files = Object.fromEntries(Array.from({ length: 6 }, (_, index) => [`f${index}.md`, `content ${index}\n`]));
    await writeTree(root, files);
    assert.equal((await runCli(args, { env })).code, 0);
    HOSTILE.forEach((name, index) => emu.state.addDocument(hostileDocument(name, index)));
    await rm(path.join(root, 'f0.md'));
    await rm(path.join(root, 'f1.md'));
    const from = emu.requestLog.length;
    // A verification lists the remote: that is when a hostile listing is read at all.
    const run = await runCli([...args, '--verify'], { env });
    const removals = emu.requestLog.slice(from).filter(isRemove);
    assert.ok(removals.length > 0, 'the deletes were sent');
    assert.deepEqual(removals.filter((entry) => entry.status !== 200).map((entry) => entry.status), [], 'a remove-files request was refused');
    const sent = removals.flatMap((entry) => entry.removeFiles ?? []).map((item) => item.docpath);
    for (const name of HOSTILE) assert.ok(!sent.some((docpath) => docpath.endsWith(name)), `${JSON.stringify(name)} was sent in remove-files`);
    const titles = [...auditMirror(emu, FOLDER, []).extra].sort();
    assert.ok(!titles.includes('f0.md') && !titles.includes('f1.md'), `the legitimate deletes did not go through: ${titles.join(', ')}`);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /not plain stored names/);
  } finally {
    await emu.close();
    await removeAll(root, stateParent);
  }
});
