/**
 * Crash suite (issue 6): `lumensync sync` is SIGKILLed at 20+ distinct points of a 2,000-file
 * mirror against an emulator with latency — scanning, uploading, replacing, batched deletes and
 * journal compaction — and after each kill the journal loads and the next run converges with
 * zero duplicates and zero missing documents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Journal } from '../../src/journal/journal.js';
import type { RequestLogEntry } from '../../src/emulator/server.js';
import type { FaultOptions } from '../../src/emulator/faults.js';
import {
  DEV_KEY, MirrorTree, assertNoSecret, auditMirrorByJournal, emulatorFixture, isRemove, isUpload, mirrorArgs, readAllBytes, removeAll, runCli, tempDir,
} from '../helpers/harness.js';

const FOLDER = 'crash';
const FILE_COUNT = 2000;
const SNAPSHOT_TMP = 'journal.snapshot.tmp';

/** What a kill trigger sees: this run's requests and whether a compaction is under way. */
interface TriggerView { requests: RequestLogEntry[]; sinceSpawnMs: number; compacting: boolean }

/** One kill point: a workload change, then the condition on which the running sync is SIGKILLed. */
interface KillPoint {
  label: string;
  phase: 'scanning' | 'uploading' | 'replacing' | 'deleting' | 'compaction' | 'listing';
  mutate: (tree: MirrorTree) => Promise<void>;
  killWhen: (view: TriggerView) => boolean;
  /** Faults of the killed run only (issue 15: uploads applied, then answered with an error). */
  faults?: FaultOptions;
  /** Run with `--verify`: the point is inside a listing, or is found by the resolution requests (journal-first runs send none). */
  verify?: boolean;
}

const count = (requests: RequestLogEntry[], predicate: (entry: RequestLogEntry) => boolean, answered = false): number =>
  requests.filter((entry) => predicate(entry) && (!answered || entry.status !== null)).length;
const isListing = (entry: RequestLogEntry): boolean => entry.method === 'GET' && entry.path.includes('/documents/folder/');
const resolved = (requests: RequestLogEntry[]): boolean => requests.some((entry) => entry.method === 'GET' && entry.path.includes('/workspace'));
const nothing = async (): Promise<void> => undefined;

