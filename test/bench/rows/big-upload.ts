/** Row 7: upload of one 1 GiB file — peak RSS growth over the same command uploading 1 KiB. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator } from '../../../src/emulator/server.js';
import { cliEnv, interleave, runProcess, series, syncArgs, writeRandomFile } from '../lib.js';
import { ms, type RowRunner } from '../row.js';

export const bigUpload: RowRunner = async (ctx) => {
  const bytes = ctx.quick ? 256 << 20 : 1 << 30;
  const target = 'peak RSS growth ≤ 64 MB';
  const bigRoot = path.join(ctx.scratch, 'row7-big');
  const smallRoot = path.join(ctx.scratch, 'row7-small');
  await mkdir(bigRoot, { recursive: true });
  await mkdir(smallRoot, { recursive: true });
  ctx.note(`row 7: writing one ${bytes >> 20} MiB file`);
  await writeRandomFile(path.join(bigRoot, 'big.txt'), bytes, 7);
  await writeFile(path.join(smallRoot, 'small.txt'), Buffer.alloc(1024, 7));
  const emulator = await startEmulator({ port: 0 });
  try {
    const wall: number[] = [];
    const measure = (root: string, label: string) => async (round: number): Promise<number> => {
      const run = { dir: root, folder: `row7-${label}-${round}`, stateDir: path.join(ctx.scratch, `row7-state-${label}-${round}`), concurrency: 8, rate: 0 };
      const result = await runProcess(process.execPath, syncArgs(run), { env: cliEnv(emulator.url), check: true, measureRss: true, timeoutMs: 600_000 });
      const summary = (JSON.parse(result.stdout) as { summary: { uploaded: number } }).summary;
      if (summary.uploaded !== 1) throw new Error(`row 7: expected one upload, got ${JSON.stringify(summary)}`);
      if (result.maxRssKiB === undefined) throw new Error('row 7: GNU time reported no peak RSS (is /usr/bin/time installed?)');
      if (label === 'big') wall.push(result.wallMs);
      return result.maxRssKiB / 1024;
    };
    ctx.note(`row 7: ${ctx.rounds} interleaved rounds (1 GiB upload, 1 KiB upload)`);
    const samples = await interleave(ctx.rounds, { big: measure(bigRoot, 'big'), small: measure(smallRoot, 'small') });
    const big = series(samples.big!);
    const small = series(samples.small!);
    const growth = series(samples.big!.map((value, index) => value - samples.small![index]!));
    const uploadMs = series(wall);
    const mibPerSec = (bytes / (1 << 20)) / (uploadMs.median / 1000);
    return {
      row: 7, name: `upload of one ${bytes >> 20} MiB file`, target, verdict: growth.median <= 64 ? 'met' : 'missed',
      measured: `peak RSS ${big.median.toFixed(0)} MiB vs ${small.median.toFixed(0)} MiB for 1 KiB → growth ${growth.median.toFixed(1)} MiB (${growth.min.toFixed(1)}–${growth.max.toFixed(1)}); ${ms(uploadMs.median)} = ${mibPerSec.toFixed(0)} MiB/s`,
      figures: { bytes, peakRssMiB: big, peakRssSmallMiB: small, growthMiB: growth, wallMs: uploadMs, mibPerSec },
      note: 'peak RSS = kernel ru_maxrss via GNU time; growth = paired difference per round',
    };
  } finally {
    await emulator.close();
  }
};
