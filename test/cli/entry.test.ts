/** The fast top-level --help/--version must say exactly what the yargs parser says. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.resolve(here, '..', '..', 'src', 'cli', 'entry.js');
const main = path.resolve(here, '..', '..', 'src', 'cli', 'main.js');
const run = (script: string, args: string[]): string => execFileSync(process.execPath, [script, ...args], { encoding: 'utf8' });

test('entry: top-level --help matches the full parser, word for word', () => {
  const fast = run(entry, ['--help']);
  assert.match(fast, /lumensync sync \[dir\]/);
  assert.equal(fast, run(main, ['--help']));
});

test('entry: --version matches package.json and the full parser', () => {
  const version = (JSON.parse(readFileSync(path.resolve(here, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  assert.equal(run(entry, ['--version']).trim(), version);
  assert.equal(run(main, ['--version']).trim(), version);
});

test('entry: anything else reaches the full parser (sync --help lists sync options)', () => {
  assert.match(run(entry, ['sync', '--help']), /--max-delete/);
});

test('entry: a scalar flag given twice takes its last value; array flags collect', () => {
  let output = '';
  try {
    execFileSync(process.execPath, [entry, 'sync', '/nonexistent-root', '--org', 'a', '--folder', 'x/y', '--folder', 'ok', '--concurrency', '0', '--concurrency', '2'], { encoding: 'utf8', env: { PATH: process.env.PATH }, stdio: 'pipe' });
  } catch (error) {
    output = String((error as { stderr?: string }).stderr);
  }
  // Only the connection is missing: neither the first --folder nor the first --concurrency was kept.
  assert.match(output, /incomplete connection settings/);
  assert.doesNotMatch(output, /--folder|--concurrency|trim is not a function/);
});
