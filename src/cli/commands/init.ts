/**
 * `lumensync init`: build a config file. On a terminal it asks (host, account, key, then the orgs
 * and workspaces the API lists, the local folder and the remote folder name); with --yes or
 * without a terminal it takes flags only. It runs the doctor, then writes the file (mode 0600).
 */
import { access, chmod, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline/promises';
import type { Argv, CommandModule } from 'yargs';
import { LumenOneClient } from '../../api/client.js';
import { configObject, writePrivateFile, type NewConfig } from '../../config/write.js';
import { doctorExitCode, renderReport, runDoctor } from '../../doctor/doctor.js';
import { LumenSyncError } from '../../errors.js';
import { MIRROR_DEFAULTS } from '../../sync/mirror.js';
import { clientOptionsFor, resolveConnection, type Connection } from '../connection.js';
import type { ExitCode } from '../exit-codes.js';
import { connectionOptions, type MirrorArgs } from '../mirror-options.js';
import { parseMaxDelete } from '../../core/guards.js';
import { DESCRIPTIONS } from '../command-list.js';

/** Parsed init flags. */
export interface InitArgs extends Pick<MirrorArgs, 'dir' | 'org' | 'folder' | 'workspace' | 'host' | 'account' | 'api-key-file' | 'state-dir'> {
  output?: string;
  /** Hidden: the file init writes is --output; `--config` is taken as the same thing. */
  config?: string;
  name?: string;
  yes?: boolean;
  force?: boolean;
}

/** A remote folder name derived from a local folder name (one level, no separators). */
export const folderNameFor = (dir: string): string => path.basename(path.resolve(dir)).replace(/[\\/\s]+/g, '-') || 'documents';

/** Where the wizard talks: the terminal by default (tests pass streams). */
export interface InitIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Ask one question with a default; empty answer → default. */
async function ask(rl: Interface, question: string, fallback?: string): Promise<string> {
  const answer = (await rl.question(fallback === undefined ? `${question}: ` : `${question} [${fallback}]: `)).trim();
  return answer === '' ? (fallback ?? '') : answer;
}

/** Ask until the answer is not empty (no default on purpose). */
async function askRequired(rl: Interface, say: (text: string) => void, question: string): Promise<string> {
  for (;;) {
    const answer = await ask(rl, question);
    if (answer !== '') return answer;
    say('  an answer is needed here');
  }
}

/** Pick from a list by number or name (several, comma-separated, when `many`). */
async function pick(rl: Interface, say: (text: string) => void, question: string, options: string[], many: boolean, fallback?: string): Promise<string[]> {
  options.forEach((option, index) => say(`  ${index + 1}) ${option}`));
  for (;;) {
    const answer = await ask(rl, question, fallback);
    const chosen = answer.split(',').map((part) => part.trim()).filter((part) => part !== '').map((part) => (/^\d+$/.test(part) ? options[Number(part) - 1] : part));
    if (chosen.every((choice): choice is string => choice !== undefined && options.includes(choice)) && (many || chosen.length === 1)) return chosen;
    say(`  pick ${many ? 'numbers or names, comma-separated (e.g. 1,2)' : 'one number or name'} from the list`);
  }
}

/** Ask for the key file until one is usable; a file others can read is made private when the user agrees. */
async function askKeyFile(rl: Interface, say: (text: string) => void, given: string | undefined): Promise<string> {
  let file = given ?? await askRequired(rl, say, 'API key file (mode 0600; or Ctrl+C and export LUMENONE_API_KEY)');
  for (;;) {
    const info = await stat(file).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) say(`  cannot read ${file}: ${info.code === 'ENOENT' ? 'no such file' : info.message}`);
    else if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      const answer = (await ask(rl, `${file} is readable by other users (mode ${mode}); make it private now (chmod 600)? [Y/n]`)).toLowerCase();
      if (answer === '' || answer === 'y' || answer === 'yes') {
        await chmod(file, 0o600);
        say(`  ${file} is now mode 0600`);
        return file;
      }
      say(`  lumensync refuses a key file others can read: run chmod 600 ${file}, or give another file`);
    } else return file;
    file = await askRequired(rl, say, 'API key file');
  }
}

