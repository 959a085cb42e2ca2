/**
 * Crash suite for `lumensync watch` (issue 6): the daemon is SIGKILLed at distinct points — its
 * start-up reconcile, event-driven uploads, replacements, batched deletes, compaction, a pending
 * settle — while files keep changing, also while it is dead. After each kill the journal loads
 * and the restarted daemon converges: zero duplicates, zero missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Journal } from '../../src/journal/journal.js';
import type { EmulatorHandle, RequestLogEntry } from '../../src/emulator/server.js';
import type { FaultOptions } from '../../src/emulator/faults.js';
import { mkdir, rename, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEV_KEY, MirrorTree, assertNoSecret, auditMirrorByJournal, emulatorFixture, isRemove, isUpload, mirrorArgs, readAllBytes, removeAll, runCli, tempDir, waitFor,
  type CliResult,
} from '../helpers/harness.js';

const FOLDER = 'watched';
const FILE_COUNT = 1000;

/** One kill of the daemon: changes made while it is down, changes made once it is up, and when to kill. */
interface WatchKill {
  label: string;
  whileDown?: (tree: MirrorTree) => Promise<void>;
  whileUp?: (tree: MirrorTree) => Promise<void>;
  killWhen: (requests: RequestLogEntry[], compacting: boolean, sinceChangeMs: number) => boolean;
  /** Faults while this change is synced (issue 15: mutations applied, then answered with an error). */
  faults?: FaultOptions;
  /** Start this run with `--verify-interval 0`: its start-up reconcile lists the remote (journal-first passes would not). */
  verify?: boolean;
}

const count = (requests: RequestLogEntry[], predicate: (entry: RequestLogEntry) => boolean, answered = false): number =>
  requests.filter((entry) => predicate(entry) && (!answered || entry.status !== null)).length;
const isListing = (entry: RequestLogEntry): boolean => entry.method === 'GET' && entry.path.includes('/documents/folder/');

const KILLS: WatchKill[] = [
  { label: 'start-up reconcile of 1,000 files, 200th upload received', killWhen: (r) => count(r, isUpload) >= 200 },
  { label: 'files added while down, start-up catch-up uploading', whileDown: (t) => t.add(120), killWhen: (r) => count(r, isUpload, true) >= 60 },
  { label: 'edits while up, event-driven replacements', whileUp: (t) => t.edit(100), killWhen: (r) => count(r, isUpload, true) >= 30 },
  { label: 'deletes while up, first remove-files batch in flight', whileUp: (t) => t.remove(150), killWhen: (r) => count(r, isRemove) >= 1 },
  { label: 'deletes and additions while down, compaction during catch-up', whileDown: async (t) => { await t.remove(100); await t.add(60); }, killWhen: (_r, compacting) => compacting },
  { label: 'additions while up, killed while they settle (nothing sent yet)', whileUp: (t) => t.add(80), killWhen: (r, _c, since) => since > 60 && count(r, isUpload) === 0 },
  { label: 'renames while up', whileUp: (t) => t.renameSome(40), killWhen: (_r, _c, since) => since > 250 },
  { label: 'edits while down, killed while the start-up listing is in flight', whileDown: (t) => t.edit(100, 200), killWhen: (r) => count(r, isListing) >= 1, verify: true },
  { label: 'mixed change while up, second removal batch answered', whileUp: async (t) => { await t.remove(120); await t.edit(40, 500); }, killWhen: (r) => count(r, isRemove, true) >= 2 },
  { label: 'additions while up, compaction', whileUp: (t) => t.add(150), killWhen: (_r, compacting) => compacting },
  { label: 'edits while up, a third answered 502 after apply', whileUp: (t) => t.edit(60, 700), faults: { errorAfterApplyRate: 0.3, errorAfterApplyStatus: 502 }, killWhen: (r) => count(r, isUpload, true) >= 30 },
  { label: 'root swapped for an empty folder and back while up, then additions', whileUp: swapRootAndBack, killWhen: (r) => count(r, isUpload, true) >= 10 },
];

