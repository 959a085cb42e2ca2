/**
 * pm2 end to end: `pm2 start ecosystem.config.cjs` with a temporary PM2_HOME against an in-test
 * emulator, wait for ready, change files, `pm2 stop` (clean drain, journal consistent),
 * `pm2 start` again (resumes), and `pm2 kill` always.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FOLDER, fixture, readJournal, remoteTitles, waitFor } from './daemon-harness.js';
import { readStatusFile } from '../../src/watch/status-file.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PM2 = path.join(REPO, 'node_modules', '.bin', 'pm2');

test('pm2: start from ecosystem.config.cjs, ready, sync, stop cleanly, start again and resume', { timeout: 60_000, skip: existsSync(PM2) ? false : 'pm2 is not installed (npm install adds it as a dev dependency)' }, async () => {
  const fx = await fixture();
  const env: NodeJS.ProcessEnv = {
    ...fx.env,
    PM2_HOME: path.join(fx.base, 'pm2'),
    LUMENSYNC_PM2_NAME: 'lumensync-test',
    LUMENSYNC_PM2_LOG_DIR: path.join(fx.base, 'logs'),
    LUMENSYNC_WATCH_ARGS: `watch ${fx.root} --org acme --folder ${FOLDER} --workspace support-bot --state-dir ${fx.stateDir} --drain-timeout-ms 3000 --log-level info`,
  };
  // Asynchronous on purpose: the emulator lives in this process and must keep answering. Output
  // goes through a file because the pm2 daemon the first call spawns would hold pipes open.
  const pm2 = async (...args: string[]): Promise<string> => {
    const outputPath = path.join(fx.base, 'pm2-cli.out');
    const fd = openSync(outputPath, 'w');
    try {
      const child = spawn(PM2, args, { cwd: REPO, env, stdio: ['ignore', fd, fd] });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
      clearTimeout(timer);
      const output = readFileSync(outputPath, 'utf8');
      assert.equal(code, 0, `pm2 ${args.join(' ')}: ${output}`);
      return output;
    } finally {
      closeSync(fd);
    }
  };
  const appStatus = async (): Promise<string | undefined> => {
    const list = JSON.parse(await pm2('jlist')) as { name: string; pm2_env: { status: string } }[];
    return list.find((app) => app.name === 'lumensync-test')?.pm2_env.status;
  };
  try {
    await writeFile(path.join(fx.root, 'a.txt'), 'alpha\n');
    await pm2('start', 'ecosystem.config.cjs');
    assert.equal(await appStatus(), 'online', 'wait_ready: pm2 start returned once the daemon was ready');
    await waitFor('first reconcile', () => remoteTitles(fx.emu).includes('a.txt'), 10_000);
    await writeFile(path.join(fx.root, 'b.txt'), 'beta\n');
    await waitFor('b.txt synced by the daemon under pm2', () => remoteTitles(fx.emu).includes('b.txt'), 8000);

    await pm2('stop', 'lumensync-test');
    assert.equal(await appStatus(), 'stopped');
    const status = readStatusFile(fx.stateDir);
    assert.equal(status?.exited, true, 'the daemon drained and wrote its final status');
    assert.equal((await readJournal(fx.stateDir)).openIntents, 0);
    assert.equal(existsSync(path.join(fx.stateDir, 'lock')), false, 'the lock was released');

    await writeFile(path.join(fx.root, 'c.txt'), 'written while stopped\n');
    await pm2('start', 'lumensync-test');
    await waitFor('c.txt synced after the restart', () => remoteTitles(fx.emu).includes('c.txt'), 15_000);
    assert.deepEqual(remoteTitles(fx.emu), ['a.txt', 'b.txt', 'c.txt']);
  } finally {
    await new Promise((resolve) => spawn(PM2, ['kill'], { cwd: REPO, env, stdio: 'ignore' }).on('exit', resolve));
    await fx.cleanup();
  }
});