/** Interactive: fill what the flags left out by asking, offering what the API lists. */
async function askMissing(args: InitArgs, env: NodeJS.ProcessEnv, io: InitIO): Promise<{ connection: Connection; config: Omit<NewConfig, 'host' | 'account'> }> {
  const rl = createInterface({ input: io.input, output: io.output });
  const say = (text: string): void => {
    io.output.write(`${text}\n`);
  };
  try {
    let host = args.host;
    let account = args.account;
    let apiKeyFile = args['api-key-file'];
    let connection: Connection | undefined;
    // A mistake in one answer asks again with the answers so far as defaults: nothing is typed twice.
    while (connection === undefined) {
      host = args.host ?? await ask(rl, 'LumenOne host', host ?? env.LUMENONE_HOST ?? 'http://127.0.0.1:8787');
      account = args.account ?? await ask(rl, 'Account id (UUID)', account ?? env.LUMENONE_ACCOUNT_ID);
      if (apiKeyFile !== undefined || !env.LUMENONE_API_KEY) apiKeyFile = await askKeyFile(rl, say, apiKeyFile);
      try {
        connection = await resolveConnection({ host, account, apiKeyFile }, env);
      } catch (error) {
        if (!(error instanceof LumenSyncError) || (args.host !== undefined && args.account !== undefined)) throw error;
        say(`  ${error.message}`);
      }
    }
    const client = new LumenOneClient(clientOptionsFor(connection));
    try {
      const orgs = (await client.listOrganizations()).map((org) => org.orgSlug);
      if (orgs.length === 0) throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `account ${connection.accountId} has no organizations`, { hint: 'check the account id' });
      say('Organizations of this account:');
      const [org] = args.org === undefined ? await pick(rl, say, 'Organization', orgs, false, orgs.length === 1 ? orgs[0] : undefined) : [args.org];
      const available = (await client.listWorkspaces(org!)).map((workspace) => workspace.workspaceSlug);
      let workspaces = args.workspace ?? [];
      if (args.workspace === undefined && available.length > 0) {
        say(`Workspaces of ${org}:`);
        workspaces = await pick(rl, say, 'Workspaces to embed into (one or several: numbers or names, comma-separated, e.g. 1,2)', available, true, available[0]);
      }
      // No default: Enter must not mirror whatever directory init happens to run in.
      const root = path.resolve(args.dir ?? await askRequired(rl, say, 'Local folder to mirror (path)'));
      const folder = args.folder ?? await ask(rl, 'Remote folder name', folderNameFor(root));
      return { connection, config: { apiKeyFile, mirrorName: args.name ?? folder, root, org: org!, folder, workspaces, stateDir: args['state-dir'] } };
    } finally {
      await client.close();
    }
  } finally {
    rl.close();
  }
}

/** Non-interactive: everything from flags (and env for the connection), every missing flag named at once. */
async function fromFlags(args: InitArgs, env: NodeJS.ProcessEnv): Promise<{ connection: Connection; config: Omit<NewConfig, 'host' | 'account'> }> {
  const missing = [args.dir === undefined ? '<dir>' : undefined, args.org === undefined ? '--org' : undefined].filter((item) => item !== undefined);
  if (missing.length > 0) throw new LumenSyncError('LUMENSYNC_USAGE', `init without a terminal needs ${missing.join(' and ')}`, { hint: 'lumensync init <dir> --org <slug> [--folder <name>] [--workspace <slug>…] --yes' });
  const connection = await resolveConnection({ host: args.host, account: args.account, apiKeyFile: args['api-key-file'] }, env);
  const root = path.resolve(args.dir!);
  const folder = args.folder ?? folderNameFor(root);
  return { connection, config: { apiKeyFile: args['api-key-file'], mirrorName: args.name ?? folder, root, org: args.org!, folder, workspaces: args.workspace ?? [], stateDir: args['state-dir'] } };
}

