/**
 * Shared by the `--rate auto` rows (11–14): a lumensync sync child against any org/account of
 * the dev key, and the throughput figures read from the emulator's request log.
 */
import type { RequestLogEntry } from '../../src/emulator/server.js';
import { CLI_MAIN, cliEnv, runProcess, type ProcessResult } from './lib.js';

/** The two accounts of the dev key in the default seed: same key, separate orgs. */
export const DEV_TENANTS = {
  acme: { account: '11111111-2222-3333-4444-555555555555', org: 'acme', workspace: 'support-bot' },
  globex: { account: '22222222-3333-4444-5555-666666666666', org: 'globex', workspace: 'helpdesk' },
} as const;

/** One paced sync run. */
export interface PacedRun {
  dir: string;
  folder: string;
  stateDir: string;
  /** `auto`, a number, or 0. */
  rate: string;
  concurrency?: number;
  tenant?: keyof typeof DEV_TENANTS;
}

/** Run `lumensync sync` with `--rate <rate>` (retries raised: a 429 storm must not fail the run). */
export async function runPacedSync(url: string, run: PacedRun): Promise<ProcessResult & { summary: Record<string, unknown>; pacing: Record<string, unknown> }> {
  const tenant = DEV_TENANTS[run.tenant ?? 'acme'];
  const args = [CLI_MAIN, 'sync', run.dir, '--org', tenant.org, '--folder', run.folder, '--workspace', tenant.workspace, '--state-dir', run.stateDir,
    '--rate', run.rate, '--concurrency', String(run.concurrency ?? 8), '--retries', '20', '--max-backoff', '5', '--json', '--no-progress'];
  const result = await runProcess(process.execPath, args, { env: cliEnv(url, { LUMENONE_ACCOUNT_ID: tenant.account }), check: true, timeoutMs: 900_000, measureRss: true });
  const parsed = JSON.parse(result.stdout) as { summary: Record<string, unknown>; pacing: Record<string, unknown> };
  return { ...result, summary: parsed.summary, pacing: parsed.pacing };
}

/** Requests the server accepted (not 429) per second in [from, to) (ms since epoch). */
export function acceptedPerSec(entries: readonly RequestLogEntry[], from: number, to: number): number {
  const accepted = entries.filter((entry) => entry.receivedAt >= from && entry.receivedAt < to && entry.status !== 429).length;
  return accepted / Math.max(0.001, (to - from) / 1000);
}

/** How many entries were answered 429. */
export const count429 = (entries: readonly RequestLogEntry[]): number => entries.filter((entry) => entry.status === 429).length;

/** Percent with one decimal. */
export const pct = (part: number, whole: number): string => `${((part / Math.max(1e-9, whole)) * 100).toFixed(1)}%`;

/** Accepted/429 per second from `from` (ms since epoch), e.g. "5/1 5 4 5": for reading where a run lost its rate. */
export function perSecondTimeline(entries: readonly RequestLogEntry[], from = entries[0]?.receivedAt ?? 0): string {
  const seconds: { ok: number; refused: number }[] = [];
  for (const entry of entries) {
    const second = Math.floor((entry.receivedAt - from) / 1000);
    if (second < 0) continue;
    while (seconds.length <= second) seconds.push({ ok: 0, refused: 0 });
    if (entry.status === 429) seconds[second]!.refused += 1;
    else seconds[second]!.ok += 1;
  }
  return seconds.map(({ ok, refused }) => (refused > 0 ? `${ok}/${refused}` : String(ok))).join(' ');
}

/** The `--rate auto` decisions of a run's JSON pacing, e.g. "throttle@1.2s→4.75(5) stale@40.1s→5.2". */
export function decisionsText(pacing: Record<string, unknown>): string {
  const decisions = (pacing['decisions'] ?? []) as { atMs: number; event: string; ratePerSec: number; limitPerSec?: number }[];
  return decisions.map((d) => `${d.event}@${(d.atMs / 1000).toFixed(1)}s→${d.ratePerSec}${d.limitPerSec === undefined ? '' : `(${d.limitPerSec})`}`).join(' ');
}
