/**
 * Row 1: no-op re-sync of the big tree (journal warm, journal-first: remote not listed) vs find,
 * rsync -an, rclone --dry-run. Row 16 measures the same on 20,000 files (noop-small.ts).
 */
import path from 'node:path';
import { cliEnv, hasCommand, interleave, runProcess, runSync, series, syncArgs, type Series } from '../lib.js';
import { ms, msSeries, type BenchContext, type BigMirror, type RowResult, type RowRunner } from '../row.js';

const PHASES_MAIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../phases.js');
const NODE_WALK = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../node-walk.js');

/**
 * Node 20 reads the certificates NODE_EXTRA_CA_CERTS names at every start, before any of our
 * code runs (Node 22 and later only when a TLS connection needs them): this machine sets it to the
 * whole system bundle. When it is set, the row also times `node -e 0` and the no-op without it, so
 * the report says how much of the ratio is Node's start here. The verdict stays on the environment as given.
 */
const EXTRA_CA = 'NODE_EXTRA_CA_CERTS';
const withoutExtraCa = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const stripped = { ...env };
  delete stripped[EXTRA_CA];
  return stripped;
};

export const noopResync: RowRunner = async (ctx) => measureNoop(ctx, await ctx.bigMirror(), 1, 'row1-copy');

/**
 * A journal-first no-op of `tree` against find, rsync -an and rclone --dry-run (they compare it
 * with a copy named `copyName` in the scratch dir), interleaved, with lumensync's peak RSS, its
 * in-process parts, and two floors: `node -e 0` (a Node process that then walked as fast as
 * `find` would take their sum) and node-walk.js (one that only walks, the plain way).
 */
