/**
 * `npm run bench`: builds synthetic trees in a temporary folder, runs each row against the
 * emulator on loopback (in this process; every measured lumensync runs as its own child
 * process), prints a table and writes a JSON report.
 *
 * Flags: --only 1,3   run some rows · --quick   smoke run with small sizes · --rounds N (default 5)
 *        --out FILE   JSON report path (default <tmp>/bench-report.json) · --keep   keep the temp dir
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { CLI_MAIN, runProcess, setBenchScratch } from './lib.js';
import { ms, type BenchContext, type BigMirror, type RowResult, type RowRunner } from './row.js';
import { noopResync } from './rows/noop-resync.js';
import { noopSmall } from './rows/noop-small.js';
import { firstSync } from './rows/first-sync.js';
import { rateLimit } from './rows/rate-limit.js';
import { hashing } from './rows/hashing.js';
import { watchLatency } from './rows/watch-latency.js';
import { watchBig } from './rows/watch-big.js';
import { watchEditCost } from './rows/watch-edit-cost.js';
import { bigUpload } from './rows/big-upload.js';
import { deletes } from './rows/deletes.js';
import { startup } from './rows/startup.js';
import { noopVerify } from './rows/noop-verify.js';
import { scale } from './rows/scale.js';
import { buildDirectMirror } from './direct-mirror.js';
import { autoLimit } from './rows/auto-limit.js';
import { autoLimitChange } from './rows/auto-limit-change.js';
import { autoSharedKey } from './rows/auto-shared-key.js';
import { autoLatency } from './rows/auto-latency.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every row, by number, with what it needs before it can run. */
const ROWS: Record<number, { name: string; run: RowRunner; needs?: 'watch' }> = {
  1: { name: 'no-op re-sync', run: noopResync },
  2: { name: 'first sync', run: firstSync },
  3: { name: '--rate 20 vs 429 limiter', run: rateLimit },
  4: { name: 'first-sync hashing', run: hashing },
  5: { name: 'watch latency', run: watchLatency, needs: 'watch' },
  6: { name: 'watch on 100,000 files', run: watchBig, needs: 'watch' },
  7: { name: '1 GiB upload memory', run: bigUpload },
  8: { name: '10,000 deletes', run: deletes },
  9: { name: 'CLI start-up', run: startup },
  10: { name: 'no-op with --verify', run: noopVerify },
  20: { name: '1,000,000 files (scale)', run: scale, needs: 'watch' },
  11: { name: '--rate auto vs a per-key limit', run: autoLimit },
  12: { name: '--rate auto, limit drops then rises', run: autoLimitChange },
  13: { name: '--rate auto, two processes on one key', run: autoSharedKey },
  14: { name: '--rate auto, latency-bound', run: autoLatency },
  15: { name: 'watch: one edit on 100,000 files', run: watchEditCost, needs: 'watch' },
  16: { name: 'no-op re-sync, 20,000 files', run: noopSmall },
};

/** Parsed command line. */
interface BenchArgs { only: number[]; quick: boolean; rounds: number; out: string | undefined; keep: boolean }

function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { only: Object.keys(ROWS).map(Number), quick: false, rounds: 5, out: undefined, keep: false };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--quick') args.quick = true;
    else if (flag === '--keep') args.keep = true;
    else if (flag === '--only') args.only = value().split(',').map((part) => Number(part.trim()));
    else if (flag === '--rounds') args.rounds = Number(value());
    else if (flag === '--out') args.out = path.resolve(value());
    else throw new Error(`unknown flag ${flag} (use --only 1,3  --quick  --rounds N  --out FILE  --keep)`);
  }
  const unknown = args.only.filter((row) => ROWS[row] === undefined);
  if (unknown.length > 0) throw new Error(`--only: no row ${unknown.join(', ')} (rows are ${Object.keys(ROWS).join(', ')})`);
  if (!Number.isInteger(args.rounds) || args.rounds < 1) throw new Error('--rounds must be a whole number ≥ 1');
  return args;
}

const note = (message: string): void => { process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`); };

/** The machine the figures came from. */
async function machine(): Promise<Record<string, string | number>> {
  const version = async (command: string, args: string[]): Promise<string> => {
    const result = await runProcess(command, args).catch(() => undefined);
    return result?.code === 0 ? result.stdout.split('\n')[0]!.trim() : 'not installed';
  };
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`, node: process.version,
    rsync: await version('rsync', ['--version']), rclone: await version('rclone', ['--version']),
    curl: await version('curl', ['--version']), find: await version('find', ['--version']), sha256sum: await version('sha256sum', ['--version']),
  };
}