/** `mv root root.old && mkdir root`, a pause the daemon notices, then the original folder back and 20 new files. */
async function swapRootAndBack(tree: MirrorTree): Promise<void> {
  const old = `${tree.root}.old`;
  await rename(tree.root, old);
  await mkdir(tree.root);
  await sleep(800);
  await rm(tree.root, { recursive: true, force: true });
  await rename(old, tree.root);
  await tree.add(20);
}

/** A running daemon: its child process, its stdout so far, and its exit. */
interface Daemon { child: ChildProcess; output: () => string; exited: Promise<CliResult> }

function startDaemon(args: string[], env: NodeJS.ProcessEnv): Daemon {
  let child: ChildProcess | undefined;
  let output = '';
  const exited = runCli(args, {
    env, timeoutMs: 120_000,
    onSpawn: (spawned) => {
      child = spawned;
      spawned.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    },
  });
  return { child: child!, output: () => output, exited };
}

/** Poll until the remote equals the folder (through the journal) or fail after `timeoutMs`. */
async function waitConverged(emu: EmulatorHandle, stateDir: string, tree: MirrorTree, label: string, timeoutMs = 40_000): Promise<void> {
  let last = '';
  await waitFor(async () => {
    try {
      const audit = await auditMirrorByJournal(emu, FOLDER, stateDir, tree.files);
      last = `duplicates ${audit.duplicates.length} (${audit.duplicates.slice(0, 3).join(', ')}), missing ${audit.missing.length} (${audit.missing.slice(0, 3).join(', ')})`;
      return audit.duplicates.length === 0 && audit.missing.length === 0;
    } catch (error) {
      last = String(error);
      return false;
    }
  }, timeoutMs, `[${label}] the daemon to converge (last audit: ${last})`, 150).catch((error: Error) => { throw new Error(`${error.message}; last audit: ${last}`); });
}

