#!/usr/bin/env node
// Runs every compiled test file under dist/test (except benchmarks) with node's test runner.
// Node 20 does not expand globs in `node --test` and Node 22+ does not expand directories,
// so the file list is built here: the same command works on both.
// Output: a dot per test, then a short summary (counts, slowest files, failures with file and
// line) and node's closing lines; the full TAP goes to a file (LUMENSYNC_TEST_TAP_FILE, default
// dist/test-report.tap), or to the terminal as before with LUMENSYNC_TEST_REPORTER=tap.
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
const here = dirname(fileURLToPath(import.meta.url));
const reporters = [];
if (process.env.LUMENSYNC_TEST_REPORTER === 'tap') reporters.push('--test-reporter=tap', '--test-reporter-destination=stdout');
else {
  const tapFile = resolve(process.env.LUMENSYNC_TEST_TAP_FILE ?? join(here, '..', 'dist', 'test-report.tap'));
  mkdirSync(dirname(tapFile), { recursive: true });
  process.env.LUMENSYNC_TEST_TAP_FILE = tapFile;
  reporters.push('--test-reporter=tap', `--test-reporter-destination=${tapFile}`, `--test-reporter=${join(here, 'test-summary.mjs')}`, '--test-reporter-destination=stdout');
}
const result = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...reporters, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
