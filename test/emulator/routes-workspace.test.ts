import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { toHexSlug } from '../../src/api/slugs.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { call, uploadDocpath } from './helpers.js';

let em: EmulatorHandle;
before(async () => { em = await startEmulator({ port: 0 }); });
after(() => em.close());

const SUPPORT = toHexSlug('support-bot');
const SALES = toHexSlug('sales');

test('W1 get workspace: one-element array with org-prefixed docpaths', async () => {
  const docpath = await uploadDocpath(em, { addToWorkspaces: 'support-bot', metadata: { title: 'a/b.txt' } });
  const result = await call(em, 'GET', `/workspace/${SUPPORT}`);
  assert.equal(result.status, 200);
  assert.ok(Array.isArray(result.body.workspace));
  assert.equal(result.body.workspace.length, 1);
  const [ws] = result.body.workspace;
  assert.equal(ws.originalSlug, 'support-bot');
  assert.deepEqual(ws.documents.map((d: { docpath: string }) => d.docpath), [docpath]);
  assert.equal(ws.documents[0].filename, docpath.split('/')[2]);
  assert.equal(JSON.parse(ws.documents[0].metadata).title, 'a/b.txt');
});

test('W4 update-embeddings', async (t) => {
  const first = await uploadDocpath(em);
  const second = await uploadDocpath(em);
  await t.test('adds embed, unknown adds are skipped', async () => {
    const unknown = 'acme/custom-documents/ghost.txt-00000000-0000-4000-8000-000000000000.json';
    const result = await call(em, 'POST', `/workspace/${SALES}/update-embeddings`, { json: { adds: [first, second, unknown] } });
    assert.equal(result.status, 200);
    assert.ok(!Array.isArray(result.body.workspace), 'W4 answers a single object');
    assert.deepEqual(result.body.workspace.documents.map((d: { docpath: string }) => d.docpath), [first, second]);
    assert.deepEqual(em.state.workspaceDocpaths('sales'), [first, second]);
  });
  await t.test('deletes run before adds', async () => {
    const result = await call(em, 'POST', `/workspace/${SALES}/update-embeddings`, { json: { deletes: [first, second], adds: [second] } });
    assert.equal(result.status, 200);
    assert.deepEqual(em.state.workspaceDocpaths('sales'), [second]);
  });
  await t.test('the request is logged', () => {
    const entry = em.requestLog.at(-1);
    assert.deepEqual(entry?.embeddings, { workspaceSlug: 'sales', adds: [second], deletes: [first, second] });
  });
  const bad: [string, unknown, RegExp][] = [
    ['both empty → 400', { adds: [], deletes: [] }, /cannot both be empty/],
    ['both missing → 400', {}, /cannot both be empty/],
    ['adds not an array → 400', { adds: 'x' }, /adds must be an array/],
    ['cross-org docpath → 400', { adds: ['globex/custom-documents/x.json'] }, /does not belong to organization "acme"/],
    ['hex org in docpath → 400', { adds: [`${toHexSlug('acme')}/custom-documents/x.json`] }, /hex slug "61636d65"; docpaths take the original org slug "acme"/],
    ['malformed docpath → 400', { deletes: ['acme/x.json'] }, /not a docpath/],
  ];
  for (const [label, json, message] of bad) {
    await t.test(label, async () => {
      const before = em.state.workspaceDocpaths('sales');
      const result = await call(em, 'POST', `/workspace/${SALES}/update-embeddings`, { json });
      assert.equal(result.status, 400);
      assert.match(result.body.message, message);
      assert.deepEqual(em.state.workspaceDocpaths('sales'), before, 'nothing changed');
    });
  }
});

test('W2 update workspace keeps the slug', async () => {
  const result = await call(em, 'POST', `/workspace/${SALES}/update`, { json: { name: 'Sales EMEA', openAiTemp: 0.3 } });
  assert.equal(result.status, 200);
  assert.equal(result.body.workspace.name, 'Sales EMEA');
  assert.equal(result.body.workspace.originalSlug, 'sales');
  assert.equal(result.body.workspace.openAiTemp, 0.3);
  assert.equal(result.body.message, null);
  const bad = await call(em, 'POST', `/workspace/${SALES}/update`, { json: { name: 5 } });
  assert.equal(bad.status, 400);
});

test('W3 delete workspace: empty 200, embeddings gone, documents kept', async () => {
  const created = await call(em, 'POST', `/org/${toHexSlug('acme')}/workspace/new`, { json: { name: 'Temp' } });
  const docpath = await uploadDocpath(em, { addToWorkspaces: 'temp' });
  assert.deepEqual(em.state.workspaceDocpaths('temp'), [docpath]);
  const result = await call(em, 'DELETE', `/workspace/${created.body.workspace.slug}`);
  assert.equal(result.status, 200);
  assert.equal(result.body, undefined);
  assert.equal(em.state.workspace('temp'), undefined);
  assert.deepEqual(em.state.embeddedWorkspaces(docpath), []);
  assert.ok(em.state.document(docpath));
  // U7: upstream answers a workspace it does not know with 200 { workspace: [] }.
  assert.deepEqual((await call(em, 'GET', `/workspace/${created.body.workspace.slug}`)).body, { workspace: [] });
});
