import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { LumenSyncError } from '../../src/errors.js';
import { acquireLock, isPidAlive, readLockFile } from '../../src/journal/lock.js';
import { Journal } from '../../src/journal/journal.js';
import { deadPid, runChild } from './child.js';

const tempDirs: string[] = [];
after(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

async function freshStateDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-'));
  tempDirs.push(dir);
  return dir;
}

function isLocked(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof LumenSyncError, String(error));
    assert.equal(error.code, 'LUMENSYNC_STATE_LOCKED');
    assert.match(error.message, pattern);
    assert.ok((error.hint ?? '').length > 0);
    return true;
  };
}

describe('acquireLock', () => {
  it('writes pid, hostname and start time into a 0600 lock file, and release removes it', async () => {
    const stateDir = await freshStateDir();
    const handle = await acquireLock(stateDir);
    assert.equal(handle.path, path.join(stateDir, 'lock'));
    const owner = readLockFile(handle.path);
    assert.ok(typeof owner === 'object');
    assert.equal(owner.pid, process.pid);
    assert.equal(owner.hostname, os.hostname());
    assert.ok(!Number.isNaN(Date.parse(owner.startedAt)));
    assert.equal((await stat(handle.path)).mode & 0o777, 0o600);
    await handle.release();
    await handle.release();
    await assert.rejects(stat(handle.path), { code: 'ENOENT' });
  });

  it('refuses a second holder in the same process', async () => {
    const stateDir = await freshStateDir();
    const handle = await acquireLock(stateDir);
    await assert.rejects(acquireLock(stateDir), isLocked(new RegExp(`locked by pid ${process.pid} \\(this process\\)`)));
    await handle.release();
    await (await acquireLock(stateDir)).release();
  });

  it('refuses while another live process holds the journal, then takes over after it is SIGKILLed', async () => {
    const stateDir = await freshStateDir();
    const holder = runChild(`
      import { Journal } from 'JOURNAL';
      await Journal.open({ stateDir: ${JSON.stringify(stateDir)} });
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    `);
    try {
      await holder.waitForLine((line) => line === 'ready');
      const childPid = holder.process.pid as number;
      await assert.rejects(Journal.open({ stateDir }), isLocked(new RegExp(`state directory .* is locked by pid ${childPid} \\(started [0-9T:.-]+Z\\)`)));
      // A reader does not need the lock.
      await (await Journal.open({ stateDir, readOnly: true })).close();
      holder.process.kill('SIGKILL');
      await holder.exited;
      const journal = await Journal.open({ stateDir });
      assert.equal((readLockFile(path.join(stateDir, 'lock')) as { pid: number }).pid, process.pid);
      await journal.close();
    } finally {
      holder.process.kill('SIGKILL');
    }
  });

  const staleLocks: { label: string; content: () => Promise<string>; ageMs: number }[] = [
    { label: 'a dead pid on this host', content: async () => JSON.stringify({ pid: await deadPid(), hostname: os.hostname(), startedAt: '2020-01-01T00:00:00.000Z' }), ageMs: 0 },
    { label: 'an empty lock file left by a crash during creation', content: async () => '', ageMs: 60_000 },
    { label: 'a garbled old lock file', content: async () => '{"pid":', ageMs: 60_000 },
  ];
  for (const { label, content, ageMs } of staleLocks) {
    it(`takes over a stale lock: ${label}`, async () => {
      const stateDir = await freshStateDir();
      const lockPath = path.join(stateDir, 'lock');
      await writeFile(lockPath, await content());
      const old = new Date(Date.now() - ageMs);
      await utimes(lockPath, old, old);
      const handle = await acquireLock(stateDir);
      assert.equal((readLockFile(lockPath) as { pid: number }).pid, process.pid);
      await handle.release();
    });
  }

  const liveLocks: { label: string; content: () => string; message: RegExp }[] = [
    { label: 'a live pid on another host', content: () => JSON.stringify({ pid: 1, hostname: 'other-host.example', startedAt: '2024-05-01T10:00:00.000Z' }), message: /locked by pid 1 on host other-host\.example \(started 2024-05-01T10:00:00\.000Z\)/ },
    { label: 'a dead-looking pid on another host (cannot be checked from here)', content: () => JSON.stringify({ pid: 2 ** 22 + 7, hostname: 'other-host.example', startedAt: 'x' }), message: /on host other-host\.example/ },
    { label: 'a lock file still being written', content: () => '', message: /being locked by another process/ },
  ];
  for (const { label, content, message } of liveLocks) {
    it(`refuses ${label}`, async () => {
      const stateDir = await freshStateDir();
      await writeFile(path.join(stateDir, 'lock'), content());
      await assert.rejects(acquireLock(stateDir), isLocked(message));
      assert.equal(await readFile(path.join(stateDir, 'lock'), 'utf8'), content(), 'lock left untouched');
    });
  }

  it('release leaves a lock that is no longer ours', async () => {
    const stateDir = await freshStateDir();
    const handle = await acquireLock(stateDir);
    const foreign = JSON.stringify({ pid: 1, hostname: 'elsewhere', startedAt: 'x' });
    await writeFile(handle.path, foreign);
    await handle.release();
    assert.equal(await readFile(handle.path, 'utf8'), foreign);
  });

  it('only one of many concurrent contenders for a stale lock wins', async () => {
    const stateDir = await freshStateDir();
    await mkdir(stateDir, { recursive: true });
    await writeFile(path.join(stateDir, 'lock'), JSON.stringify({ pid: await deadPid(), hostname: os.hostname(), startedAt: 'x' }));
    const contenders = Array.from({ length: 6 }, () =>
      runChild(`
        import { Journal } from 'JOURNAL';
        try {
          await Journal.open({ stateDir: ${JSON.stringify(stateDir)} });
          process.stdout.write('won\\n');
          setInterval(() => {}, 1000);
        } catch (error) {
          process.stdout.write((error.code ?? String(error)) + '\\n');
          process.exit(0);
        }
      `),
    );
    try {
      const outcomes = await Promise.all(contenders.map((child, i) => child.waitForLine(() => true).then((line) => ({ i, line }))));
      const winners = outcomes.filter((outcome) => outcome.line === 'won');
      assert.equal(winners.length, 1, JSON.stringify(outcomes));
      assert.ok(outcomes.every((outcome) => outcome.line === 'won' || outcome.line === 'LUMENSYNC_STATE_LOCKED'), JSON.stringify(outcomes));
    } finally {
      for (const child of contenders) child.process.kill('SIGKILL');
      await Promise.all(contenders.map((child) => child.exited));
    }
  });
});

describe('isPidAlive', () => {
  it('tells a live pid from a dead one', async () => {
    assert.equal(isPidAlive(process.pid), true);
    assert.equal(isPidAlive(await deadPid()), false);
  });
});