export async function measureNoop(ctx: BenchContext, tree: BigMirror, row: number, copyName: string): Promise<RowResult> {
  const target = '≤ 2× find; faster than rsync -an and rclone sync --dry-run';
  const copy = path.join(ctx.scratch, copyName);
  await runProcess('cp', ['-a', tree.root + '/.', copy + '/'], { check: true }).catch(async () => {
    await runProcess('mkdir', ['-p', copy], { check: true });
    await runProcess('cp', ['-a', tree.root + '/.', copy + '/'], { check: true });
  });
  const run = { dir: tree.root, folder: tree.folder, stateDir: tree.stateDir };
  const haveRsync = await hasCommand('rsync');
  const haveRclone = await hasCommand('rclone');
  const rcloneConfig = path.join(ctx.scratch, 'rclone.conf');
  const rssKiB: number[] = [];
  const cases: Record<string, () => Promise<number>> = {
    find: async () => (await runProcess('find', [tree.root, '-type', 'f', '-printf', '%s %T@\\n'], { check: true })).wallMs,
    lumensync: async () => {
      const result = await runSync(tree.url, run, { measureRss: true });
      rssKiB.push(result.maxRssKiB ?? NaN);
      if (result.summary.uploaded !== 0 || result.summary.unchanged !== tree.files) throw new Error(`no-op sync was not a no-op: ${JSON.stringify(result.summary)}`);
      return result.wallMs;
    },
  };
  cases.nodeStart = async () => (await runProcess(process.execPath, ['-e', '0'], { check: true })).wallMs;
  cases.nodeWalk = async () => {
    const result = await runProcess(process.execPath, [NODE_WALK, tree.root], { check: true });
    if (Number(result.stdout) !== tree.files) throw new Error(`row ${row}: node-walk counted ${result.stdout.trim()} files, expected ${tree.files}`);
    return result.wallMs;
  };
  const extraCaSet = (process.env[EXTRA_CA] ?? '') !== '';
  if (extraCaSet) {
    cases.nodeStartNoExtraCa = async () => (await runProcess(process.execPath, ['-e', '0'], { env: withoutExtraCa(process.env), check: true })).wallMs;
    cases.lumensyncNoExtraCa = async () => (await runProcess(process.execPath, syncArgs(run), { env: withoutExtraCa(cliEnv(tree.url)), check: true })).wallMs;
  }
  if (haveRsync) cases.rsync = async () => (await runProcess('rsync', ['-an', `${tree.root}/`, `${copy}/`], { check: true })).wallMs;
  if (haveRclone) cases.rclone = async () => (await runProcess('rclone', ['sync', '--dry-run', '--config', rcloneConfig, tree.root, copy], { check: true })).wallMs;
  const phaseSamples: Record<string, number>[] = [];
  cases.phases = async () => {
    const result = await runProcess(process.execPath, [PHASES_MAIN, tree.root, run.folder, run.stateDir], { env: cliEnv(tree.url), check: true });
    phaseSamples.push(JSON.parse(result.stdout) as Record<string, number>);
    return result.wallMs;
  };
  ctx.note(`row ${row}: warm-up round`);
  for (const runCase of Object.values(cases)) await runCase();
  phaseSamples.length = 0;
  rssKiB.length = 0;
  ctx.note(`row ${row}: ${ctx.rounds} interleaved rounds`);
  const samples = await interleave(ctx.rounds, cases);
  const figures: Record<string, Series | number | string | boolean> = { files: tree.files, folders: tree.folders, firstSyncMs: tree.firstSyncMs };
  for (const [name, values] of Object.entries(samples)) figures[name] = series(values);
  for (const part of ['startupMs', 'openMs', 'scanMs', 'listMs', 'planMs']) {
    figures[`part.${part}`] = series(phaseSamples.map((sample) => sample[part] ?? NaN));
  }
  const lumensync = figures.lumensync as Series;
  const peakMB = (series(rssKiB).median * 1024) / 1e6;
  figures.peakRssMB = peakMB;
  const find = figures.find as Series;
  const ratioFind = lumensync.median / find.median;
  figures.ratioVsFind = ratioFind;
  const checks = [ratioFind <= 2];
  let measured = `${msSeries(lumensync)}, peak RSS ${peakMB.toFixed(0)} MB; find ${ms(find.median)} → ${ratioFind.toFixed(2)}×`;
  if (haveRsync) {
    const ratio = lumensync.median / (figures.rsync as Series).median;
    figures.ratioVsRsync = ratio;
    checks.push(ratio < 1);
    measured += `; rsync ${ms((figures.rsync as Series).median)} → ${ratio.toFixed(2)}×`;
  }
  if (haveRclone) {
    const ratio = lumensync.median / (figures.rclone as Series).median;
    figures.ratioVsRclone = ratio;
    checks.push(ratio < 1);
    measured += `; rclone ${ms((figures.rclone as Series).median)} → ${ratio.toFixed(2)}×`;
  }
  const nodeStart = (figures.nodeStart as Series).median;
  const nodeWalk = (figures.nodeWalk as Series).median;
  figures.floorVsFind = (nodeStart + find.median) / find.median;
  figures.nodeWalkVsFind = nodeWalk / find.median;
  measured += `; floors: node -e 0 ${ms(nodeStart)} + find → ${((nodeStart + find.median) / find.median).toFixed(2)}× find`;
  measured += `, a Node process that only walks (node-walk.js) ${ms(nodeWalk)} → ${(nodeWalk / find.median).toFixed(2)}× find`;
  if (haveRsync) measured += `, ${(nodeWalk / (figures.rsync as Series).median).toFixed(2)}× rsync`;
  if (extraCaSet) {
    const plain = (figures.lumensyncNoExtraCa as Series).median;
    figures.ratioVsFindNoExtraCa = plain / find.median;
    measured += `; ${EXTRA_CA} is set here: node -e 0 takes ${ms((figures.nodeStartNoExtraCa as Series).median)} without it, the no-op without it ${ms(plain)} → ${(plain / find.median).toFixed(2)}× find`;
    if (haveRsync) measured += `, ${(plain / (figures.rsync as Series).median).toFixed(2)}× rsync`;
    if (haveRclone) measured += `, ${(plain / (figures.rclone as Series).median).toFixed(2)}× rclone`;
  }
  const part = (name: string): string => ms((figures[`part.${name}`] as Series).median);
  const note = `parts (median, in-process): node start ${part('startupMs')}, open session+journal ${part('openMs')}, scan ${part('scanMs')}, list ${part('listMs')} (only a verification pays it), plan ${part('planMs')}`
    + `${haveRsync ? '' : '; rsync missing'}${haveRclone ? '' : '; rclone missing'}`;
  return { row, name: `no-op re-sync, ${tree.files} × 1 KiB in ${tree.folders} folders`, target, verdict: checks.every(Boolean) ? 'met' : 'missed', measured, figures, note };
}
