/** Issue 14, item 11: `npm test` ends with a summary a person reads, and the runner's closing lines last. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeAll, tempDir } from '../helpers/harness.js';

const RUNNER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'run-tests.mjs');

test('item 11: the run ends with counts, slowest files, failures with file and line, then "# pass N" / "# fail N"', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  try {
    await writeFile(path.join(dir, 'good.test.js'), "import { test } from 'node:test';\ntest('one', () => {});\ntest('two', () => {});\n");
    await writeFile(path.join(dir, 'bad.test.js'), "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\n\ntest('breaks', () => {\n  assert.equal(1, 2);\n});\n");
    const tapFile = path.join(dir, 'report.tap');
    // Without NODE_TEST_CONTEXT: the inner runner must behave as `npm test` does, not as a child of this one.
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const run = spawnSync(process.execPath, [RUNNER, dir], { cwd: dir, encoding: 'utf8', env: { ...env, LUMENSYNC_TEST_TAP_FILE: tapFile, LUMENSYNC_TEST_REPORTER: '' } });
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.ok(lines.length < 30, `a short summary, not raw TAP:\n${run.stdout}`);
    assert.doesNotMatch(run.stdout, /^TAP version/m);
    assert.match(run.stdout, /^2 passed, 1 failed$/m);
    assert.match(run.stdout, /slowest files:\n\s+[\d.]+ s {2}(good|bad)\.test\.js/);
    assert.match(run.stdout, /failures \(1\):\n {2}bad\.test\.js:4 {2}breaks\n {6}Expected values to be strictly equal: 1 !== 2/);
    // CI reads node's own closing lines: they come last.
    const closing = lines.slice(-8).join('\n');
    assert.match(closing, /^# tests 3$/m);
    assert.match(closing, /^# pass 2$/m);
    assert.match(closing, /^# fail 1$/m);
    assert.match(lines.at(-1)!, /^# duration_ms /);
    // Nothing is lost: the full TAP is in the file the summary names.
    assert.match(run.stdout, new RegExp(`full TAP output: ${tapFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(readFileSync(tapFile, 'utf8'), /not ok \d+ - breaks/);
  } finally {
    await removeAll(dir);
  }
});
