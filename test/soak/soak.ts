/**
 * Soak run (issue 6), a separate `npm run test:soak`: about a minute of changing files against
 * an emulator answering 20% 500s, 10% 429 with Retry-After, 5% dropped connections, 30% of
 * remove-files entries failing (207) and 1 s latency spikes. It must converge, and the request
 * log must show: no docpath re-sent in a remove-files unless it failed before, no request
 * sooner than a Retry-After allowed, no upload repeated after a success.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { appendFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestLogEntry } from '../../src/emulator/server.js';
import {
  DEV_KEY, assertNoSecret, auditMirrorByJournal, emulatorFixture, isRemove, mirrorArgs, readAllBytes, removeAll, runCli, tempDir, writeTree,
} from '../helpers/harness.js';

const FOLDER = 'soak';
const SOAK_MS = Number(process.env.LUMENSYNC_SOAK_MS ?? 35_000);
/** Requests already on the wire when a 429 goes out may still arrive this long after it. */
const IN_FLIGHT_GRACE_MS = 250;

/** When each 429 answer actually left the server (after any injected delay), with its Retry-After. */
interface RateLimitAnswer { sentAt: number; retryAfterMs: number }

/** Log-based invariant checks; each returns human-readable violations. */
export function removeResendViolations(log: readonly RequestLogEntry[]): string[] {
  const lastOutcome = new Map<string, 'purged' | 'failed'>();
  const violations: string[] = [];
  for (const entry of log.filter(isRemove)) {
    for (const item of entry.removeFiles ?? []) {
      const before = lastOutcome.get(item.docpath);
      if (before !== undefined && before !== 'failed') violations.push(`#${entry.seq} re-sent ${item.docpath} after it was ${before}`);
      lastOutcome.set(item.docpath, item.outcome);
    }
  }
  return violations;
}

/** Requests received inside a Retry-After pause (after the in-flight grace). */
export function retryAfterViolations(log: readonly RequestLogEntry[], answers: readonly RateLimitAnswer[]): string[] {
  const violations: string[] = [];
  for (const answer of answers) {
    for (const entry of log) {
      if (entry.receivedAt > answer.sentAt + IN_FLIGHT_GRACE_MS && entry.receivedAt < answer.sentAt + answer.retryAfterMs) {
        violations.push(`#${entry.seq} ${entry.method} ${entry.path} arrived ${entry.receivedAt - answer.sentAt} ms after a 429 asking for ${answer.retryAfterMs} ms`);
      }
    }
  }
  return violations;
}

/** The same title + content uploaded successfully twice. */
export function repeatedUploadViolations(log: readonly RequestLogEntry[]): string[] {
  const seen = new Map<string, number>();
  const violations: string[] = [];
  for (const entry of log) {
    if (!entry.upload || entry.status === null || entry.status >= 300) continue;
    const key = `${entry.upload.title ?? entry.upload.fileName} ${entry.upload.sha256}`;
    const first = seen.get(key);
    if (first !== undefined) violations.push(`#${entry.seq} uploaded ${key} again (first #${first})`);
    else seen.set(key, entry.seq);
  }
  return violations;
}

