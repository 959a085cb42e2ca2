/**
 * Shared benchmark machinery: sample statistics, timed child processes (with peak RSS), synthetic
 * trees, and the lumensync CLI invocation. Benchmarks are not tests: `npm test` never runs them.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/src/cli/main.js, found from this compiled file (dist/test/bench/lib.js). */
/** The executable users run (`npx lumensync` → bin/lumensync.js → dist/src/cli/entry.js). */
export const CLI_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/lumensync.js');
/** The dev key and account of the emulator's default seed (loopback only, not a secret). */
export const DEV_API_KEY = 'lumensync-dev-key';
/** The dev account of the default seed. */
export const DEV_ACCOUNT_ID = '11111111-2222-3333-4444-555555555555';

/** Median, min and max of one series of samples, plus the raw samples. */
export interface Series { median: number; min: number; max: number; samples: number[] }

/** Summarise samples (at least one). */
export function series(samples: number[]): Series {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples };
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** What one child process did. */
export interface ProcessResult {
  code: number | null; wallMs: number; stdout: string; stderr: string;
  /** With `measureRss`: peak RSS, and user + system CPU of the process and its threads (GNU time). */
  maxRssKiB?: number; cpuMs?: number;
}

/** Options of {@link runProcess}. */
export interface RunOptions extends Pick<SpawnOptions, 'cwd' | 'env'> {
  /** Wrap in GNU time to read the peak RSS (kernel's ru_maxrss, exact, unlike polling) and the CPU time. */
  measureRss?: boolean;
  /** Fail instead of returning when the exit code is not 0. */
  check?: boolean;
  /** Kill after this long (ms); benchmarks must stay bounded. */
  timeoutMs?: number;
}

