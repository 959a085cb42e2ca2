/** The rate board: one private directory per host and key, one record per process, stale records ignored then deleted. */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { LumenSyncError } from '../../src/errors.js';
import { defaultRateShareDir, FRESH_MS, GONE_MS, RateBoard, rateShareKey, type OwnRateRecord, type RateRecord } from '../../src/journal/rate-board.js';

const tempDirs: string[] = [];
const boards: RateBoard[] = [];
afterEach(async () => {
  for (const board of boards.splice(0)) board.close();
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function freshBase(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-rate-board-'));
  tempDirs.push(dir);
  return dir;
}

async function open(base: string, host = 'h:1', apiKey = 'key'): Promise<RateBoard> {
  const board = await RateBoard.open(base, host, apiKey);
  boards.push(board);
  return board;
}

const own = (patch: Partial<OwnRateRecord> = {}): OwnRateRecord => ({
  sentRate: 1, acceptedRate: 1, hungry: false, keyRatePerSec: 10, ratePerSec: 5, limitPerSec: null, decreasedAt: null, firstClimb: false, confirmed: 0, ...patch,
});

const jsonFiles = async (directory: string): Promise<string[]> => (await readdir(directory)).filter((name) => name.endsWith('.json'));

/** The only record file in a board directory (written by the one board that exchanged). */
async function onlyRecord(directory: string): Promise<string> {
  const names = await jsonFiles(directory);
  assert.equal(names.length, 1, `one record in ${names.join(', ')}`);
  return path.join(directory, names[0] ?? '');
}

/** Set a file's modification time `ageMs` in the past. */
async function age(file: string, ageMs: number): Promise<void> {
  const past = new Date(Date.now() - ageMs);
  await utimes(file, past, past);
}

/** Every file and directory below `dir` (paths relative to it). */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    out.push(relative);
    if (entry.isDirectory()) out.push(...await walk(path.join(dir, entry.name), relative));
  }
  return out;
}

function refused(directory: string, problem: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof LumenSyncError, String(error));
    assert.equal(error.code, 'LUMENSYNC_CONFIG_INVALID');
    assert.ok(error.message.includes(directory), `${error.message} names ${directory}`);
    assert.match(error.message, problem);
    assert.match(error.hint ?? '', /--rate-share-dir/);
    return true;
  };
}

describe('RateBoard: exchange', () => {
  it('each process sees exactly the others\' records, with the figures they published', async () => {
    const base = await freshBase();
    const a = await open(base);
    const b = await open(base);
    assert.equal(a.directory, b.directory);
    const now = Date.now();
    assert.deepEqual(await a.exchange(own({ sentRate: 4, acceptedRate: 3, hungry: true, keyRatePerSec: 20, ratePerSec: 10, limitPerSec: 21, decreasedAt: now - 500, firstClimb: true, confirmed: 2 }), now), []);
    const seenByB = await b.exchange(own({ sentRate: 7, acceptedRate: 7, keyRatePerSec: 18, ratePerSec: 9 }), now + 10);
    const expectedA: RateRecord = {
      format: 'lumensync-rate-share', hostname: os.hostname(), pid: process.pid, at: now,
      sentRate: 4, acceptedRate: 3, hungry: true, keyRatePerSec: 20, ratePerSec: 10, limitPerSec: 21, decreasedAt: now - 500, firstClimb: true, confirmed: 2,
    };
    assert.deepEqual(seenByB, [expectedA]);
    const seenByA = await a.exchange(own({ sentRate: 5 }), now + 20);
    assert.equal(seenByA.length, 1);
    assert.equal(seenByA[0]?.sentRate, 7);
    assert.equal(seenByA[0]?.keyRatePerSec, 18);
    assert.equal(seenByA[0]?.at, now + 10);
    assert.equal(seenByA[0]?.limitPerSec, null);
    const again = await b.exchange(own(), now + 30);
    assert.equal(again[0]?.sentRate, 5, 'the newest record replaces the older one');
    assert.equal(again.length, 1);
  });

  it('a record for another key or another host lands in another directory and is not seen', async () => {
    const base = await freshBase();
    const a = await open(base, 'h:1', 'key');
    const b = await open(base, 'h:1', 'key');
    const otherKey = await open(base, 'h:1', 'other-key');
    const otherHost = await open(base, 'h:2', 'key');
    const directories = new Set([a.directory, otherKey.directory, otherHost.directory]);
    assert.equal(directories.size, 3);
    for (const directory of directories) assert.equal(path.dirname(directory), path.resolve(base));
    const now = Date.now();
    await otherKey.exchange(own({ sentRate: 99 }), now);
    await otherHost.exchange(own({ sentRate: 98 }), now);
    await b.exchange(own({ sentRate: 2 }), now);
    const seen = await a.exchange(own(), now);
    assert.deepEqual(seen.map((record) => record.sentRate), [2]);
    assert.deepEqual(await otherKey.exchange(own(), now), []);
  });

  it('names the directory by 16 hex digits; the API key is in no file name or content', async () => {
    const base = await freshBase();
    const secret = 'sk-SECRET-123';
    const a = await open(base, 'H:1', secret);
    const b = await open(base, 'h:1', secret);
    assert.match(path.basename(a.directory), /^[0-9a-f]{16}$/);
    assert.equal(path.basename(a.directory), rateShareKey('h:1', secret));
    assert.equal(a.directory, b.directory, 'the host is case-insensitive');
    assert.notEqual(rateShareKey('h:1', secret), rateShareKey('h:1', 'sk-SECRET-124'));
    await a.exchange(own());
    await b.exchange(own());
    const entries = await walk(base);
    assert.equal(entries.length, 3, entries.join(', '));
    for (const entry of entries) {
      assert.ok(!entry.includes(secret), entry);
      const full = path.join(base, entry);
      if ((await stat(full)).isFile()) {
        assert.ok(!(await readFile(full, 'utf8')).includes(secret), `content of ${entry}`);
        assert.equal((await stat(full)).mode & 0o777, 0o600);
      }
    }
    assert.equal((await stat(a.directory)).mode & 0o777, 0o700);
  });
});

