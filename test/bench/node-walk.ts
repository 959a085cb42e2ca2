/**
 * Rows 1 and 16's Node floor: a process that does nothing but walk the tree the simplest way Node
 * offers (`readdirSync` with file types, one `lstatSync` per file, one thread). Node has no
 * `fstatat`: each lstat resolves its whole path again, where `find` and `rsync` stat relative to
 * an open directory. Usage: node node-walk.js <root>; prints the number of files.
 */
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

function walk(dir: string): number {
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files += walk(full);
    else if (lstatSync(full).isFile()) files += 1;
  }
  return files;
}

const root = process.argv[2];
if (root === undefined) throw new Error('usage: node-walk <root>');
process.stdout.write(`${walk(root)}\n`);