/** Run a command to completion, timing it from spawn to exit. */
export async function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<ProcessResult> {
  let argv = [command, ...args];
  let rssFile: string | undefined;
  if (options.measureRss) {
    rssFile = path.join(await benchScratch(), `rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    argv = ['/usr/bin/time', '-f', '%M %U %S', '-o', rssFile, ...argv];
  }
  const started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  }).finally(() => clearTimeout(timer));
  const wallMs = performance.now() - started;
  const result: ProcessResult = { code, wallMs, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  if (rssFile !== undefined) {
    const text = await readFile(rssFile, 'utf8').catch(() => '');
    const [kib, userSeconds, systemSeconds] = (text.trim().split('\n').pop() ?? '').split(' ').map(Number);
    if (kib !== undefined && Number.isFinite(kib) && kib > 0) result.maxRssKiB = kib;
    const cpuMs = ((userSeconds ?? NaN) + (systemSeconds ?? NaN)) * 1000;
    if (Number.isFinite(cpuMs)) result.cpuMs = cpuMs;
    await rm(rssFile, { force: true });
  }
  if (options.check && code !== 0) {
    throw new Error(`${argv.join(' ')} exited ${code}: ${result.stderr.slice(-2000)}${result.stdout.slice(-1000)}`);
  }
  return result;
}

let scratch: string | undefined;
/** Set the bench's temporary root (run.ts owns its creation and removal). */
export function setBenchScratch(dir: string): void { scratch = dir; }
/** The bench's temporary root. */
export async function benchScratch(): Promise<string> {
  if (scratch === undefined) throw new Error('bench scratch dir not set');
  await mkdir(scratch, { recursive: true });
  return scratch;
}

/** Environment for a lumensync child talking to the emulator at `url`. */
export function cliEnv(url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LUMENONE_HOST: url, LUMENONE_API_KEY: DEV_API_KEY, LUMENONE_ACCOUNT_ID: DEV_ACCOUNT_ID, ...extra };
  // The bench must not pick up a developer's config or log settings.
  delete env.LUMENSYNC_CONFIG;
  delete env.LUMENSYNC_LOG_LEVEL;
  delete env.LUMENSYNC_LOG_FILE;
  delete env.LUMENONE_API_KEY_FILE;
  return env;
}

/** One `lumensync sync` run's settings. */
export interface SyncRun { dir: string; folder: string; stateDir: string; rate?: number; concurrency?: number; extra?: string[] }

/** Arguments of `node main.js sync …` for a run (org acme, workspace support-bot, JSON summary). */
export function syncArgs(run: SyncRun): string[] {
  return [CLI_MAIN, 'sync', run.dir, '--org', 'acme', '--folder', run.folder, '--workspace', 'support-bot', '--state-dir', run.stateDir,
    '--rate', String(run.rate ?? 0), '--concurrency', String(run.concurrency ?? 8), '--json', '--no-progress', ...(run.extra ?? [])];
}

/** Run `lumensync sync` and parse its JSON summary; throws on a non-zero exit. */
export async function runSync(url: string, run: SyncRun, options: Omit<RunOptions, 'env'> = {}): Promise<ProcessResult & { summary: Record<string, unknown> }> {
  const result = await runProcess(process.execPath, syncArgs(run), { ...options, env: cliEnv(url), check: true });
  const parsed = JSON.parse(result.stdout) as { summary: Record<string, unknown> };
  return { ...result, summary: parsed.summary };
}

/** Shape of a synthetic tree. */
export interface TreeShape { files: number; folders: number; bytesPerFile: number }

/** Content of one synthetic file: unique (its path leads) so no two files share a hash. */
export function fileContent(relativePath: string, bytes: number, seed: string): Buffer {
  const head = Buffer.from(`${seed} ${relativePath}\n`);
  const body = Buffer.alloc(bytes, 'lorem ipsum dolor sit amet ');
  head.copy(body, 0, 0, Math.min(head.length, bytes));
  return body;
}

/** Write `shape` under `root` (files spread evenly over folders d0000…); returns the relative paths. */
export async function buildTree(root: string, shape: TreeShape, seed = 'v1'): Promise<string[]> {
  const relativePaths: string[] = [];
  for (let i = 0; i < shape.files; i += 1) {
    const folder = `d${String(i % shape.folders).padStart(4, '0')}`;
    relativePaths.push(`${folder}/f${String(i).padStart(6, '0')}.txt`);
  }
  for (let f = 0; f < shape.folders; f += 1) await mkdir(path.join(root, `d${String(f).padStart(4, '0')}`), { recursive: true });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < relativePaths.length) {
      const relativePath = relativePaths[next++]!;
      await writeFile(path.join(root, relativePath), fileContent(relativePath, shape.bytesPerFile, seed));
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return relativePaths;
}

/** Write `bytes` of pseudo-random, incompressible data to `file` in 4 MiB pieces. */
export async function writeRandomFile(file: string, bytes: number, seed: number): Promise<void> {
  const { open } = await import('node:fs/promises');
  const { createHash } = await import('node:crypto');
  const handle = await open(file, 'w');
  try {
    // A hash chain is cheap, deterministic and defeats any compression along the way.
    let block = createHash('sha512').update(String(seed)).digest();
    const piece = Buffer.alloc(4 << 20);
    let written = 0;
    while (written < bytes) {
      for (let offset = 0; offset < piece.length; offset += block.length) {
        block = createHash('sha512').update(block).digest();
        block.copy(piece, offset);
      }
      const length = Math.min(piece.length, bytes - written);
      await handle.write(piece, 0, length);
      written += length;
    }
  } finally {
    await handle.close();
  }
}

/** Run `rounds` interleaved rounds of several named cases (A B A B …), so drift hits all sides alike. */
export async function interleave(rounds: number, cases: Record<string, (round: number) => Promise<number>>): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, run] of Object.entries(cases)) samples[name]!.push(await run(round));
  }
  return samples;
}

/** Is an executable on PATH? */
export async function hasCommand(command: string): Promise<boolean> {
  const result = await runProcess('sh', ['-c', `command -v ${command}`]).catch(() => undefined);
  return result?.code === 0;
}