describe('RateBoard: freshness', () => {
  it('a record is seen up to FRESH_MS after it was written, not later (nor from further in the future)', async () => {
    const base = await freshBase();
    const a = await open(base);
    const b = await open(base);
    const t = Date.now();
    await a.exchange(own({ sentRate: 3 }), t);
    assert.equal((await b.exchange(own(), t + FRESH_MS)).length, 1);
    assert.deepEqual(await b.exchange(own(), t + FRESH_MS + 1), []);
    assert.deepEqual(await b.exchange(own(), t - FRESH_MS - 1), []);
    assert.equal((await b.exchange(own(), t - FRESH_MS)).length, 1);
    assert.equal((await jsonFiles(a.directory)).length, 2, 'a stale record younger than GONE_MS is kept');
  });

  /** Two boards on one base; `a` published a record whose `at` is older than GONE_MS. */
  async function withOldRecord(): Promise<{ a: RateBoard; b: RateBoard; file: string }> {
    const base = await freshBase();
    const a = await open(base);
    const b = await open(base);
    await a.exchange(own(), Date.now() - GONE_MS - 5000);
    return { a, b, file: await onlyRecord(a.directory) };
  }

  it('a record older than GONE_MS, by its time and its file, is deleted by a reader', async () => {
    const { a, b, file } = await withOldRecord();
    await age(file, GONE_MS + 5000);
    assert.deepEqual(await b.exchange(own()), []);
    await assert.rejects(stat(file), { code: 'ENOENT' });
    assert.equal((await jsonFiles(a.directory)).length, 1, 'only b\'s own record is left');
  });

  it('an old `at` alone, or an old file alone, does not delete a record', async () => {
    const { a, b, file } = await withOldRecord();
    assert.deepEqual(await b.exchange(own()), [], 'not fresh: not returned');
    await stat(file);
    await a.exchange(own({ sentRate: 6 }));
    await age(file, GONE_MS + 5000);
    const seen = await b.exchange(own());
    assert.deepEqual(seen.map((record) => record.sentRate), [6], 'a fresh `at` counts whatever the mtime');
    await stat(file);
  });

  it('an old garbage file is deleted, a fresh one is kept but not returned', async () => {
    const base = await freshBase();
    const a = await open(base);
    const old = path.join(a.directory, 'junk.json');
    const recent = path.join(a.directory, 'fresh-junk.json');
    const invalid = path.join(a.directory, 'invalid.json');
    await writeFile(old, 'not json');
    await age(old, GONE_MS + 5000);
    await writeFile(recent, '{"format":"something-else"}');
    await writeFile(invalid, JSON.stringify({ format: 'lumensync-rate-share', hostname: 'x', pid: 1, at: Date.now(), ...own(), sentRate: 'many' }));
    assert.deepEqual(await a.exchange(own()), []);
    await assert.rejects(stat(old), { code: 'ENOENT' });
    await stat(recent);
    await stat(invalid);
    await age(invalid, GONE_MS + 5000);
    await a.exchange(own());
    await assert.rejects(stat(invalid), { code: 'ENOENT' }, 'an old invalid record goes too');
  });
});

