/** Issue 14, items 2, 5, 7, 8 and 9: status takes --config, Ctrl+C however launched, daemon logs, demo, doctor, emulator. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, emulatorFixture, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';
import { embeddingReport } from '../../src/demo/report.js';
import { formatBanner } from '../../src/emulator/command.js';
import { EmulatorState } from '../../src/emulator/state.js';
import { loadDefaultSeed } from '../../src/emulator/seed.js';

test('item 2: status takes --config and --mirror like sync, and finds each mirror\'s state dir', async () => {
  const { emu, env } = await emulatorFixture();
  const dir = await tempDir();
  try {
    await writeTree(path.join(dir, 'one'), { 'a.md': 'a' });
    await mkdir(path.join(dir, 'two'));
    const config = path.join(dir, 'lumensync.json');
    // "one" uses the default state dir (derived from host, account, org, folder and root); "two" an explicit one.
    await writeFile(config, JSON.stringify({ mirrors: { one: { root: './one', org: 'acme', folder: 'one' }, two: { root: './two', org: 'acme', folder: 'two', stateDir: './state-two' } } }));
    const xdg = { ...env, XDG_STATE_HOME: path.join(dir, 'xdg') };
    const synced = await runCli(['sync', '--config', config, '--mirror', 'one', '--rate', '0', '--no-progress'], { env: xdg });
    assert.equal(synced.code, 0, synced.stderr);
    const all = await runCli(['status', '--config', config, '--json'], { env: xdg });
    assert.equal(all.code, 0, all.stderr);
    const mirrors = (JSON.parse(all.stdout) as { mirrors: { name: string; stateDir: string; journal: { filesTracked: number } }[] }).mirrors;
    assert.deepEqual(mirrors.map((mirror) => [mirror.name, mirror.journal.filesTracked]), [['one', 1], ['two', 0]]);
    assert.equal(mirrors[1]!.stateDir, path.join(dir, 'state-two'));
    const one = await runCli(['status', '--config', config, '--mirror', 'two'], { env: xdg });
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^two: not running: never synced/);
    assert.doesNotMatch(one.stdout, /^one:/m);
    const typo = await runCli(['status', '--config', config, '--mirror', 'tow'], { env: xdg });
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /no mirror named "tow" \(did you mean "two"\?\)/);
  } finally {
    await emu.close();
    await removeAll(dir);
  }
});

/** `lumensync watch` in a process group of its own, as a terminal runs it; resolves when ready. */
async function startWatch(env: NodeJS.ProcessEnv, root: string, stateDir: string, extra: string[] = []) {
  const child = spawn(process.execPath, [CLI, 'watch', root, '--org', 'acme', '--folder', 'watched', '--state-dir', stateDir, '--drain-timeout-ms', '3000', ...extra], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('lumensync watch: ready')) resolve();
    });
    void exited.then((code) => reject(new Error(`watch exited ${code} before ready: ${stderr}`)));
  });
  return { child, exited, output: () => ({ stdout, stderr }) };
}

test('item 5: Ctrl+C delivered twice at once (terminal + npx/npm forwarding it) still drains and exits 0', { timeout: 60_000 }, async () => {
  const { emu, env } = await emulatorFixture();
  const dir = await tempDir();
  try {
    await writeTree(path.join(dir, 'root'), { 'a.md': 'a' });
    const watch = await startWatch({ ...env, HOME: dir }, path.join(dir, 'root'), path.join(dir, 'state'));
    // The terminal signals the whole foreground process group; npm exec then forwards the SIGINT it got to its child.
    process.kill(-watch.child.pid!, 'SIGINT');
    await sleep(50);
    if (watch.child.exitCode === null) process.kill(watch.child.pid!, 'SIGINT');
    const code = await watch.exited;
    const { stdout, stderr } = watch.output();
    assert.equal(code, 0, stderr);
    assert.match(stdout, /stopped cleanly, journal saved/);
    // Not on a terminal (pm2's log, a pipe): no "press again" hint, and the passes are logged at info by default.
    assert.match(stderr, /SIGINT: stopping — no new requests, saving the journal\n/);
    assert.doesNotMatch(stderr, /press again/);
  } finally {
    await emu.close();
    await removeAll(dir);
  }
});

test('item 7: a daemon not on a terminal logs each pass\'s summary as a JSON line by default', { timeout: 60_000 }, async () => {
  const { emu, env } = await emulatorFixture();
  const dir = await tempDir();
  try {
    await writeTree(path.join(dir, 'root'), { 'a.md': 'a', 'b.md': 'b' });
    const watch = await startWatch({ ...env, HOME: dir }, path.join(dir, 'root'), path.join(dir, 'state'));
    process.kill(watch.child.pid!, 'SIGTERM');
    assert.equal(await watch.exited, 0);
    const lines = watch.output().stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number; msg: string; uploads?: number });
    const finished = lines.find((line) => line.msg === 'pass finished');
    assert.ok(finished, `no pass summary in:\n${watch.output().stderr}`);
    assert.equal(finished.level, 30, 'info');
    assert.equal(finished.uploads, 2);
  } finally {
    await emu.close();
    await removeAll(dir);
  }
});

test('item 8: the demo\'s check covers both workspaces', () => {
  const documents = [{ title: 'a.md', docpath: 'acme/h/a.json', storedName: 'a.json' }, { title: 'b.md', docpath: 'acme/h/b.json', storedName: 'b.json' }];
  const report = embeddingReport(documents, { 'support-bot': new Set(['acme/h/a.json', 'acme/h/b.json']), sales: new Set(['acme/h/a.json']) });
  assert.equal(report.incomplete, 1);
  assert.match(report.lines[0]!, /a\.md\s+embedded in support-bot, sales/);
  assert.match(report.lines[1]!, /b\.md\s+NOT embedded in sales/);
});

test('item 9: doctor without mirror arguments points to doctor\'s help, not sync\'s', async () => {
  const result = await runCli(['doctor', '--probe'], { env: { LUMENONE_HOST: 'http://127.0.0.1:9', LUMENONE_API_KEY: 'k', LUMENONE_ACCOUNT_ID: '11111111-2222-3333-4444-555555555555' } });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /lumensync doctor <dir> --org <slug> --folder <name>, or lumensync doctor --config <file>/);
  assert.match(result.stderr, /fix: see lumensync doctor --help/);
  assert.doesNotMatch(result.stderr, /lumensync sync/);
  const noConnection = await runCli(['doctor', '/tmp', '--org', 'acme', '--folder', 'f']);
  assert.equal(noConnection.code, 2);
  assert.match(noConnection.stderr, /incomplete connection settings[\s\S]*fix: see `lumensync doctor --help`/);
});

test('item 9: the emulator banner shows the /api/v1 prefix the README uses, and what LUMENONE_HOST is', () => {
  const banner = formatBanner({ url: 'http://127.0.0.1:4321', port: 4321, state: EmulatorState.fromSeed(loadDefaultSeed()) }, {});
  assert.ok(banner.includes('http://127.0.0.1:4321/api/v1/'), banner);
  assert.ok(banner.includes('export LUMENONE_HOST=http://127.0.0.1:4321 '), banner);
});
