/**
 * W4 (`update-embeddings`) against scripted servers: upstream answers with the whole workspace,
 * every embedded document with its metadata (~660 B each), for a change of one docpath. The
 * client reads it as a stream and keeps only the docpaths the change names: the heap must not
 * grow with the workspace, and the check of adds and deletes must read the same as before.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LumenOneClient } from '../../src/api/client.js';
import { RemoteError } from '../../src/errors.js';
import { trackHeapPeak, writeArrayAnswer } from '../helpers/big-answers.js';

type Script = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

const ADDED = 'acme/mirror/new.md-0001.json';
const REMOVED = 'acme/mirror/old.md-0002.json';
const embedded = (docpath: string, padding = ''): string => JSON.stringify({
  id: 1, docId: 'd', filename: docpath.split('/').pop(), docpath, workspaceId: 1,
  metadata: JSON.stringify({ title: 'dir/file.md', docAuthor: 'lumensync', description: padding, docSource: 'lumensync:v1:sha256=00' }),
  pinned: false, watched: false,
});
const workspaceAnswer = (documents: string[]): string => `{"workspace":{"id":1,"name":"Sales","slug":"73616c6573","documents":[${documents.join(',')}]},"message":null}`;

describe('W4 answers read as a stream', () => {
  let server: Server;
  let script: Script = (_req, res) => {
    res.end('{}');
  };
  let client: LumenOneClient;

  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => void script(req, res));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    client = new LumenOneClient({ host: `http://127.0.0.1:${port}`, apiKey: 'k', accountId: 'a', bodyTimeoutMs: 20_000 });
  });
  after(async () => {
    await client.close();
    server.close();
  });

  const answer = (status: number, text: string): Script => (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(text);
  };

  it('the add landed and the delete went: a clean result', async () => {
    script = answer(200, workspaceAnswer([embedded('acme/other/a.json'), embedded(ADDED), embedded('acme/mirror/b.json')]));
    const result = await client.updateEmbeddings('sales', 'acme', { adds: [ADDED], deletes: [REMOVED] });
    assert.deepEqual({ partial: result.partial, failed: result.failed }, { partial: false, failed: [] });
  });

  it('an add missing from the answer and a delete still in it are failed entries', async () => {
    script = answer(200, workspaceAnswer([embedded(REMOVED), embedded('acme/mirror/b.json')]));
    const result = await client.updateEmbeddings('sales', 'acme', { adds: [ADDED], deletes: [REMOVED] });
    assert.equal(result.partial, true);
    assert.deepEqual(result.failed.map((failure) => failure.docpath).sort(), [ADDED, REMOVED].sort());
  });

  it('docpaths answered without the organization (folder/name) are still recognised', async () => {
    script = answer(200, workspaceAnswer([JSON.stringify({ docpath: 'mirror/new.md-0001.json' })]));
    const result = await client.updateEmbeddings('sales', 'acme', { adds: [ADDED] });
    assert.deepEqual(result.failed, []);
  });

  it('an empty 200 and a 200 without the workspace are taken at their word, as before', async () => {
    script = answer(200, '');
    assert.equal((await client.updateEmbeddings('sales', 'acme', { adds: [ADDED] })).partial, false);
    script = answer(200, '{"message":null}');
    assert.equal((await client.updateEmbeddings('sales', 'acme', { adds: [ADDED] })).partial, false);
  });

  it('a 207 with its lists is read from the rest of the body', async () => {
    script = answer(207, JSON.stringify({ failed: [{ docpath: ADDED, reason: 'vectorising failed' }], workspace: { documents: [] } }));
    const result = await client.updateEmbeddings('sales', 'acme', { adds: [ADDED] });
    assert.equal(result.partial, true);
    assert.deepEqual(result.failed.map((failure) => [failure.docpath, failure.reason]), [[ADDED, 'vectorising failed']]);
  });

  it('a 2xx that is not JSON → protocol error naming the cause', async () => {
    script = answer(200, '<html>gateway</html>');
    await assert.rejects(client.updateEmbeddings('sales', 'acme', { adds: [ADDED] }), (error: unknown) => error instanceof RemoteError && error.kind === 'protocol' && /not JSON/.test(error.message));
  });

  it('heap stays flat while the answer lists 50,000 fat documents (≈95 MB of JSON) for one add', async () => {
    const COUNT = 50_000;
    const padding = 'x'.repeat(1700);
    const sent = { bytes: 0 };
    script = (_req, res) => writeArrayAnswer(res, {
      head: '{"workspace":{"id":1,"name":"Sales","slug":"73616c6573","documents":[',
      count: COUNT,
      element: (index) => embedded(index === COUNT / 2 ? ADDED : `acme/mirror/file-${index}.json`, padding),
      tail: ']},"message":null}',
    }, sent);
    const heap = trackHeapPeak();
    const result = await client.updateEmbeddings('sales', 'acme', { adds: [ADDED] });
    const grewMiB = heap.grewMiB();
    assert.deepEqual(result.failed, []);
    assert.ok(sent.bytes > 90 * 2 ** 20, `the answer is large (${sent.bytes} bytes)`);
    // Reading the answer as one text alone takes ≥ 90 MiB before any parsing.
    assert.ok(grewMiB < 64, `heap grew ${grewMiB.toFixed(1)} MiB while reading a ${(sent.bytes / 2 ** 20).toFixed(0)} MiB answer`);
  });
});