describe('RateBoard: leaving', () => {
  it('leave() removes the record until the next exchange publishes it again', async () => {
    const base = await freshBase();
    const a = await open(base);
    const b = await open(base);
    await a.exchange(own({ sentRate: 8 }));
    assert.equal((await b.exchange(own())).length, 1);
    await a.leave();
    assert.deepEqual(await b.exchange(own()), []);
    assert.equal((await jsonFiles(a.directory)).length, 1);
    await a.leave();
    await a.exchange(own({ sentRate: 9 }));
    assert.deepEqual((await b.exchange(own())).map((record) => record.sentRate), [9]);
  });

  it('close() removes the record and the exit hook', async () => {
    const base = await freshBase();
    const before = process.listenerCount('exit');
    const a = await open(base);
    const b = await open(base);
    assert.equal(process.listenerCount('exit'), before + 2);
    await a.exchange(own());
    assert.equal((await b.exchange(own())).length, 1);
    a.close();
    assert.equal(process.listenerCount('exit'), before + 1);
    assert.deepEqual(await b.exchange(own()), []);
    assert.equal((await jsonFiles(b.directory)).length, 1);
    b.close();
    assert.equal(process.listenerCount('exit'), before);
    await assert.rejects(stat(b.directory), { code: 'ENOENT' }, 'the last one out removes the directory');
  });

  it('the last to leave removes the directory; the next exchange creates it again, private', async () => {
    const base = await freshBase();
    const a = await open(base);
    const b = await open(base);
    await a.exchange(own({ sentRate: 3 }));
    await b.exchange(own());
    await a.leave();
    await stat(a.directory);
    await b.leave();
    await assert.rejects(stat(a.directory), { code: 'ENOENT' });
    assert.deepEqual(await b.exchange(own({ sentRate: 4 })), []);
    assert.equal((await stat(a.directory)).mode & 0o777, 0o700);
    assert.deepEqual((await a.exchange(own())).map((record) => record.sentRate), [4]);
  });
});

describe('RateBoard: refuses a directory others could steer', () => {
  it('a base directory that is a symbolic link', async () => {
    const root = await freshBase();
    const target = path.join(root, 'private');
    await mkdir(target, { mode: 0o700 });
    const link = path.join(root, 'link');
    await symlink(target, link);
    await assert.rejects(RateBoard.open(link, 'h:1', 'key'), refused(link, /symbolic link/));
  });

  it('a board directory that is a symbolic link', async () => {
    const base = await freshBase();
    const target = path.join(base, 'elsewhere');
    await mkdir(target, { mode: 0o700 });
    const directory = path.join(base, rateShareKey('h:1', 'key'));
    await symlink(target, directory);
    await assert.rejects(RateBoard.open(base, 'h:1', 'key'), refused(directory, /symbolic link/));
  });

  it('a board directory writable by group and others', async () => {
    const base = await freshBase();
    const first = await open(base);
    await chmod(first.directory, 0o777);
    await assert.rejects(RateBoard.open(base, 'h:1', 'key'), refused(first.directory, /writable by other users/));
    await chmod(first.directory, 0o720);
    await assert.rejects(RateBoard.open(base, 'h:1', 'key'), refused(first.directory, /writable by other users/));
    await chmod(first.directory, 0o755);
    await open(base);
  });

  it('a base directory writable by others', async () => {
    const base = await freshBase();
    await chmod(base, 0o777);
    await assert.rejects(RateBoard.open(base, 'h:1', 'key'), refused(base, /writable by other users/));
  });
});

describe('defaultRateShareDir', () => {
  const inTmp = path.join(os.tmpdir(), `lumensync-${process.getuid?.() ?? 'user'}`, 'rate-share');
  it('uses an absolute XDG_RUNTIME_DIR', () => {
    assert.equal(defaultRateShareDir({ XDG_RUNTIME_DIR: '/run/user/1000' }), '/run/user/1000/lumensync/rate-share');
  });
  it('falls back to the temporary directory, per user, without one or with a relative one', () => {
    assert.match(path.basename(path.dirname(inTmp)), /^lumensync-(\d+|user)$/);
    assert.equal(defaultRateShareDir({}), inTmp);
    assert.equal(defaultRateShareDir({ XDG_RUNTIME_DIR: 'run/user/1000' }), inTmp);
    assert.equal(defaultRateShareDir({ XDG_RUNTIME_DIR: '' }), inTmp);
  });
});
