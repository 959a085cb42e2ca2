/**
 * The watch daemon's life: changes made while it was stopped, the remote going down and
 * coming back (healthz 503 meanwhile), SIGTERM drain with the journal consistent, kill -9 and
 * restart without duplicates, and `lumensync status` telling running from stopped from dead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CLI, fixture, getHealth, readJournal, remoteTitles, startDaemon, uploadsSince, waitFor, type DaemonChild, type Fixture } from './daemon-harness.js';

const writeMany = async (root: string, dir: string, count: number): Promise<void> => {
  await mkdir(path.join(root, dir), { recursive: true });
  await Promise.all(Array.from({ length: count }, (_, index) => writeFile(path.join(root, dir, `f${index}.txt`), `${dir} ${index}\n`)));
};

const statusJson = (fx: Fixture): { running: boolean; condition: string; daemon?: { state: string } } => {
  const result = spawnSync(process.execPath, [CLI, 'status', '--state-dir', fx.stateDir, '--json'], { env: fx.env, encoding: 'utf8', timeout: 10_000 });
  assert.equal(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as { mirrors: { running: boolean; condition: string; daemon?: { state: string } }[] }).mirrors[0]!;
};

const started = async (daemon: DaemonChild): Promise<number | undefined> =>
  Promise.race([daemon.ready, daemon.exited.then(() => { throw new Error(`daemon exited early: ${daemon.output().stderr}`); })]);

/** Run `body` with a fixture, killing any daemon and removing everything afterwards. */
async function withFixture(body: (fx: Fixture, track: (daemon: DaemonChild) => DaemonChild) => Promise<void>): Promise<void> {
  const fx = await fixture();
  const daemons: DaemonChild[] = [];
  try {
    await body(fx, (daemon) => { daemons.push(daemon); return daemon; });
  } finally {
    for (const daemon of daemons) daemon.kill();
    await fx.cleanup();
  }
}

test('changes made while the daemon was stopped are found at start; status tells stopped from running', { timeout: 40_000 }, () => withFixture(async (fx, track) => {
  await writeFile(path.join(fx.root, 'a.txt'), 'alpha\n');
  await writeFile(path.join(fx.root, 'b.txt'), 'beta\n');
  const first = track(startDaemon(fx));
  await started(first);
  assert.equal(statusJson(fx).running, true);
  first.child.kill('SIGINT');
  assert.equal((await first.exited).code, 0);
  const stopped = statusJson(fx);
  assert.equal(stopped.running, false);
  assert.match(stopped.condition, /stopped cleanly/);

  await writeFile(path.join(fx.root, 'a.txt'), 'alpha, changed offline\n');
  await unlink(path.join(fx.root, 'b.txt'));
  await writeFile(path.join(fx.root, 'c.txt'), 'gamma\n');
  const logFrom = fx.emu.requestLog.length;
  const second = track(startDaemon(fx));
  await started(second);
  assert.deepEqual(remoteTitles(fx.emu), ['a.txt', 'c.txt'], 'converged by the start-up reconcile, before ready');
  assert.deepEqual(uploadsSince(fx.emu, logFrom).map((entry) => entry.upload!.title).sort(), ['a.txt', 'c.txt']);
  second.child.kill('SIGTERM');
  assert.equal((await second.exited).code, 0);
}));

test('remote down for 10 s: healthz 503 while down, converges once it is back', { timeout: 45_000 }, () => withFixture(async (fx, track) => {
  await writeFile(path.join(fx.root, 'a.txt'), 'alpha\n');
  const daemon = track(startDaemon(fx, ['--retries', '1', '--max-backoff', '2']));
  const port = (await started(daemon))!;
  assert.equal((await getHealth(port)).status, 200);
  fx.emu.setFaults({ down: true });
  const downAt = Date.now();
  await writeFile(path.join(fx.root, 'during-outage.txt'), 'written while the remote was down\n');
  await waitFor('healthz 503', async () => (await getHealth(port)).status === 503, 8000);
  const report = JSON.parse((await getHealth(port)).body) as { mirrors: { lastError?: string; remoteReachable: boolean }[] };
  assert.equal(report.mirrors[0]!.remoteReachable, false);
  assert.ok(report.mirrors[0]!.lastError, 'healthz says what is wrong');
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - downAt))));
  const requestsWhileDown = fx.emu.requestLog.filter((entry) => entry.receivedAt >= downAt).length;
  assert.ok(requestsWhileDown < 40, `backoff, not a busy loop: ${requestsWhileDown} requests in 10 s`);
  fx.emu.setFaults({});
  await waitFor('during-outage.txt on the remote', () => remoteTitles(fx.emu).includes('during-outage.txt'), 15_000);
  await waitFor('healthz 200 again', async () => (await getHealth(port)).status === 200, 10_000);
  const metrics = (await getHealth(port, '/metrics')).body;
  assert.match(metrics, /lumensync_uploads_total\{mirror="watched"\} 2/);
  assert.match(metrics, /lumensync_request_duration_seconds_bucket/);
  daemon.child.kill('SIGTERM');
  assert.equal((await daemon.exited).code, 0);
  assert.equal((await readJournal(fx.stateDir)).openIntents, 0);
}));

test('SIGTERM mid-burst drains within the deadline, exits 0, journal consistent; restart finishes without duplicates', { timeout: 45_000 }, () => withFixture(async (fx, track) => {
  await writeFile(path.join(fx.root, 'a.txt'), 'alpha\n');
  const daemon = track(startDaemon(fx, ['--rate', '20', '--drain-timeout-ms', '5000']));
  await started(daemon);
  await writeMany(fx.root, 'burst', 300);
  await waitFor('the burst is being uploaded', () => remoteTitles(fx.emu).length > 20, 15_000);
  const signalledAt = Date.now();
  daemon.child.kill('SIGTERM');
  const exit = await daemon.exited;
  assert.equal(exit.code, 0, daemon.output().stderr);
  assert.ok(Date.now() - signalledAt < 7000, `drained in ${Date.now() - signalledAt} ms`);
  assert.ok(remoteTitles(fx.emu).length < 301, 'stopped taking new work');
  assert.equal((await readJournal(fx.stateDir)).openIntents, 0, 'every intent has an outcome');

  const again = track(startDaemon(fx, ['--rate', '0']));
  await started(again);
  const titles = remoteTitles(fx.emu);
  assert.equal(titles.length, 301);
  assert.equal(new Set(titles).size, 301, 'no duplicates');
  again.child.kill('SIGTERM');
  assert.equal((await again.exited).code, 0);
}));

test('kill -9 mid-burst: status says the pid is dead; restart converges with no duplicates', { timeout: 45_000 }, () => withFixture(async (fx, track) => {
  await writeFile(path.join(fx.root, 'a.txt'), 'alpha\n');
  const daemon = track(startDaemon(fx, ['--rate', '20', '--status-interval-ms', '200']));
  await started(daemon);
  await writeMany(fx.root, 'burst', 200);
  await waitFor('the burst is being uploaded', () => remoteTitles(fx.emu).length > 20, 15_000);
  daemon.child.kill('SIGKILL');
  await daemon.exited;
  const dead = statusJson(fx);
  assert.equal(dead.running, false);
  assert.match(dead.condition, /dead|stale lock/);

  const again = track(startDaemon(fx, ['--rate', '0']));
  await started(again);
  const titles = remoteTitles(fx.emu);
  assert.equal(titles.length, 201);
  assert.equal(new Set(titles).size, 201, 'no duplicates');
  again.child.kill('SIGTERM');
  assert.equal((await again.exited).code, 0);
}));
