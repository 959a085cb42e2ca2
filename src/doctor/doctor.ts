/** `lumensync doctor` as a function: settings in, a report (data) out; the command only prints it. */
import { LumenOneClient } from '../api/client.js';
import { clientOptionsFor, type Connection } from '../cli/connection.js';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import type { MirrorSettings } from '../config/settings.js';
import { defaultStateDir, mirrorIdFor } from '../journal/state-dir.js';
import { checkInotify, checkRoot, checkStateDir, clockVerdict } from './local.js';
import { runReadProbes } from './probe.js';
import { runWriteProbes } from './probe-write.js';
import { runUpstreamReadProbes, runUpstreamWriteProbes } from './probe-upstream.js';
import { rawRequest } from './raw.js';
import { runRemoteChecks } from './remote.js';
import type { DoctorReport, DoctorStep } from './types.js';

/** What to check beyond the checklist. */
export interface DoctorOptions {
  /** Read-only contract probes (`--probe`). */
  probe?: boolean;
  /** Write probes in a scratch folder (`--probe-write`, implies probe). */
  probeWrite?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Override of the inotify limit file (tests). */
  inotifyLimitFile?: string;
}

/** Run every check; never throws for a failed check (it becomes a ✗ step). */
export async function runDoctor(connection: Connection, mirrors: MirrorSettings[], options: DoctorOptions = {}): Promise<DoctorReport> {
  const client = new LumenOneClient(clientOptionsFor(connection));
  const steps: DoctorStep[] = [];
  try {
    const remote = await runRemoteChecks(client, connection, mirrors);
    steps.push(...remote.steps);
    const keyWorks = remote.steps.find((candidate) => candidate.id === 'key')?.status === 'ok';
    if (keyWorks) {
      const answer = await rawRequest(client.apiBaseUrl, { path: '/v1/auth', apiKey: connection.apiKey }).catch(() => undefined);
      if (answer !== undefined) steps.push(clockVerdict(answer.headers.date, answer.midpointMs));
    }
    for (const { mirror, org } of remote.resolved) {
      const name = mirror.name || undefined;
      const { root, folder } = mirror.spec;
      steps.push(await checkRoot(root, name));
      const orgSlug = org?.orgSlug ?? mirror.spec.orgSlug;
      const stateDir = mirror.stateDir ?? defaultStateDir(mirrorIdFor({ apiBaseUrl: client.apiBaseUrl, accountId: connection.accountId, orgSlug, folder, root }), options.env);
      steps.push(await checkStateDir(stateDir, root, name));
      steps.push(await checkInotify(root, name, options.inotifyLimitFile));
    }
    const probes = [];
    const target = remote.resolved.find((candidate) => candidate.org !== undefined);
    if ((options.probe || options.probeWrite) && keyWorks && target?.org !== undefined) {
      const probeTarget = { apiBaseUrl: client.apiBaseUrl, connection, orgSlug: target.org.orgSlug, workspaceSlug: target.workspaces[0]?.workspaceSlug };
      probes.push(...(await runReadProbes(probeTarget)), ...(await runUpstreamReadProbes(probeTarget)));
      if (options.probeWrite) probes.push(...(await runWriteProbes(probeTarget)), ...(await runUpstreamWriteProbes(probeTarget)));
    } else if (options.probe || options.probeWrite) {
      steps.push({ id: 'probe', area: 'remote', title: 'contract probes', status: 'skip', detail: 'skipped: they need a working key and a visible organization (fix the ✗ steps first)' });
    }
    const ok = steps.every((candidate) => candidate.status !== 'fail') && probes.every((probe) => probe.verdict !== 'contradicted');
    return { ok, steps, probes };
  } finally {
    await client.close();
  }
}

/**
 * Exit code of a report: 3 when a remote step failed (key, account, org, workspace), 2 when only
 * local steps failed, 1 when only probes contradicted the contract, 0 otherwise.
 */
export function doctorExitCode(report: DoctorReport): ExitCode {
  const failed = report.steps.filter((candidate) => candidate.status === 'fail');
  if (failed.some((candidate) => candidate.area === 'remote')) return EXIT.ACCESS;
  if (failed.length > 0) return EXIT.USAGE;
  if (report.probes.some((probe) => probe.verdict === 'contradicted')) return EXIT.PARTIAL;
  return EXIT.OK;
}

const MARK = { ok: '✓', fail: '✗', warn: '!', skip: '-' } as const;
const VERDICT = { confirmed: '✓ confirmed', contradicted: '✗ contradicted', inconclusive: '- inconclusive' } as const;

/** The report as text for a person: one line per step, the fix under each ✗ and !. */
export function renderReport(report: DoctorReport): string {
  const lines: string[] = [];
  for (const item of report.steps) {
    const scope = item.mirror === undefined ? '' : `[${item.mirror}] `;
    lines.push(`${MARK[item.status]} ${scope}${item.title}: ${item.detail}`);
    if (item.fix !== undefined && (item.status === 'fail' || item.status === 'warn')) lines.push(`    fix: ${item.fix}`);
  }
  if (report.probes.length > 0) {
    lines.push('', 'Contract probes (UNCONFIRMED assumptions of lumenone-api.md, checked against this server):');
    for (const probe of report.probes) {
      lines.push(`${VERDICT[probe.verdict]}  ${probe.id}: ${probe.assumption}`);
      if (probe.verdict !== 'confirmed') lines.push(`    observed: ${probe.observed}`, `    module: ${probe.module}`);
    }
  }
  const failures = report.steps.filter((candidate) => candidate.status === 'fail').length;
  const contradicted = report.probes.filter((probe) => probe.verdict === 'contradicted').length;
  lines.push('', report.ok ? 'All checks passed.' : `${failures} check(s) failed${contradicted > 0 ? `, ${contradicted} assumption(s) contradicted` : ''}.`);
  return lines.join('\n');
}
