/** `lumensync sync [dir]`: for each mirror, one pass (and follow-up passes for retryable failures), then exit. */
import type { Argv, CommandModule } from 'yargs';
import { createLogger } from '../../log.js';
import { syncUntilConverged, type ConvergeResult } from '../../sync/engine.js';
import { heldSet } from '../../core/held.js';
import type { StatsSnapshot } from '../../stats/stats.js';
import { DEFAULT_HISTORY_SIZE, PassHistory } from '../../watch/history.js';
import { EXIT, exitCodeForOutcome, type ExitCode } from '../exit-codes.js';
import { mirrorOptions, type MirrorArgs } from '../mirror-options.js';
import type { Logger } from 'pino';
import { resolveSettings, type MirrorSettings, type Settings } from '../../config/settings.js';
import { openSession, PREFETCH_SCAN_MIN_SNAPSHOT_BYTES } from '../session.js';
import { printError, printJson, printLine } from '../output.js';
import { renderPlan, renderSummary } from '../render.js';
import { startProgress } from '../progress.js';
import { MIRROR_DEFAULTS } from '../../sync/mirror.js';
import { DESCRIPTIONS } from '../command-list.js';
import { describeVerification } from '../../sync/verification.js';
import { PacerPool } from '../../executor/pacer.js';
import type { GuardVerdict, Plan } from '../../core/plan-types.js';

interface SyncArgs extends MirrorArgs {
  'dry-run'?: boolean;
  verify?: boolean;
  'max-passes'?: number;
  progress?: boolean;
}

/** Run a sync of every resolved mirror, in order; returns the first non-zero exit code (main.ts owns process.exit). */
export async function runSync(args: SyncArgs, signal?: AbortSignal): Promise<ExitCode> {
  const settings = await resolveSettings(args);
  const log = createLogger({ level: settings.log.level, ...(settings.log.file ? { file: settings.log.file } : {}) });
  let worst: ExitCode = EXIT.OK;
  // One pacer per host for every mirror: the second mirror starts at the rate the first one learned.
  const pacers = new PacerPool(settings.pacing);
  for (const mirror of settings.mirrors) {
    if (signal?.aborted) break;
    if (settings.mirrors.length > 1 && !args.json) printLine(`mirror ${mirror.name}: ${mirror.spec.root} → ${mirror.spec.orgSlug}/${mirror.spec.folder}`);
    const exitCode = await syncMirror(args, settings, mirror, log, pacers, signal);
    if (worst === EXIT.OK) worst = exitCode;
  }
  return worst;
}

