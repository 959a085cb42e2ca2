import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LumenSyncError } from '../../src/errors.js';
import { assertStateDirOutsideRoot, defaultStateDir, mirrorIdFor } from '../../src/journal/state-dir.js';

const baseParts = { apiBaseUrl: 'https://api.lumenone.test/v1', accountId: 'acc-1', orgSlug: 'acme', folder: 'Handbook', root: '/data/handbook' };

describe('defaultStateDir', () => {
  const cases: { label: string; env: NodeJS.ProcessEnv; expected: string }[] = [
    { label: 'XDG_STATE_HOME wins', env: { XDG_STATE_HOME: '/xdg/state', HOME: '/home/u' }, expected: '/xdg/state/lumensync/m-1' },
    { label: 'falls back to HOME/.local/state', env: { HOME: '/home/u' }, expected: '/home/u/.local/state/lumensync/m-1' },
    { label: 'relative XDG_STATE_HOME is ignored (XDG spec)', env: { XDG_STATE_HOME: 'rel/state', HOME: '/home/u' }, expected: '/home/u/.local/state/lumensync/m-1' },
    { label: 'empty XDG_STATE_HOME is ignored', env: { XDG_STATE_HOME: '', HOME: '/home/u' }, expected: '/home/u/.local/state/lumensync/m-1' },
  ];
  for (const { label, env, expected } of cases) {
    it(label, () => assert.equal(defaultStateDir('m-1', env), expected));
  }

  for (const badId of ['../escape', 'a/b', '', '.hidden', 'UPPER']) {
    it(`refuses unsafe mirror id ${JSON.stringify(badId)}`, () => {
      assert.throws(() => defaultStateDir(badId, { HOME: '/home/u' }), (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_CONFIG_INVALID');
    });
  }
});

describe('mirrorIdFor', () => {
  const id = mirrorIdFor(baseParts);

  it('is stable and readable', () => {
    assert.equal(mirrorIdFor({ ...baseParts }), id);
    assert.match(id, /^acme-handbook-[0-9a-f]{12}$/);
    assert.equal(defaultStateDir(id, { HOME: '/h' }), `/h/.local/state/lumensync/${id}`);
  });

  const same: { label: string; parts: typeof baseParts }[] = [
    { label: 'trailing slash on base URL', parts: { ...baseParts, apiBaseUrl: 'https://api.lumenone.test/v1/' } },
    { label: 'host case in base URL', parts: { ...baseParts, apiBaseUrl: 'https://API.LumenOne.test/v1' } },
    { label: 'trailing slash on root', parts: { ...baseParts, root: '/data/handbook/' } },
    { label: 'dot segments in root', parts: { ...baseParts, root: '/data/x/../handbook' } },
  ];
  for (const { label, parts } of same) it(`same id despite ${label}`, () => assert.equal(mirrorIdFor(parts), id));

  const different: { label: string; parts: typeof baseParts }[] = [
    { label: 'another API', parts: { ...baseParts, apiBaseUrl: 'https://other.test/v1' } },
    { label: 'another account', parts: { ...baseParts, accountId: 'acc-2' } },
    { label: 'another org', parts: { ...baseParts, orgSlug: 'acme2' } },
    { label: 'another folder', parts: { ...baseParts, folder: 'Handbook2' } },
    { label: 'another root', parts: { ...baseParts, root: '/data/other' } },
    { label: 'fields shifted across the separator', parts: { ...baseParts, orgSlug: 'acme-handbook', folder: '' } },
  ];
  for (const { label, parts } of different) it(`different id for ${label}`, () => assert.notEqual(mirrorIdFor(parts), id));

  it('falls back to a generic prefix for unreadable names', () => {
    assert.match(mirrorIdFor({ ...baseParts, orgSlug: '日本', folder: '!!!' }), /^mirror-[0-9a-f]{12}$/);
  });

  it('keeps the prefix short', () => {
    const long = mirrorIdFor({ ...baseParts, folder: 'x'.repeat(200) });
    assert.ok(long.length <= 40 + 1 + 12, long);
  });
});

describe('assertStateDirOutsideRoot', () => {
  let tmp = '';
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'lumensync-'));
    await mkdir(path.join(tmp, 'root', 'sub'), { recursive: true });
    await mkdir(path.join(tmp, 'state'), { recursive: true });
    await symlink(path.join(tmp, 'root'), path.join(tmp, 'root-link'));
    await symlink(path.join(tmp, 'root', 'sub'), path.join(tmp, 'sub-link'));
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  const refused: { label: string; stateDir: string; root: string }[] = [
    { label: 'state dir equal to the root', stateDir: 'root', root: 'root' },
    { label: 'state dir inside the root', stateDir: 'root/sub', root: 'root' },
    { label: 'not-yet-existing state dir inside the root', stateDir: 'root/sub/.lumensync/state', root: 'root' },
    { label: 'state dir inside the root through a symlinked root', stateDir: 'root/sub', root: 'root-link' },
    { label: 'state dir reached through a symlink into the root', stateDir: 'sub-link/new', root: 'root' },
  ];
  for (const { label, stateDir, root } of refused) {
    it(`refuses ${label}`, async () => {
      await assert.rejects(assertStateDirOutsideRoot(path.join(tmp, stateDir), path.join(tmp, root)), (error: unknown) => {
        assert.ok(error instanceof LumenSyncError);
        assert.equal(error.code, 'LUMENSYNC_CONFIG_INVALID');
        assert.match(error.hint ?? '', /--state-dir outside/);
        return true;
      });
    });
  }

  const allowed: { label: string; stateDir: string; root: string }[] = [
    { label: 'a sibling directory', stateDir: 'state', root: 'root' },
    { label: 'a sibling whose name extends the root name', stateDir: 'root-state', root: 'root' },
    { label: 'a root inside the state dir (not a write into the root)', stateDir: 'state', root: 'state/mirror' },
    { label: 'a missing root', stateDir: 'state', root: 'gone/root' },
  ];
  for (const { label, stateDir, root } of allowed) {
    it(`allows ${label}`, async () => {
      await assertStateDirOutsideRoot(path.join(tmp, stateDir), path.join(tmp, root));
    });
  }
});
