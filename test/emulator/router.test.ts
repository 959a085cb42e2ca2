import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchRoute, pathSegments } from '../../src/emulator/router.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { ACME_ACCOUNT, ACME_HEX, call, GLOBEX_ACCOUNT, GLOBEX_HEX, INITECH_ACCOUNT, OTHER_KEY, type CallOptions } from './helpers.js';

let em: EmulatorHandle;
before(async () => { em = await startEmulator({ port: 0 }); });
after(() => em.close());

test('matchRoute prefers literal segments over params', () => {
  assert.equal(matchRoute('POST', ['org', 'x', 'document', 'upload'])?.route.pattern, 'org/:orgSlugHex/document/upload');
  assert.equal(matchRoute('GET', ['org', 'x', 'document', 'upload'])?.route.pattern, 'org/:orgSlugHex/document/:docName');
  assert.equal(matchRoute('GET', ['nope']), undefined);
  assert.deepEqual(pathSegments('/api/v1/org/a%20b/documents/'), ['org', 'a b', 'documents']);
  assert.equal(pathSegments('/v1/auth'), undefined);
});

test('pipeline errors (first failure wins)', async (t) => {
  const sales = Buffer.from('sales').toString('hex');
  const helpdesk = Buffer.from('helpdesk').toString('hex');
  const cases: [label: string, method: string, path: string, options: CallOptions, status: number, message: RegExp][] = [
    ['unknown route → 404', 'GET', '/nope', {}, 404, /^Not found$/],
    ['bare /v1 prefix is not served', 'GET', '/../../v1/auth', {}, 404, /Not found/],
    ['unknown route wins over a missing key', 'GET', '/nope', { key: null }, 404, /Not found/],
    ['no key → 403', 'GET', '/auth', { key: null }, 403, /^Invalid API Key$/],
    ['unknown key → 403', 'GET', `/org/${ACME_HEX}`, { key: 'wrong' }, 403, /^Invalid API Key$/],
    ['missing account header → 400', 'GET', `/org/${ACME_HEX}`, { account: null }, 400, /X-Account-Id header is required/],
    ['account not a uuid → 400', 'GET', `/org/${ACME_HEX}`, { account: 'acme' }, 400, /must be a UUID/],
    ['acme key with the other company account → 403', 'GET', `/org/${ACME_HEX}`, { account: INITECH_ACCOUNT }, 403, /not an account of this API key/],
    ['unknown account → 403', 'GET', `/org/${ACME_HEX}`, { account: '99999999-2222-3333-4444-555555555555' }, 403, /not an account/],
    ['other company key with acme account → 403', 'GET', `/org/${ACME_HEX}`, { key: OTHER_KEY }, 403, /not an account/],
    ['raw slug in path → 400', 'GET', '/org/acme/documents', {}, 400, /hex form of the organization slug \(e\.g\. "61636d65" for "acme"\)/],
    ['uppercase hex → 400', 'GET', `/org/${ACME_HEX.toUpperCase()}/documents`, {}, 400, /must be lowercase/],
    ['odd-length hex → 400', 'GET', '/org/616/documents', {}, 400, /Invalid organization slug/],
    ['globex asked with the acme account → 404', 'GET', `/org/${GLOBEX_HEX}/documents`, {}, 404, /Organization not found/],
    ['hex of an unknown org → 404', 'GET', '/org/cafe', {}, 404, /Organization not found/],
    ['hex that is not utf-8 → 404', 'GET', '/org/ff', {}, 404, /Organization not found/],
    ['raw workspace slug → 400', 'GET', '/workspace/sales', {}, 400, /hex form of the workspace slug/],
    ['workspace of another account → 404', 'GET', `/workspace/${helpdesk}`, {}, 404, /Workspace not found/],
    ['workspace of another company → 404', 'GET', `/workspace/${sales}`, { key: OTHER_KEY, account: INITECH_ACCOUNT }, 404, /Workspace not found/],
    ['non-JSON content type → 400', 'POST', `/org/${ACME_HEX}/document/create-folder`, { body: 'name=x', headers: { 'content-type': 'text/plain' } }, 400, /Content-Type must be application\/json/],
    ['invalid JSON → 400', 'POST', `/org/${ACME_HEX}/document/create-folder`, { body: '{nope', headers: { 'content-type': 'application/json' } }, 400, /not valid JSON/],
    ['JSON array body → 400', 'POST', `/org/${ACME_HEX}/document/create-folder`, { json: ['x'] }, 400, /must be a JSON object/],
  ];
  for (const [label, method, path, options, status, message] of cases) {
    await t.test(label, async () => {
      const result = await call(em, method, path, options);
      assert.equal(result.status, status, JSON.stringify(result.body));
      assert.equal(result.body.success, false);
      assert.match(result.body.message, message);
    });
  }
});

test('GET /orgs: account header optional, narrows, and is still checked', async (t) => {
  const cases: [label: string, options: CallOptions, status: number, orgs: string[]][] = [
    ['no account → all orgs of the company', { account: null }, 200, ['acme', 'globex']],
    ['acme account → acme only', { account: ACME_ACCOUNT }, 200, ['acme']],
    ['globex account → globex only', { account: GLOBEX_ACCOUNT }, 200, ['globex']],
    ['other company key → its org', { key: OTHER_KEY, account: null }, 200, ['initech']],
    ['account of another company → 403', { account: INITECH_ACCOUNT }, 403, []],
    ['bad account header → 400', { account: 'x' }, 400, []],
  ];
  for (const [label, options, status, orgs] of cases) {
    await t.test(label, async () => {
      const result = await call(em, 'GET', '/orgs', options);
      assert.equal(result.status, status);
      if (status === 200) assert.deepEqual(result.body.organizations.map((o: { originalSlug: string }) => o.originalSlug), orgs);
    });
  }
});
