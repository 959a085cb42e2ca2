/**
 * The lumensync CLI entry: parses arguments, runs one command, maps the outcome to an
 * exit code. The only place that calls process.exit. Only the module of the command being
 * run is loaded (see command-list.ts), which keeps `--help` and start-up quick.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.js';
import { explainError, printError } from './output.js';
import { withCompletion } from './commands/completion.js';
import { DESCRIPTIONS, EPILOGUE, LOADERS, USAGE, USAGES, requestedCommand, type CommandName } from './command-list.js';
import { VERSION } from '../version.js';
import { LumenSyncError } from '../errors.js';
import { explainUnknownOptions, notANumberProblems } from './flag-problems.js';

const controller = new AbortController();
/**
 * A repeat within this window is the same Ctrl+C delivered twice, not a second press: the
 * terminal signals the whole process group, and launchers (npm exec/npx, npm run) forward
 * the signal they got to their child as well.
 */
const SAME_SIGNAL_WINDOW_MS = 1000;
let firstSignalAt: number | undefined;
const onSignal = (signal: NodeJS.Signals): void => {
  if (firstSignalAt !== undefined) {
    if (Date.now() - firstSignalAt < SAME_SIGNAL_WINDOW_MS) return;
    process.exit(130);
  }
  firstSignalAt = Date.now();
  // The hint is for a person at a terminal, not for pm2's log.
  printError(`${signal}: stopping — no new requests, saving the journal${process.stderr.isTTY ? ' (press again to quit at once)' : ''}`);
  controller.abort(new Error(`interrupted by ${signal}`));
};

async function main(): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.OK;
  let ran: Promise<ExitCode> | undefined;
  const argv = hideBin(process.argv);
  // Shell completion asks about any command, so it loads them all; otherwise only the one named.
  const completing = argv.includes('--get-yargs-completions');
  const wanted = requestedCommand(argv);
  let parser = withCompletion(yargs(argv))
    .scriptName('lumensync')
    .version(VERSION)
    .usage(USAGE);
  for (const name of Object.keys(DESCRIPTIONS) as CommandName[]) {
    if (name !== wanted && !completing) {
      parser = parser.command(USAGES[name], DESCRIPTIONS[name]);
      continue;
    }
    const loaded = await LOADERS[name]();
    const run = loaded.run;
    parser = parser.command(run === undefined ? loaded.module : {
      ...loaded.module,
      handler: (args: unknown) => {
        // Long-running commands drain on the first signal; the second reaches onSignal and exits at once.
        const listen = loaded.longRunning ? process.on.bind(process) : process.once.bind(process);
        listen('SIGINT', onSignal);
        listen('SIGTERM', onSignal);
        ran = run(args, controller.signal);
      },
    });
  }
  parser = parser
    // A scalar flag given twice takes its last value (as in most CLIs) instead of becoming an
    // array; flags declared as arrays (--workspace, --ignore) still collect every value.
    .middleware((args) => {
      // `parser` is the same yargs instance by the time middleware runs (every call returns it).
      // getOptions() exists at run time but is missing from @types/yargs.
      const arrays = new Set((parser as unknown as { getOptions(): { array: string[] } }).getOptions().array);
      for (const [key, value] of Object.entries(args)) {
        if (key !== '_' && Array.isArray(value) && !arrays.has(key)) (args as Record<string, unknown>)[key] = value.at(-1);
      }
      // A number flag given text: say what was typed, not "NaN".
      const notNumbers = notANumberProblems(args, argv);
      if (notNumbers.length > 0) {
        throw new LumenSyncError('LUMENSYNC_USAGE', notNumbers.length === 1 ? notNumbers[0]! : `${notNumbers.length} problems:\n  - ${notNumbers.join('\n  - ')}`, { hint: `see lumensync ${wanted ?? ''} --help`.replace('  ', ' ') });
      }
    }, true)
    .demandCommand(1, 'name a command, e.g. lumensync sync --help')
    .strict()
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .epilogue(EPILOGUE)
    .fail((message, error) => {
      if (error) throw error;
      const known = Object.keys((parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);
      throw Object.assign(new Error(explainUnknownOptions(message, argv, known) ?? message), { usage: true });
    });
  try {
    await parser.parseAsync();
    if (ran) exitCode = await ran;
  } catch (error) {
    if ((error as { usage?: boolean }).usage) {
      printError(`error: ${(error as Error).message}\n  fix: see lumensync ${wanted === undefined ? '' : `${wanted} `}--help`);
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
