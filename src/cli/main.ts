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
import { watchCommand, runWatch } from './commands/watch.js';
import { statusCommand, runStatus } from './commands/status.js';
import { doctorCommand, runDoctorCommand } from './commands/doctor.js';
import { initCommand, runInit } from './commands/init.js';
import { withCompletion } from './commands/completion.js';
import { VERSION } from '../version.js';

const controller = new AbortController();
let interrupted = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  interrupted += 1;
  if (interrupted > 1) process.exit(130);
  printError(`${signal}: stopping — no new requests, saving the journal (press again to quit at once)`);
  controller.abort(new Error(`interrupted by ${signal}`));
};

async function main(): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.OK;
  let ran: Promise<ExitCode> | undefined;
  const parser = withCompletion(yargs(hideBin(process.argv)))
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
    .command({
      ...watchCommand,
      handler: (args) => {
        // `on`, not `once`: the second signal must reach onSignal, which exits at once.
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        ran = runWatch(args, controller.signal);
      },
    })
    .command({ ...statusCommand, handler: (args) => { ran = runStatus(args); } })
    .command({ ...doctorCommand, handler: (args) => { ran = runDoctorCommand(args); } })
    .command({ ...initCommand, handler: (args) => { ran = runInit(args); } })
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
    if (controller.signal.aborted) {
      printError('interrupted: the journal is saved; the next run finishes the work (nothing is lost or duplicated)');
      return EXIT.INTERRUPTED;
    }
    printError(explainError(error));
    return exitCodeForError(error);
  }
  return exitCode;
}

// If the event loop ever drains while a command is still pending, that is a bug: never let it pass as exit 0.
process.once('beforeExit', () => {
  printError('error: lumensync stopped before finishing its work (internal error: nothing left to wait on)\n  fix: rerun with --log-level debug and report the log');
  process.exit(EXIT.PARTIAL);
});

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    printError(explainError(error));
    process.exit(EXIT.PARTIAL);
  },
);