/** Make sure rsync and rclone are there (the script never fails; missing tools skip their comparisons). */
async function installTools(): Promise<void> {
  const result = await runProcess('bash', [path.join(REPO_ROOT, 'scripts/install-bench-tools.sh')], { timeoutMs: 300_000 }).catch((error: unknown) => ({ stdout: '', stderr: String(error) }));
  for (const line of `${result.stdout}${result.stderr}`.split('\n').filter(Boolean)) note(line);
}

async function watchAvailable(): Promise<boolean> {
  const result = await runProcess(process.execPath, [CLI_MAIN, 'watch', '--help']).catch(() => undefined);
  return result?.code === 0;
}

function renderTable(results: RowResult[]): string {
  const lines = ['| # | case | measured | target | verdict |', '|---|---|---|---|---|'];
  for (const result of results) lines.push(`| ${result.row} | ${result.name} | ${result.measured} | ${result.target} | ${result.verdict.toUpperCase()} |`);
  const notes = results.filter((result) => result.note).map((result) => `- row ${result.row}: ${result.note}`);
  return `${lines.join('\n')}\n${notes.length > 0 ? `\n${notes.join('\n')}\n` : ''}`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'lumensync-bench-'));
  setBenchScratch(scratch);
  const out = args.out ?? path.join(scratch, 'bench-report.json');
  let shared: EmulatorHandle | undefined;
  let bigMirror: Promise<BigMirror> | undefined;
  const ctx: BenchContext = {
    scratch, quick: args.quick, rounds: args.quick ? Math.min(args.rounds, 3) : args.rounds, note,
    bigMirror: () => {
      bigMirror ??= (async () => {
        const files = args.quick ? 10_000 : 100_000;
        const folders = args.quick ? 200 : 2000;
        const root = path.join(scratch, 'big-tree');
        const stateDir = path.join(scratch, 'big-state');
        // Built directly (files, journal, emulator state) as a first sync leaves them: uploading
        // 100,000 files took ~5 min of every bench run and is not what rows 1 and 6 measure.
        note(`building the big tree directly: ${files} × 1 KiB in ${folders} folders (journal + emulator state, no uploads)`);
        const mirror = await buildDirectMirror(root, stateDir, 'big', { files, folders, bytesPerFile: 1024 });
        shared = await startEmulator({ port: 0, state: mirror.state });
        await mirror.writeJournal(shared.url);
        note(`big tree built in ${ms(mirror.buildMs)}`);
        return { root, files, folders, url: shared.url, folder: 'big', stateDir, firstSyncMs: Number.NaN };
      })();
      return bigMirror;
    },
  };
  const results: RowResult[] = [];
  try {
    if (args.only.some((row) => [1, 2, 10, 16].includes(row))) await installTools();
    const hasWatch = await watchAvailable();
    for (const row of args.only) {
      const { name, run, needs } = ROWS[row]!;
      if (needs === 'watch' && !hasWatch) {
        results.push({ row, name, target: '', verdict: 'skipped', measured: 'skipped: watch not available', figures: {} });
        continue;
      }
      note(`row ${row}: ${name}`);
      const started = performance.now();
      try {
        results.push(await run(ctx));
      } catch (error) {
        note(`row ${row} failed: ${(error as Error).stack ?? String(error)}`);
        results.push({ row, name, target: '', verdict: 'error', measured: `error: ${(error as Error).message.split('\n')[0]!.slice(0, 200)}`, figures: {} });
      }
      note(`row ${row} done in ${ms(performance.now() - started)}`);
    }
    const report = { createdAt: new Date().toISOString(), quick: args.quick, rounds: ctx.rounds, machine: await machine(), rows: results };
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\n${renderTable(results)}\nmachine: ${JSON.stringify(report.machine)}\nJSON report: ${out}\n`);
  } finally {
    await shared?.close();
    if (!args.keep) {
      // Keep the report when it lives in the scratch dir; remove everything else.
      const { readdir } = await import('node:fs/promises');
      for (const entry of await readdir(scratch)) if (path.join(scratch, entry) !== out) await rm(path.join(scratch, entry), { recursive: true, force: true });
    }
  }
  return results.some((result) => result.verdict === 'error') ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exitCode = 2;
});
