/** `lumensync status`: what each mirror's daemon is doing, read from its state dir without taking the lock. */
import type { Argv, CommandModule } from 'yargs';
import { defaultStateDirs, readMirrorStatus, renderStatus } from '../../watch/status-report.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { printJson, printLine } from '../output.js';
import { DESCRIPTIONS } from '../command-list.js';

/** `status` flags. */
export interface StatusArgs {
  'state-dir'?: string[];
  json?: boolean;
}

/** Print the status of the given state dirs (default: every one under the default state root). */
export async function runStatus(args: StatusArgs): Promise<ExitCode> {
  const stateDirs = args['state-dir'] && args['state-dir'].length > 0 ? args['state-dir'] : defaultStateDirs();
  const now = Date.now();
  const views = await Promise.all(stateDirs.map((stateDir) => readMirrorStatus(stateDir, now)));
  if (args.json) printJson({ mirrors: views });
  else printLine(renderStatus(views, now));
  return EXIT.OK;
}

export const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status',
  describe: DESCRIPTIONS.status,
  builder: (yargs: Argv) => yargs
    .option('state-dir', { type: 'string', array: true, describe: 'state dir to report on; repeatable (default: all under $XDG_STATE_HOME/lumensync)' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON on stdout' })
    .example('$0 status', 'every mirror on this machine')
    .example('$0 status --state-dir /var/lib/lumensync/handbook --json', 'one mirror, as JSON') as unknown as Argv<StatusArgs>,
  handler: () => undefined,
};
