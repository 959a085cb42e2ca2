import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDefaultSeed } from '../../src/emulator/seed.js';
import { startEmulator } from '../../src/emulator/server.js';
import { EmulatorState, type StoredDocument } from '../../src/emulator/state.js';
import { ACME_ACCOUNT, ACME_HEX, call, DEV_KEY } from './helpers.js';

const makeDoc = (i: number, folder = 'custom-documents'): StoredDocument => {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const storedName = `f${i}.txt-${id}.json`;
  return {
    id, docpath: `acme/${folder}/${storedName}`, folder, storedName, orgSlug: 'acme', title: `dir/f${i}.txt`, docAuthor: 'Unknown', description: 'Unknown',
    docSource: `sync:${i}`, chunkSource: `f${i}.txt`, url: 'u', published: 'p', sha256: 'a'.repeat(64), bytes: i, createdAt: '2025-01-01T00:00:00.000Z',
    wordCount: 1, tokenCountEstimate: 1,
  };
};

test('seeded state: tenants, default folder, read helpers', () => {
  const state = EmulatorState.fromSeed(loadDefaultSeed());
  assert.deepEqual(state.folders('acme'), ['custom-documents']);
  assert.deepEqual(state.workspacesOf('acme').map((w) => w.workspaceSlug), ['support-bot', 'sales']);
  assert.equal(state.org('initech')?.accountId, '33333333-4444-5555-6666-777777777777');
  assert.equal(state.companyForKey('lumensync-dev-key'), state.companyForKey('lumensync-dev-key'));
  assert.notEqual(state.companyForKey('lumensync-dev-key'), state.companyForKey('other-company-key'));
  assert.equal(state.version, 0);
});

test('documents, embeddings and cascades', () => {
  const state = EmulatorState.fromSeed(loadDefaultSeed());
  const a = makeDoc(1);
  const b = makeDoc(2, 'x');
  state.addDocument(a);
  state.addDocument(b);
  assert.deepEqual(state.folders('acme'), ['custom-documents', 'x']);
  assert.equal(state.embed('sales', a.docpath), true);
  assert.equal(state.embed('sales', a.docpath), false, 'already embedded');
  assert.equal(state.embed('no-such-ws', a.docpath), false);
  state.embed('support-bot', a.docpath);
  state.embed('support-bot', b.docpath);
  assert.deepEqual(state.embeddedWorkspaces(a.docpath).sort(), ['sales', 'support-bot']);
  assert.equal(state.documentByStoredName('acme', b.storedName)?.docpath, b.docpath);
  state.removeDocument(a.docpath);
  assert.deepEqual(state.workspaceDocpaths('sales'), []);
  state.removeFolder('acme', 'x');
  assert.deepEqual(state.workspaceDocpaths('support-bot'), []);
  assert.deepEqual(state.listDocuments('acme'), []);
  assert.ok(state.version > 0);
});

test('snapshot round trip keeps everything', () => {
  const state = EmulatorState.fromSeed(loadDefaultSeed());
  const doc = makeDoc(3, 'kept');
  state.addDocument(doc);
  state.createFolder('acme', 'empty');
  state.embed('sales', doc.docpath);
  const copy = EmulatorState.fromSnapshot(JSON.parse(JSON.stringify(state.toSnapshot())));
  assert.deepEqual(copy.toSnapshot(), state.toSnapshot());
  assert.deepEqual(copy.listDocuments('acme'), [doc]);
  assert.deepEqual(copy.embeddedWorkspaces(doc.docpath), ['sales']);
});

// Listing speed is measured by `npm run bench`, not asserted here (shared machines are noisy).
test('a 100,000-document listing is complete and paginates (pre-serialised items)', async (t) => {
  const state = EmulatorState.fromSeed(loadDefaultSeed());
  for (let i = 0; i < 100_000; i += 1) state.addDocument(makeDoc(i, i % 2 === 0 ? 'custom-documents' : 'bulk'));
  const em = await startEmulator({ port: 0, state });
  try {
    const started = performance.now();
    const response = await fetch(`${em.url}/api/v1/org/${ACME_HEX}/documents`, { headers: { authorization: `Bearer ${DEV_KEY}`, 'x-account-id': ACME_ACCOUNT } });
    const text = await response.text();
    const treeMs = performance.now() - started;
    t.diagnostic(`D3 with 100,000 documents: ${treeMs.toFixed(0)} ms, ${text.length} bytes`);
    const tree = JSON.parse(text);
    assert.equal(tree.localFiles.items.reduce((n: number, f: { items: unknown[] }) => n + f.items.length, 0), 100_000);
    assert.equal(tree.localFiles.items[1].items[0].docSource, 'sync:1');
    const page = await call(em, 'GET', `/org/${ACME_HEX}/documents/folder/bulk?offset=48000&limit=1000`);
    assert.equal(page.body.documents.length, 1000);
    assert.equal(page.body.documents[0].title, 'dir/f96001.txt');
    assert.equal(page.body.hasMore, true);
  } finally {
    await em.close();
  }
});
