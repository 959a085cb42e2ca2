/**
 * Row 15: what one edit costs a watching daemon, on 100,000 files against 100 (the baseline, same
 * run, same edits). Each mirror is built directly (direct-mirror.ts) with an emulator of its own;
 * `watch` is started on it and the same file edited `edits` times, one at a time: each edit is
 * waited for until its upload arrived and the old document's `remove-files` was answered. The
 * watch process's CPU over all edits (/proc utime + stime) divided by the edits is the cost of
 * one; what a pass costs must grow with what changed, not with the size of the library.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator } from '../../../src/emulator/server.js';
import { buildDirectMirror } from '../direct-mirror.js';
import { percentile } from '../lib.js';
import { ms, type RowRunner } from '../row.js';
import { processCpuMs, processMemory, startWatch } from '../watch-process.js';

const SETTLE_MS = 250;
/** The target: one edit on the big mirror costs at most this many times one on the small one. */
const MAX_RATIO = 2;

interface EditCost { files: number; cpuPerEditMs: number; latencyP50Ms: number; rssMiB: number }

async function measure(ctx: Parameters<RowRunner>[0], files: number, edits: number): Promise<EditCost> {
  const folder = `row15-${files}`;
  const root = path.join(ctx.scratch, `${folder}-tree`);
  const stateDir = path.join(ctx.scratch, `${folder}-state`);
  const folders = Math.max(1, Math.round(files / 50));
  const mirror = await buildDirectMirror(root, stateDir, folder, { files, folders, bytesPerFile: 1024 });
  const emulator = await startEmulator({ port: 0, state: mirror.state });
  try {
    await mirror.writeJournal(emulator.url);
    const watch = await startWatch(emulator.url, [root, '--org', 'acme', '--folder', folder, '--workspace', 'support-bot',
      '--state-dir', stateDir, '--rate', '0', '--concurrency', '8', '--settle-ms', String(SETTLE_MS)]);
    try {
      const pid = watch.child.pid!;
      await sleep(2000); // the first reconcile's work and collections are not an edit's
      const relativePath = 'd0000/f0000000.txt';
      const latencies: number[] = [];
      const cpuBefore = await processCpuMs(pid);
      for (let edit = 0; edit < edits; edit += 1) {
        const content = `edit ${edit}\n${'x'.repeat(1000)}\n`;
        const sha256 = createHash('sha256').update(content).digest('hex');
        const from = emulator.requestLog.length;
        await writeFile(path.join(root, relativePath), content);
        const closedAt = Date.now();
        const deadline = closedAt + 30_000;
        let uploadSeq: number | undefined;
        let receivedAt: number | undefined;
        // Done when the upload arrived and a remove-files after it was answered (the pass's last request).
        for (;;) {
          const log = emulator.requestLog.slice(from);
          const upload = log.find((entry) => entry.upload?.sha256 === sha256);
          if (upload !== undefined) {
            uploadSeq = upload.seq;
            receivedAt = upload.receivedAt;
          }
          if (uploadSeq !== undefined && log.some((entry) => entry.seq > uploadSeq! && entry.path.endsWith('/remove-files') && entry.status !== null)) break;
          if (Date.now() > deadline) throw new Error(`row 15: edit ${edit} on ${files} files not done within 30 s: ${watch.output().slice(-1500)}`);
          await sleep(5);
        }
        latencies.push(receivedAt! - closedAt);
      }
      const cpuPerEditMs = ((await processCpuMs(pid)) - cpuBefore) / edits;
      const { rssMiB } = await processMemory(pid);
      return { files, cpuPerEditMs, latencyP50Ms: percentile(latencies, 50), rssMiB };
    } finally {
      await watch.stop();
    }
  } finally {
    await emulator.close();
  }
}

export const watchEditCost: RowRunner = async (ctx) => {
  const edits = ctx.quick ? 8 : 30;
  const bigFiles = ctx.quick ? 10_000 : 100_000;
  const target = `CPU per edit on ${bigFiles} files ≤ ${MAX_RATIO}× on 100 files`;
  ctx.note(`row 15: ${edits} edits of one file, watched mirrors of 100 and ${bigFiles} files`);
  const small = await measure(ctx, 100, edits);
  const big = await measure(ctx, bigFiles, edits);
  const ratio = big.cpuPerEditMs / small.cpuPerEditMs;
  const line = (cost: EditCost): string => `${cost.files} files: ${cost.cpuPerEditMs.toFixed(1)} ms CPU per edit, upload p50 ${ms(cost.latencyP50Ms)} after the write (settle ${SETTLE_MS} ms), RSS ${cost.rssMiB.toFixed(0)} MiB`;
  return {
    row: 15, name: `watch: one edit on ${bigFiles} files vs 100 files`, target, verdict: ratio <= MAX_RATIO ? 'met' : 'missed',
    measured: `${line(big)}; ${line(small)} → ${ratio.toFixed(2)}×`,
    figures: {
      edits, settleMs: SETTLE_MS, ratio, bigFiles, bigCpuPerEditMs: big.cpuPerEditMs, bigLatencyP50Ms: big.latencyP50Ms, bigRssMiB: big.rssMiB,
      smallCpuPerEditMs: small.cpuPerEditMs, smallLatencyP50Ms: small.latencyP50Ms, smallRssMiB: small.rssMiB,
    },
  };
};
