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

test('entry: LUMENSYNC_HEAP_GROWTH_PERCENT, LUMENSYNC_YOUNG_GENERATION_MIB and LUMENSYNC_PARALLEL_SCAVENGE are checked before anything runs', async (t) => {
  const { parseHeapGrowth, DEFAULT_HEAP_GROWTH_PERCENT } = await import('../../src/cli/heap-growth.js');
  await t.test('parsing: unset and empty take the default, 0 and whole numbers pass, anything else is a problem', () => {
    assert.deepEqual(parseHeapGrowth(undefined), { value: DEFAULT_HEAP_GROWTH_PERCENT });
    assert.deepEqual(parseHeapGrowth(' '), { value: DEFAULT_HEAP_GROWTH_PERCENT });
    assert.deepEqual(parseHeapGrowth('0'), { value: 0 });
    assert.deepEqual(parseHeapGrowth(' 25 '), { value: 25 });
    assert.deepEqual(parseHeapGrowth('1000'), { value: 1000 });
    for (const bad of ['-1', '1001', '12.5', 'fifty', '50%']) {
      const parsed = parseHeapGrowth(bad);
      assert.ok('problem' in parsed, `${bad} is refused`);
      assert.equal(parsed.problem, `LUMENSYNC_HEAP_GROWTH_PERCENT must be a whole number from 0 to 1000 (got "${bad}")`);
      assert.equal(parsed.fix, 'unset it for the default 25, or set 0 to leave the heap\'s growth to V8');
    }
  });
  await t.test('a large mirror takes the setting once; a small one, or 0, leaves V8 its own way', async () => {
    const { checkHeapGrowth, growHeapGently, configuredHeapGrowth, LARGE_MIRROR_ENTRIES } = await import('../../src/cli/heap-growth.js');
    assert.equal(checkHeapGrowth({ LUMENSYNC_HEAP_GROWTH_PERCENT: '0' }), undefined);
    assert.equal(growHeapGently(1_000_000), false, '0: never set');
    assert.equal(checkHeapGrowth({}), undefined);
    assert.equal(configuredHeapGrowth(), DEFAULT_HEAP_GROWTH_PERCENT);
    assert.equal(growHeapGently(LARGE_MIRROR_ENTRIES - 1), false, 'below the threshold');
    assert.equal(growHeapGently(LARGE_MIRROR_ENTRIES), true, 'at the threshold');
    assert.equal(growHeapGently(LARGE_MIRROR_ENTRIES * 4), false, 'once per process');
    assert.deepEqual(checkHeapGrowth({ LUMENSYNC_HEAP_GROWTH_PERCENT: '-5' })?.problem, 'LUMENSYNC_HEAP_GROWTH_PERCENT must be a whole number from 0 to 1000 (got "-5")');
    assert.equal(configuredHeapGrowth(), DEFAULT_HEAP_GROWTH_PERCENT, 'a refused value changes nothing');
  });
  await t.test('a bad value: exit 2, the variable named with the fix, and no command run', () => {
    const refusals: [Record<string, string>, string][] = [
      [{ LUMENSYNC_HEAP_GROWTH_PERCENT: 'lots' }, 'Error: LUMENSYNC_HEAP_GROWTH_PERCENT must be a whole number from 0 to 1000 (got "lots")\n  fix: unset it for the default 25, or set 0 to leave the heap\'s growth to V8\n'],
      [{ LUMENSYNC_YOUNG_GENERATION_MIB: 'lots' }, 'Error: LUMENSYNC_YOUNG_GENERATION_MIB must be a whole number of MiB from 0 to 1024 (got "lots")\n  fix: unset it for the default 4, or set 0 to leave the young generation\'s growth to V8\n'],
      [{ LUMENSYNC_PARALLEL_SCAVENGE: 'maybe' }, 'Error: LUMENSYNC_PARALLEL_SCAVENGE must be auto, on or off (got "maybe")\n  fix: unset it for auto (off on machines with at most 2 cores), or set on to leave V8\'s helpers in every case\n'],
    ];
    for (const [env, message] of refusals) {
      let failure: { status?: number; stderr?: string; stdout?: string } = {};
      try {
        execFileSync(process.execPath, [entry, 'sync', '--help'], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, stdio: 'pipe' });
      } catch (error) {
        failure = error as typeof failure;
      }
      assert.equal(failure.status, 2);
      assert.equal(failure.stderr, message);
      assert.equal(failure.stdout, '');
    }
  });
  await t.test('a good value runs the command as usual', () => {
    const output = execFileSync(process.execPath, [entry, 'sync', '--help'], { encoding: 'utf8', env: { PATH: process.env.PATH, LUMENSYNC_HEAP_GROWTH_PERCENT: '0' } });
    assert.match(output, /--max-delete/);
  });
});
