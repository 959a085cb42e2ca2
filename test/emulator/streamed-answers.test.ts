/**
 * Big answers are written in chunks (http.ts `jsonParts`): W1/W4 workspace details, D4 folder
 * listings (also from a server that ignores paging) and D3. They must stay byte-for-byte the
 * JSON the emulator built as one object before, and be sent chunked once they pass one chunk.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { toHexSlug } from '../../src/api/slugs.js';
import { STREAM_CHUNK_CHARS } from '../../src/emulator/http.js';
import { documentItemJson, workspaceDetailJson } from '../../src/emulator/present.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import type { StoredDocument } from '../../src/emulator/state.js';
import { ACME_ACCOUNT, ACME_HEX, DEV_KEY } from './helpers.js';

/** Enough documents for W1 to pass several chunks (each W1 element is ~600 characters). */
const DOCUMENTS = 1_500;
const SUPPORT = toHexSlug('support-bot');

let em: EmulatorHandle;
before(async () => {
  em = await startEmulator({ port: 0 });
  em.state.createFolder('acme', 'big');
  for (let index = 0; index < DOCUMENTS; index += 1) {
    const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
    const storedName = `f${index}.txt-${id}.json`;
    const doc: StoredDocument = {
      id, docpath: `acme/big/${storedName}`, folder: 'big', storedName, orgSlug: 'acme', title: `dir/f${index}.txt`, docAuthor: 'lumensync',
      description: 'a "quoted" description ü', docSource: `lumensync:v1 sha256=${index}`, chunkSource: `f${index}.txt`, url: `file:///hotdir/f${index}.txt`,
      published: '2026-12-04T00:00:00.000Z', sha256: 'ab'.repeat(32), bytes: index, createdAt: '2026-12-04T00:00:00.000Z', wordCount: 1, tokenCountEstimate: 1,
    };
    em.state.addDocument(doc);
    if (index % 3 !== 0) em.state.embed('support-bot', doc.docpath, '2026-12-04T00:00:00.000Z');
  }
});
after(() => em.close());

/** One GET/POST with the raw text and headers (fetch hides Transfer-Encoding). */
const raw = (method: string, path: string, json?: unknown): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> =>
  new Promise((resolve, reject) => {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const headers: Record<string, string> = { authorization: `Bearer ${DEV_KEY}`, 'x-account-id': ACME_ACCOUNT };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req = request(`${em.url}/api/v1${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });

const workspace = () => em.state.workspace('support-bot')!;

test('W1 streamed is byte-for-byte JSON.stringify of the whole workspace object, sent chunked', async () => {
  const expected = JSON.stringify({ workspace: [workspaceDetailJson(workspace(), em.state)] });
  assert.ok(expected.length > 2 * STREAM_CHUNK_CHARS, 'the answer spans several chunks');
  const answer = await raw('GET', `/workspace/${SUPPORT}`);
  assert.equal(answer.status, 200);
  assert.equal(answer.headers['transfer-encoding'], 'chunked');
  assert.equal(answer.headers['content-length'], undefined);
  assert.equal(answer.text, expected);
  assert.deepEqual(JSON.parse(answer.text), JSON.parse(expected));
  assert.equal((JSON.parse(answer.text) as { workspace: [{ documents: unknown[] }] }).workspace[0].documents.length, DOCUMENTS - Math.ceil(DOCUMENTS / 3));
});

test('cached W1 elements follow the state: a re-embedded document gets its new record', async () => {
  await raw('GET', `/workspace/${SUPPORT}`); // fills the cache
  const docpath = em.state.workspaceDocpaths('support-bot')[0]!;
  em.state.unembed('support-bot', docpath);
  em.state.embed('support-bot', docpath, '2026-12-05T00:00:00.000Z');
  const answer = await raw('GET', `/workspace/${SUPPORT}`);
  assert.equal(answer.text, JSON.stringify({ workspace: [workspaceDetailJson(workspace(), em.state)] }));
  const documents = (JSON.parse(answer.text) as { workspace: [{ documents: { docpath: string; createdAt: string }[] }] }).workspace[0].documents;
  assert.deepEqual(documents.at(-1), { ...documents.at(-1), docpath, createdAt: '2026-12-05T00:00:00.000Z' });
});

test('W4 streamed answer equals the whole object', async () => {
  const docpath = 'acme/big/f0.txt-00000000-0000-4000-8000-000000000000.json';
  const answer = await raw('POST', `/workspace/${SUPPORT}/update-embeddings`, { adds: [docpath] });
  assert.equal(answer.status, 200);
  assert.equal(answer.text, JSON.stringify({ workspace: workspaceDetailJson(workspace(), em.state), message: null }));
});

test('D4 from a server that ignores paging: every document in one chunked answer', async (t) => {
  em.setFaults({ ignorePaging: true });
  t.after(() => em.setFaults({}));
  const answer = await raw('GET', `/org/${ACME_HEX}/documents/folder/big?offset=0&limit=10`);
  assert.equal(answer.status, 200);
  assert.equal(answer.headers['transfer-encoding'], 'chunked');
  const docs = em.state.folderDocuments('acme', 'big')!;
  assert.deepEqual(JSON.parse(answer.text), { folder: 'big', documents: docs.map((doc) => documentItemJson(doc, em.state.isEmbedded(doc.docpath))) });
});

test('a small answer keeps its Content-Length', async () => {
  const answer = await raw('GET', `/org/${ACME_HEX}/documents/folder/big?offset=0&limit=2`);
  assert.equal(answer.status, 200);
  assert.equal(answer.headers['content-length'], String(Buffer.byteLength(answer.text)));
  const body = JSON.parse(answer.text) as { documents: unknown[]; totalCount: number; hasMore: boolean };
  assert.deepEqual([body.documents.length, body.totalCount, body.hasMore], [2, DOCUMENTS, true]);
});

test('D3 streamed equals the tree of every folder', async () => {
  const answer = await raw('GET', `/org/${ACME_HEX}/documents`);
  assert.equal(answer.status, 200);
  const tree = JSON.parse(answer.text) as { localFiles: { items: { name: string; items: { name: string }[] }[] } };
  const big = tree.localFiles.items.find((folder) => folder.name === 'big');
  assert.deepEqual(big?.items.map((item) => item.name), em.state.folderDocuments('acme', 'big')!.map((doc) => doc.storedName));
});

test('a client that goes away mid-answer leaves the emulator serving', async () => {
  await new Promise<void>((resolve, reject) => {
    const req = request(`${em.url}/api/v1/workspace/${SUPPORT}`, { headers: { authorization: `Bearer ${DEV_KEY}`, 'x-account-id': ACME_ACCOUNT } }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
  const answer = await raw('GET', `/workspace/${SUPPORT}`);
  assert.equal(answer.status, 200);
  assert.doesNotThrow(() => JSON.parse(answer.text));
});
