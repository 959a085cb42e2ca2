import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { toHexSlug } from '../../src/api/slugs.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { ACME_ACCOUNT, ACME_HEX, call } from './helpers.js';

let em: EmulatorHandle;
before(async () => { em = await startEmulator({ port: 0 }); });
after(() => em.close());

test('A1 verify key needs only the bearer header', async () => {
  const result = await call(em, 'GET', '/auth', { account: null });
  assert.equal(result.status, 200);
  assert.deepEqual(result.body, { authenticated: true });
  assert.ok(result.headers.get('date'), 'the Date header is sent');
});

test('O1 orgs carry both slug forms', async () => {
  const result = await call(em, 'GET', '/orgs');
  assert.deepEqual(Object.keys(result.body), ['organizations']);
  const [org] = result.body.organizations;
  assert.equal(org.slug, '61636d65');
  assert.equal(org.originalSlug, 'acme');
  assert.equal(org.accountId, ACME_ACCOUNT);
  assert.equal(typeof org.id, 'number');
});

test('O2 get organization', async () => {
  const result = await call(em, 'GET', `/org/${ACME_HEX}`);
  assert.equal(result.status, 200);
  assert.equal(result.body.organization.originalSlug, 'acme');
  assert.equal(result.body.organization.name, 'Acme Corp');
});

test('O3 list workspaces of the org', async () => {
  const result = await call(em, 'GET', `/org/${ACME_HEX}/workspaces`);
  assert.equal(result.status, 200);
  assert.deepEqual(result.body.workspaces.map((w: { originalSlug: string; slug: string }) => [w.originalSlug, w.slug]), [
    ['support-bot', '737570706f72742d626f74'],
    ['sales', toHexSlug('sales')],
  ]);
});

test('O4 create workspace', async (t) => {
  await t.test('slug derived from the name, settings echoed', async () => {
    const result = await call(em, 'POST', `/org/${ACME_HEX}/workspace/new`, { json: { name: 'Legal Team', topN: 7, ignored: true } });
    assert.equal(result.status, 200);
    assert.equal(result.body.message, 'Workspace created');
    assert.equal(result.body.workspace.originalSlug, 'legal-team');
    assert.equal(result.body.workspace.slug, toHexSlug('legal-team'));
    assert.equal(result.body.workspace.topN, 7);
    assert.equal(em.state.workspace('legal-team')?.orgSlug, 'acme');
  });
  await t.test('collision gets -<8 digits> (also across orgs)', async () => {
    const result = await call(em, 'POST', `/org/${ACME_HEX}/workspaces`, { json: { name: 'Helpdesk' } });
    assert.equal(result.status, 200);
    assert.match(result.body.workspace.originalSlug, /^helpdesk-\d{8}$/);
  });
  const bad: [string, unknown, RegExp][] = [
    ['missing name → 400', {}, /name is required/],
    ['blank name → 400', { name: '  ' }, /name is required/],
    ['wrong setting type → 400', { name: 'x', topN: 'many' }, /topN must be an integer/],
  ];
  for (const [label, json, message] of bad) {
    await t.test(label, async () => {
      const result = await call(em, 'POST', `/org/${ACME_HEX}/workspace/new`, { json });
      assert.equal(result.status, 400);
      assert.match(result.body.message, message);
    });
  }
});
