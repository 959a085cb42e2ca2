import { test } from 'node:test';
import assert from 'node:assert/strict';
import yargs from 'yargs';
import { emulatorCommand, envName, envNumber, faultsFromArgs, formatBanner } from '../../src/emulator/command.js';
import { loadDefaultSeed } from '../../src/emulator/seed.js';
import { EmulatorState } from '../../src/emulator/state.js';

test('envName / envNumber', async (t) => {
  await t.test('name', () => assert.equal(envName('drop-after-apply-rate'), 'LUMENSYNC_EMULATOR_DROP_AFTER_APPLY_RATE'));
  const cases: [string, Record<string, string>, number | undefined | RegExp][] = [
    ['unset', {}, undefined],
    ['blank', { LUMENSYNC_EMULATOR_ERROR_RATE: ' ' }, undefined],
    ['number', { LUMENSYNC_EMULATOR_ERROR_RATE: '0.2' }, 0.2],
    ['not a number', { LUMENSYNC_EMULATOR_ERROR_RATE: 'lots' }, /LUMENSYNC_EMULATOR_ERROR_RATE must be a number/],
  ];
  for (const [label, env, expected] of cases) {
    await t.test(label, () => {
      if (expected instanceof RegExp) assert.throws(() => envNumber('error-rate', env), expected);
      else assert.equal(envNumber('error-rate', env), expected);
    });
  }
});

test('faultsFromArgs maps every flag and validates', () => {
  assert.deepEqual(faultsFromArgs({ 'rate-limit': 5, 'retry-after': 2, 'error-rate': 0.1, 'fault-seed': 9, 'max-upload-bytes': 100 }), {
    rateLimitPerSec: 5, retryAfterSeconds: 2, errorRate: 0.1, faultSeed: 9, maxUploadBytes: 100,
  });
  assert.throws(() => faultsFromArgs({ 'drop-rate': 2 }), /dropRate must be a number between 0 and 1/);
});

test('faultsFromArgs maps the listing switches (paging model)', () => {
  assert.deepEqual(faultsFromArgs({ 'list-page-default': 100, 'list-page-max': 500, 'unlisted-rate': 0.1, 'ignore-paging': true, 'endless-has-more': false }), {
    listPageDefault: 100, listPageMax: 500, unlistedRate: 0.1, ignorePaging: true,
  });
  assert.throws(() => faultsFromArgs({ 'list-page-max': 0 }), /listPageMax must be a whole number >= 1/);
  assert.throws(() => faultsFromArgs({ 'unlisted-rate': 1.5 }), /unlistedRate must be a number between 0 and 1/);
});

test('the builder parses flags and takes env defaults', async () => {
  const saved = process.env.LUMENSYNC_EMULATOR_SPIKE_RATE;
  process.env.LUMENSYNC_EMULATOR_SPIKE_RATE = '0.25';
  try {
    let parsed: Record<string, unknown> = {};
    await yargs(['emulator', '--port', '0', '--error-rate', '0.5', '--latency-ms', '20'])
      .command({ ...emulatorCommand, handler: (args) => { parsed = args as unknown as Record<string, unknown>; } })
      .strict()
      .parseAsync();
    assert.equal(parsed.port, 0);
    assert.equal(parsed.host, '127.0.0.1');
    assert.deepEqual(faultsFromArgs(parsed), { errorRate: 0.5, latencyMs: 20, spikeRate: 0.25 });
  } finally {
    if (saved === undefined) delete process.env.LUMENSYNC_EMULATOR_SPIKE_RATE;
    else process.env.LUMENSYNC_EMULATOR_SPIKE_RATE = saved;
  }
});

test('the banner shows where it listens, the tenants, faults and an export line', () => {
  const state = EmulatorState.fromSeed(loadDefaultSeed());
  const banner = formatBanner({ url: 'http://127.0.0.1:4321', port: 4321, state }, { errorRate: 0.2 });
  for (const expected of [
    'listening on http://127.0.0.1:4321 (port 4321)',
    'API base URL: http://127.0.0.1:4321/api',
    'API key: lumensync-dev-key',
    'account 22222222-3333-4444-5555-666666666666',
    'org acme (hex 61636d65)',
    'workspace support-bot (hex 737570706f72742d626f74)',
    'workspace ops (hex 6f7073)',
    'Faults: errorRate=0.2',
    'export LUMENONE_HOST=http://127.0.0.1:4321 LUMENONE_API_KEY=lumensync-dev-key LUMENONE_ACCOUNT_ID=11111111-2222-3333-4444-555555555555',
  ]) assert.ok(banner.includes(expected), `missing: ${expected}\n${banner}`);
  assert.match(formatBanner({ url: 'u', port: 1, state }, {}), /Faults: none/);
});

test('runEmulatorCommand explains a busy port', async () => {
  const { startEmulator } = await import('../../src/emulator/server.js');
  const { runEmulatorCommand } = await import('../../src/emulator/command.js');
  const busy = await startEmulator({ port: 0 });
  try {
    await assert.rejects(runEmulatorCommand({ port: busy.port, host: '127.0.0.1' }), /cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
  } finally {
    await busy.close();
  }
});
