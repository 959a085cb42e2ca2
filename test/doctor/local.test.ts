import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkInotify, checkRoot, checkStateDir, clockVerdict, countFolders, inotifyVerdict } from '../../src/doctor/local.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('inotifyVerdict', () => {
  const cases: Array<[string, number, number | undefined, string]> = [
    ['well under the limit', 10, 8192, 'ok'],
    ['most of the limit', 7000, 8192, 'warn'],
    ['over the limit', 9000, 8192, 'fail'],
    ['not Linux', 10, undefined, 'skip'],
  ];
  for (const [label, folders, limit, status] of cases) {
    it(label, () => {
      const verdict = inotifyVerdict(folders, limit);
      assert.equal(verdict.status, status);
      if (status === 'fail') assert.match(verdict.fix ?? '', /max_user_watches/);
    });
  }
});

describe('clockVerdict', () => {
  const server = Date.parse('2025-01-10T09:30:00Z');
  const header = new Date(server).toUTCString();
  const cases: Array<[string, string | undefined, number, string, RegExp]> = [
    ['in step', header, server + 400, 'ok', /skew 0 s/],
    ['a minute ahead', header, server + 60_000, 'warn', /60 s ahead of/],
    ['ten minutes behind', header, server - 600_000, 'fail', /600 s behind/],
    ['no Date header', undefined, server, 'skip', /no Date header/],
    ['garbage Date header', 'yesterday-ish', server, 'skip', /unreadable/],
  ];
  for (const [label, dateHeader, localMs, status, detail] of cases) {
    it(label, () => {
      const verdict = clockVerdict(dateHeader, localMs);
      assert.equal(verdict.status, status);
      assert.match(verdict.detail, detail);
    });
  }
});

describe('filesystem checks', () => {
  it('root: missing, a file, a readable folder', async () => {
    assert.equal((await checkRoot(path.join(dir, 'nope'))).status, 'fail');
    await writeFile(path.join(dir, 'file'), 'x');
    assert.match((await checkRoot(path.join(dir, 'file'))).detail, /not a folder/);
    assert.equal((await checkRoot(dir)).status, 'ok');
  });

  it('state dir: inside the root fails, outside and creatable passes', async () => {
    const inside = await checkStateDir(path.join(dir, '.state'), dir);
    assert.equal(inside.status, 'fail');
    assert.match(inside.fix ?? '', /outside/);
    const outside = await checkStateDir(path.join(dir, 'state', 'deep'), path.join(dir, 'root'));
    assert.equal(outside.status, 'ok');
    assert.match(outside.detail, /will be created/);
  });

  it('counts folders, skipping default-ignored ones, against a given limit file', async () => {
    for (const folder of ['a/b', 'c', '.git/objects', 'node_modules/x']) await mkdir(path.join(dir, 'root', folder), { recursive: true });
    assert.equal(await countFolders(path.join(dir, 'root')), 4); // root, a, a/b, c
    const limitFile = path.join(dir, 'limit');
    await writeFile(limitFile, '3\n');
    assert.equal((await checkInotify(path.join(dir, 'root'), undefined, limitFile)).status, 'fail');
    assert.equal((await checkInotify(path.join(dir, 'root'), undefined, path.join(dir, 'missing'))).status, 'skip');
  });
});
