/**
 * The executable's first module. `lumensync --help` and `--version` are answered here without
 * loading yargs (which alone costs more than Node's own start-up); everything else goes to main.ts.
 */
import { topLevelHelp } from './command-list.js';
import { checkHeapGrowth } from './heap-growth.js';
import { checkYoungGeneration } from './young-generation.js';
import { checkParallelScavenge } from './parallel-scavenge.js';
import { EXIT } from './exit-codes.js';
import { VERSION } from '../version.js';
import { availableParallelism } from 'node:os';
import { warmUpStatWorker } from '../local/stat-pool.js';
import { startEarlyScan } from './early-scan.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
  process.stdout.write(topLevelHelp());
} else if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${VERSION}\n`);
} else {
  const refused = checkHeapGrowth(process.env) ?? checkYoungGeneration(process.env) ?? checkParallelScavenge(process.env);
  // `sync` may scan with a stat worker (stat-pool.ts): start it on a spare core while the rest of the CLI
  // loads (unless --scan-threads says how many: 0 wants none), and have it walk `sync <dir>` already (early-scan.ts).
  if (refused === undefined && argv[0] === 'sync' && !argv.some((arg) => arg.startsWith('--scan-threads')) && availableParallelism() > 1) {
    warmUpStatWorker();
    startEarlyScan(argv);
  }
  if (refused === undefined) await import('./main.js');
  else {
    process.stderr.write(`Error: ${refused.problem}\n  fix: ${refused.fix}\n`);
    process.exitCode = EXIT.USAGE;
  }
}
