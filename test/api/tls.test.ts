import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { LumenOneClient } from '../../src/api/client.js';
import { RemoteError } from '../../src/errors.js';
import { tempFiles } from '../contract/helpers.js';

// Throwaway self-signed test certificate for 127.0.0.1 (valid until 2126); not a secret.
const CERT = `-----BEGIN CERTIFICATE-----
MIIBjzCCATagAwIBAgIUUG9Md8y/fdcNw6d8LQFY31CsWDkwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNTAzMTU0M1oYDzIxMjYxMTAx
MDMxNTQzWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATbFjK0l2LPuuj/0c22xqG+wQTLVnDN3q5y3w3OvJACn+QuILJoUhwu
K/wwrcA7b4Hfu1qHT5fhMoFN2xivKjABo2QwYjAdBgNVHQ4EFgQU6v7u/BUPRlLR
lOy2mydvd+MGXugwHwYDVR0jBBgwFoAU6v7u/BUPRlLRlOy2mydvd+MGXugwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0cAMEQC
IAL/fNpS+qGcvvkKHXao148x7/e0TBsiBAK3gltsMV0xAiA8JRUyANmU7T1sx+cN
Lzn2tXF8iajVVuLQnG00Hpp9FQ==
-----END CERTIFICATE-----
`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgvkeOab+cFpNWfMEV
Zn0Y6V/iQoufQcAVqmNkWSyju0yhRANCAATbFjK0l2LPuuj/0c22xqG+wQTLVnDN
3q5y3w3OvJACn+QuILJoUhwuK/wwrcA7b4Hfu1qHT5fhMoFN2xivKjAB
-----END PRIVATE KEY-----
`;

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
