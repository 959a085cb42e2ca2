import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { ACME_ACCOUNT, ACME_HEX, call, DEV_KEY, GLOBEX_ACCOUNT, GLOBEX_HEX, upload } from './helpers.js';

let em: EmulatorHandle;
before(async () => { em = await startEmulator({ port: 0 }); });
after(() => em.close());

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

test('D1 upload into custom-documents with defaults', async () => {
  const result = await upload(em, { fileName: 'Q3 Report.pdf', content: 'quarterly numbers' });
  assert.equal(result.status, 200);
  assert.equal(result.body.success, true);
  assert.equal(result.body.error, null);
  const [doc] = result.body.documents;
  assert.match(doc.location, new RegExp(`^acme/custom-documents/Q3-Report\\.pdf-${UUID}\\.json$`));
  assert.equal(doc.name, doc.location.split('/')[2]);
  assert.equal(doc.name, `Q3-Report.pdf-${doc.id}.json`);
  assert.equal(doc.title, 'Q3 Report.pdf');
  assert.equal(doc.docSource, 'a text file uploaded by the user.');
  const stored = em.state.document(doc.location);
  assert.equal(stored?.sha256, createHash('sha256').update('quarterly numbers').digest('hex'));
  assert.equal(stored?.bytes, 17);
  const logged = em.requestLog.at(-1)?.upload;
  assert.deepEqual(logged, { fileName: 'Q3 Report.pdf', title: 'Q3 Report.pdf', docSource: 'a text file uploaded by the user.', sha256: stored?.sha256, bytes: 17, docpaths: [doc.location] });
});

test('every upload is a new document (no dedupe)', async () => {
  const a = await upload(em, { fileName: 'same.txt', content: 'x' });
  const b = await upload(em, { fileName: 'same.txt', content: 'x' });
  assert.notEqual(a.body.documents[0].location, b.body.documents[0].location);
});

test('D2 upload into a folder creates it; metadata is kept and ignored keys dropped', async () => {
  const metadata = { title: 'docs/a b.md', docSource: 'sync:abc', docAuthor: 'me', description: 'd', chunkSource: 'c', url: 'u', published: 'p', extra: 'x' };
  const result = await upload(em, { folder: 'reports__2024', fileName: 'a b.md', metadata, addToWorkspaces: ' support-bot , sales,unknown-ws' });
  assert.equal(result.status, 200, JSON.stringify(result.body));
  const docpath: string = result.body.documents[0].location;
  assert.match(docpath, /^acme\/reports__2024\/a-b\.md-/);
  assert.ok(em.state.folders('acme').includes('reports__2024'));
  const stored = em.state.document(docpath);
  assert.deepEqual(
    { title: stored?.title, docSource: stored?.docSource, docAuthor: stored?.docAuthor, description: stored?.description, chunkSource: stored?.chunkSource },
    { title: 'docs/a b.md', docSource: 'sync:abc', docAuthor: 'me', description: 'd', chunkSource: 'c' },
  );
  // U4: url and published are the server's (test/emulator/upstream.test.ts covers the switch).
  assert.notEqual(stored?.url, 'u');
  assert.notEqual(stored?.published, 'p');
  assert.deepEqual(em.state.embeddedWorkspaces(docpath).sort(), ['sales', 'support-bot']);
});

test('unicode file names survive', async () => {
  const result = await upload(em, { fileName: 'niño résumé.txt' });
  assert.match(result.body.documents[0].location, /\/niño-résumé\.txt-/);
  assert.equal(result.body.documents[0].title, 'niño résumé.txt');
});

test('upload errors', async (t) => {
  const cases: [label: string, options: Parameters<typeof upload>[1], status: number, message: RegExp][] = [
    ['cross-org addToWorkspaces → 400', { addToWorkspaces: 'support-bot,helpdesk' }, 400, /does not belong to this organization/],
    ['other company workspace → 400', { addToWorkspaces: 'ops' }, 400, /does not belong to this organization/],
    ['hex workspace slug in form → 400', { addToWorkspaces: Buffer.from('sales').toString('hex') }, 400, /hex form of workspace "sales"; form fields take the original slug/],
    ['invalid metadata JSON → 400', { metadata: '{oops' }, 400, /metadata .*not valid JSON/],
    ['metadata not an object → 400', { metadata: '[1]' }, 400, /metadata must be a JSON object/],
    ['metadata value not a string → 400', { metadata: { title: 5 } }, 400, /metadata\.title must be a string/],
    ['file under another field name → 400', { fileField: 'document' }, 400, /unexpected file field "document"/],
    ['globex org with the globex account works', { orgHex: GLOBEX_HEX, account: GLOBEX_ACCOUNT, addToWorkspaces: 'helpdesk' }, 200, /.*/],
  ];
  for (const [label, options, status, message] of cases) {
    await t.test(label, async () => {
      const before = em.state.listDocuments('acme').length;
      const result = await upload(em, options);
      assert.equal(result.status, status, JSON.stringify(result.body));
      if (status !== 200) {
        assert.match(result.body.message, message);
        assert.equal(em.state.listDocuments('acme').length, before, 'nothing stored');
      }
    });
  }
  await t.test('missing file part → 400', async () => {
    const form = new FormData();
    form.append('addToWorkspaces', 'sales');
    const result = await call(em, 'POST', `/org/${ACME_HEX}/document/upload`, { body: form });
    assert.equal(result.status, 400);
    assert.match(result.body.message, /file is required/);
  });
  await t.test('not multipart → 400', async () => {
    const result = await call(em, 'POST', `/org/${ACME_HEX}/document/upload`, { json: { file: 'x' } });
    assert.equal(result.status, 400);
    assert.match(result.body.message, /multipart\/form-data/);
  });
});

test('a large streamed upload is hashed while streaming', async () => {
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const chunks = 32;
  const boundary = 'lumensync-test-boundary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* body() {
    yield head;
    for (let i = 0; i < chunks; i += 1) yield chunk;
    yield tail;
  }
  const response = await request(`${em.url}/api/v1/org/${ACME_HEX}/document/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEV_KEY}`, 'x-account-id': ACME_ACCOUNT, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: Readable.from(body()),
  });
  const json = (await response.body.json()) as { documents: { location: string }[] };
  assert.equal(response.statusCode, 200);
  const expected = createHash('sha256');
  for (let i = 0; i < chunks; i += 1) expected.update(chunk);
  const stored = em.state.document(json.documents[0]?.location ?? '');
  assert.equal(stored?.bytes, chunks * chunk.length);
  assert.equal(stored?.sha256, expected.digest('hex'));
});