test('soak: a minute of churn under 500s, 429s, drops, 207s and 1 s spikes converges with a clean request log', { timeout: SOAK_MS + 90_000 }, async () => {
  const answers: RateLimitAnswer[] = [];
  const onFinish = (message: unknown): void => {
    const response = (message as { response: ServerResponse }).response;
    if (response.statusCode === 429) answers.push({ sentAt: Date.now(), retryAfterMs: Number(response.getHeader('retry-after')) * 1000 });
  };
  diagnosticsChannel.subscribe('http.server.response.finish', onFinish);
  const { emu, env } = await emulatorFixture({
    errorRate: 0.2, rateLimitFraction: 0.1, retryAfterSeconds: 1, dropRate: 0.05, removeFailRate: 0.3, spikeRate: 0.03, spikeMs: 1000, faultSeed: 20_260_601,
    // Issue 15: mutations applied, then answered 502 (a proxy): looked up, never re-sent blindly.
    errorAfterApplyRate: 0.05, errorAfterApplyStatus: 502,
  });
  const root = await tempDir('lumensync-soak-root-');
  const stateParent = await tempDir('lumensync-soak-state-');
  const stateDir = path.join(stateParent, 'state');
  const args = mirrorArgs('sync', root, stateDir, FOLDER, ['--concurrency', '4', '--max-delete', '100%', '--retries', '8', '--max-backoff', '0.5', '--max-passes', '4',
    '--log-level', 'info', '--log-file', path.join(stateParent, 'soak.log')]);
  const files = new Map<string, string>();
  const captured: string[] = [];
  const exits: Record<string, number> = {};
  const durations: number[] = [];
  let counter = 0;
  const runOnce = async (): Promise<number> => {
    const runStarted = Date.now();
    const run = await runCli(args, { env, timeoutMs: 120_000 });
    durations.push(Date.now() - runStarted);
    captured.push(run.stdout, run.stderr);
    exits[String(run.code)] = (exits[String(run.code)] ?? 0) + 1;
    assert.ok(run.code === 0 || run.code === 5, `unexpected exit ${run.code}: ${run.stdout}${run.stderr}`);
    // A run that gave up may have just been told to wait: the next process must not start sooner.
    if (run.code !== 0) await sleep(1_100);
    return run.code!;
  };
  try {
    const initial: Record<string, string> = {};
    for (let index = 0; index < 50; index += 1) initial[`s${index % 6}/doc ${index}.md`] = `# soak ${index}\n`;
    await writeTree(root, initial);
    for (const [relativePath, content] of Object.entries(initial)) files.set(relativePath, content);
    const started = Date.now();
    let rounds = 0;
    while (Date.now() - started < SOAK_MS) {
      await runOnce();
      rounds += 1;
      // Churn: edits (unique content, so a repeated upload is always a bug), deletes, additions.
      const paths = [...files.keys()].sort();
      for (const relativePath of paths.slice(rounds % 7, (rounds % 7) + 4)) {
        const suffix = ` round ${rounds}`;
        await appendFile(path.join(root, relativePath), suffix);
        files.set(relativePath, files.get(relativePath) + suffix);
      }
      for (const relativePath of paths.slice(-6)) { await rm(path.join(root, relativePath)); files.delete(relativePath); }
      const added: Record<string, string> = {};
      for (let index = 0; index < 6; index += 1, counter += 1) added[`new/${counter} ${rounds}.md`] = `# added ${counter}\n`;
      await writeTree(root, added);
      for (const [relativePath, content] of Object.entries(added)) files.set(relativePath, content);
    }
    let finalCode = 5;
    for (let attempt = 0; attempt < 6 && finalCode !== 0; attempt += 1) finalCode = await runOnce();
    assert.equal(finalCode, 0, 'the soak did not converge within 6 final runs');
    diagnosticsChannel.unsubscribe('http.server.response.finish', onFinish);

    const audit = await auditMirrorByJournal(emu, FOLDER, stateDir, files);
    assert.deepEqual({ duplicates: audit.duplicates, missing: audit.missing }, { duplicates: [], missing: [] });
    const log = emu.requestLog;
    const faults: Record<string, number> = {};
    for (const entry of log) if (entry.fault && entry.fault !== 'latency') faults[entry.fault] = (faults[entry.fault] ?? 0) + 1;
    faults['207-failed-entries'] = log.flatMap((entry) => entry.removeFiles ?? []).filter((item) => item.outcome === 'failed').length;
    for (const kind of ['500', '429', 'drop', 'spike', '207-failed-entries', '502-after-apply']) assert.ok((faults[kind] ?? 0) > 0, `no ${kind} fault was injected: the soak proves nothing`);
    assert.deepEqual(removeResendViolations(log), [], 'remove-files re-sent a docpath that had not failed');
    assert.deepEqual(retryAfterViolations(log, answers), [], 'requests arrived during a Retry-After pause');
    assert.deepEqual(repeatedUploadViolations(log), [], 'an upload was repeated after a success');
    assertNoSecret(DEV_KEY, ...captured, await readAllBytes(stateParent));
    process.stdout.write(`soak: ${Math.round((Date.now() - started) / 1000)} s, ${rounds} rounds, runs by exit code ${JSON.stringify(exits)} (ms ${durations.join(' ')}), ${log.length} requests, ` +
      `faults injected by kind ${JSON.stringify(faults)}, final files ${files.size}, documents lost: ${audit.missing.length}, duplicates: ${audit.duplicates.length}, ` +
      'remove-files re-sends without failure: 0, Retry-After violations: 0, repeated uploads: 0\n');
  } finally {
    diagnosticsChannel.unsubscribe('http.server.response.finish', onFinish);
    await emu.close();
    await removeAll(root, stateParent);
  }
});
