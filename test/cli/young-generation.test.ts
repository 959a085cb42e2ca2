/** LUMENSYNC_YOUNG_GENERATION_MIB: the young generation stops growing at its size (young-generation.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_YOUNG_GENERATION_MIB, holdsYoungGeneration, parseYoungGeneration } from '../../src/cli/young-generation.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const moduleUrl = pathToFileURL(path.resolve(here, '..', '..', 'src', 'cli', 'young-generation.js')).href;

test('young generation: the setting is read as whole MiB, 0 leaves the growth to V8', () => {
  assert.equal(DEFAULT_YOUNG_GENERATION_MIB, 4);
  assert.deepEqual(parseYoungGeneration(undefined), { value: 4 });
  assert.deepEqual(parseYoungGeneration(' '), { value: 4 });
  assert.deepEqual(parseYoungGeneration('0'), { value: 0 });
  assert.deepEqual(parseYoungGeneration(' 16 '), { value: 16 });
  for (const bad of ['-1', '1.5', 'big', '1025']) {
    const parsed = parseYoungGeneration(bad);
    assert.ok('problem' in parsed, bad);
    assert.equal(parsed.problem, `LUMENSYNC_YOUNG_GENERATION_MIB must be a whole number of MiB from 0 to 1024 (got "${bad}")`);
    assert.equal(parsed.fix, 'unset it for the default 4, or set 0 to leave the young generation\'s growth to V8');
  }
});

test('young generation: only Node versions whose V8 takes the flag at run time are touched', () => {
  assert.equal(holdsYoungGeneration('20.19.0'), true);
  assert.equal(holdsYoungGeneration('24.1.0'), true);
  assert.equal(holdsYoungGeneration('18.20.0'), false);
  assert.equal(holdsYoungGeneration('26.0.0'), false);
});

/** In a fresh Node: allocate short-lived objects (a few surviving), hold or not, then report the young generation's size in MiB. */
function youngGenerationAfterChurn(env: Record<string, string>): { before: number; after: number; held: boolean } {
  const script = `
    import v8 from 'node:v8';
    const { checkYoungGeneration, holdYoungGeneration } = await import(${JSON.stringify(moduleUrl)});
    const size = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size / 1048576;
    const kept = [];
    // In slices with a pause between them, as a pass yields to its event loop.
    const churn = async (count) => {
      for (let i = 0; i < count; i++) {
        const o = { name: 'x' + i, pair: [i, i + 1] };
        if (i % 50 === 0) kept.push(o);
        if (i % 50000 === 0) await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    if (checkYoungGeneration(process.env) !== undefined) process.exit(3);
    const held = holdYoungGeneration();
    await churn(300000);
    const before = size();
    await churn(1000000);
    console.log(JSON.stringify({ before, after: size(), held }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } })) as { before: number; after: number; held: boolean };
}

test('young generation: held at 4 MiB it stays there; with 0 V8 grows it past that', { skip: !holdsYoungGeneration() && 'this Node is outside the versions the hold applies to' }, () => {
  const held = youngGenerationAfterChurn({});
  assert.equal(held.held, false, 'a fresh process starts below 4 MiB: held once it gets there');
  assert.ok(held.before >= 4 && held.after <= 4, `held: ${JSON.stringify(held)}`);
  const free = youngGenerationAfterChurn({ LUMENSYNC_YOUNG_GENERATION_MIB: '0' });
  assert.ok(free.after > 4, `V8's own growth: ${JSON.stringify(free)}`);
});