/** One mirror's sync: open, pass(es), print, close. */
async function syncMirror(args: SyncArgs, settings: Settings, mirror: MirrorSettings, log: Logger, pacers: PacerPool, signal?: AbortSignal): Promise<ExitCode> {
  const opened = await openSession({
    connection: settings.connection, spec: mirror.spec, stateDir: mirror.stateDir, log: settings.mirrors.length > 1 ? log.child({ mirror: mirror.name }) : log, pacing: settings.pacing, pacers,
    verify: args.verify ?? false,
    // The first pass scans right after the journal is read: walk the root meanwhile.
    prefetchScanMinBytes: PREFETCH_SCAN_MIN_SNAPSHOT_BYTES,
    ...(signal ? { signal } : {}),
  });
  const { session } = opened;
  const dryRun = args['dry-run'] ?? false;
  const progress = startProgress(session.stats, { enabled: (args.progress ?? true) && !dryRun && !args.json, tty: process.stderr.isTTY === true, limit: () => session.pacer.throughputLimit });
  const startedAt = Date.now();
  try {
    const result = await syncUntilConverged(session, {
      dryRun, verify: args.verify ?? false,
      maxPasses: args['max-passes'] ?? MIRROR_DEFAULTS.maxPasses,
      onPlan: (plan) => {
        if (dryRun && !args.json) printLine(renderPlan(plan));
      },
    });
    progress.stop();
    const snapshot = session.stats.snapshot();
    const rootGuarded = result.lastPlan.guards.some((guard) => guard.guard.startsWith('root-') || guard.guard === 'foreign-mirror');
    const guardsBlocked = result.lastPlan.blockedRemoves.length > 0 || result.lastPlan.blockedUnembeds.length > 0 || rootGuarded;
    const exitCode = exitCodeForOutcome(snapshot.failures, guardsBlocked, snapshot.rejected);
    // A folder that is missing, not a folder or unreadable: no pass ran, so one error and no summary.
    const unusableRoot = result.lastPlan.guards.find((guard) => UNUSABLE_ROOT.has(guard.guard));
    if (unusableRoot && !args.json) {
      printError(renderUnusableRoot(unusableRoot, mirror, settings));
      return EXIT.GUARD;
    }
    if (!dryRun) await recordSyncRun(opened.stateDir, startedAt, snapshot, result, log);
    if (args.json) {
      printJson({
        ...(settings.mirrors.length > 1 ? { mirror: mirror.name } : {}),
        exitCode, dryRun, passes: result.passes, stateDir: opened.stateDir, mirrorId: opened.mirrorId,
        remote: { listed: result.verification.listed, reason: result.verification.reason ?? null, lastVerifiedAt: result.verification.lastVerifiedAt === undefined ? null : new Date(result.verification.lastVerifiedAt).toISOString() },
        ...(dryRun ? { plan: result.firstPlan } : {}),
        guards: result.lastPlan.guards, blockedDeletes: result.lastPlan.blockedRemoves.length,
        blockedUnembeds: result.lastPlan.summary.blockedUnembeds,
        ...(result.lastPlan.blockedUnembeds.length > 0 ? { removeWorkspaceCommand: removeWorkspaceCommand(result.lastPlan, settings, mirror) } : {}),
        summary: { ...snapshot, inFlight: undefined },
        pacing: session.pacer.host.pacingSummary(),
      });
    } else {
      if (!dryRun) for (const guard of result.lastPlan.guards) printLine(`guard: ${guard.message}\n  fix: ${guard.hint}`);
      if (result.lastPlan.blockedUnembeds.length > 0) printLine(`  to remove them on purpose run: ${removeWorkspaceCommand(result.lastPlan, settings, mirror)}`);
      printLine(renderSummary(snapshot, { passes: result.passes, dryRun }));
      printLine(`  ${describeVerification(result.verification, Date.now())}`);
      if (!dryRun) printLine(`  ${session.pacer.host.pacingSummary().text}`);
    }
    return dryRun && exitCode === EXIT.OK ? EXIT.OK : exitCode;
  } finally {
    progress.stop();
    await opened.close();
  }
}

