/**
 * `lumensync sync <dir>` starts walking `<dir>` before its options are parsed. The stat worker
 * (stat-pool.ts) is ready ~0.1 s before the CLI has loaded and parsed its options and opened the
 * mirror's session; a walk begun then (scan-prefetch.ts) gives the scan that head start.
 *
 * What to walk is read from the raw arguments, and only in the plain form: `sync <dir>` first,
 * `--ignore` patterns, no config file, no option that changes what a scan lists. It is a guess:
 * the session keeps the walk only when it lists exactly what the mirror's scan lists
 * (ScanPrefetch.fits, checked again by the scanner), and closes it otherwise.
 */
import path from 'node:path';
import { ScanPrefetch } from '../local/scan-prefetch.js';
import { defaultScanThreads } from '../local/stat-pool.js';

/** What an early walk covers: the mirror root and its `--ignore` patterns, as parsed later. */
export interface EarlyScanRequest {
  root: string;
  ignore: string[];
}

/** Options (dashes and case ignored, so camelCase and `--no-` forms match) that rule a guess out: the mirror comes from a file, or its scan lists something else. */
const RULED_OUT = ['config', 'mirror', 'followsymlinks', 'scanthreads', 'help', 'version'];

const optionKey = (arg: string): string => arg.split('=', 1)[0]!.replace(/-/g, '').toLowerCase();

/** The walk `argv` (without node and the script) asks for, or undefined when it cannot be told safely before parsing. */
export function earlyScanRequest(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): EarlyScanRequest | undefined {
  const [command, dir] = argv;
  if (command !== 'sync' || dir === undefined || dir === '' || dir.startsWith('-') || env.LUMENSYNC_CONFIG !== undefined) return undefined;
  const ignore: string[] = [];
  for (let index = 2; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--' || arg === '-h') return undefined;
    if (!arg.startsWith('-')) continue;
    const key = optionKey(arg);
    if (RULED_OUT.some((word) => key.includes(word))) return undefined;
    if (key === 'ignore') {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++index];
      if (value === undefined) return undefined;
      ignore.push(value);
    } else if (key.includes('ignore')) return undefined;
  }
  return { root: path.resolve(cwd, dir), ignore };
}

let early: ScanPrefetch | undefined;

/** Start the walk `argv` asks for, if it asks for one plainly and a spare core can take it; returns the walk started. */
export function startEarlyScan(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ScanPrefetch | undefined {
  const request = earlyScanRequest(argv, env, cwd);
  if (request === undefined || early !== undefined) return undefined;
  early = ScanPrefetch.start({ root: request.root, ignore: request.ignore, threads: defaultScanThreads() });
  return early;
}

/** What became of the early walk at a session's start: none started, kept for its first scan, or closed because it lists something else. */
export type EarlyScanOutcome = { outcome: 'none' } | { outcome: 'kept'; prefetch: ScanPrefetch } | { outcome: 'closed' };

/**
 * Stop an early walk nobody will take over, without waiting for it: a worker inside a slow call
 * (a network share) stops when that call returns, and the session has no reason to wait for that.
 */
export function dropEarlyScan(walk: ScanPrefetch): void {
  walk.close().catch(() => undefined);
}

/**
 * The early walk, kept when it lists what a scan of `spec` lists, else dropped here. Taken once:
 * whoever keeps it closes it (a session does when its pass never scans).
 */
export function takeEarlyScan(spec: { root: string; ignore?: readonly string[]; followSymlinks?: boolean }): EarlyScanOutcome {
  const taken = early;
  early = undefined;
  if (taken === undefined) return { outcome: 'none' };
  if (taken.fits(spec)) return { outcome: 'kept', prefetch: taken };
  dropEarlyScan(taken);
  return { outcome: 'closed' };
}
