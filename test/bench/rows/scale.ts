/**
 * Row 20: 1,000,000 files in 10,000 folders (issue 11), and how each cost grows from 10,000 to
 * 100,000 to 1,000,000 files. Each size is built directly (files, journal, emulator state; no
 * uploads: src/../direct-mirror.ts), then: find vs a journal-first no-op (interleaved, peak RSS),
 * one verified no-op (`--verify`: org, workspace and the whole folder listed; peak RSS), and
 * `watch` ready (spawn → ready line; RSS).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator } from '../../../src/emulator/server.js';
import { buildDirectMirror } from '../direct-mirror.js';
import { interleave, runProcess, runSync, series, syncArgs, cliEnv, type Series } from '../lib.js';
import { ms, type RowRunner } from '../row.js';
import { processMemory, startWatch } from '../watch-process.js';

const mb = (kib: number): number => (kib * 1024) / 1e6;

export const scale: RowRunner = async (ctx) => {
  // BENCH_SCALE_SIZES=1000000 measures some sizes only (e.g. to rerun the largest).
  const chosen = (process.env.BENCH_SCALE_SIZES ?? '').split(',').map(Number).filter((size) => Number.isInteger(size) && size >= 100);
  const sizes = chosen.length > 0 ? chosen : ctx.quick ? [1_000, 10_000] : [10_000, 100_000, 1_000_000];
  const rounds = Math.min(ctx.rounds, 3);
  const figures: Record<string, Series | number | string | boolean> = {};
  const lines: string[] = [];
  let met = true;
  for (const files of sizes) {
    const folders = files / 100;
    const tag = `n${files}`;
    const root = path.join(ctx.scratch, `row20-${tag}`);
    const stateDir = path.join(ctx.scratch, `row20-${tag}-state`);
    ctx.note(`row 20: building ${files} files in ${folders} folders directly (journal + emulator state)`);
    const mirror = await buildDirectMirror(root, stateDir, `scale-${tag}`, { files, folders, bytesPerFile: 256 });
    figures[`${tag}.buildMs`] = mirror.buildMs;
    const emulator = await startEmulator({ port: 0, state: mirror.state });
    try {
      await mirror.writeJournal(emulator.url);
      const run = { dir: root, folder: mirror.folder, stateDir };
      const rss: number[] = [];
      const samples = await interleave(rounds + 1, {
        find: async () => (await runProcess('find', [root, '-type', 'f', '-printf', '%s %T@\\n'], { check: true })).wallMs,
        lumensync: async () => {
          const result = await runProcess(process.execPath, syncArgs(run), { env: cliEnv(emulator.url), check: true, measureRss: true, timeoutMs: 600_000 });
          const summary = (JSON.parse(result.stdout) as { summary: Record<string, number> }).summary;
          if (summary.unchanged !== files || summary.uploaded !== 0) throw new Error(`row 20: ${tag} no-op was not a no-op: ${JSON.stringify(summary)}`);
          rss.push(result.maxRssKiB ?? NaN);
          return result.wallMs;
        },
      });
      // The first round warms the page cache and the journal's first compaction; it is dropped.
      const find = series(samples.find!.slice(1));
      const noop = series(samples.lumensync!.slice(1));
      const noopRss = series(rss.slice(1));
      figures[`${tag}.find`] = find;
      figures[`${tag}.noop`] = noop;
      figures[`${tag}.noopPeakRssMB`] = mb(noopRss.median);
      figures[`${tag}.ratioVsFind`] = noop.median / find.median;
      let verified = 'error';
      // BENCH_SCALE_SKIP_VERIFY=1000000 skips the verified no-op at those sizes (it is the row's longest
      // part at 1,000,000 documents; the emulator writes W1 in chunks since the string limit was hit there).
      const skipVerify = (process.env.BENCH_SCALE_SKIP_VERIFY ?? '').split(',').map(Number).includes(files);
      if (skipVerify) {
        verified = 'skipped (BENCH_SCALE_SKIP_VERIFY)';
        met = false;
      } else try {
        const result = await runSync(emulator.url, { ...run, extra: ['--verify'] }, { measureRss: true, timeoutMs: 600_000 });
        figures[`${tag}.verifiedMs`] = result.wallMs;
        figures[`${tag}.verifiedPeakRssMB`] = mb(result.maxRssKiB ?? NaN);
        verified = `${ms(result.wallMs)}, peak ${mb(result.maxRssKiB ?? NaN).toFixed(0)} MB`;
        if (files === 1_000_000 && mb(result.maxRssKiB ?? Infinity) > 1000) met = false;
      } catch (error) {
        verified = `failed: ${(error as Error).message.split('\n')[0]!.slice(0, 160)}`;
        if (files === 1_000_000) met = false;
      }
      let watchFigure = 'error';
      try {
        const watch = await startWatch(emulator.url, [root, '--org', 'acme', '--folder', mirror.folder, '--workspace', 'support-bot', '--state-dir', stateDir, '--rate', '0'], 600_000);
        try {
          const memory = await processMemory(watch.child.pid!);
          figures[`${tag}.watchReadyMs`] = watch.readyMs;
          figures[`${tag}.watchRssMB`] = (memory.rssMiB * 1048576) / 1e6;
          figures[`${tag}.watchPeakRssMB`] = (memory.peakMiB * 1048576) / 1e6;
          watchFigure = `ready ${ms(watch.readyMs)}, RSS ${((memory.rssMiB * 1048576) / 1e6).toFixed(0)} MB (peak ${((memory.peakMiB * 1048576) / 1e6).toFixed(0)})`;
        } finally {
          await watch.stop();
        }
      } catch (error) {
        watchFigure = `failed: ${(error as Error).message.split('\n')[0]!.slice(0, 160)}`;
      }
      const ratio = noop.median / find.median;
      if (files === 1_000_000 && (ratio > 2.5 || mb(noopRss.median) > 1000)) met = false;
      lines.push(`${files}: no-op ${ms(noop.median)} = ${ratio.toFixed(2)}× find ${ms(find.median)}, peak ${mb(noopRss.median).toFixed(0)} MB; verified ${verified}; watch ${watchFigure}`);
      ctx.note(`row 20: ${lines.at(-1)}`);
    } finally {
      await emulator.close();
      await rm(root, { recursive: true, force: true });
      await rm(stateDir, { recursive: true, force: true });
    }
  }
  return {
    row: 20, name: `scale: ${sizes.join(' → ')} files, 100 per folder (built directly)`, target: '1M: no-op ≤ 2.5× find, RSS ≤ 1 GB; verified no-op RSS ≤ 1 GB; growth linear or better',
    verdict: met ? 'met' : 'missed', measured: lines.join(' · '), figures,
  };
};
