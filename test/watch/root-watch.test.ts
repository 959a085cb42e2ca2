/** RootWatch: a watcher started before its mirror listens loses nothing and leaks nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startWatcher, type WatchEvent } from '../../src/local/watcher.js';
import { RootWatch, type WatchListener } from '../../src/watch/root-watch.js';

/** A watcher the test drives by hand: `emit`/`fail` reach whatever listener RootWatch gave it. */
function fakeStarter(options: { failWith?: Error } = {}) {
  let listener: WatchListener | undefined;
  let closes = 0;
  let finishStart: () => void = () => undefined;
  const startedGate = new Promise<void>((resolve) => { finishStart = resolve; });
  const start = async (given: WatchListener) => {
    listener = given;
    await startedGate;
    if (options.failWith) throw options.failWith;
    return { backend: 'parcel' as const, close: async () => { closes += 1; } };
  };
  return {
    start,
    finishStart,
    emit: (events: WatchEvent[]) => listener!.onEvents(events),
    fail: (error: Error) => listener!.onError(error),
    closes: () => closes,
  };
}

const recorder = () => {
  const seen: string[] = [];
  const listener: WatchListener = {
    onEvents: (events) => seen.push(...events.map((event) => `${event.kind}:${event.relativePath}`)),
    onError: (error) => seen.push(`error:${error.message}`),
  };
  return { seen, listener };
};

test('events and errors from before attach are delivered at attach, in order, then live ones as they come', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'lumensync-rootwatch-'));
  try {
    const fake = fakeStarter();
    const watch = new RootWatch(root, fake.start);
    const rootStats = await stat(root);
    assert.deepEqual(watch.identity, { dev: rootStats.dev, ino: rootStats.ino });
    fake.emit([{ kind: 'change', relativePath: 'a.md' }]);
    fake.emit([{ kind: 'delete', relativePath: 'b.md' }]);
    fake.fail(new Error('queue overflow'));
    const { seen, listener } = recorder();
    fake.finishStart();
    await watch.attach(listener);
    assert.deepEqual(seen, ['change:a.md', 'delete:b.md', 'error:queue overflow']);
    fake.emit([{ kind: 'change', relativePath: 'c.md' }]);
    assert.deepEqual(seen.slice(3), ['change:c.md']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a watcher that fails to start rejects attach; close() still resolves', async () => {
  const fake = fakeStarter({ failWith: new Error('ENOSPC: inotify limit') });
  const watch = new RootWatch('/nonexistent-root-for-lumensync-test', fake.start);
  assert.equal(watch.identity, undefined);
  fake.finishStart();
  await assert.rejects(watch.attach(recorder().listener), /ENOSPC/);
  await watch.close();
});

test('closing before attach (a failed start-up) closes the watcher once it is up, and attach then refuses', async () => {
  const fake = fakeStarter();
  const watch = new RootWatch(os.tmpdir(), fake.start);
  const closing = watch.close();
  fake.finishStart();
  await closing;
  assert.equal(fake.closes(), 1);
  await assert.rejects(watch.attach(recorder().listener), /closed before it was attached/);
});

test('with the real watcher: a file written after the subscription and before attach is not lost', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'lumensync-rootwatch-'));
  let watchUp: () => void = () => undefined;
  const up = new Promise<void>((resolve) => { watchUp = resolve; });
  let firstEvent: () => void = () => undefined;
  const eventArrived = new Promise<void>((resolve) => { firstEvent = resolve; });
  const watch = new RootWatch(root, async (listener) => {
    const watcher = await startWatcher('auto', {
      root,
      onEvents: (events) => { listener.onEvents(events); firstEvent(); },
      onError: listener.onError,
    });
    watchUp();
    return watcher;
  });
  try {
    await up;
    await writeFile(path.join(root, 'early.md'), 'written before the mirror listened');
    await eventArrived;
    const { seen, listener } = recorder();
    await watch.attach(listener);
    assert.ok(seen.includes('change:early.md'), `early.md delivered at attach (got ${seen.join(', ')})`);
  } finally {
    await watch.close();
    await rm(root, { recursive: true, force: true });
  }
});