/** 22 distinct kill points; the workload changes between kills (edits → replacements, deletes → batches). */
const KILL_POINTS: KillPoint[] = [
  { label: 'first run, hashing 2,000 files', phase: 'scanning', mutate: nothing, killWhen: (v) => resolved(v.requests) },
  { label: '300 new files, first upload in flight', phase: 'uploading', mutate: (t) => t.add(300), killWhen: (v) => count(v.requests, isUpload) >= 1 },
  { label: '300 new files, 100 uploads answered', phase: 'uploading', mutate: (t) => t.add(300), killWhen: (v) => count(v.requests, isUpload, true) >= 100 },
  { label: '300 new files, 250th upload received', phase: 'uploading', mutate: (t) => t.add(300), killWhen: (v) => count(v.requests, isUpload) >= 250 },
  { label: '300 new files, compaction', phase: 'compaction', mutate: (t) => t.add(300), killWhen: (v) => v.compacting },
  { label: '200 edits, 50 replacement uploads answered', phase: 'replacing', mutate: (t) => t.edit(200), killWhen: (v) => count(v.requests, isUpload, true) >= 50 },
  { label: '200 edits, all replacements uploaded, first old-document removal in flight', phase: 'replacing', mutate: (t) => t.edit(200, 300), killWhen: (v) => count(v.requests, isRemove) >= 1 },
  { label: '200 edits, 2 removal batches answered', phase: 'replacing', mutate: (t) => t.edit(200, 600), killWhen: (v) => count(v.requests, isRemove, true) >= 2 },
  { label: '200 edits, compaction', phase: 'compaction', mutate: (t) => t.edit(200, 900), killWhen: (v) => v.compacting },
  { label: '300 deletes, first batch in flight', phase: 'deleting', mutate: (t) => t.remove(300), killWhen: (v) => count(v.requests, isRemove) >= 1 },
  { label: '300 deletes, 3 batches answered', phase: 'deleting', mutate: (t) => t.remove(300), killWhen: (v) => count(v.requests, isRemove, true) >= 3 },
  { label: '300 deletes, last batch in flight', phase: 'deleting', mutate: (t) => t.remove(300), killWhen: (v) => count(v.requests, isRemove) >= 6 },
  { label: '300 deletes, compaction', phase: 'compaction', mutate: (t) => t.remove(300), killWhen: (v) => v.compacting },
  { label: '100 renames, folder listing in flight', phase: 'listing', mutate: (t) => t.renameSome(100), killWhen: (v) => count(v.requests, isListing) >= 1, verify: true },
  { label: '400 touched files, re-hashing', phase: 'scanning', mutate: (t) => t.touch(400), killWhen: (v) => resolved(v.requests), verify: true },
  { label: 'mixed change, scanning', phase: 'scanning', mutate: async (t) => { await t.add(100); await t.edit(100, 50); await t.remove(100); }, killWhen: (v) => resolved(v.requests), verify: true },
  { label: 'mixed change, listing answered', phase: 'listing', mutate: async (t) => { await t.add(100); await t.edit(100, 450); await t.remove(100); }, killWhen: (v) => count(v.requests, isListing, true) >= 1, verify: true },
  { label: 'mixed change, compaction', phase: 'compaction', mutate: async (t) => { await t.add(150); await t.edit(150, 700); await t.remove(150); }, killWhen: (v) => v.compacting },
  { label: 'mixed change, uploads done, deletes starting', phase: 'deleting', mutate: async (t) => { await t.remove(200); await t.add(60); }, killWhen: (v) => count(v.requests, isUpload, true) >= 60 && count(v.requests, isRemove) >= 1 },
  { label: '250 new files, 200 ms after the listing', phase: 'uploading', mutate: (t) => t.add(250), killWhen: (v) => count(v.requests, isListing) >= 1 && v.sinceSpawnMs > 300 && count(v.requests, isUpload) > 0, verify: true },
  { label: '200 edits, 120th upload received', phase: 'replacing', mutate: (t) => t.edit(200, 1100), killWhen: (v) => count(v.requests, isUpload) >= 120 },
  { label: '150 new files, a third answered 502 after apply, 60 uploads answered', phase: 'uploading', mutate: (t) => t.add(150), faults: { errorAfterApplyRate: 0.3, errorAfterApplyStatus: 502 }, killWhen: (v) => count(v.requests, isUpload, true) >= 60 },
  { label: '100 edits, a third answered with a garbled 200 after apply, 40 replacements answered', phase: 'replacing', mutate: (t) => t.edit(100, 1300), faults: { errorAfterApplyRate: 0.3, errorAfterApplyStatus: 200 }, killWhen: (v) => count(v.requests, isUpload, true) >= 40 },
  { label: '300 deletes + 100 edits, second compaction', phase: 'compaction', mutate: async (t) => { await t.remove(300); await t.edit(100, 10); }, killWhen: (v) => v.compacting && count(v.requests, isUpload, true) >= 50 },
];

