import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { toHexSlug } from '../../src/api/slugs.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { ACME_HEX, call, uploadDocpath } from './helpers.js';

let em: EmulatorHandle;
before(async () => { em = await startEmulator({ port: 0 }); });
after(() => em.close());


test('D3 list: tree under localFiles with stored metadata on every item', async () => {
  const docpath = await uploadDocpath(em, { fileName: 'a.txt', metadata: { title: 'dir/a.txt', docSource: 'sync:1' } });
  await call(em, 'POST', `/org/${ACME_HEX}/document/create-folder`, { json: { name: 'empty' } });
  const result = await call(em, 'GET', `/org/${ACME_HEX}/documents`);
  assert.equal(result.status, 200);
  const root = result.body.localFiles;
  assert.equal(root.name, 'documents');
  assert.equal(root.type, 'folder');
  assert.deepEqual(root.items.map((f: { name: string }) => f.name), ['custom-documents', 'empty']);
  const [item] = root.items[0].items;
  assert.equal(`acme/${root.items[0].name}/${item.name}`, docpath);
  assert.equal(item.type, 'file');
  assert.equal(item.title, 'dir/a.txt');
  assert.equal(item.docSource, 'sync:1');
  assert.equal(item.chunkSource, 'a.txt');
  assert.deepEqual(root.items[1].items, []);
});

test('D4 list folder with pagination', async (t) => {
  await call(em, 'POST', `/org/${ACME_HEX}/document/create-folder`, { json: { name: 'paged' } });
  const created: string[] = [];
  for (let i = 0; i < 5; i += 1) created.push(await uploadDocpath(em, { folder: 'paged', fileName: `f${i}.txt` }));
  const names = created.map((docpath) => docpath.split('/')[2] ?? '');
  const cases: [label: string, query: string, expected: string[], hasMore: boolean][] = [
    ['no query → all', '', names, false],
    ['limit 2', '?limit=2', names.slice(0, 2), true],
    ['offset 2 limit 2', '?offset=2&limit=2', names.slice(2, 4), true],
    ['last page', '?offset=4&limit=2', names.slice(4), false],
    ['offset past the end', '?offset=9', [], false],
    ['limit all', '?offset=1&limit=all', names.slice(1), false],
  ];
  for (const [label, query, expected, hasMore] of cases) {
    await t.test(label, async () => {
      const result = await call(em, 'GET', `/org/${ACME_HEX}/documents/folder/paged${query}`);
      assert.equal(result.status, 200);
      assert.equal(result.body.folder, 'paged');
      assert.deepEqual(result.body.documents.map((d: { name: string }) => d.name), expected);
      assert.equal(result.body.totalCount, 5);
      assert.equal(result.body.hasMore, hasMore);
      if (expected.length > 0) assert.equal(result.body.documents[0].title, `f${names.indexOf(expected[0] ?? '')}.txt`);
    });
  }
  const bad: [string, string, number, RegExp][] = [
    ['limit over 1000 → 400', '/paged?limit=1001', 400, /limit must be/],
    ['limit 0 → 400', '/paged?limit=0', 400, /limit must be/],
    ['negative offset → 400', '/paged?offset=-1', 400, /offset must be/],
    ['unknown folder → 404', '/nope', 404, /Folder "nope" does not exist\./],
  ];
  for (const [label, path, status, message] of bad) {
    await t.test(label, async () => {
      const result = await call(em, 'GET', `/org/${ACME_HEX}/documents/folder${path}`);
      assert.equal(result.status, status);
      assert.match(result.body.message, message);
      if (status === 404) assert.deepEqual([result.body.folder, result.body.documents, result.body.error], ['nope', [], 'Folder "nope" does not exist.']);
    });
  }
});

test('D5 get document by stored name', async () => {
  const docpath = await uploadDocpath(em, { folder: 'getme', metadata: { title: 't' } });
  const storedName = docpath.split('/')[2] ?? '';
  const result = await call(em, 'GET', `/org/${ACME_HEX}/document/${encodeURIComponent(storedName)}`);
  assert.equal(result.status, 200);
  assert.equal(result.body.document.name, storedName);
  assert.equal(result.body.document.title, 't');
  assert.equal((await call(em, 'GET', `/org/${ACME_HEX}/document/missing.json`)).status, 404);
});

test('D6/D7 folder rules', async (t) => {
  const cases: [label: string, method: string, path: string, json: unknown, status: number, message: RegExp | null][] = [
    ['create → 200', 'POST', 'create-folder', { name: 'policies' }, 200, null],
    ['create again → 500 exactly like upstream', 'POST', 'create-folder', { name: 'policies' }, 500, /^Folder by that name already exists$/],
    ['nested name → 400', 'POST', 'create-folder', { name: 'a/b' }, 400, /path separators/],
    ['missing name → 400', 'POST', 'create-folder', {}, 400, /name is required/],
    ['remove custom-documents → 400', 'DELETE', 'remove-folder', { name: 'custom-documents' }, 400, /^custom-documents cannot be deleted$/],
    ['remove unknown → 404', 'DELETE', 'remove-folder', { name: 'ghost' }, 404, /does not exist/],
    ['remove → 200', 'DELETE', 'remove-folder', { name: 'policies' }, 200, null],
  ];
  for (const [label, method, path, json, status, message] of cases) {
    await t.test(label, async () => {
      const result = await call(em, method, `/org/${ACME_HEX}/document/${path}`, { json });
      assert.equal(result.status, status, JSON.stringify(result.body));
      if (message === null) assert.equal(result.body.success, true);
      else assert.match(result.body.message, message);
    });
  }
  await t.test('removing a folder deletes its documents and un-embeds them', async () => {
    const docpath = await uploadDocpath(em, { folder: 'doomed', addToWorkspaces: 'sales' });
    const result = await call(em, 'DELETE', `/org/${ACME_HEX}/document/remove-folder`, { json: { name: 'doomed' } });
    assert.equal(result.body.message, 'Folder removed successfully');
    assert.equal(em.state.document(docpath), undefined);
    assert.ok(!em.state.workspaceDocpaths('sales').includes(docpath));
    assert.ok(!em.state.folders('acme').includes('doomed'));
  });
});

