#!/usr/bin/env node
// Runs every compiled test file under dist/test (except benchmarks) with node's test runner.
// Node 20 does not expand globs in `node --test` and Node 22+ does not expand directories,
// so the file list is built here: the same command works on both.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = process.argv[2] ?? 'dist/test';
const files = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'bench') walk(full);
    } else if (entry.name.endsWith('.test.js')) files.push(full);
  }
};
walk(root);
files.sort();
if (files.length === 0) {
  console.error(`no test files under ${root}: run npm run build first`);
  process.exit(1);
}
const concurrency = process.env.LUMENSYNC_TEST_CONCURRENCY ?? '2';
const result = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
