import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LumenSyncError } from '../../src/errors.js';
import { folderNameProblem, loadDefaultSeed, loadSeedFile, parseSeed } from '../../src/emulator/seed.js';

const company = (overrides: Record<string, unknown> = {}) => ({
  name: 'C', apiKeys: ['k1'],
  accounts: [{ id: '11111111-2222-3333-4444-555555555555', name: 'A', orgs: [{ slug: 'acme', name: 'Acme', workspaces: [{ slug: 'w', name: 'W' }] }] }],
  ...overrides,
});

test('the default seed has the documented tenants', () => {
  const seed = loadDefaultSeed();
  const keys = seed.companies.flatMap((c) => c.apiKeys);
  assert.deepEqual(keys, ['lumensync-dev-key', 'other-company-key']);
  const orgs = seed.companies.flatMap((c) => c.accounts.flatMap((a) => a.orgs.map((o) => `${a.id}:${o.slug}:${o.workspaces.map((w) => w.slug).join(',')}`)));
  assert.deepEqual(orgs, [
    '11111111-2222-3333-4444-555555555555:acme:support-bot,sales',
    '22222222-3333-4444-5555-666666666666:globex:helpdesk',
    '33333333-4444-5555-6666-777777777777:initech:ops',
  ]);
});

test('parseSeed rejects bad seeds with a message naming the field', async (t) => {
  const cases: [label: string, raw: unknown, expected: RegExp][] = [
    ['not an object', [], /must be a JSON object/],
    ['companies missing', {}, /seed\.companies must be an array/],
    ['no api keys', { companies: [company({ apiKeys: [] })] }, /companies\[0\]\.apiKeys must list at least one key/],
    ['account id not a uuid', { companies: [company({ accounts: [{ id: 'nope', name: 'A', orgs: [] }] })] }, /accounts\[0\]\.id must be a UUID/],
    ['duplicate key', { companies: [company(), company({ accounts: [] })] }, /duplicate API key "k1"/],
    ['workspace without slug', { companies: [company({ accounts: [{ id: '11111111-2222-3333-4444-555555555555', name: 'A', orgs: [{ slug: 'o', name: 'O', workspaces: [{ name: 'x' }] }] }] })] },
      /workspaces\[0\]\.slug must be a non-empty string/],
    ['nested folder', { companies: [company({ accounts: [{ id: '11111111-2222-3333-4444-555555555555', name: 'A', orgs: [{ slug: 'o', name: 'O', workspaces: [], folders: ['a/b'] }] }] })] },
      /folders\[0\]: .*path separators/],
  ];
  for (const [label, raw, expected] of cases) {
    await t.test(label, () => {
      assert.throws(() => parseSeed(raw), (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_CONFIG_INVALID' && expected.test(error.message));
    });
  }
});

test('parseSeed accepts a valid seed and lower-cases account ids', () => {
  const seed = parseSeed({ companies: [company({ accounts: [{ id: 'AAAAAAAA-2222-3333-4444-555555555555', name: 'A', orgs: [] }] })] });
  assert.equal(seed.companies[0]?.accounts[0]?.id, 'aaaaaaaa-2222-3333-4444-555555555555');
});

test('loadSeedFile reports unreadable and invalid JSON files', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-'));
  try {
    assert.throws(() => loadSeedFile(path.join(dir, 'missing.json')), /cannot read emulator seed/);
    await writeFile(path.join(dir, 'bad.json'), '{ nope');
    assert.throws(() => loadSeedFile(path.join(dir, 'bad.json')), /not valid JSON/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('folderNameProblem', async (t) => {
  const cases: [string, string, boolean][] = [['plain', 'policies', true], ['slash', 'a/b', false], ['backslash', 'a\\b', false], ['empty', ' ', false], ['dotdot', '..', false]];
  for (const [label, folder, ok] of cases) await t.test(label, () => assert.equal(folderNameProblem(folder) === undefined, ok));
});
