/** `lumensync status`: what each mirror's daemon is doing, read from its state dir without taking the lock. */
import { existsSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { defaultStateDirs, readMirrorStatus, renderStatus, type MirrorStatusView } from '../../watch/status-report.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { printJson, printLine } from '../output.js';
import { DESCRIPTIONS } from '../command-list.js';
import { mirrorSelectionOptions } from '../mirror-options.js';
import { loadChosenConfig, resolveMirrors } from '../../config/settings.js';
import { normaliseApiBaseUrl } from '../../api/base-url.js';
import { defaultStateDir, mirrorIdFor } from '../../journal/state-dir.js';
import { LumenSyncError } from '../../errors.js';

/** `status` flags. */
export interface StatusArgs {
  'state-dir'?: string[];
  config?: string;
  mirror?: string[];
  host?: string;
  account?: string;
  json?: boolean;
}

/** The state dirs of a config file's mirrors (those named by --mirror), each with its mirror's name. */
export async function configuredStateDirs(args: StatusArgs, env: NodeJS.ProcessEnv = process.env): Promise<{ name: string; stateDir: string }[] | undefined> {
  const file = await loadChosenConfig(args, env);
  if (file === undefined) {
    if (args.mirror !== undefined) throw new LumenSyncError('LUMENSYNC_USAGE', '--mirror picks mirrors of a config file, but no config file was given', { hint: 'add --config <file> (or set LUMENSYNC_CONFIG)' });
    return undefined;
  }
  const host = args.host ?? (env.LUMENONE_HOST?.trim() || undefined) ?? file.connection.host;
  const account = args.account ?? (env.LUMENONE_ACCOUNT_ID?.trim() || undefined) ?? file.connection.account;
  return resolveMirrors({ ...(args.mirror === undefined ? {} : { mirror: args.mirror }) }, file).map((mirror) => {
    if (mirror.stateDir !== undefined) return { name: mirror.name, stateDir: mirror.stateDir };
    if (host === undefined || account === undefined) {
      throw new LumenSyncError('LUMENSYNC_USAGE', `mirror "${mirror.name}" has no stateDir, and its default one depends on the server and account, which are not set`, {
        hint: 'set LUMENONE_HOST and LUMENONE_ACCOUNT_ID (or --host/--account, or connection.host/account in the file) as for sync, or give the mirror a stateDir',
      });
    }
    const { spec } = mirror;
    return { name: mirror.name, stateDir: defaultStateDir(mirrorIdFor({ apiBaseUrl: normaliseApiBaseUrl(host), accountId: account, orgSlug: spec.orgSlug, folder: spec.folder, root: spec.root }), env) };
  });
}

/** One configured mirror's view; a state dir that does not exist yet means it never ran. */
async function configuredView(mirror: { name: string; stateDir: string }, now: number): Promise<MirrorStatusView> {
  if (!existsSync(mirror.stateDir)) {
    return { stateDir: mirror.stateDir, name: mirror.name, running: false, condition: 'not running: never synced (no state dir yet)', pid: undefined, journal: { filesTracked: 0, lastReconcileAt: undefined, openIntents: 0 }, daemon: undefined };
  }
  const view = await readMirrorStatus(mirror.stateDir, now);
  return { ...view, name: view.name ?? mirror.name };
}

/** Print the status of the given state dirs (default: every one under the default state root). */
export async function runStatus(args: StatusArgs, env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  const now = Date.now();
  const explicit = args['state-dir'] && args['state-dir'].length > 0 ? args['state-dir'] : undefined;
  const configured = explicit ? undefined : await configuredStateDirs(args, env);
  const views = configured
    ? await Promise.all(configured.map((mirror) => configuredView(mirror, now)))
    : await Promise.all((explicit ?? defaultStateDirs(env)).map((stateDir) => readMirrorStatus(stateDir, now)));
  if (args.json) printJson({ mirrors: views });
  else printLine(renderStatus(views, now));
  return EXIT.OK;
}

export const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status',
  describe: DESCRIPTIONS.status,
  builder: (yargs: Argv) => mirrorSelectionOptions(yargs)
    .option('host', { type: 'string', describe: 'with --config: the LumenOne base URL, to find default state dirs [env LUMENONE_HOST; file connection.host]' })
    .option('account', { type: 'string', describe: 'with --config: the account UUID, to find default state dirs [env LUMENONE_ACCOUNT_ID; file connection.account]' })
    .option('state-dir', { type: 'string', array: true, describe: 'state dir to report on; repeatable (default: the mirrors of --config, else all under $XDG_STATE_HOME/lumensync)' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON on stdout' })
    .example('$0 status', 'every mirror on this machine')
    .example('$0 status --config lumensync.json --mirror handbook', 'one mirror of the config file')
    .example('$0 status --state-dir /var/lib/lumensync/handbook --json', 'one mirror, as JSON') as unknown as Argv<StatusArgs>,
  handler: () => undefined,
};
