/**
 * The watch daemon against real filesystem events and the emulator: one daemon child per case,
 * started on a prepared tree, then one change, then checks on what reached the remote.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readStatusFile } from '../../src/watch/status-file.js';
import { fixture, getHealth, readJournal, type DaemonChild, remoteTitles, removalsSince, startDaemon, uploadsSince, waitFor, type Fixture } from './daemon-harness.js';

interface EventCase {
  label: string;
  /** Files present before the daemon starts (relative path → content). */
  before: Record<string, string>;
  extraFlags?: string[];
  /** Extra environment of the daemon (e.g. a watcher that loses events). */
  env?: Record<string, string>;
  act: (fx: Fixture) => Promise<void>;
  verify: (fx: Fixture, logFrom: number, actedAt: number, healthPort: number | undefined) => Promise<void>;
}

const many = (count: number, dir: string): Record<string, string> =>
  Object.fromEntries(Array.from({ length: count }, (_, index) => [`${dir}/f${index}.txt`, `content ${dir} ${index}\n`]));

const cases: EventCase[] = [
  {
    label: 'create: a new file appears as a document within 3 s',
    before: { 'a.txt': 'alpha\n' },
    act: (fx) => writeFile(path.join(fx.root, 'new.txt'), 'new file\n'),
    verify: async (fx, _from, actedAt) => {
      await waitFor('new.txt on the remote', () => remoteTitles(fx.emu).includes('new.txt'), 5000);
      assert.ok(Date.now() - actedAt <= 3000, `appeared after ${Date.now() - actedAt} ms`);
    },
  },
  {
    label: 'modify: one replacement upload, the old document removed',
    before: { 'a.txt': 'alpha\n', 'b.txt': 'beta\n' },
    act: (fx) => writeFile(path.join(fx.root, 'a.txt'), 'alpha, edited\n'),
    verify: async (fx, from) => {
      await waitFor('replacement done', () => removalsSince(fx.emu, from).length > 0, 8000);
      const uploads = uploadsSince(fx.emu, from);
      assert.deepEqual(uploads.map((entry) => entry.upload!.title), ['a.txt']);
      assert.deepEqual(remoteTitles(fx.emu), ['a.txt', 'b.txt']);
    },
  },
  {
    label: 'delete: the document is removed',
    before: { 'a.txt': 'alpha\n', 'b.txt': 'beta\n', 'c.txt': 'gamma\n' },
    act: (fx) => unlink(path.join(fx.root, 'b.txt')),
    verify: async (fx, from) => {
      await waitFor('b.txt removed', () => !remoteTitles(fx.emu).includes('b.txt'), 8000);
      assert.equal(uploadsSince(fx.emu, from).length, 0);
      assert.deepEqual(remoteTitles(fx.emu), ['a.txt', 'c.txt']);
    },
  },
  {
    label: 'rename inside the tree: no upload, the document follows the file',
    before: { 'a.txt': 'alpha\n', 'docs/b.txt': 'beta\n', 'c.txt': 'gamma\n' },
    act: async (fx) => {
      await mkdir(path.join(fx.root, 'moved'));
      await rename(path.join(fx.root, 'docs', 'b.txt'), path.join(fx.root, 'moved', 'b2.txt'));
    },
    verify: async (fx, from) => {
      await waitFor('journal follows the rename', async () => (await readJournal(fx.stateDir)).paths.includes('moved/b2.txt'), 8000);
      assert.equal(uploadsSince(fx.emu, from).length, 0, 'a rename must not upload');
      assert.equal(removalsSince(fx.emu, from).length, 0, 'a rename must not delete');
      assert.equal(remoteTitles(fx.emu).length, 3);
    },
  },
  {
    label: 'atomic save (temp file renamed over the original): one replacement, no delete before the upload',
    before: { 'a.txt': 'alpha\n', 'b.txt': 'beta\n' },
    act: async (fx) => {
      const temporary = path.join(fx.root, '.a.txt.tmp-4242');
      await writeFile(temporary, 'alpha, saved atomically\n');
      await rename(temporary, path.join(fx.root, 'a.txt'));
    },
    verify: async (fx, from) => {
      await waitFor('replacement done', () => removalsSince(fx.emu, from).length > 0, 8000);
      const uploads = uploadsSince(fx.emu, from);
      assert.deepEqual(uploads.map((entry) => entry.upload!.title), ['a.txt'], 'exactly one upload, of a.txt');
      const firstRemoval = removalsSince(fx.emu, from)[0]!;
      assert.ok(uploads[0]!.seq < firstRemoval.seq, 'the upload precedes the removal of the old document');
      assert.deepEqual(remoteTitles(fx.emu), ['a.txt', 'b.txt']);
    },
  },
  {
    label: 'a watcher that loses an atomic save\'s rename (events of a.txt dropped): a.txt is replaced all the same',
    before: { 'a.txt': 'alpha\n', 'b.txt': 'beta\n' },
    env: { LUMENSYNC_WATCH_DROP_EVENTS: '^a\\.txt$' },
    act: async (fx) => {
      const temporary = path.join(fx.root, '.a.txt.tmp-4242');
      await writeFile(temporary, 'alpha, saved atomically\n');
      // The watcher hands the temporary file over before the rename (as in the race it models):
      // a rename in the same batch would cancel its create, and nothing would be left to hint at a.txt.
      await sleep(600);
      await rename(temporary, path.join(fx.root, 'a.txt'));
    },
    verify: async (fx, from, _actedAt, healthPort) => {
      await waitFor('replacement done', () => removalsSince(fx.emu, from).length > 0, 8000);
      assert.deepEqual(uploadsSince(fx.emu, from).map((entry) => entry.upload!.title), ['a.txt'], 'exactly one upload, of a.txt');
      assert.deepEqual(remoteTitles(fx.emu), ['a.txt', 'b.txt']);
      // A lost event was proven: the full reconcile (which finds losses a directory cannot show) comes within a minute, not at the hour.
      await waitFor('the next full reconcile within a minute', () => (readStatusFile(fx.stateDir)?.nextReconcileAt ?? Infinity) <= Date.now() + 61_000, 5000);
      assert.match((await getHealth(healthPort!, '/metrics')).body, /lumensync_watch_lost_events_total\{mirror="watched"\} 1\n/);
    },
  },
  {
    label: 'a watcher that loses a rename\'s target (events of moved.txt dropped): the document follows the file, no upload',
    before: { 'a.txt': 'alpha\n', 'b.txt': 'beta\n', 'c.txt': 'gamma\n' },
    env: { LUMENSYNC_WATCH_DROP_EVENTS: '^moved\\.txt$' },
    act: (fx) => rename(path.join(fx.root, 'b.txt'), path.join(fx.root, 'moved.txt')),
    verify: async (fx, from) => {
      await waitFor('journal follows the rename', async () => (await readJournal(fx.stateDir)).paths.includes('moved.txt'), 8000);
      assert.equal(uploadsSince(fx.emu, from).length, 0, 'a rename must not upload');
      assert.equal(removalsSince(fx.emu, from).length, 0, 'a rename must not delete');
      assert.equal(remoteTitles(fx.emu).length, 3);
    },
  },
  {
    label: 'burst: 2,000 files copied in at once all arrive, each uploaded once',
    before: { 'a.txt': 'alpha\n' },
    extraFlags: ['--rate', '0', '--concurrency', '8'],
    act: async (fx) => {
      await mkdir(path.join(fx.root, 'burst'));
      const files = Object.entries(many(2000, 'burst'));
      for (let index = 0; index < files.length; index += 200) {
        await Promise.all(files.slice(index, index + 200).map(([relativePath, content]) => writeFile(path.join(fx.root, relativePath), content)));
      }
    },
    verify: async (fx, from) => {
      await waitFor('2,001 documents', () => remoteTitles(fx.emu).length === 2001, 25_000);
      const titles = uploadsSince(fx.emu, from).map((entry) => entry.upload!.title);
      assert.equal(titles.length, 2000, 'one upload per file');
      assert.equal(new Set(titles).size, 2000);
    },
  },
  {
    label: 'a folder of 500 files deleted as a whole: batched remove-files',
    before: { ...many(500, 'gone'), 'keep.txt': 'kept\n' },
    extraFlags: ['--rate', '0', '--concurrency', '8', '--max-delete', '100%'],
    act: (fx) => rm(path.join(fx.root, 'gone'), { recursive: true }),
    verify: async (fx, from) => {
      await waitFor('only keep.txt left', () => remoteTitles(fx.emu).length === 1, 15_000);
      const removals = removalsSince(fx.emu, from);
      assert.equal(removals.flatMap((entry) => entry.removeFiles!).length, 500);
      assert.ok(removals.length <= Math.ceil(500 / 50) + 2, `${removals.length} remove-files requests`);
      assert.equal(uploadsSince(fx.emu, from).length, 0);
    },
  },
];

