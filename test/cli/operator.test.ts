import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmulatorHandle } from '../../src/emulator/server.js';
import { DEV_KEY, emulatorFixture, runCli, tempDir, writeTree } from '../helpers/harness.js';

let emu: EmulatorHandle;
let env: NodeJS.ProcessEnv;
let dir: string;

before(async () => {
  ({ emu, env } = await emulatorFixture());
  dir = await tempDir('lumensync-');
  await writeTree(path.join(dir, 'handbook'), { 'a.md': '# A\n', 'sub/b.txt': 'b\n' });
  env = { ...env, XDG_STATE_HOME: path.join(dir, 'state') };
});
after(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

async function config(name: string, value: unknown, mode = 0o600): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(value, null, 2));
  await chmod(file, mode);
  return file;
}

describe('lumensync CLI: config, doctor, init, help', () => {
  it('a config with three mistakes gets all three reported at once, exit 2', async () => {
    const file = await config('three.json', { conection: {}, mirrors: { handbook: { root: './handbook', org: 'acme', folder: 'a/b', workspace: ['support-bot'] } } });
    const result = await runCli(['sync', '--config', file], { env });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /has 3 problems/);
    assert.match(result.stderr, /conection: .*did you mean "connection"\?/);
    assert.match(result.stderr, /mirrors\.handbook\.workspace: .*did you mean "workspaces"\?/);
    assert.match(result.stderr, /mirrors\.handbook\.folder: expected Remote folder name/);
  });

  it('a config holding a key that others can read is refused with the chmod fix', async () => {
    const file = await config('open.json', { connection: { apiKey: DEV_KEY }, mirrors: { handbook: { root: './handbook', org: 'acme', folder: 'handbook' } } }, 0o644);
    const result = await runCli(['doctor', '--config', file], { env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /fix: run: chmod 600 /);
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(DEV_KEY));
  });

  const doctorCases: Array<{ label: string; mirror: Record<string, unknown>; env?: NodeJS.ProcessEnv; expect: RegExp[] }> = [
    { label: 'hex slug in the config', mirror: { org: '61636d65', workspaces: ['support-bot'] }, expect: [/✗ .*org "61636d65" is the hex form of "acme"/, /fix: write "org": "acme"/] },
    { label: 'workspace of another org', mirror: { org: 'acme', workspaces: ['helpdesk'] }, expect: [/✗ .*workspace "helpdesk" belongs to organization "globex"/, /fix: documents embed only into workspaces of their own organization/] },
    { label: 'bad key', mirror: { org: 'acme' }, env: { LUMENONE_API_KEY: 'wrong-key' }, expect: [/✗ the API key works/, /fix: ask your LumenOne superadmin for a new key/] },
  ];
  for (const { label, mirror, env: extra, expect } of doctorCases) {
    it(`doctor names the problem and its fix: ${label} (exit 3)`, async () => {
      const file = await config(`doctor-${label.replace(/\W+/g, '-')}.json`, { mirrors: { handbook: { root: './handbook', folder: 'handbook', ...mirror } } });
      const result = await runCli(['doctor', '--config', file], { env: { ...env, ...extra } });
      assert.equal(result.code, 3, result.stdout + result.stderr);
      for (const pattern of expect) assert.match(result.stdout, pattern);
    });
  }

  it('doctor --json is machine-readable and exits 0 on a good setup', async () => {
    const result = await runCli(['doctor', path.join(dir, 'handbook'), '--org', 'acme', '--folder', 'handbook', '--workspace', 'sales', '--json'], { env });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as { ok: boolean; steps: Array<{ id: string; status: string }> };
    assert.equal(report.ok, true);
    assert.deepEqual(report.steps.filter((step) => step.status === 'fail'), []);
  });

  it('init --yes writes a 0600 config that sync --config then runs (newcomer path)', async () => {
    const output = path.join(dir, 'init', 'lumensync.json');
    const init = await runCli(['init', path.join(dir, 'handbook'), '--org', 'acme', '--workspace', 'support-bot', '--yes', '--output', output], { env });
    assert.equal(init.code, 0, init.stdout + init.stderr);
    assert.equal((await stat(output)).mode & 0o777, 0o600);
    const written = JSON.parse(await readFile(output, 'utf8')) as { mirrors: Record<string, { org: string; folder: string; root: string }> };
    assert.deepEqual(Object.keys(written.mirrors), ['handbook']);
    // Outside the file's folder → absolute, so moving the config does not silently re-point the mirror.
    assert.equal(written.mirrors.handbook?.root, path.join(dir, 'handbook'));
    const sync = await runCli(['sync', '--config', output], { env: { LUMENONE_API_KEY: DEV_KEY, XDG_STATE_HOME: env.XDG_STATE_HOME } });
    assert.equal(sync.code, 0, sync.stdout + sync.stderr);
    assert.equal(emu.state.listDocuments('acme').filter((doc) => doc.folder === 'handbook').length, 2);
    const again = await runCli(['init', path.join(dir, 'handbook'), '--org', 'acme', '--yes', '--output', output], { env });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--force/);
  });

  it('the API key never appears in stdout, stderr or the log file, even at trace level and on failure', async () => {
    const logFile = path.join(dir, 'trace.log');
    const runs = [
      await runCli(['sync', path.join(dir, 'handbook'), '--org', 'acme', '--folder', 'leak', '--workspace', 'sales', '--log-level', 'trace', '--log-file', logFile], { env }),
      await runCli(['sync', path.join(dir, 'handbook'), '--org', 'nope', '--folder', 'leak', '--log-level', 'trace', '--log-file', logFile], { env }),
      await runCli(['doctor', path.join(dir, 'handbook'), '--org', 'acme', '--folder', 'leak', '--probe', '--json'], { env }),
    ];
    assert.equal(runs[0]!.code, 0, runs[0]!.stderr);
    assert.equal(runs[1]!.code, 3, 'an org the account does not see is an access error');
    const log = await readFile(logFile);
    assert.ok(log.length > 0, 'trace logging wrote something');
    for (const bytes of [...runs.flatMap((run) => [Buffer.from(run.stdout), Buffer.from(run.stderr)]), log]) assert.equal(bytes.indexOf(DEV_KEY), -1);
  });

  const helpCases: Array<[string, string[], RegExp]> = [
    ['sync --help has examples', ['sync', '--help'], /Examples:[\s\S]*sync --config/],
    ['doctor --help has examples', ['doctor', '--help'], /Examples:[\s\S]*--probe/],
    ['init --help has examples', ['init', '--help'], /Examples:[\s\S]*--yes/],
    ['sync --help shows defaults without setting them', ['sync', '--help'], /--max-delete[\s\S]*?\[default: 50%\]/],
    ['completion prints a shell script', ['completion'], /--get-yargs-completions/],
    ['--version prints the version', ['--version'], /^\d+\.\d+\.\d+/],
  ];
  for (const [label, args, pattern] of helpCases) {
    it(label, async () => {
      const result = await runCli(args, { env });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, pattern);
    });
  }
});
