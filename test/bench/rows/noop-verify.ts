/**
 * Row 10: the no-op pass of row 1 with `--verify` (the remote listed: folder pages and the
 * workspace answer skimmed element by element) on the big tree, against rclone `sync --dry-run` of the same tree,
 * with lumensync's peak RSS. Each run must say it listed the remote, or the row fails.
 *
 * The row also measures its floor in the same rounds: the no-op without the listing, and the
 * listing alone read the cheapest way Node offers, parsed and unparsed (listing-floor.ts). Their
 * CPU and the emulator's, spread perfectly over the machine's cores, is the least time any pass
 * reading this listing in Node can take here.
 */
import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEnv, hasCommand, interleave, runProcess, runSync, series, type Series } from '../lib.js';
import { ms, msSeries, type RowRunner } from '../row.js';

/** Flags that make a no-op pass list the remote. */
export const VERIFY_ARGS: string[] = ['--verify'];
/** The floor client (see listing-floor.ts), compiled next to this row's directory. */
const LISTING_FLOOR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../listing-floor.js');
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
  let listedBytes = 0;
  // CPU of each case: the child's (GNU time) and this process's, which serves the emulator.
  const cpu: Record<string, { child: number[]; emulator: number[] }> = {};
  const timed = (name: string, runCase: () => Promise<{ wallMs: number; cpuMs?: number | undefined }>) => async (): Promise<number> => {
    const before = process.cpuUsage();
    const result = await runCase();
    const served = process.cpuUsage(before);
    const sample = (cpu[name] ??= { child: [], emulator: [] });
    sample.child.push(result.cpuMs ?? NaN);
    sample.emulator.push((served.user + served.system) / 1000);
    return result.wallMs;
  };
  const cases: Record<string, () => Promise<number>> = {
    rclone: timed('rclone', () => runProcess('rclone', ['sync', '--dry-run', '--config', rcloneConfig, tree.root, copy], { check: true, measureRss: true })),
    lumensync: timed('lumensync', async () => {
      const result = await runSync(tree.url, run, { measureRss: true });
      if (result.summary.uploaded !== 0 || result.summary.unchanged !== tree.files) throw new Error(`verified no-op was not a no-op: ${JSON.stringify(result.summary)}`);
      const { remote } = JSON.parse(result.stdout) as { remote?: { listed?: boolean } };
      if (remote?.listed !== true) throw new Error(`row 10: the pass did not list the remote (${JSON.stringify(remote)})`);
      if (result.maxRssKiB === undefined) throw new Error('row 10: GNU time reported no peak RSS (is /usr/bin/time installed?)');
      rssMiB.push(result.maxRssKiB / 1024);
      return result;
    }),
    // The parts of the floor: the same pass without the listing (row 1's), and the listing alone (listing-floor.ts).
    noop: timed('noop', () => runSync(tree.url, { ...run, extra: [] }, { measureRss: true })),
    listing: timed('listing', async () => {
      const result = await runProcess(process.execPath, [LISTING_FLOOR, tree.url, 'acme', tree.folder, 'support-bot'], { env: cliEnv(tree.url), check: true, measureRss: true });
      const answer = JSON.parse(result.stdout) as { documents: number; bytes: number };
      if (answer.documents !== 2 * tree.files) throw new Error(`row 10 (listing floor): ${answer.documents} documents listed, expected ${2 * tree.files}`);
      listedBytes = answer.bytes;
      return result;
    }),
    // The same answers received and dropped: the bytes' own cost.
    received: timed('received', async () => {
      const result = await runProcess(process.execPath, [LISTING_FLOOR, tree.url, 'acme', tree.folder, 'support-bot', '--receive-only', String(tree.files)],
        { env: cliEnv(tree.url), check: true, measureRss: true });
      const answer = JSON.parse(result.stdout) as { bytes: number };
      if (answer.bytes !== listedBytes) throw new Error(`row 10 (listing floor): ${answer.bytes} bytes received unparsed, ${listedBytes} parsed`);
      return result;
    }),
  };
  ctx.note('row 10: warm-up round');
  for (const runCase of Object.values(cases)) await runCase();
  rssMiB.length = 0;
  for (const sample of Object.values(cpu)) sample.child.length = sample.emulator.length = 0;
  ctx.note(`row 10: ${ctx.rounds} interleaved rounds (rclone, lumensync --verify, and the floor's parts: the no-op, the listing alone, its bytes unparsed)`);
  const samples = await interleave(ctx.rounds, cases);
  const lumensync = series(samples.lumensync!);
  const rclone = series(samples.rclone!);
  const listing = series(samples.listing!);
  const rss = series(rssMiB);
  const ratio = lumensync.median / rclone.median;
  const cpuOf = (name: string): { child: number; emulator: number } => ({ child: series(cpu[name]!.child).median, emulator: series(cpu[name]!.emulator).median });
  // The least CPU a verified no-op needs: the no-op, reading the listing, the emulator writing it; spread perfectly over the cores.
  const cores = availableParallelism();
  const needMs = cpuOf('noop').child + cpuOf('listing').child + cpuOf('listing').emulator;
  const floorMs = needMs / cores;
  const receivedNeedMs = cpuOf('noop').child + cpuOf('received').child + cpuOf('received').emulator;
  const figures: Record<string, Series | number | string | boolean> = {
    files: tree.files, lumensync, rclone, peakRssMiB: rss, ratioVsRclone: ratio, verifyArgs: VERIFY_ARGS.join(' '),
    listingAlone: listing, listingVsRclone: listing.median / rclone.median, cores, floorCpuMs: needMs, floorMs, floorVsRclone: floorMs / rclone.median,
    cpuLumensync: cpuOf('lumensync').child, cpuEmulatorForLumensync: cpuOf('lumensync').emulator, cpuNoop: cpuOf('noop').child,
    cpuListing: cpuOf('listing').child, cpuEmulatorForListing: cpuOf('listing').emulator, cpuRclone: cpuOf('rclone').child,
    listingBytes: listedBytes, received: series(samples.received!), cpuReceived: cpuOf('received').child, receivedFloorMs: receivedNeedMs / cores,
  };
  const cpuText = (value: number): string => `${(value / 1000).toFixed(2)} s`;
  const measured = `${msSeries(lumensync)}; rclone ${ms(rclone.median)} → ${ratio.toFixed(2)}×; peak RSS ${rss.max.toFixed(0)} MB. `
    + `Floor: the listing alone (undici, one JSON.parse per answer, nothing kept) ${ms(listing.median)} = ${(listing.median / rclone.median).toFixed(2)}× rclone; `
    + `CPU no-op ${cpuText(cpuOf('noop').child)} + listing ${cpuText(cpuOf('listing').child)} + emulator ${cpuText(cpuOf('listing').emulator)} = ${cpuText(needMs)} `
    + `→ ≥ ${ms(floorMs)} on ${cores} cores = ${(floorMs / rclone.median).toFixed(2)}× rclone (lumensync's CPU ${cpuText(cpuOf('lumensync').child)}, rclone's ${cpuText(cpuOf('rclone').child)}); `
    + `the ${(listedBytes / 1e6).toFixed(0)} MB received unparsed: CPU ${cpuText(cpuOf('received').child)} + emulator ${cpuText(cpuOf('received').emulator)} → ≥ ${ms(receivedNeedMs / cores)} = ${(receivedNeedMs / cores / rclone.median).toFixed(2)}× rclone`;
  return { row: 10, name, target, verdict: ratio <= 1 && rss.max <= RSS_TARGET_MIB ? 'met' : 'missed', measured, figures };
};