/** Run init; returns the doctor's exit code (the file is written either way, so it can be fixed and re-checked). */
export async function runInit(args: InitArgs, env: NodeJS.ProcessEnv = process.env, interactive = process.stdin.isTTY === true && process.stdout.isTTY === true, io: InitIO = { input: process.stdin, output: process.stdout }): Promise<ExitCode> {
  if (args.config !== undefined && args.output !== undefined && path.resolve(args.config) !== path.resolve(args.output)) {
    throw new LumenSyncError('LUMENSYNC_USAGE', `init writes one file, but --config ${args.config} and --output ${args.output} name two`, { hint: 'give only --output <file> (-o)' });
  }
  const output = path.resolve(args.output ?? args.config ?? 'lumensync.json');
  if (!args.force && await access(output).then(() => true, () => false)) {
    throw new LumenSyncError('LUMENSYNC_USAGE', `${output} already exists`, { hint: 'pass --force to overwrite it, or --output <file> for another name' });
  }
  const { connection, config } = interactive && !args.yes ? await askMissing(args, env, io) : await fromFlags(args, env);
  const spec = {
    root: config.root, orgSlug: config.org, folder: config.folder, workspaces: config.workspaces, ignore: [], followSymlinks: false, keepUnknown: false,
    maxDelete: parseMaxDelete('50%')!, allowEmptyRoot: false, deleteBatchSize: MIRROR_DEFAULTS.deleteBatchSize, embedBatchSize: MIRROR_DEFAULTS.embedBatchSize,
  };
  const report = await runDoctor(connection, [{ name: config.mirrorName, spec, stateDir: config.stateDir }], { env });
  const printLine = (text: string): void => {
    io.output.write(`${text}\n`);
  };
  printLine(renderReport(report));
  await writePrivateFile(output, `${JSON.stringify(configObject({ ...config, host: connection.host, account: connection.accountId }, output), null, 2)}\n`);
  printLine(`\nwrote ${output} (mode 0600)`);
  if (config.apiKeyFile === undefined) printLine('the API key stays outside the file: keep LUMENONE_API_KEY set (or add connection.apiKeyFile)');
  printLine(report.ok ? `next: lumensync sync --config ${path.relative(process.cwd(), output) || output}` : 'fix the ✗ steps above in the file, then run: lumensync doctor --config <file>');
  return doctorExitCode(report);
}

export const initCommand: CommandModule<object, InitArgs> = {
  command: 'init [dir]',
  describe: DESCRIPTIONS.init,
  // --config (shared with the other commands) is hidden here: -o/--output is the one option for the file written.
  builder: (yargs: Argv) => connectionOptions(yargs).hide('config')
    .positional('dir', { type: 'string', describe: 'local folder to mirror' })
    .option('output', { alias: 'o', type: 'string', defaultDescription: './lumensync.json', describe: 'config file to write' })
    .option('name', { type: 'string', describe: 'mirror name in the file (default: the remote folder name)' })
    .option('org', { type: 'string', describe: 'organization slug, original form (e.g. acme)' })
    .option('folder', { type: 'string', describe: 'remote folder name (default: the local folder name)' })
    .option('workspace', { type: 'string', array: true, describe: 'workspace slug to embed into; repeatable' })
    .option('state-dir', { type: 'string', describe: 'journal directory (default under $XDG_STATE_HOME)' })
    .option('yes', { alias: 'y', type: 'boolean', describe: 'ask nothing: take everything from flags and environment' })
    .option('force', { type: 'boolean', describe: 'overwrite an existing config file' })
    .example('$0 init', 'answer a few questions (on a terminal)')
    .example('$0 init ./handbook --org acme --folder handbook --workspace support-bot --yes', 'non-interactive, for scripts (connection from LUMENONE_* env)') as unknown as Argv<InitArgs>,
  handler: () => undefined,
};
