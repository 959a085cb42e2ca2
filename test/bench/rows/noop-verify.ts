/**
 * Row 10: the no-op pass of row 1 with `--verify` (the remote listed: folder pages and the
 * workspace answer skimmed element by element) on the big tree, against rclone `sync --dry-run` of the same tree,
 * with lumensync's peak RSS. Each run must say it listed the remote, or the row fails.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { hasCommand, interleave, runProcess, runSync, series, type Series } from '../lib.js';
import { ms, msSeries, type RowRunner } from '../row.js';

/** Flags that make a no-op pass list the remote. */
export const VERIFY_ARGS: string[] = ['--verify'];
/** Peak RSS target of the verified no-op (MiB). */
const RSS_TARGET_MIB = 200;

export const noopVerify: RowRunner = async (ctx) => {
  const target = `≤ rclone sync --dry-run; peak RSS ≤ ${RSS_TARGET_MIB} MB`;
  const tree = await ctx.bigMirror();
  const name = `no-op with --verify (remote listed, paged, streamed), ${tree.files} files`;
  if (!(await hasCommand('rclone'))) return { row: 10, name, target, verdict: 'skipped', measured: 'skipped: rclone not installed', figures: {} };
  // rclone compares against a copy of the tree (row 1 makes the same one: reuse it when there).
  let copy = path.join(ctx.scratch, 'row1-copy');
  if (!(await access(copy).then(() => true, () => false))) {
    copy = path.join(ctx.scratch, 'row10-copy');
    await runProcess('mkdir', ['-p', copy], { check: true });
    await runProcess('cp', ['-a', tree.root + '/.', copy + '/'], { check: true });
  }
  const rcloneConfig = path.join(ctx.scratch, 'rclone.conf');
  const run = { dir: tree.root, folder: tree.folder, stateDir: tree.stateDir, extra: VERIFY_ARGS };
  const rssMiB: number[] = [];
  const cases: Record<string, () => Promise<number>> = {
    rclone: async () => (await runProcess('rclone', ['sync', '--dry-run', '--config', rcloneConfig, tree.root, copy], { check: true })).wallMs,
    lumensync: async () => {
      const result = await runSync(tree.url, run, { measureRss: true });
      if (result.summary.uploaded !== 0 || result.summary.unchanged !== tree.files) throw new Error(`verified no-op was not a no-op: ${JSON.stringify(result.summary)}`);
      const { remote } = JSON.parse(result.stdout) as { remote?: { listed?: boolean } };
      if (remote?.listed !== true) throw new Error(`row 10: the pass did not list the remote (${JSON.stringify(remote)})`);
      if (result.maxRssKiB === undefined) throw new Error('row 10: GNU time reported no peak RSS (is /usr/bin/time installed?)');
      rssMiB.push(result.maxRssKiB / 1024);
      return result.wallMs;
    },
  };
  ctx.note('row 10: warm-up round');
  for (const runCase of Object.values(cases)) await runCase();
  rssMiB.length = 0;
  ctx.note(`row 10: ${ctx.rounds} interleaved rounds`);
  const samples = await interleave(ctx.rounds, cases);
  const lumensync = series(samples.lumensync!);
  const rclone = series(samples.rclone!);
  const rss = series(rssMiB);
  const ratio = lumensync.median / rclone.median;
  const figures: Record<string, Series | number | string | boolean> = { files: tree.files, lumensync, rclone, peakRssMiB: rss, ratioVsRclone: ratio, verifyArgs: VERIFY_ARGS.join(' ') };
  const measured = `${msSeries(lumensync)}; rclone ${ms(rclone.median)} → ${ratio.toFixed(2)}×; peak RSS ${rss.max.toFixed(0)} MB`;
  return { row: 10, name, target, verdict: ratio <= 1 && rss.max <= RSS_TARGET_MIB ? 'met' : 'missed', measured, figures };
};
