import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveSettings } from '../../src/config/settings.js';
import { LumenSyncError } from '../../src/errors.js';

const ACCOUNT = '11111111-2222-3333-4444-555555555555';
let dir: string;

beforeEach(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

async function writeConfig(config: unknown, mode = 0o600): Promise<string> {
  const file = path.join(dir, 'lumensync.json');
  await writeFile(file, JSON.stringify(config));
  await chmod(file, mode);
  return file;
}

const fileConfig = {
  connection: { host: 'http://file.example:1', account: ACCOUNT },
  pacing: { concurrency: 7, rate: 3 },
  log: { level: 'info', file: 'sync.log' },
  mirrors: {
    handbook: { root: './handbook', org: 'acme', folder: 'handbook', workspaces: ['support-bot'], maxDelete: 10, stateDir: './state' },
    policies: { root: './policies', org: 'acme', folder: 'policies' },
  },
};

describe('resolveSettings precedence: flags > environment > file > defaults', () => {
  const cases: Array<{ label: string; args: Record<string, unknown> | (() => Record<string, unknown>); env: NodeJS.ProcessEnv; check: (s: Awaited<ReturnType<typeof resolveSettings>>) => void }> = [
    {
      label: 'file fills what flags and env leave out; relative paths are relative to the file',
      args: {}, env: { LUMENONE_API_KEY: 'k' },
      check: (s) => {
        assert.equal(s.connection.host, 'http://file.example:1');
        assert.deepEqual(s.mirrors.map((m) => m.name), ['handbook', 'policies']);
        assert.equal(s.mirrors[0]!.spec.root, path.join(dir, 'handbook'));
        assert.equal(s.mirrors[0]!.stateDir, path.join(dir, 'state'));
        assert.deepEqual(s.mirrors[0]!.spec.maxDelete, { kind: 'count', value: 10 });
        assert.deepEqual(s.mirrors[1]!.spec.maxDelete, { kind: 'percent', value: 50 });
        assert.equal(s.pacing.concurrency, 7);
        assert.equal(s.pacing.retries, 5);
        assert.deepEqual(s.log, { level: 'info', file: path.join(dir, 'sync.log') });
      },
    },
    {
      label: 'environment beats the file',
      args: {}, env: { LUMENONE_API_KEY: 'k', LUMENONE_HOST: 'http://env.example:2', LUMENSYNC_LOG_LEVEL: 'debug' },
      check: (s) => { assert.equal(s.connection.host, 'http://env.example:2'); assert.equal(s.log.level, 'debug'); },
    },
    {
      label: 'flags beat the environment and the file, for every mirror',
      args: { host: 'http://flag.example:3', concurrency: 2, 'max-delete': '100%', 'log-level': 'error' },
      env: { LUMENONE_API_KEY: 'k', LUMENONE_HOST: 'http://env.example:2' },
      check: (s) => {
        assert.equal(s.connection.host, 'http://flag.example:3');
        assert.equal(s.pacing.concurrency, 2);
        assert.equal(s.pacing.ratePerSecond, 3);
        assert.ok(s.mirrors.every((m) => m.spec.maxDelete.kind === 'percent' && m.spec.maxDelete.value === 100));
        assert.equal(s.log.level, 'error');
      },
    },
    {
      label: '--mirror picks mirrors of the file',
      args: { mirror: ['policies'] }, env: { LUMENONE_API_KEY: 'k' },
      check: (s) => assert.deepEqual(s.mirrors.map((m) => m.name), ['policies']),
    },
    {
      label: 'a positional dir matching a file mirror takes its settings, flags on top',
      args: () => ({ dir: path.join(dir, 'handbook'), workspace: ['sales'] }), env: { LUMENONE_API_KEY: 'k' },
      check: (s) => {
        assert.equal(s.mirrors.length, 1);
        assert.equal(s.mirrors[0]!.name, 'handbook');
        assert.deepEqual(s.mirrors[0]!.spec.workspaces, ['sales']);
        assert.equal(s.mirrors[0]!.spec.folder, 'handbook');
      },
    },
  ];
  for (const { label, args, env, check } of cases) {
    it(label, async () => {
      const file = await writeConfig(fileConfig);
      check(await resolveSettings({ config: file, ...(typeof args === 'function' ? args() : args) }, env));
    });
  }

  it('--rate auto tunables: the file sets them, flags win, the rest keep the controller defaults', async () => {
    const file = await writeConfig({ ...fileConfig, pacing: { rate: 'auto', rateStart: 40, rateMax: 500, rateProbeIntervalSeconds: 60, rateBackoff: 0.9 } });
    const fromFile = await resolveSettings({ config: file }, { LUMENONE_API_KEY: 'k' });
    assert.deepEqual(fromFile.pacing.rateConfig, { initialRate: 40, maxRate: 500, probeCycleMs: 60_000, beta: 0.9 });
    const flagged = await resolveSettings({ config: file, 'rate-probe-interval': 20, 'rate-backoff': 0.8 }, { LUMENONE_API_KEY: 'k' });
    assert.deepEqual(flagged.pacing.rateConfig, { initialRate: 40, maxRate: 500, probeCycleMs: 20_000, beta: 0.8 });
  });

  it('--rate auto sharing: on by default under XDG_RUNTIME_DIR, a directory from the file (relative to it) or the flag, off with --no-rate-share', async () => {
    const plain = await writeConfig(fileConfig);
    const env = { LUMENONE_API_KEY: 'k', XDG_RUNTIME_DIR: '/run/user/1000' };
    assert.equal((await resolveSettings({ config: plain }, env)).pacing.rateShareDir, '/run/user/1000/lumensync/rate-share');
    const file = await writeConfig({ ...fileConfig, pacing: { rateShareDir: 'board' } });
    assert.equal((await resolveSettings({ config: file }, env)).pacing.rateShareDir, path.join(path.dirname(file), 'board'));
    assert.equal((await resolveSettings({ config: file, 'rate-share-dir': '/srv/board' }, env)).pacing.rateShareDir, '/srv/board');
    assert.equal((await resolveSettings({ config: file, 'rate-share': false }, env)).pacing.rateShareDir, undefined);
    const off = await writeConfig({ ...fileConfig, pacing: { rateShare: false } });
    assert.equal((await resolveSettings({ config: off }, env)).pacing.rateShareDir, undefined);
    assert.equal((await resolveSettings({ config: off, 'rate-share': true }, env)).pacing.rateShareDir, '/run/user/1000/lumensync/rate-share', 'the flag wins');
  });

  it('LUMENSYNC_CONFIG chooses the file when --config is absent', async () => {
    const file = await writeConfig(fileConfig);
    const settings = await resolveSettings({}, { LUMENSYNC_CONFIG: file, LUMENONE_API_KEY: 'k' });
    assert.equal(settings.configFile, file);
  });

  it('defaults apply with flags only', async () => {
    const settings = await resolveSettings({ dir, org: 'acme', folder: 'f' }, { LUMENONE_API_KEY: 'k', LUMENONE_HOST: 'http://h:1', LUMENONE_ACCOUNT_ID: ACCOUNT });
    assert.deepEqual(settings.pacing, { concurrency: 4, ratePerSecond: 'auto', rateConfig: {}, retries: 5, maxBackoffMs: 60_000, requestTimeoutMs: 60_000, uploadTimeoutMs: 600_000, uploadIdleTimeoutMs: 60_000, rateShareDir: path.join(os.tmpdir(), `lumensync-${process.getuid!()}`, 'rate-share') });
    assert.equal(settings.log.level, 'warn');
    assert.equal(settings.mirrors[0]!.spec.followSymlinks, false);
  });
});

describe('resolveSettings refusals', () => {
  const cases: Array<{ label: string; config: unknown; mode?: number; args?: Record<string, unknown>; message: RegExp; hint?: RegExp }> = [
    { label: 'a key in a file readable by others', config: { ...fileConfig, connection: { ...fileConfig.connection, apiKey: 'secret-key' } }, mode: 0o644, message: /holds an API key and is readable by other users/, hint: /chmod 600/ },
    { label: 'defining flags without a dir', config: fileConfig, args: { org: 'acme' }, message: /--org define one mirror/, hint: /--mirror/ },
    { label: 'an unknown --mirror name', config: fileConfig, args: { mirror: ['handbok'] }, message: /did you mean "handbook"/ },
    { label: 'a --rate-start above the file\'s rateMax', config: { ...fileConfig, pacing: { rateMax: 20 } }, args: { 'rate-start': 50 }, message: /--rate-start 50 is above --rate-max 20/, hint: /rateMax/ },
    { label: 'a --rate-backoff outside 0.5–0.97', config: fileConfig, args: { 'rate-backoff': 0.99 }, message: /--rate-backoff must be a share from 0.5 to 0.97 \(got 0.99\)/ },
    { label: 'a rateBackoff outside the schema in the file', config: { ...fileConfig, pacing: { rateBackoff: 1.5 } }, message: /rateBackoff/ },
    { label: 'three mistakes at once', config: { conection: {}, mirrors: { a: { root: 'x', org: 'acme', folder: 'a/b', concurency: 1 } } }, message: /has 3 problems/ },
  ];
  for (const { label, config, mode, args, message, hint } of cases) {
    it(label, async () => {
      const file = await writeConfig(config, mode);
      await assert.rejects(resolveSettings({ config: file, ...args }, { LUMENONE_API_KEY: 'k' }), (error: unknown) => {
        assert.ok(error instanceof LumenSyncError);
        assert.match(error.message, message);
        if (hint) assert.match(error.hint ?? '', hint);
        assert.doesNotMatch(`${error.message} ${error.hint}`, /secret-key/);
        return true;
      });
    });
  }

  it('a private file may hold the key', async () => {
    const file = await writeConfig({ ...fileConfig, connection: { ...fileConfig.connection, apiKey: 'secret-key' } }, 0o600);
    assert.equal((await resolveSettings({ config: file }, {})).connection.apiKey, 'secret-key');
  });
});
