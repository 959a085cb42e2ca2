import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { LumenOneClient } from '../../src/api/client.js';
import { toHexSlug } from '../../src/api/slugs.js';
import type { RequestObservation } from '../../src/api/types.js';
import { LumenSyncError, RemoteError } from '../../src/errors.js';
import { tempFiles } from '../contract/helpers.js';

const API_KEY = 'secret-key-must-not-leak';
const ACCOUNT = '11111111-2222-3333-4444-555555555555';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Script = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A loopback server answering each request with the current script. */
async function scriptedServer(): Promise<{ url: string; server: Server; seen: Seen[]; setScript(script: Script): void }> {
  let script: Script = (_req, res) => res.end('{}');
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      script(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, seen, setScript: (next) => (script = next) };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Script => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** Assert a RemoteError with the given fields, and that the key appears nowhere in it. */
async function rejectsRemote(promise: Promise<unknown>, expected: Partial<Record<keyof RemoteError, unknown>>): Promise<RemoteError> {
  let caught: RemoteError | undefined;
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RemoteError, `expected RemoteError, got ${String(error)}`);
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(error[key as keyof RemoteError], value, `field ${key}`);
    const everything = `${error.message} ${error.hint ?? ''} ${error.url} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`;
    assert.ok(!everything.includes(API_KEY), 'the API key leaked into the error');
    caught = error;
    return true;
  });
  assert.ok(caught);
  return caught;
}

