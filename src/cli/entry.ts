/**
 * The executable's first module. `lumensync --help` and `--version` are answered here without
 * loading yargs (which alone costs more than Node's own start-up); everything else goes to main.ts.
 */
import { topLevelHelp } from './command-list.js';
import { VERSION } from '../version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
  process.stdout.write(topLevelHelp());
} else if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${VERSION}\n`);
} else {
  await import('./main.js');
}