for (const eventCase of cases) {
  test(eventCase.label, { timeout: 45_000 }, async () => {
    const fx = await fixture();
    let running: DaemonChild | undefined;
    try {
      for (const [relativePath, content] of Object.entries(eventCase.before)) {
        await mkdir(path.dirname(path.join(fx.root, relativePath)), { recursive: true });
        await writeFile(path.join(fx.root, relativePath), content);
      }
      running = startDaemon(eventCase.env === undefined ? fx : { ...fx, env: { ...fx.env, ...eventCase.env } }, eventCase.extraFlags);
      const healthPort = await Promise.race([running.ready, running.exited.then((): never => { throw new Error(`daemon exited early: ${running!.output().stderr}`); })]);
      assert.equal(remoteTitles(fx.emu).length, Object.keys(eventCase.before).length, 'the start-up reconcile uploaded the tree');
      const logFrom = fx.emu.requestLog.length;
      const actedAt = Date.now();
      await eventCase.act(fx);
      try {
        await eventCase.verify(fx, logFrom, actedAt, healthPort);
      } catch (error) {
        // A failure says what the daemon logged and what reached the server since the act, so a rare one can be read.
        const requests = fx.emu.requestLog.slice(logFrom).map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
        const log = running.output().stderr.trimEnd().split('\n').slice(-40).join('\n');
        throw new Error(`${(error as Error).message}\n--- requests since the act (${requests.length}) ---\n${requests.slice(0, 40).join('\n')}\n--- the daemon's last log lines ---\n${log}`, { cause: error });
      }
      running.child.kill('SIGTERM');
      const exit = await running.exited;
      assert.equal(exit.code, 0, running.output().stderr);
      assert.equal((await readJournal(fx.stateDir)).openIntents, 0);
    } finally {
      running?.kill();
      await fx.cleanup();
    }
  });
}
