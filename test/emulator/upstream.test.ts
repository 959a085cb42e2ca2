/** The upstream behaviours the emulator models (contract §13), each on by default and switchable. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { toHexSlug } from '../../src/api/slugs.js';
import { faultsFromArgs, formatBanner, upstreamFromArgs } from '../../src/emulator/command.js';
import { EmulatorState, startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { parseUpstreamOff } from '../../src/emulator/upstream.js';
import { ACME_HEX, call, upload, uploadDocpath } from './helpers.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const SUPPORT = toHexSlug('support-bot');
const UNKNOWN = toHexSlug('no-such-workspace');

/** Two uploads with the same part file name, in flight at once. */
const sameNamePair = async (em: EmulatorHandle) => {
  const [first, second] = await Promise.all(['first file', 'second, longer file'].map((content) => uploadDocpath(em, { fileName: 'README.md', content, folder: 'pair' })));
  return [em.state.document(first!)!.sha256, em.state.document(second!)!.sha256];
};

describe('upstream behaviours on (the default)', () => {
  let em: EmulatorHandle;
  before(async () => { em = await startEmulator({ port: 0, upstream: { processingMs: 100 } }); });
  after(() => em.close());

  test('U1: two same-named uploads in flight are both processed from the later bytes', async () => {
    const hashes = await sameNamePair(em);
    assert.equal(hashes[0], hashes[1]);
    assert.ok(hashes.includes(sha256('second, longer file')) || hashes.includes(sha256('first file')));
    assert.ok(em.upstream.slots.swaps >= 1);
    assert.equal(em.upstream.slots.inFlight, 0, 'temporary files are released');
  });

  test('U1: different names in flight keep their own bytes', async () => {
    const [a, b] = await Promise.all(['a.md', 'b.md'].map((fileName) => uploadDocpath(em, { fileName, content: fileName })));
    assert.equal(em.state.document(a!)!.sha256, sha256('a.md'));
    assert.equal(em.state.document(b!)!.sha256, sha256('b.md'));
  });

  test('U3: an upload into a folder name with "/" lands in custom-documents and answers a bare 500', async () => {
    const result = await upload(em, { folder: 'a/b', fileName: 'orphan.txt', metadata: { title: 'orphan.txt', docSource: 'marker-u3' } });
    assert.equal(result.status, 500);
    assert.equal(result.body, undefined);
    const orphan = em.state.listDocuments('acme').find((doc) => doc.docSource === 'marker-u3');
    assert.equal(orphan?.folder, 'custom-documents');
  });

  test('U4: url and published come from the server, not the metadata', async () => {
    const docpath = await uploadDocpath(em, { metadata: { title: 't', url: 'https://example.invalid/x', published: 'yesterday' } });
    const doc = em.state.document(docpath)!;
    assert.notEqual(doc.url, 'https://example.invalid/x');
    assert.notEqual(doc.published, 'yesterday');
    assert.equal(doc.title, 't');
  });

  test('U6: adding an embedded docpath again keeps (and lists) a second record; a delete removes both', async () => {
    const docpath = await uploadDocpath(em, { addToWorkspaces: 'support-bot' });
    const before = em.state.duplicateEmbeddingCount('support-bot');
    const again = await call(em, 'POST', `/workspace/${SUPPORT}/update-embeddings`, { json: { adds: [docpath] } });
    assert.equal(again.status, 200);
    assert.equal(em.state.duplicateEmbeddingCount('support-bot'), before + 1);
    const listed = again.body.workspace.documents.filter((d: { docpath: string }) => d.docpath === docpath);
    assert.equal(listed.length, 2);
    const restored = EmulatorState.fromSnapshot(JSON.parse(JSON.stringify(em.state.toSnapshot())));
    assert.equal(restored.duplicateEmbeddingCount('support-bot'), before + 1, 'duplicates survive persistence');
    await call(em, 'POST', `/workspace/${SUPPORT}/update-embeddings`, { json: { deletes: [docpath] } });
    assert.equal(em.state.duplicateEmbeddingCount('support-bot'), before);
    assert.ok(!em.state.workspaceDocpaths('support-bot').includes(docpath));
  });

  test('U7: an unknown workspace answers 200 { workspace: [] }, and a bare 400 on update-embeddings', async () => {
    const got = await call(em, 'GET', `/workspace/${UNKNOWN}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, { workspace: [] });
    const embedded = await call(em, 'POST', `/workspace/${UNKNOWN}/update-embeddings`, { json: { adds: ['acme/custom-documents/x.json'] } });
    assert.equal(embedded.status, 400);
    assert.equal(embedded.body, undefined);
  });
});

describe('upstream behaviours off', () => {
  let em: EmulatorHandle;
  before(async () => { em = await startEmulator({ port: 0, upstream: { off: parseUpstreamOff('all'), processingMs: 100 } }); });
  after(() => em.close());

  test('U1 off: same-named uploads keep their own bytes', async () => {
    const hashes = await sameNamePair(em);
    assert.deepEqual(hashes, [sha256('first file'), sha256('second, longer file')]);
  });

  test('U3 off: a folder name with "/" is refused with 400 and stores nothing', async () => {
    const result = await upload(em, { folder: 'a/b', metadata: { docSource: 'marker-off' } });
    assert.equal(result.status, 400);
    assert.match(result.body.message, /path separators/);
    assert.equal(em.state.listDocuments('acme').find((doc) => doc.docSource === 'marker-off'), undefined);
  });

  test('U6 off: adding twice keeps one record; U7 off: unknown workspace is a 404', async () => {
    const docpath = await uploadDocpath(em, { addToWorkspaces: 'support-bot' });
    await call(em, 'POST', `/workspace/${SUPPORT}/update-embeddings`, { json: { adds: [docpath] } });
    assert.equal(em.state.duplicateEmbeddingCount(), 0);
    assert.equal((await call(em, 'GET', `/workspace/${UNKNOWN}`)).status, 404);
  });
});

describe('upstream faults (off by default)', () => {
  test('U3 orphanUploadRate, U5 embedFailRate, U11 allFailedStatus', async () => {
    const em = await startEmulator({ port: 0, faults: { orphanUploadRate: 1, embedFailRate: 1, allFailedStatus: 500 } });
    try {
      const orphan = await upload(em, { folder: 'reports', addToWorkspaces: 'support-bot', metadata: { docSource: 'marker-fault' } });
      assert.equal(orphan.status, 500);
      assert.equal(em.state.listDocuments('acme').find((doc) => doc.docSource === 'marker-fault')?.folder, 'custom-documents');
      const docpath = await uploadDocpath(em, { addToWorkspaces: 'support-bot' });
      assert.deepEqual(em.state.embeddedWorkspaces(docpath), [], 'the upload answered 200 but did not embed (U5)');
      const removed = await call(em, 'DELETE', `/org/${ACME_HEX}/document/remove-files`, { json: { files: ['acme/custom-documents/missing.json'] } });
      assert.equal(removed.status, 500);
      assert.deepEqual(removed.body.purged, []);
      assert.equal(removed.body.failed[0].docpath, 'acme/custom-documents/missing.json');
    } finally {
      await em.close();
    }
  });

  test('command line: --upstream-off, --processing-ms and the new fault flags', () => {
    assert.deepEqual(upstreamFromArgs({ 'upstream-off': 'u1, U7', 'processing-ms': 0 }), { off: ['U1', 'U7'], processingMs: 0 });
    assert.throws(() => parseUpstreamOff('U2'), /unknown upstream behaviour U2/);
    assert.deepEqual(faultsFromArgs({ 'orphan-upload-rate': 0.5, 'all-failed-status': 422 }), { orphanUploadRate: 0.5, allFailedStatus: 422 });
    assert.throws(() => faultsFromArgs({ 'all-failed-status': 200 }), /allFailedStatus/);
  });

  test('the banner names the modelled behaviours', async () => {
    const em = await startEmulator({ port: 0, upstream: { off: ['U7'] } });
    try {
      assert.match(formatBanner(em, {}), /Upstream behaviours \(contract §13\): U1, U3, U4, U6, U9 \(off: U7\)/);
    } finally {
      await em.close();
    }
  });
});
