/**
 * `lumensync approve` end to end, with `kill -9` of the daemon between the guard and the
 * approval: nothing is deleted that was not approved, an approval is applied once, and an
 * approval for one held set never lets a bigger one through. Also `why` beside a running
 * daemon and after it stopped, and the pass history (`status --json`, bounded by --history-size).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, type CliResult } from '../helpers/harness.js';
import { readStatusFile } from '../../src/watch/status-file.js';
import { readHistory } from '../../src/watch/history.js';
import { uploadsSince, fixture, remoteTitles, removalsSince, startDaemon, waitFor, type DaemonChild, type Fixture } from './daemon-harness.js';

/** Run the CLI without blocking: the emulator lives in this process and must keep answering the daemon. */
const cli = (fx: Fixture, args: string[]): Promise<CliResult> => runCli(args, { env: fx.env, timeoutMs: 90_000 });

interface StatusMirror {
  daemon?: { held?: { count: number; fingerprint: string }; approvalProblem?: string; lastApproval?: { count: number } };
  history: { kind: string; uploads: number; deletes: number; held: number; released: number; verified: boolean }[];
}
/** The daemon's status file, read directly (cheap enough to poll; the CLI is checked once at the end). */
const daemonStatus = (fx: Fixture): StatusMirror['daemon'] => readStatusFile(fx.stateDir) as StatusMirror['daemon'];
const status = async (fx: Fixture): Promise<StatusMirror> => {
  const result = await cli(fx, ['status', '--state-dir', fx.stateDir, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { mirrors: StatusMirror[] }).mirrors[0]!;
};

const started = async (daemon: DaemonChild): Promise<void> => {
  await Promise.race([daemon.ready, daemon.exited.then(() => { throw new Error(`daemon exited early: ${daemon.output().stderr}`); })]);
};
const killed = async (daemon: DaemonChild): Promise<void> => {
  daemon.child.kill('SIGKILL');
  await daemon.exited;
};
const FLAGS = ['--max-delete', '2', '--settle-ms', '100', '--delete-grace-ms', '100', '--status-interval-ms', '200'];

/** Move the folder `name` out of the root: its files go in one event, so in one pass. */
const moveAway = (fx: Fixture, name: string): Promise<void> => rename(path.join(fx.root, name), path.join(fx.base, `away-${name}`));

test('approve: kill -9 between guard and approval; applied once at restart; a bigger set is never approved by an old approval', { timeout: 240_000 }, async () => {
  const fx = await fixture();
  const daemons: DaemonChild[] = [];
  const start = async (): Promise<DaemonChild> => {
    const daemon = startDaemon(fx, FLAGS);
    daemons.push(daemon);
    await started(daemon);
    return daemon;
  };
  try {
    // Folders a (4 files), b (3) and c (1), and 2 files that stay.
    const names = ['a/f0.txt', 'a/f1.txt', 'a/f2.txt', 'a/f3.txt', 'b/f4.txt', 'b/f5.txt', 'b/f6.txt', 'c/f7.txt', 'f8.txt', 'f9.txt'];
    for (const name of names) {
      await mkdir(path.dirname(path.join(fx.root, name)), { recursive: true });
      await writeFile(path.join(fx.root, name), `content of ${name}\n`);
    }
    let daemon = await start();
    assert.equal(remoteTitles(fx.emu).length, 10);

    // The guard holds 4 deletes; the daemon dies before anyone approves.
    await moveAway(fx, 'a');
    await waitFor('4 deletes held', () => daemonStatus(fx)?.held?.count === 4, 30_000);
    await killed(daemon);
    assert.equal(remoteTitles(fx.emu).length, 10, 'nothing deleted while held');

    // Approving while it is down: applied at the next start, once, exactly that set.
    const approved = await cli(fx, ['approve', 'watched', '--state-dir', fx.stateDir]);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /approved 4 delete\(s\)/);
    assert.match(approved.stdout, /not running: it applies them once at its next start/);
    const logFrom = fx.emu.requestLog.length;
    daemon = await start();
    await waitFor('approved deletes applied', () => remoteTitles(fx.emu).length === 6, 30_000);
    assert.deepEqual(remoteTitles(fx.emu), names.slice(4));
    assert.equal(removalsSince(fx.emu, logFrom).flatMap((entry) => entry.removeFiles!).length, 4, 'each approved document removed once');
    assert.equal(existsSync(path.join(fx.stateDir, 'approval.json')), false, 'the approval is used up');
    await waitFor('status shows the applied approval', () => daemonStatus(fx)?.lastApproval?.count === 4, 5000);

    // Nothing approved twice: a new set of 3 is held, and stays held.
    await moveAway(fx, 'b');
    await waitFor('3 deletes held', () => daemonStatus(fx)?.held?.count === 3, 30_000);
    await killed(daemon);

    // An approval for those 3, then one more file goes before the daemon is back: 4 ≠ 3, nothing deleted.
    assert.equal((await cli(fx, ['approve', 'watched', '--state-dir', fx.stateDir])).code, 0);
    await moveAway(fx, 'c');
    daemon = await start();
    await waitFor('the mismatch is reported', () => /approval for 3 action\(s\) waits, but the guard now holds 4/.test(daemonStatus(fx)?.approvalProblem ?? ''), 20_000);
    assert.deepEqual(remoteTitles(fx.emu), names.slice(4), 'no delete of the bigger set');
    assert.equal(existsSync(path.join(fx.stateDir, 'approval.json')), true, 'the old approval is not consumed by another set');

    // Approving what is held now lets exactly those 4 go.
    const again = await cli(fx, ['approve', 'watched', '--state-dir', fx.stateDir]);
    assert.match(again.stdout, /approved 4 delete\(s\)/);
    await waitFor('the 4 deleted', () => remoteTitles(fx.emu).length === 2, 30_000);
    assert.deepEqual(remoteTitles(fx.emu), ['f8.txt', 'f9.txt']);

    // History: every pass recorded, the approved ones marked; status --json shows it.
    const history = (await status(fx)).history;
    assert.ok(history.length >= 4, `passes recorded: ${history.length}`);
    assert.ok(history.some((pass) => pass.released === 4), 'an approved pass is in the history');
    assert.ok(history.some((pass) => pass.kind === 'full' && pass.verified && pass.uploads === 10), 'the first full pass uploaded 10 and verified');
    const text = await cli(fx, ['status', '--state-dir', fx.stateDir]);
    assert.match(text.stdout, /recent passes \(newest first, \d+ kept\):/);
    assert.match(text.stdout, /4 approved/);
  } finally {
    for (const daemon of daemons) daemon.kill();
    await fx.cleanup();
  }
});