describe('HTTP layer (scripted loopback server)', () => {
  let fixture: Awaited<ReturnType<typeof scriptedServer>>;
  let client: LumenOneClient;
  const observations: RequestObservation[] = [];

  before(async () => {
    fixture = await scriptedServer();
    client = new LumenOneClient({ host: `${fixture.url}/api/v1/`, apiKey: API_KEY, accountId: ACCOUNT, headersTimeoutMs: 300, bodyTimeoutMs: 300, onRequest: (o) => observations.push(o) });
  });
  after(async () => {
    await client.close();
    await new Promise<void>((resolve) => fixture.server.close(() => resolve()));
  });

  it('adds /api/v1, sends bearer + account headers, user agent; A1 without the account header', async () => {
    fixture.setScript(json(200, { organizations: [{ slug: '61636d65', originalSlug: 'acme' }] }));
    await client.listOrganizations();
    fixture.setScript(json(200, { authenticated: true }));
    await client.verifyKey();
    const [orgs, auth] = fixture.seen.slice(-2);
    assert.equal(orgs?.url, '/api/v1/orgs');
    assert.equal(orgs?.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(orgs?.headers['x-account-id'], ACCOUNT);
    assert.match(String(orgs?.headers['user-agent']), /^lumensync\/\d+\.\d+\.\d+/);
    assert.equal(auth?.url, '/api/v1/auth');
    assert.equal(auth?.headers['x-account-id'], undefined);
    assert.equal(client.apiBaseUrl, `${fixture.url}/api`);
  });

  it('DELETE carries a JSON body with Content-Type application/json and hex path', async () => {
    fixture.setScript(json(200, { success: true, message: null, purged: ['acme/f/a.json'], failed: [] }));
    await client.removeFiles('acme', ['acme/f/a.json']);
    const last = fixture.seen.at(-1);
    assert.equal(last?.method, 'DELETE');
    assert.equal(last?.url, '/api/v1/org/61636d65/document/remove-files');
    assert.equal(last?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(last?.body ?? ''), { files: ['acme/f/a.json'] });
  });

  const statusCases: { label: string; script: Script; expected: Partial<Record<keyof RemoteError, unknown>> }[] = [
    { label: '403 → auth with key hint', script: json(403, { success: false, message: 'Invalid API Key' }), expected: { kind: 'auth', status: 403, serverMessage: 'Invalid API Key', retryable: false, mayHaveApplied: false } },
    { label: '401 → auth', script: json(401, { error: 'No valid api key found.' }), expected: { kind: 'auth', status: 401, serverMessage: 'No valid api key found.', retryable: false } },
    { label: '404 plain text body', script: (_req, res) => { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('Not Found'); }, expected: { kind: 'not-found', status: 404, serverMessage: 'Not Found' } },
    { label: '500 empty body → status text, retryable', script: (_req, res) => { res.writeHead(500); res.end(); }, expected: { kind: 'server', status: 500, serverMessage: 'Internal Server Error', retryable: true, mayHaveApplied: false } },
    { label: '429 with Retry-After seconds', script: json(429, { message: 'slow down' }, { 'retry-after': '3' }), expected: { kind: 'rate-limit', retryable: true, retryAfterMs: 3000 } },
    {
      label: '503 with Retry-After HTTP-date (relative to the Date header)',
      script: (_req, res) => {
        const now = Date.now();
        res.writeHead(503, { date: new Date(now).toUTCString(), 'retry-after': new Date(now + 10_000).toUTCString() });
        res.end();
      },
      expected: { kind: 'server', retryable: true, retryAfterMs: 10_000 },
    },
    { label: '413 too large', script: json(413, { success: false, message: 'too big' }), expected: { kind: 'too-large', retryable: false } },
    { label: '302 redirect', script: (_req, res) => { res.writeHead(302, { location: 'https://elsewhere.example/' }); res.end(); }, expected: { kind: 'protocol', status: 302, retryable: false } },
    { label: '200 HTML (captive portal) → protocol, GET retryable', script: (_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>login</html>'); }, expected: { kind: 'protocol', status: 200, retryable: true, mayHaveApplied: false } },
    { label: '200 wrong JSON shape → protocol', script: json(200, { nothing: true }), expected: { kind: 'protocol', status: 200, retryable: true } },
  ];
  for (const { label, script, expected } of statusCases) {
    it(label, async () => {
      fixture.setScript(script);
      const error = await rejectsRemote(client.listOrganizations(), { method: 'GET', url: `${fixture.url}/api/v1/orgs`, accountId: ACCOUNT, ...expected });
      assert.ok(error.hint !== undefined && error.hint.length > 0);
      assert.match(error.timestamp, /^\d{4}-\d\d-\d\dT/);
    });
  }

  it('a 5xx hint carries URL, time and account id for a support ticket', async () => {
    fixture.setScript(json(500, { success: false, message: 'db down' }));
    const error = await rejectsRemote(client.listOrganizations(), { kind: 'server' });
    assert.ok(error.hint?.includes('support ticket'));
    assert.ok(error.hint?.includes(`${fixture.url}/api/v1/orgs`));
    assert.ok(error.hint?.includes(ACCOUNT));
  });

  it('a 2xx non-JSON answer to a POST may have been applied and is not retried blindly', async () => {
    fixture.setScript((_req, res) => { res.writeHead(200); res.end('ok'); });
    await rejectsRemote(client.removeFiles('acme', ['acme/f/a.json']), { kind: 'protocol', retryable: false, mayHaveApplied: true });
  });

  it('headers timeout on a POST → network, retryable, may have applied', async () => {
    fixture.setScript(() => undefined); // never answers
    await rejectsRemote(client.removeFiles('acme', ['acme/f/a.json']), { kind: 'network', retryable: true, mayHaveApplied: true });
  });

  it('connection dropped after the request → network, may have applied', async () => {
    fixture.setScript((req) => req.socket.destroy());
    await rejectsRemote(client.createFolder('acme', 'x'), { kind: 'network', retryable: true, mayHaveApplied: true });
  });

  it('verifyKey: authenticated:false is an auth error', async () => {
    fixture.setScript(json(200, { authenticated: false }));
    await rejectsRemote(client.verifyKey(), { kind: 'auth' });
  });

  it('D4 listFolder follows hasMore with offset += limit and stops on an empty page', async () => {
    const item = (name: string) => ({ name, type: 'file', title: name });
    fixture.setScript((req, res) => {
      const offset = new URL(req.url ?? '/', 'http://x').searchParams.get('offset');
      const pages: Record<string, unknown> = {
        '0': { folder: 'f', documents: [item('a.json'), item('b.json')], totalCount: 3, hasMore: true },
        '1000': { folder: 'f', documents: [item('c.json')], totalCount: 3, hasMore: true },
        '2000': { folder: 'f', documents: [], totalCount: 3, hasMore: true },
      };
      json(200, pages[offset ?? 'none'])(req, res, '');
    });
    const listing = await client.listFolder('acme', 'f');
    assert.deepEqual(listing.documents.map((d) => d.docpath), ['acme/f/a.json', 'acme/f/b.json', 'acme/f/c.json']);
    const base = '/api/v1/org/61636d65/documents/folder/f';
    assert.deepEqual(fixture.seen.slice(-3).map((seen) => seen.url), [`${base}?offset=0&limit=1000`, `${base}?offset=1000&limit=1000`, `${base}?offset=2000&limit=1000`]);
  });

  it('folder names are URL-encoded, not hex', async () => {
    fixture.setScript(json(200, { documents: [] }));
    await client.listFolder('acme', 'Q3 reports & co');
    assert.equal(fixture.seen.at(-1)?.url, '/api/v1/org/61636d65/documents/folder/Q3%20reports%20%26%20co?offset=0&limit=1000');
  });

  it('O4 falls back to POST /workspaces when /workspace/new is not a route', async () => {
    fixture.setScript((req, res) => {
      if (req.url?.endsWith('/workspace/new')) json(404, { success: false, message: 'Not found' })(req, res, '');
      else json(200, { workspace: { slug: toHexSlug('legal'), originalSlug: 'legal', name: 'Legal' } })(req, res, '');
    });
    const created = await client.createWorkspace('acme', 'Legal');
    assert.equal(created.workspaceSlug, 'legal');
    assert.deepEqual(fixture.seen.slice(-2).map((seen) => seen.url), ['/api/v1/org/61636d65/workspace/new', '/api/v1/org/61636d65/workspaces']);
    assert.deepEqual(JSON.parse(fixture.seen.at(-1)?.body ?? ''), { name: 'Legal' });
  });

  it('learned hex slugs from the server are preferred over computing them', async () => {
    fixture.setScript(json(200, { workspaces: [{ slug: 'deadbeef', originalSlug: 'odd' }] }));
    await client.listWorkspaces('acme');
    fixture.setScript(json(200, { workspace: [{ slug: 'deadbeef', originalSlug: 'odd', documents: [] }] }));
    await client.getWorkspace('odd', 'acme');
    assert.equal(fixture.seen.at(-1)?.url, '/api/v1/workspace/deadbeef');
  });

  it('D6 "already exists" as 409 is created:false; other 409s throw', async () => {
    fixture.setScript(json(409, { success: false, message: 'Folder already exists' }));
    assert.deepEqual(await client.createFolder('acme', 'x'), { created: false });
    fixture.setScript(json(409, { success: false, message: 'conflict' }));
    await rejectsRemote(client.createFolder('acme', 'x'), { kind: 'validation', status: 409 });
  });

  it('an aborted upload is LUMENSYNC_ABORTED, not a remote failure', async () => {
    fixture.setScript(() => undefined); // never answers
    const files = await tempFiles();
    try {
      const filePath = await files.write('a.txt', 'abc');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(
        client.uploadDocument({ orgSlug: 'acme', filePath, fileName: 'a.txt', signal: controller.signal }),
        (error: unknown) => error instanceof LumenSyncError && !(error instanceof RemoteError) && error.code === 'LUMENSYNC_ABORTED',
      );
    } finally {
      await files.remove();
    }
  });

  it('multipart upload: file part named by fileName, comma-joined addToWorkspaces, metadata JSON', async () => {
    fixture.setScript(json(200, { success: true, documents: [{ location: 'custom-documents/a.txt-1.json' }] }));
    const files = await tempFiles();
    try {
      const filePath = await files.write('local-name.txt', 'content here');
      const [document] = await client.uploadDocument({ orgSlug: 'acme', folder: 'custom-documents', filePath, fileName: 'a.txt', addToWorkspaces: ['support-bot', 'sales'], metadata: { title: 'dir/a.txt', docSource: 'sync:x' } });
      assert.equal(document?.docpath, 'acme/custom-documents/a.txt-1.json');
      const seen = fixture.seen.at(-1);
      assert.equal(seen?.url, '/api/v1/org/61636d65/document/upload');
      assert.match(String(seen?.headers['content-type']), /^multipart\/form-data; boundary=/);
      assert.match(seen?.body ?? '', /name="file"; filename="a.txt"[\s\S]*content here/);
      assert.match(seen?.body ?? '', /name="addToWorkspaces"\r\n\r\nsupport-bot,sales\r\n/);
      assert.ok(seen?.body.includes('{"title":"dir/a.txt","docSource":"sync:x"}'));
    } finally {
      await files.remove();
    }
  });

  it('an upload given its content sends the bytes undici would send for the streamed file (boundary aside)', async () => {
    fixture.setScript(json(200, { success: true, documents: [{ location: 'custom-documents/a.txt-1.json' }] }));
    const files = await tempFiles();
    try {
      const content = Buffer.from('line one\r\nline two\nünïcode\0binary');
      const filePath = await files.write('local-name.txt', content);
      const upload = { orgSlug: 'acme', filePath, fileName: 'we"ird\r\nname ü.txt', addToWorkspaces: ['support-bot'], metadata: { title: 'dir/we"ird\nname ü.txt', docSource: 'sync:x' } };
      await client.uploadDocument(upload);
      await client.uploadDocument({ ...upload, content });
      const [streamed, buffered] = fixture.seen.slice(-2).map((seen) => {
        const boundary = /boundary=(\S+)$/.exec(String(seen.headers['content-type']))?.[1] ?? '';
        assert.notEqual(boundary, '');
        assert.equal(Number(seen.headers['content-length']), Buffer.byteLength(seen.body), 'content-length is the body sent');
        return { body: seen.body.split(boundary).join('BOUNDARY') };
      });
      assert.equal(buffered?.body, streamed?.body);
      assert.ok(buffered?.body.includes('filename="we%22ird%0D%0Aname ü.txt"'));
    } finally {
      await files.remove();
    }
  });

  it('the metrics hook sees route templates, statuses and errors', () => {
    const routes = new Set(observations.map((o) => o.route));
    assert.ok(routes.has('/v1/orgs'));
    assert.ok(routes.has('/v1/org/:orgSlug/document/remove-files'));
    assert.ok(observations.some((o) => o.status === 403 && o.error === 'auth'));
    assert.ok(observations.some((o) => o.status === undefined && o.error === 'network'));
    assert.ok(observations.every((o) => o.durationMs >= 0));
  });

  it('the client never shows the key', () => {
    const shown = `${String(client)} ${JSON.stringify(client)} ${inspect(client, { depth: 10, showHidden: true })}`;
    assert.ok(!shown.includes(API_KEY));
    assert.ok(shown.includes(ACCOUNT));
  });
});

describe('HTTP layer without a server', () => {
  it('connection refused → network, retryable, not applied', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = new LumenOneClient({ host: `http://127.0.0.1:${port}`, apiKey: API_KEY, accountId: ACCOUNT });
    try {
      const error = await rejectsRemote(client.listOrganizations(), { kind: 'network', retryable: true, mayHaveApplied: false, code: 'LUMENSYNC_REMOTE_NETWORK' });
      assert.ok(error.hint?.includes('LUMENONE_HOST'));
    } finally {
      await client.close();
    }
  });

  const configCases: { label: string; options: { host: string; apiKey: string; accountId: string; caFile?: string } }[] = [
    { label: 'empty key', options: { host: 'http://127.0.0.1:1', apiKey: ' ', accountId: ACCOUNT } },
    { label: 'empty account', options: { host: 'http://127.0.0.1:1', apiKey: API_KEY, accountId: '' } },
    { label: 'bad host', options: { host: 'nohost', apiKey: API_KEY, accountId: ACCOUNT } },
    { label: 'missing CA file', options: { host: 'https://127.0.0.1:1', apiKey: API_KEY, accountId: ACCOUNT, caFile: '/nonexistent/ca.pem' } },
  ];
  for (const { label, options } of configCases) {
    it(`config error: ${label}`, () => {
      assert.throws(() => new LumenOneClient(options), (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_CONFIG_INVALID' && !error.message.includes(API_KEY));
    });
  }
});
