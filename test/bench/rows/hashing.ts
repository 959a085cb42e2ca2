/** Row 4: first-sync hashing of 1 GiB in 256 files vs `sha256sum` on the same files. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { interleave, runProcess, series, writeRandomFile } from '../lib.js';
import { ms, type RowRunner } from '../row.js';

const HASHSCAN_MAIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../hashscan.js');

export const hashing: RowRunner = async (ctx) => {
  const files = ctx.quick ? 32 : 256;
  const bytesPerFile = 4 << 20;
  const totalBytes = files * bytesPerFile;
  const target = '≥ 80% of sha256sum throughput';
  const root = path.join(ctx.scratch, 'row4-tree');
  await mkdir(root, { recursive: true });
  ctx.note(`row 4: writing ${files} × 4 MiB`);
  const names: string[] = [];
  for (let i = 0; i < files; i += 1) {
    const name = path.join(root, `blob-${String(i).padStart(3, '0')}.bin`);
    names.push(name);
    await writeRandomFile(name, bytesPerFile, i);
  }
  const scanInside: number[] = [];
  const cases = {
    lumensync: async () => {
      const result = await runProcess(process.execPath, [HASHSCAN_MAIN, root], { check: true });
      const parsed = JSON.parse(result.stdout) as { scanMs: number; bytes: number };
      if (parsed.bytes !== totalBytes) throw new Error(`row 4: scan saw ${parsed.bytes} bytes, expected ${totalBytes}`);
      scanInside.push(parsed.scanMs);
      return result.wallMs;
    },
    sha256sum: async () => (await runProcess('sha256sum', names, { check: true })).wallMs,
  };
  ctx.note('row 4: warm-up (page cache), then interleaved rounds');
  await cases.lumensync();
  await cases.sha256sum();
  scanInside.length = 0;
  const samples = await interleave(ctx.rounds, cases);
  const lumensync = series(samples.lumensync!);
  const sha = series(samples.sha256sum!);
  const mib = totalBytes / (1 << 20);
  const lumensyncMiBs = mib / (lumensync.median / 1000);
  const shaMiBs = mib / (sha.median / 1000);
  const ratio = lumensyncMiBs / shaMiBs;
  return {
    row: 4, name: `first-sync hashing, ${mib} MiB in ${files} files (page cache warm)`, target, verdict: ratio >= 0.8 ? 'met' : 'missed',
    measured: `${lumensyncMiBs.toFixed(0)} MiB/s (${ms(lumensync.median)}, scan alone ${ms(series(scanInside).median)}); sha256sum ${shaMiBs.toFixed(0)} MiB/s (${ms(sha.median)}) → ${(ratio * 100).toFixed(0)}%`,
    figures: { files, totalBytes, lumensync, sha256sum: sha, scanOnly: series(scanInside), lumensyncMiBs, sha256sumMiBs: shaMiBs, ratio },
  };
};