test('why: ignored (rule, file, line), in sync (docpath, workspaces, upload time), failed, pending; beside the daemon and after it stopped', { timeout: 240_000 }, async () => {
  const fx = await fixture();
  let daemon: DaemonChild | undefined;
  type Why = Record<string, unknown> & { state: string; summary: string };
  try {
    fx.emu.setFaults({ maxUploadBytes: 4096 });
    await mkdir(path.join(fx.root, 'notes'));
    await writeFile(path.join(fx.root, 'notes', '.lumenignore'), '# drafts stay local\n*.draft\n');
    await writeFile(path.join(fx.root, 'notes', 'plan.draft'), 'draft\n');
    await writeFile(path.join(fx.root, 'notes', 'plan.md'), 'the plan\n');
    await writeFile(path.join(fx.root, 'big.txt'), 'x'.repeat(10_000));
    // A one-off sync first: it records its run in the same history.
    const synced0 = await cli(fx, ['sync', fx.root, '--org', 'acme', '--folder', 'watched', '--workspace', 'support-bot', '--state-dir', fx.stateDir, '--progress', 'false']);
    assert.equal(synced0.code, 1, `big.txt fails: exit 1; ${synced0.stdout} ${synced0.stderr}`);
    assert.match(synced0.stdout, /failed upload big.txt/, synced0.stderr);
    const afterSync = JSON.parse(readFileSync(path.join(fx.stateDir, 'history.json'), 'utf8')) as { passes: { uploads: number; failures: number }[] };
    assert.deepEqual(afterSync.passes.map((pass) => [pass.uploads, pass.failures]), [[1, 1]], 'plan.md uploaded, big.txt failed');
    daemon = startDaemon(fx, ['--history-size', '2', '--status-interval-ms', '200', '--settle-ms', '100']);
    await started(daemon);
    // The mirror is found by the path (the status file names its root) among the state dirs given.
    const whyIn = async (target: string): Promise<Why> => {
      const result = await cli(fx, ['why', target, '--state-dir', fx.stateDir, '--json']);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as Why;
    };

    const ignored = await whyIn(path.join(fx.root, 'notes', 'plan.draft'));
    assert.equal(ignored.state, 'ignored');
    assert.deepEqual(ignored.ignoredBy, { matched: 'notes/plan.draft', pattern: '*.draft', source: path.join(fx.root, 'notes', '.lumenignore'), line: 2 });

    const synced = await whyIn(path.join(fx.root, 'notes', 'plan.md'));
    assert.equal(synced.state, 'unchanged', synced.summary);
    assert.match(String(synced.docpath), /^acme\/watched\//);
    assert.deepEqual(synced.embeddedIn, ['support-bot']);
    assert.equal(typeof synced.lastUploadedAt, 'number');

    const failed = await whyIn(path.join(fx.root, 'big.txt'));
    assert.equal(failed.state, 'failed');
    assert.match(failed.summary, /413/);
    // One attempt per pass that saw it: the start-up reconcile, plus a scoped pass when the watcher
    // reports files written just before the daemon started.
    const attempts = (failed.failure as { attempts: number }).attempts;
    assert.ok(attempts >= 1 && attempts <= 3, `attempts: ${attempts}`);

    // Human output too.
    const text = await cli(fx, ['why', path.join(fx.root, 'notes', 'plan.draft'), '--state-dir', fx.stateDir]);
    assert.match(text.stdout, /ignored: rule "\*\.draft" in .*\.lumenignore \(line 2\)/);

    // Three more passes, so --history-size 2 has something to bound.
    // A pass counts once it is recorded and started after the write: the watcher may report one
    // write twice, and a second, empty pass may be the newest entry by the time this looks.
    for (let round = 1; round <= 3; round += 1) {
      const before = uploadsSince(fx.emu, 0).length;
      const writtenAt = Date.now();
      await writeFile(path.join(fx.root, 'notes', 'log.md'), `round ${round}\n`);
      await waitFor(`round ${round} uploaded`, () => uploadsSince(fx.emu, 0).length > before && (readHistory(fx.stateDir).at(-1)?.startedAt ?? 0) >= writtenAt, 20_000);
    }

    // After the daemon stopped: a changed file is pending, the answer still comes from the state dir.
    daemon.child.kill('SIGTERM');
    assert.equal((await daemon.exited).code, 0);
    await writeFile(path.join(fx.root, 'notes', 'plan.md'), 'the plan, edited while stopped\n');
    const pending = await whyIn(path.join(fx.root, 'notes', 'plan.md'));
    assert.equal(pending.state, 'pending');
    assert.match(pending.summary, /content changed since it was uploaded/);

    // Outside every mirrored folder: a clear error, exit 2.
    const outside = await cli(fx, ['why', fx.base, '--state-dir', fx.stateDir]);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /not inside a folder that a lumensync watch daemon mirrors/);

    // History bounded by --history-size.
    const history = JSON.parse(readFileSync(path.join(fx.stateDir, 'history.json'), 'utf8')) as { passes: unknown[] };
    assert.equal(history.passes.length, 2, 'only the last 2 passes are kept');
  } finally {
    daemon?.kill();
    await fx.cleanup();
  }
});
