/**
 * Issue 15 item 1: the watched root swapped for a new empty folder (`mv docs docs.old && mkdir
 * docs`), or deleted and recreated. Changes made in the moved-away folder must delete nothing;
 * the daemon re-attaches to the new folder, and a file added there is uploaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fixture, remoteTitles, startDaemon, waitFor, type DaemonChild, type Fixture } from '../watch/daemon-harness.js';

const FILES = 20;
const names = Array.from({ length: FILES }, (_, index) => `f${String(index).padStart(2, '0')}.txt`);
const FLAGS = ['--settle-ms', '150', '--delete-grace-ms', '150', '--root-check-ms', '100'];

async function startOnTree(fx: Fixture): Promise<DaemonChild> {
  for (const name of names) await writeFile(path.join(fx.root, name), `content of ${name}\n`);
  const running = startDaemon(fx, FLAGS);
  await Promise.race([running.ready, running.exited.then(() => { throw new Error(`daemon exited early: ${running.output().stderr}`); })]);
  assert.deepEqual(remoteTitles(fx.emu), names, 'the start-up reconcile uploaded the tree');
  return running;
}

async function stopCleanly(running: DaemonChild): Promise<void> {
  running.child.kill('SIGTERM');
  const exit = await running.exited;
  assert.equal(exit.code, 0, running.output().stderr);
}

test('watch: a root swapped for an empty folder deletes nothing; a file added to the new folder is uploaded', { timeout: 60_000 }, async () => {
  const fx = await fixture();
  let running: DaemonChild | undefined;
  try {
    running = await startOnTree(fx);
    const daemon = running;
    const old = `${fx.root}.old`;
    await rename(fx.root, old);
    await mkdir(fx.root);
    // Changes in the moved-away folder: the watcher may still report them under the old paths.
    for (const name of names.slice(0, 9)) await unlink(path.join(old, name));
    for (const name of names.slice(9, 12)) await writeFile(path.join(old, name), `edited ${name}\n`);
    await waitFor('the daemon to notice the swapped root', () => daemon.output().stderr.includes('no longer the directory being watched'), 20_000);
    // Let any pass the old folder's events trigger run out before the new folder gets a file.
    await waitFor('the empty-root guard of the reconcile', () => daemon.output().stderr.includes('root-empty'), 20_000);
    assert.deepEqual(remoteTitles(fx.emu), names, 'documents were deleted while the root was a new empty folder');
    await writeFile(path.join(fx.root, 'fresh.txt'), 'a file in the new folder\n');
    await waitFor('fresh.txt on the remote', () => remoteTitles(fx.emu).includes('fresh.txt'), 20_000);
    assert.deepEqual(remoteTitles(fx.emu), [...names, 'fresh.txt'].sort());
    await stopCleanly(daemon);
  } finally {
    running?.kill();
    await fx.cleanup();
    await rm(`${fx.root}.old`, { recursive: true, force: true });
  }
});

test('watch: a root deleted and recreated is watched again; uploads resume', { timeout: 60_000 }, async () => {
  const fx = await fixture();
  let running: DaemonChild | undefined;
  try {
    running = await startOnTree(fx);
    const daemon = running;
    await rm(fx.root, { recursive: true, force: true });
    await waitFor('the daemon to notice the root is gone', () => daemon.output().stderr.includes('the mirror root is gone'), 20_000);
    await waitFor('the root-missing guard', () => daemon.output().stderr.includes('root-missing'), 20_000);
    await mkdir(fx.root);
    await writeFile(path.join(fx.root, 'back.txt'), 'the root came back\n');
    await waitFor('back.txt on the remote', () => remoteTitles(fx.emu).includes('back.txt'), 20_000);
    // One file back out of 20: the delete guard (--max-delete 50%) keeps the others.
    assert.deepEqual(remoteTitles(fx.emu), [...names, 'back.txt'].sort());
    await stopCleanly(daemon);
  } finally {
    running?.kill();
    await fx.cleanup();
  }
});
