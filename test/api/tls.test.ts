import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { LumenOneClient } from '../../src/api/client.js';
import { RemoteError } from '../../src/errors.js';
import { tempFiles } from '../contract/helpers.js';

import { CERT, KEY } from '../helpers/tls-fixture.js';

describe('TLS', () => {
  let server: Server;
  let host: string;
  let files: Awaited<ReturnType<typeof tempFiles>>;

  before(async () => {
    server = createServer({ cert: CERT, key: KEY }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"authenticated":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    files = await tempFiles();
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await files.remove();
  });

  it('an untrusted certificate is refused: network error, not retryable, CA hint', async () => {
    const client = new LumenOneClient({ host, apiKey: 'k', accountId: 'a' });
    try {
      await assert.rejects(client.verifyKey(), (error: unknown) => {
        assert.ok(error instanceof RemoteError);
        assert.equal(error.kind, 'network');
        assert.equal(error.retryable, false);
        assert.equal(error.mayHaveApplied, false);
        assert.ok(error.hint?.includes('CA'));
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it('the same server is trusted with caFile', async () => {
    const caFile = await files.write('ca.pem', CERT);
    const client = new LumenOneClient({ host, apiKey: 'k', accountId: 'a', caFile });
    try {
      await client.verifyKey();
    } finally {
      await client.close();
    }
  });
});
