/** Issue 14, item 6: the interactive `init`, driven through its input and output streams (no TTY in CI). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { CLI, DEV_KEY, emulatorFixture, removeAll, tempDir } from '../helpers/harness.js';
import { runInit } from '../../src/cli/commands/init.js';

/** Answers each prompt (matched in order) once it appears; keeps the whole conversation. */
function conversation(script: [RegExp, string][]) {
  const input = new PassThrough();
  let text = '';
  let next = 0;
  let seenUpTo = 0;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      const step = script[next];
      if (step !== undefined) {
        const found = step[0].exec(text.slice(seenUpTo));
        if (found) {
          seenUpTo += found.index + found[0].length;
          next += 1;
          setImmediate(() => input.write(`${step[1]}\n`));
        }
      }
      done();
    },
  });
  return { io: { input, output }, text: () => text, answered: () => next };
}

test('item 6: a key file others can read is made private on request, and the wizard goes on', { timeout: 60_000 }, async () => {
  const { emu, env } = await emulatorFixture();
  const dir = await tempDir();
  try {
    const keyFile = path.join(dir, 'key');
    await writeFile(keyFile, `${DEV_KEY}\n`);
    await chmod(keyFile, 0o644);
    await mkdir(path.join(dir, 'handbook'));
    const output = path.join(dir, 'lumensync.json');
    const chat = conversation([
      [/LumenOne host \[[^\]]+\]: $/, ''],
      [/Account id \(UUID\) \[[^\]]+\]: $/, ''],
      [/API key file \(mode 0600[^\n]*: $/, keyFile],
      [/readable by other users \(mode 0644\); make it private now \(chmod 600\)\? \[Y\/n\]: $/, ''],
      [/Organization \[acme\]: $/, ''],
      [/Workspaces to embed into \(one or several: numbers or names, comma-separated, e\.g\. 1,2\) \[support-bot\]: $/, '1,2'],
      [/Local folder to mirror \(path\): $/, ''],
      [/an answer is needed here\nLocal folder to mirror \(path\): $/, path.join(dir, 'handbook')],
      [/Remote folder name \[handbook\]: $/, ''],
    ]);
    const { LUMENONE_API_KEY: _key, ...withoutKey } = env;
    const code = await runInit({ output }, { ...withoutKey, XDG_STATE_HOME: path.join(dir, 'state') }, true, chat.io);
    assert.equal(chat.answered(), 9, chat.text());
    assert.equal(code, 0, chat.text());
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    const written = JSON.parse(await readFile(output, 'utf8')) as { connection: { apiKeyFile: string }; mirrors: Record<string, { root: string; workspaces: string[] }> };
    assert.deepEqual(written.mirrors.handbook?.workspaces, ['support-bot', 'sales']);
    assert.match(written.connection.apiKeyFile, /key$/);
    assert.match(chat.text(), /wrote .*lumensync\.json \(mode 0600\)/);
  } finally {
    await emu.close();
    await removeAll(dir);
  }
});

test('item 6: init --help names one option for the file it writes; --config is taken as that file', async () => {
  const help = spawnSync(process.execPath, [CLI, 'init', '--help'], { encoding: 'utf8' });
  assert.match(help.stdout, /-o, --output/);
  assert.doesNotMatch(help.stdout, /--config/);
  const dir = await tempDir();
  try {
    const both = spawnSync(process.execPath, [CLI, 'init', dir, '--org', 'acme', '--yes', '--config', path.join(dir, 'a.json'), '-o', path.join(dir, 'b.json')], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    assert.equal(both.status, 2);
    assert.match(both.stderr, /init writes one file, but --config .* and --output .* name two/);
  } finally {
    await removeAll(dir);
  }
});
