/**
 * The lumensync CLI entry: parses arguments, runs one command, maps the outcome to an
 * exit code. The only place that calls process.exit.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.js';
import { explainError, printError } from './output.js';
import { syncCommand, runSync } from './commands/sync.js';
import { emulatorCommand } from '../emulator/command.js';
import { VERSION } from '../version.js';

const controller = new AbortController();
let interrupted = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  interrupted += 1;
  if (interrupted > 1) process.exit(130);
  printError(`${signal}: finishing requests in flight and saving the journal (press again to quit at once)`);
  controller.abort(new Error(`interrupted by ${signal}`));
};

async function main(): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.OK;
  let ran: Promise<ExitCode> | undefined;
  const parser = yargs(hideBin(process.argv))
    .scriptName('lumensync')
    .version(VERSION)
    .usage('$0 <command> [options]\n\nMirror a local folder into LumenOne workspaces.')
    .command({
      ...syncCommand,
      handler: (args) => {
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        ran = runSync(args, controller.signal);
      },
    })
    .command(emulatorCommand)
    .demandCommand(1, 'name a command, e.g. lumensync sync --help')
    .strict()
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .epilogue('Exit codes: 0 in sync, 1 some files failed, 2 usage/config, 3 access (key, account, org, workspace), 4 a delete guard fired, 5 server unavailable (try later).\nDocs: README.md')
    .fail((message, error) => {
      if (error) throw error;
      throw Object.assign(new Error(message), { usage: true });
    });
  try {
    await parser.parseAsync();
    if (ran) exitCode = await ran;
  } catch (error) {
    if ((error as { usage?: boolean }).usage) {
      printError(`error: ${(error as Error).message}\n  fix: see lumensync --help`);
      return EXIT.USAGE;
    }
    printError(explainError(error));
    return exitCodeForError(error);
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    printError(explainError(error));
    process.exit(EXIT.PARTIAL);
  },
);
