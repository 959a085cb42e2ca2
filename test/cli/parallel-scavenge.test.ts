/** LUMENSYNC_PARALLEL_SCAVENGE: scavenges without V8's helper threads on small machines (parallel-scavenge.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AUTO_OFF_MAX_CORES, parseParallelScavenge, scavengesInParallel } from '../../src/cli/parallel-scavenge.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const moduleUrl = pathToFileURL(path.resolve(here, '..', '..', 'src', 'cli', 'parallel-scavenge.js')).href;

test('parallel scavenge: auto, on and off are read in any case; anything else is a problem with its fix', () => {
  assert.deepEqual(parseParallelScavenge(undefined), { value: 'auto' });
  assert.deepEqual(parseParallelScavenge(' '), { value: 'auto' });
  assert.deepEqual(parseParallelScavenge(' OFF '), { value: 'off' });
  assert.deepEqual(parseParallelScavenge('on'), { value: 'on' });
  for (const bad of ['0', 'yes', 'auto-ish']) {
    const parsed = parseParallelScavenge(bad);
    assert.ok('problem' in parsed, bad);
    assert.equal(parsed.problem, `LUMENSYNC_PARALLEL_SCAVENGE must be auto, on or off (got "${bad}")`);
  }
});

test('parallel scavenge: auto turns the helpers off up to two cores only; on and off are obeyed; other Nodes are not touched', () => {
  assert.equal(AUTO_OFF_MAX_CORES, 2);
  assert.equal(scavengesInParallel('auto', 1, '20.19.0'), false);
  assert.equal(scavengesInParallel('auto', 2, '24.1.0'), false);
  assert.equal(scavengesInParallel('auto', 3, '20.19.0'), true);
  assert.equal(scavengesInParallel('on', 2, '20.19.0'), true);
  assert.equal(scavengesInParallel('off', 64, '22.0.0'), false);
  assert.equal(scavengesInParallel('off', 2, '18.20.0'), undefined);
  assert.equal(scavengesInParallel('auto', 2, '26.0.0'), undefined);
});

/**
 * In a fresh Node traced with --trace-gc-nvp: apply the setting for `cores`, churn the young
 * generation, and count the scavenges and those whose helpers worked (background time > 0).
 */
function scavengesAfterChurn(setting: string, cores: number): { scavenges: number; helped: number } {
  const script = `
    const { checkParallelScavenge } = await import(${JSON.stringify(moduleUrl)});
    if (checkParallelScavenge({ LUMENSYNC_PARALLEL_SCAVENGE: ${JSON.stringify(setting)} }, ${cores}) !== undefined) process.exit(3);
    const kept = [];
    for (let i = 0; i < 3e6; i++) {
      const o = { a: i, b: 'x' + i };
      if (i % 10 === 0) kept.push(o);
    }
  `;
  const trace = execFileSync(process.execPath, ['--trace-gc-nvp', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const times = [...trace.matchAll(/background\.scavenge\.parallel=([0-9.]+)/g)].map((match) => Number(match[1]));
  return { scavenges: times.length, helped: times.filter((ms) => ms > 0).length };
}

test('parallel scavenge: off leaves every scavenge to the collecting thread; on keeps the helpers', { skip: scavengesInParallel('on', 2) === undefined && 'this Node is outside the versions the setting applies to' }, () => {
  const off = scavengesAfterChurn('auto', 2);
  assert.ok(off.scavenges >= 10, `churn made ${off.scavenges} scavenges`);
  assert.equal(off.helped, 0, `auto on 2 cores: ${JSON.stringify(off)}`);
  const on = scavengesAfterChurn('auto', 8);
  assert.ok(on.helped > on.scavenges / 2, `auto on 8 cores keeps V8's helpers: ${JSON.stringify(on)}`);
});
