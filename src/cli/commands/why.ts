/**
 * `lumensync why <path>`: everything lumensync knows about one local file. Works beside a
 * running daemon (opens the journal read-only, without its lock) and after it stopped.
 */
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { Journal } from '../../journal/journal.js';
import { readUploadTimes } from '../../watch/history.js';
import { locateByPath } from '../../watch/mirror-lookup.js';
import { gatherWhy, relativeToRoot, renderWhy } from '../../watch/why.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { printJson, printLine } from '../output.js';
import { DESCRIPTIONS } from '../command-list.js';

/** `why` flags. */
export interface WhyArgs {
  path?: string;
  'state-dir'?: string[];
  json?: boolean;
}

/** Explain one path. */
export async function runWhy(args: WhyArgs): Promise<ExitCode> {
  const absolute = path.resolve(args.path ?? '.');
  const located = locateByPath(absolute, args['state-dir']);
  const status = located.status;
  const relativePath = relativeToRoot(status.root, absolute)!;
  const journal = await Journal.open({ stateDir: located.stateDir, readOnly: true, lock: false });
  try {
    const report = await gatherWhy({
      root: status.root, ignore: status.ignore ?? [], followSymlinks: status.followSymlinks ?? false,
      journal, daemon: status, uploadTimes: () => readUploadTimes(located.stateDir),
    }, relativePath);
    if (args.json) printJson({ mirror: status.name, stateDir: located.stateDir, ...report });
    else printLine(renderWhy(report, status.name));
  } finally {
    await journal.close();
  }
  return EXIT.OK;
}

export const whyCommand: CommandModule<object, WhyArgs> = {
  command: 'why <path>',
  describe: DESCRIPTIONS.why,
  builder: (yargs: Argv) => yargs
    .positional('path', { type: 'string', describe: 'a file inside a mirrored folder' })
    .option('state-dir', { type: 'string', array: true, describe: 'state dir(s) to look in (default: all under $XDG_STATE_HOME/lumensync)' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON on stdout' })
    .example('$0 why ~/handbook/guides/setup.md', 'is it uploaded, embedded, ignored, failing or held?') as unknown as Argv<WhyArgs>,
  handler: () => undefined,
};