test(`crash suite: ${KILL_POINTS.length} SIGKILLs during a ${FILE_COUNT}-file mirror; every next run converges, nothing lost or duplicated`, { timeout: 170_000 }, async () => {
  const baseFaults: FaultOptions = { latencyMs: 4, latencyJitterMs: 6 };
  const { emu, env } = await emulatorFixture(baseFaults);
  const root = await tempDir('lumensync-crash-root-');
  const stateParent = await tempDir('lumensync-crash-state-');
  const stateDir = path.join(stateParent, 'state');
  const logFile = path.join(stateParent, 'sync.log');
  const runEnv = { ...env, LUMENSYNC_JOURNAL_COMPACT_EVERY: '40' };
  const args = mirrorArgs('sync', root, stateDir, FOLDER, ['--concurrency', '8', '--max-delete', '100%', '--log-level', 'info', '--log-file', logFile]);
  const tree = new MirrorTree(root);
  const figures = { kills: 0, byPhase: {} as Record<string, number>, tornTails: 0, openIntents: 0, duplicates: 0, missing: 0, extra: 0 };
  const captured: string[] = [];
  try {
    await tree.seed(FILE_COUNT);

    for (const point of KILL_POINTS) {
      await point.mutate(tree);
      const fromSeq = emu.requestLog.at(-1)?.seq ?? 0;
      let compacting = false;
      let watcher: FSWatcher | undefined;
      let poll: NodeJS.Timeout | undefined;
      if (point.faults) emu.setFaults({ ...baseFaults, ...point.faults });
      const spawnedAt = Date.now();
      const killed = await runCli(point.verify ? [...args, '--verify'] : args, {
        env: runEnv,
        timeoutMs: 30_000,
        onSpawn: (child: ChildProcess) => {
          const check = (): void => {
            const requests = emu.requestLog.filter((entry) => entry.seq > fromSeq);
            if (point.killWhen({ requests, sinceSpawnMs: Date.now() - spawnedAt, compacting })) {
              clearInterval(poll);
              watcher?.close();
              child.kill('SIGKILL');
            }
          };
          try {
            watcher = watch(stateDir, (_event, name) => { if (name === SNAPSHOT_TMP) { compacting = true; check(); } });
          } catch { /* first run: the state dir does not exist yet */ }
          poll = setInterval(check, 1);
        },
      });
      clearInterval(poll);
      watcher?.close();
      if (point.faults) emu.setFaults(baseFaults);
      captured.push(killed.stdout, killed.stderr);
      assert.equal(killed.signal, 'SIGKILL', `[${point.label}] the run ended before the kill point (exit ${killed.code}): ${killed.stdout}${killed.stderr}`);
      figures.kills += 1;
      figures.byPhase[point.phase] = (figures.byPhase[point.phase] ?? 0) + 1;

      const journal = await Journal.open({ stateDir, readOnly: true });
      figures.tornTails += journal.recovery.tornTail ? 1 : 0;
      figures.openIntents += journal.recovery.openIntents.length;
      await journal.close();

      const next = await runCli(args, { env: runEnv, timeoutMs: 60_000 });
      captured.push(next.stdout, next.stderr);
      assert.equal(next.code, 0, `[${point.label}] the run after the kill did not converge: ${next.stdout}${next.stderr}`);
      const audit = await auditMirrorByJournal(emu, FOLDER, stateDir, tree.files);
      figures.duplicates += audit.duplicates.length;
      figures.missing += audit.missing.length;
      figures.extra += audit.extra.length;
      assert.deepEqual({ duplicates: audit.duplicates.slice(0, 5), missing: audit.missing.slice(0, 5), extra: audit.extra.slice(0, 5) }, { duplicates: [], missing: [], extra: [] }, `[${point.label}] remote differs from the folder`);
      const settled = await Journal.open({ stateDir, readOnly: true });
      assert.equal(settled.recovery.openIntents.length, 0, `[${point.label}] intents of the killed run were left open after convergence`);
      await settled.close();
      const embedded = new Set(emu.state.workspaceDocpaths('support-bot'));
      const unembedded = emu.state.listDocuments('acme').filter((doc) => doc.folder === FOLDER && !embedded.has(doc.docpath));
      assert.equal(unembedded.length, 0, `[${point.label}] ${unembedded.length} document(s) not embedded`);
    }

    // Converged means converged: one more run changes nothing on the remote.
    const before = emu.requestLog.filter((entry) => entry.method !== 'GET').length;
    const idle = await runCli(args, { env: runEnv });
    assert.equal(idle.code, 0, idle.stderr);
    assert.equal(emu.requestLog.filter((entry) => entry.method !== 'GET').length, before, 'a run after convergence sent mutations');
    assertNoSecret(DEV_KEY, ...captured, idle.stdout, idle.stderr, await readAllBytes(stateParent));
    assert.ok(figures.byPhase.compaction! >= 4 && figures.byPhase.scanning! >= 2 && figures.byPhase.deleting! >= 3 && figures.byPhase.replacing! >= 3);
    process.stdout.write(`crash suite: kills survived ${figures.kills} (${Object.entries(figures.byPhase).map(([phase, kills]) => `${phase} ${kills}`).join(', ')}), ` +
      `torn journal tails recovered ${figures.tornTails}, open intents settled ${figures.openIntents}, documents lost: ${figures.missing}, duplicates: ${figures.duplicates}, final files ${tree.files.size}\n`);
  } finally {
    await emu.close();
    await removeAll(root, stateParent);
  }
});
