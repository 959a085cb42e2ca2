/**
 * The executable's first module. `lumensync --help` and `--version` are answered here without
 * loading yargs (which alone costs more than Node's own start-up); everything else goes to main.ts.
 */
import { topLevelHelp } from './command-list.js';
import { checkHeapGrowth } from './heap-growth.js';
import { EXIT } from './exit-codes.js';
import { VERSION } from '../version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
  process.stdout.write(topLevelHelp());
} else if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${VERSION}\n`);
} else {
  const refused = checkHeapGrowth(process.env);
  if (refused === undefined) await import('./main.js');
  else {
    process.stderr.write(`Error: ${refused.problem}\n  fix: ${refused.fix}\n`);
    process.exitCode = EXIT.USAGE;
  }
}