test('D8 move-files', async (t) => {
  await call(em, 'POST', `/org/${ACME_HEX}/document/create-folder`, { json: { name: 'archive' } });
  const free = await uploadDocpath(em, { fileName: 'free.txt' });
  const embedded = await uploadDocpath(em, { fileName: 'emb.txt', addToWorkspaces: 'support-bot' });
  const target = (docpath: string) => docpath.replace('/custom-documents/', '/archive/');
  await t.test('embedded documents are refused, others moved', async () => {
    const result = await call(em, 'POST', `/org/${ACME_HEX}/document/move-files`, { json: { files: [{ from: free, to: target(free) }, { from: embedded, to: target(embedded) }] } });
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, { success: true, message: '1/2 files not moved. Unembed them from all workspaces.' });
    assert.equal(em.state.document(free), undefined);
    assert.equal(em.state.document(target(free))?.folder, 'archive');
    assert.ok(em.state.document(embedded));
  });
  await t.test('all moved → message null', async () => {
    const result = await call(em, 'POST', `/org/${ACME_HEX}/document/move-files`, { json: { files: [{ from: target(free), to: free }] } });
    assert.deepEqual(result.body, { success: true, message: null });
    assert.ok(em.state.document(free));
  });
  await t.test('missing source or target folder → 500', async () => {
    const result = await call(em, 'POST', `/org/${ACME_HEX}/document/move-files`, { json: { files: [{ from: free, to: free.replace('custom-documents', 'nowhere') }] } });
    assert.equal(result.status, 500);
    assert.equal(result.body.message, 'Failed to move some files.');
  });
  const bad: [string, unknown, RegExp][] = [
    ['cross-org target → 400', { files: [{ from: free, to: 'globex/custom-documents/x.json' }] }, /does not belong to organization "acme"/],
    ['hex org → 400', { files: [{ from: free.replace('acme/', `${ACME_HEX}/`), to: free }] }, /hex slug/],
    ['empty → 400', { files: [] }, /non-empty array/],
    ['entry not an object → 400', { files: ['x'] }, /must be an object/],
  ];
  for (const [label, json, message] of bad) {
    await t.test(label, async () => {
      const result = await call(em, 'POST', `/org/${ACME_HEX}/document/move-files`, { json });
      assert.equal(result.status, 400);
      assert.match(result.body.message, message);
      assert.ok(em.state.document(free), 'nothing moved');
    });
  }
});

test('D9 remove-files', async (t) => {
  await t.test('one real + one unknown → 207 with purged and failed', async () => {
    const real = await uploadDocpath(em, { addToWorkspaces: 'support-bot,sales' });
    const unknown = 'acme/custom-documents/gone.txt-0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.json';
    const result = await call(em, 'DELETE', `/org/${ACME_HEX}/document/remove-files`, { json: { files: [real, unknown] } });
    assert.equal(result.status, 207);
    assert.deepEqual(result.body, {
      success: false, message: '1 of 2 documents could not be removed', purged: [real], failed: [{ docpath: unknown, reason: 'Document not found' }],
    });
    assert.equal(em.state.document(real), undefined);
    assert.deepEqual(em.state.embeddedWorkspaces(real), [], 'un-embedded everywhere');
    assert.deepEqual(em.requestLog.at(-1)?.removeFiles, [{ docpath: real, outcome: 'purged' }, { docpath: unknown, outcome: 'failed', reason: 'Document not found' }]);
  });
  await t.test('all purged → 200', async () => {
    const a = await uploadDocpath(em);
    const result = await call(em, 'DELETE', `/org/${ACME_HEX}/document/remove-files`, { json: { files: [a] } });
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, { success: true, message: null, purged: [a], failed: [] });
  });
  await t.test('only unknown → 207 with empty purged', async () => {
    const result = await call(em, 'DELETE', `/org/${ACME_HEX}/document/remove-files`, { json: { files: ['acme/x/y.json'] } });
    assert.equal(result.status, 207);
    assert.deepEqual(result.body.purged, []);
  });
  const bad: [string, unknown, RegExp][] = [
    ['cross-org docpath → 400', ['globex/custom-documents/x.json'], /does not belong to organization "acme"/],
    ['hex leading segment → 400', [`${toHexSlug('acme')}/custom-documents/x.json`], /hex slug/],
    ['malformed → 400', ['not-a-docpath'], /not a docpath/],
    ['not an array → 400', 'x', /files must be an array/],
    ['empty → 400', [], /files must not be empty/],
  ];
  for (const [label, files, message] of bad) {
    await t.test(`${label}, nothing deleted`, async () => {
      const keep = await uploadDocpath(em);
      const result = await call(em, 'DELETE', `/org/${ACME_HEX}/document/remove-files`, { json: { files: Array.isArray(files) && files.length > 0 ? [keep, ...files] : files } });
      assert.equal(result.status, 400);
      assert.match(result.body.message, message);
      assert.ok(em.state.document(keep));
    });
  }
});
