/** The config file's `watch` section: validated like the rest, and under the flags in precedence. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem, validateConfig } from '../../src/config/validate.js';
import { toConfigFile } from '../../src/config/file.js';
import { watchArgsWithFile, watchTuningFrom } from '../../src/cli/commands/watch.js';

const mirrors = { docs: { root: './docs', org: 'acme', folder: 'docs' } };
const example = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'config', 'lumensync.example.json');

test('watch section: the example file (every key) validates and loads', () => {
  const raw: unknown = JSON.parse(readFileSync(example, 'utf8'));
  assert.deepEqual(validateConfig(raw).map(formatProblem), []);
  const loaded = toConfigFile(raw, example);
  assert.equal(loaded.watch.settleMs, 1000);
  assert.equal(loaded.watch.healthPort, 9464);
  assert.ok(!('$comment' in loaded.watch));
});

test('watch section: every problem is reported with its path and a did-you-mean', () => {
  const lines = validateConfig({ watch: { settleMs: -1, watcher: 'inotify', setleMs: 5 }, mirrors }).map(formatProblem);
  assert.ok(lines.some((line) => /^watch\.settleMs: /.test(line)), lines.join('\n'));
  assert.ok(lines.some((line) => /^watch\.watcher: /.test(line)), lines.join('\n'));
  assert.ok(lines.some((line) => /^watch\.setleMs: .*did you mean "settleMs"/.test(line)), lines.join('\n'));
});

test('watch section: a flag given wins, the file fills the rest, defaults cover what neither sets', () => {
  const merged = watchArgsWithFile({ 'settle-ms': 400, 'delete-grace-ms': undefined }, { settleMs: 250, deleteGraceMs: 900, healthPort: 0, watcher: 'chokidar' });
  const tuning = watchTuningFrom(merged, 60_000);
  assert.equal(tuning.settleMs, 400, 'flag beats file');
  assert.equal(tuning.deleteGraceMs, 900, 'file beats default');
  assert.equal(tuning.healthPort, 0);
  assert.equal(tuning.watcher, 'chokidar');
  assert.equal(tuning.maxDirty, 5000, 'default');
});