test(`watch crash suite: ${KILLS.length} SIGKILLs of the daemon while files change; every restart converges`, { timeout: 270_000 }, async () => {
  const baseFaults: FaultOptions = { latencyMs: 3, latencyJitterMs: 5 };
  const { emu, env } = await emulatorFixture(baseFaults);
  const root = await tempDir('lumensync-watch-crash-root-');
  const stateParent = await tempDir('lumensync-watch-crash-state-');
  const stateDir = path.join(stateParent, 'state');
  const runEnv = { ...env, LUMENSYNC_JOURNAL_COMPACT_EVERY: '40' };
  const args = mirrorArgs('watch', root, stateDir, FOLDER, ['--concurrency', '8', '--max-delete', '100%', '--settle-ms', '300', '--delete-grace-ms', '200', '--watcher', 'chokidar', '--root-check-ms', '100',
    '--log-level', 'info', '--log-file', path.join(stateParent, 'watch.log')]);
  const tree = new MirrorTree(root);
  const figures = { kills: 0, tornTails: 0, openIntents: 0 };
  const captured: string[] = [];
  try {
    await tree.seed(FILE_COUNT);
    let daemon: Daemon | undefined;

    for (const kill of KILLS) {
      if (kill.whileDown) {
        assert.equal(daemon, undefined);
        await kill.whileDown(tree);
      }
      const fromSeq = emu.requestLog.at(-1)?.seq ?? 0;
      let compacting = false;
      let changedAt = Date.now();
      let fsWatcher: FSWatcher | undefined;
      try { fsWatcher = watch(stateDir, (_event, name) => { if (name === 'journal.snapshot.tmp') compacting = true; }); } catch { /* no state dir before the first start */ }
      if (!daemon) daemon = startDaemon(kill.verify ? [...args, '--verify-interval', '0'] : args, runEnv);
      const running = daemon;
      if (kill.whileUp) {
        await waitFor(() => running.output().includes('lumensync watch: ready'), 40_000, `[${kill.label}] the daemon to be ready`);
        await waitConverged(emu, stateDir, tree, kill.label);
        // Only this change's requests count toward the trigger.
        const changeSeq = emu.requestLog.at(-1)?.seq ?? 0;
        compacting = false;
        if (kill.faults) emu.setFaults({ ...baseFaults, ...kill.faults });
        await kill.whileUp(tree);
        changedAt = Date.now();
        await waitFor(() => {
          const requests = emu.requestLog.filter((entry) => entry.seq > changeSeq);
          return kill.killWhen(requests, compacting, Date.now() - changedAt);
        }, 40_000, `[${kill.label}] the kill point`, 1);
      } else {
        await waitFor(() => kill.killWhen(emu.requestLog.filter((entry) => entry.seq > fromSeq), compacting, Date.now() - changedAt), 40_000, `[${kill.label}] the kill point`, 1);
      }
      running.child.kill('SIGKILL');
      fsWatcher?.close();
      if (kill.faults) emu.setFaults(baseFaults);
      const result = await running.exited;
      daemon = undefined;
      captured.push(result.stdout, result.stderr);
      assert.equal(result.signal, 'SIGKILL', `[${kill.label}] the daemon exited on its own: ${result.stdout}${result.stderr}`);
      figures.kills += 1;
      const journal = await Journal.open({ stateDir, readOnly: true });
      figures.tornTails += journal.recovery.tornTail ? 1 : 0;
      figures.openIntents += journal.recovery.openIntents.length;
      await journal.close();
      // Restarted, the daemon must converge (changes for the next kill may be made while it is down).
      const next = KILLS[KILLS.indexOf(kill) + 1];
      if (!next?.whileDown) {
        daemon = startDaemon(args, runEnv);
        await waitConverged(emu, stateDir, tree, `${kill.label}, after restart`);
      } else {
        const restarted = startDaemon(args, runEnv);
        // SIGTERM before its handler is installed would kill it outright: wait for the ready line first.
        await waitFor(() => restarted.output().includes('lumensync watch: ready'), 40_000, `[${kill.label}] the restarted daemon to be ready`);
        await waitConverged(emu, stateDir, tree, `${kill.label}, after restart`);
        restarted.child.kill('SIGTERM');
        const stopped = await restarted.exited;
        captured.push(stopped.stdout, stopped.stderr);
        assert.equal(stopped.code, 0, `a drained daemon exits 0: ${stopped.stdout}${stopped.stderr}`);
      }
    }
    if (daemon) {
      const last = daemon;
      await waitFor(() => last.output().includes('lumensync watch: ready'), 40_000, 'the last daemon to be ready');
      await waitConverged(emu, stateDir, tree, 'final');
      daemon.child.kill('SIGTERM');
      const stopped = await daemon.exited;
      captured.push(stopped.stdout, stopped.stderr);
      assert.equal(stopped.code, 0);
    }
    const audit = await auditMirrorByJournal(emu, FOLDER, stateDir, tree.files);
    assert.deepEqual({ duplicates: audit.duplicates, missing: audit.missing }, { duplicates: [], missing: [] });
    const settled = await Journal.open({ stateDir, readOnly: true });
    assert.equal(settled.recovery.openIntents.length, 0, 'intents of killed daemons were left open after convergence');
    await settled.close();
    assertNoSecret(DEV_KEY, ...captured, await readAllBytes(stateParent));
    process.stdout.write(`watch crash suite: kills survived ${figures.kills}, torn journal tails recovered ${figures.tornTails}, open intents settled ${figures.openIntents}, ` +
      `documents lost: ${audit.missing.length}, duplicates: ${audit.duplicates.length}, final files ${tree.files.size}\n`);
  } finally {
    await emu.close();
    await removeAll(root, stateParent);
  }
});
