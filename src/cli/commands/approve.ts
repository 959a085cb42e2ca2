/**
 * `lumensync approve <mirror>`: let the deletes / un-embeds a running (or stopped) watch daemon's
 * guard holds go through once. Writes an approval naming exactly the held set the daemon last
 * reported (its fingerprint); the daemon applies it at its next status tick if it still holds
 * that very set, and never applies it twice. Never talks to the server itself.
 */
import type { Argv, CommandModule } from 'yargs';
import { LumenSyncError } from '../../errors.js';
import { isPidAlive } from '../../journal/lock.js';
import { writeApproval } from '../../watch/approval.js';
import { locateByName } from '../../watch/mirror-lookup.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { printJson, printLine } from '../output.js';
import { DESCRIPTIONS } from '../command-list.js';

/** `approve` flags. */
export interface ApproveArgs {
  mirror?: string;
  'state-dir'?: string[];
  json?: boolean;
}

/** Approve the held set of one mirror. */
export function runApprove(args: ApproveArgs): Promise<ExitCode> {
  const located = locateByName(args.mirror, args['state-dir']);
  const status = located.status;
  const name = status?.name ?? args.mirror ?? located.stateDir;
  if (status === undefined) {
    throw new LumenSyncError('LUMENSYNC_USAGE', `no watch daemon has reported on ${located.stateDir}: nothing to approve`, { hint: 'approve works on what a running (or stopped) lumensync watch holds; for a one-off sync rerun it with --max-delete' });
  }
  const held = status.held;
  if (held === undefined || held.count === 0) {
    printLine(`${name}: nothing is held; nothing to approve`);
    if (args.json) printJson({ mirror: name, approved: false, held: 0 });
    return Promise.resolve(EXIT.OK);
  }
  if (!held.approvable) {
    throw new LumenSyncError('LUMENSYNC_GUARD', `${name}: the guard holding ${held.count} action(s) cannot be approved: ${held.guards.map((guard) => guard.message).join('; ')}`, {
      hint: held.guards.map((guard) => guard.hint).join('; '),
    });
  }
  const approval = writeApproval(located.stateDir, held);
  const running = !status.exited && isPidAlive(status.pid);
  const kinds = [held.removes > 0 ? `${held.removes} delete(s)` : '', held.unembeds > 0 ? `${held.unembeds} un-embed(s)` : ''].filter(Boolean).join(' and ');
  if (args.json) {
    printJson({ mirror: name, approved: true, held: held.count, removes: held.removes, unembeds: held.unembeds, fingerprint: held.fingerprint, daemonRunning: running, approvedAt: new Date(approval.approvedAt).toISOString() });
  } else {
    printLine(`${name}: approved ${kinds} held by: ${held.guards.map((guard) => guard.guard).join(', ')}`);
    for (const action of held.sample.slice(0, 10)) printLine(`  - ${action.kind} ${action.relativePath ?? action.docpath}${action.workspaceSlug ? ` from ${action.workspaceSlug}` : ''}`);
    if (held.count > 10) printLine(`  … and ${held.count - 10} more`);
    printLine(running
      ? `the daemon (pid ${status.pid}) applies them once within a few seconds; if what it holds has changed by then, nothing is applied and status says so`
      : 'the daemon is not running: it applies them once at its next start, if it then holds exactly these actions');
  }
  return Promise.resolve(EXIT.OK);
}

export const approveCommand: CommandModule<object, ApproveArgs> = {
  command: 'approve [mirror]',
  describe: DESCRIPTIONS.approve,
  builder: (yargs: Argv) => yargs
    .positional('mirror', { type: 'string', describe: 'mirror name (as status shows it) or its state dir' })
    .option('state-dir', { type: 'string', array: true, describe: 'state dir(s) to look in (default: all under $XDG_STATE_HOME/lumensync)' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON on stdout' })
    .example('$0 approve handbook', 'let the deletes the handbook daemon holds go through once') as unknown as Argv<ApproveArgs>,
  handler: () => undefined,
};
