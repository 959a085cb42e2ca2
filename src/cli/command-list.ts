/**
 * The command registry: names and one-line descriptions (cheap to load), and how to load each
 * command's module. main.ts imports only the module of the command actually run, so
 * `lumensync --help` does not pay for undici, pino, the watcher and the emulator.
 */
import type { CommandModule } from 'yargs';
import type { ExitCode } from './exit-codes.js';

/** One-line descriptions, shared by the lazy stubs and the command modules themselves. */
export const DESCRIPTIONS = {
  sync: 'Mirror <dir> (or every mirror of --config) into LumenOne once, then exit',
  watch: 'Keep <dir> (or every mirror of --config) mirrored as it changes: the long-running daemon',
  status: 'Show each mirror: daemon running or not, last reconcile, pending and failed items',
  why: 'Explain one file: ignored (by which rule), in sync, pending, failed (reason, fix) or held by a guard; its docpath and workspaces',
  approve: 'Let the deletes/un-embeds a watch daemon\'s guard holds go through once (exactly the set it reported)',
  doctor: 'Check the setup step by step (key, account, org, slugs, workspaces, folder, local folder, state dir, inotify, clock) and say how to fix each problem',
  init: 'Create a config file: asks on a terminal (offering the orgs and workspaces the API lists), runs doctor, writes it mode 0600',
  emulator: 'Run a local LumenOne emulator (with optional fault injection) to try lumensync without an account',
} as const;

export type CommandName = keyof typeof DESCRIPTIONS;

/** How each command is written in the command list (positionals included). */
export const USAGES: Record<CommandName, string> = {
  sync: 'sync [dir]', watch: 'watch [dir]', status: 'status', why: 'why <path>', approve: 'approve [mirror]', doctor: 'doctor [dir]', init: 'init [dir]', emulator: 'emulator',
};

export const USAGE = '$0 <command> [options]\n\nMirror a local folder into LumenOne workspaces.';
export const COMPLETION_DESCRIPTION = 'Print a shell completion script (bash/zsh): lumensync completion >> ~/.bashrc';
export const EPILOGUE = 'Exit codes: 0 in sync, 1 some files failed, 2 usage/config, 3 access (key, account, org, workspace), 4 a delete guard fired, 5 server unavailable (try later), 130 interrupted.\nDocs: README.md';

/** Word-wrap `text` to `width` columns, continuation lines indented by `indent`. */
const wrap = (text: string, width: number, indent: number): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((text, index) => (index === 0 ? text : `${' '.repeat(indent)}${text}`));
};

/** The top-level `--help` text, without loading yargs (start-up cost; same content as yargs prints). */
export function topLevelHelp(scriptName = 'lumensync', columns = Math.min(110, process.stdout.columns ?? 100)): string {
  const rows: [string, string][] = [
    [`${scriptName} completion`, COMPLETION_DESCRIPTION],
    ...(Object.keys(DESCRIPTIONS) as CommandName[]).map((name): [string, string] => [`${scriptName} ${USAGES[name]}`, DESCRIPTIONS[name]]),
  ];
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    USAGE.replace('$0', scriptName),
    '',
    'Commands:',
    ...rows.flatMap(([left, right]) => wrap(right, columns - width - 2, width + 2).map((text, index) => (index === 0 ? `  ${left.padEnd(width)}${text}` : text))),
    '',
    'Options:',
    `  --help     Show help${'[boolean]'.padStart(columns - 22)}`,
    `  --version  Show version number${'[boolean]'.padStart(columns - 32)}`,
    '',
    ...EPILOGUE.split('\n').flatMap((paragraph) => wrap(paragraph, columns, 0)),
    '',
  ].join('\n');
}

/** A loaded command: its yargs definition and what runs it (undefined: the module's own handler). */
export interface LoadedCommand {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own argument type
  module: CommandModule<object, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run?: (args: any, signal: AbortSignal) => Promise<ExitCode>;
  /** Long-running commands drain on the first signal and exit on the second. */
  longRunning?: boolean;
}

/** How to load each command's module. */
export const LOADERS: Record<CommandName, () => Promise<LoadedCommand>> = {
  sync: async () => {
    const { syncCommand, runSync } = await import('./commands/sync.js');
    return { module: syncCommand, run: runSync };
  },
  watch: async () => {
    const { watchCommand, runWatch } = await import('./commands/watch.js');
    return { module: watchCommand, run: runWatch, longRunning: true };
  },
  status: async () => {
    const { statusCommand, runStatus } = await import('./commands/status.js');
    return { module: statusCommand, run: (args) => runStatus(args) };
  },
  why: async () => {
    const { whyCommand, runWhy } = await import('./commands/why.js');
    return { module: whyCommand, run: (args) => runWhy(args) };
  },
  approve: async () => {
    const { approveCommand, runApprove } = await import('./commands/approve.js');
    return { module: approveCommand, run: (args) => runApprove(args) };
  },
  doctor: async () => {
    const { doctorCommand, runDoctorCommand } = await import('./commands/doctor.js');
    return { module: doctorCommand, run: (args) => runDoctorCommand(args) };
  },
  init: async () => {
    const { initCommand, runInit } = await import('./commands/init.js');
    return { module: initCommand, run: (args) => runInit(args) };
  },
  emulator: async () => {
    const { emulatorCommand } = await import('../emulator/command.js');
    return { module: emulatorCommand, longRunning: true };
  },
};

/** The command named on the command line, if it is one of ours. */
export const requestedCommand = (argv: readonly string[]): CommandName | undefined => {
  const first = argv.find((arg) => !arg.startsWith('-'));
  return first !== undefined && first in DESCRIPTIONS ? (first as CommandName) : undefined;
};