/** Add the run to the mirror's pass history (status, the status page); a failure to write it is only logged. */
async function recordSyncRun(stateDir: string, startedAt: number, stats: StatsSnapshot, result: ConvergeResult, log: Logger): Promise<void> {
  const failed = new Set(stats.failures.map((failure) => failure.relativePath));
  const uploadedPaths = [...new Set([result.firstPlan, result.lastPlan].flatMap((plan) => plan.actions.flatMap((action) => (action.kind === 'upload' && !failed.has(action.relativePath) ? [action.relativePath] : []))))];
  const history = new PassHistory(stateDir, DEFAULT_HISTORY_SIZE, (error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not write history.json'));
  await history.record({
    startedAt, durationMs: Date.now() - startedAt, full: true, listed: result.verification.listed, uploads: stats.uploaded + stats.replaced, deletes: stats.deleted, bytes: stats.bytesUploaded,
    failures: stats.failures.length, error: undefined, held: heldSet(result.lastPlan).count, released: 0, uploadedPaths,
  });
}

/** Root guards meaning the folder itself could not be used (not "empty"). */
const UNUSABLE_ROOT = new Set<GuardVerdict['guard']>(['root-missing', 'root-not-directory', 'root-unreadable']);

/** The error for an unusable root, naming the path and (with a config file or several mirrors) the mirror. */
export function renderUnusableRoot(guard: GuardVerdict, mirror: MirrorSettings, settings: Pick<Settings, 'mirrors' | 'configFile'>): string {
  const named = settings.configFile !== undefined || settings.mirrors.length > 1
    ? ` (mirror "${mirror.name}"${settings.configFile === undefined ? '' : ` of ${settings.configFile}`})`
    : '';
  return `error: ${guard.message}: ${mirror.spec.root}${named}\n  fix: ${guard.hint}`;
}

/** A word as a POSIX shell reads it back (single quotes unless it is plain). */
const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/**
 * The exact command that lets the held un-embeds through: this run's own arguments (without
 * --dry-run), the mirror when the config file has several, and one --remove-workspace per workspace.
 */
export function removeWorkspaceCommand(plan: Plan, settings: Settings, mirror: MirrorSettings, argv: readonly string[] = process.argv.slice(2)): string {
  const slugs = [...new Set(plan.blockedUnembeds.map((action) => action.workspaceSlug))];
  const pick = settings.mirrors.length > 1 && mirror.name !== '' ? ['--mirror', mirror.name] : [];
  const own = argv.filter((word, index) => word !== '--dry-run' && word !== '--dry-run=true'
    && !(pick.length > 0 && (word === '--mirror' || word.startsWith('--mirror=') || argv[index - 1] === '--mirror')));
  return ['lumensync', ...own, ...pick, ...slugs.flatMap((slug) => ['--remove-workspace', slug])].map(shellWord).join(' ');
}

export const syncCommand: CommandModule<object, SyncArgs> = {
  command: 'sync [dir]',
  describe: DESCRIPTIONS.sync,
  builder: (yargs: Argv) => mirrorOptions(yargs)
    .positional('dir', { type: 'string', describe: 'local folder to mirror (omit with --config to sync every mirror of the file)' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan and send no mutation' })
    .option('verify', { type: 'boolean', default: false, describe: 'list the remote this pass (repairs drift made by others) even if the last verification is recent' })
    // yargs would read --no-verify as verify=false; it must stay an unknown option (TLS is always verified).
    .check(() => {
      if (process.argv.some((arg) => arg === '--no-verify' || arg.startsWith('--no-verify='))) {
        throw Object.assign(new Error('Unknown argument: --no-verify (TLS certificates are always verified; without --verify a pass lists the remote only when --verify-interval says so)'), { usage: true });
      }
      return true;
    })
    .option('max-passes', { type: 'number', default: MIRROR_DEFAULTS.maxPasses, describe: 'full passes at most when failures are retryable' })
    .option('progress', { type: 'boolean', default: true, describe: 'progress on stderr (bar on a TTY, a line every 5 s otherwise)' })
    .example('$0 sync ./handbook --org acme --folder handbook --workspace support-bot', 'mirror ./handbook into acme/handbook, embedded in support-bot')
    .example('$0 sync --config lumensync.json', 'sync every mirror of the config file, in order')
    .example('$0 sync --config lumensync.json --mirror handbook', 'sync one mirror of the config file')
    .example('$0 sync ./handbook --org acme --folder handbook --dry-run', 'show what would change, change nothing')
    .example('$0 sync ./handbook --org acme --folder handbook --verify', 'compare with the remote listing now, not only at the next --verify-interval')
    .example('$0 sync ./handbook --org acme --folder handbook --max-delete 100%', 'allow a pass to delete everything (after a deliberate cleanup)')
    .example('$0 sync ./handbook --org acme --folder handbook --workspace support-bot --remove-workspace sales', 'take the documents out of sales on purpose') as unknown as Argv<SyncArgs>,
  handler: () => undefined,
};
