/**
 * Child-process helper of row 4: the first sync's hashing step alone — scanTree with an empty
 * journal, the options `scanLocal` passes — and prints { scanMs, bytes, files } as JSON.
 * Usage: node dist/test/bench/hashscan.js <root>
 */
import { scanTree } from '../../src/local/scanner.js';

const root = process.argv[2];
if (root !== undefined) {
  const started = performance.now();
  const listing = await scanTree({ root, ignore: [], followSymlinks: false, knownHash: () => undefined });
  const scanMs = performance.now() - started;
  const bytes = listing.entries.reduce((sum, entry) => sum + entry.size, 0);
  process.stdout.write(`${JSON.stringify({ scanMs, bytes, files: listing.entries.length, errors: listing.errors.length })}\n`);
}
