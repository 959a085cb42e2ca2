/**
 * Issue 14, item 10: lumensync installed the way Node tools are installed. `npm pack` of a fresh
 * checkout (no dist/), then
 * `npm install -g` of the tarball into a temporary prefix (dependencies from the npm cache, the
 * registry when missing), then the installed `lumensync`: --version, the emulator, a sync.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeAll, tempDir, writeTree } from '../helpers/harness.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

test('item 10: the packed tarball installs globally and runs: --version, emulator, sync', { timeout: 180_000 }, async () => {
  const dir = await tempDir('lumensync-pack-');
  const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
  try {
    // A fresh checkout has no dist/: packing must build it (prepack), or the package is empty of code.
    const checkout = path.join(dir, 'checkout');
    await mkdir(checkout);
    for (const entry of ['package.json', 'tsconfig.json', 'README.md', 'bin', 'config', 'src', 'scripts']) await cp(path.join(REPO, entry), path.join(checkout, entry), { recursive: true });
    await symlink(path.join(REPO, 'node_modules'), path.join(checkout, 'node_modules'));
    const packed = spawnSync(npm, ['pack', '--silent', '--pack-destination', dir], { cwd: checkout, encoding: 'utf8', env });
    assert.equal(packed.status, 0, packed.stderr);
    const tarball = path.join(dir, readdirSync(dir).find((name) => name.endsWith('.tgz'))!);
    const listing = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
    for (const needed of ['package/bin/lumensync.js', 'package/dist/bundle/entry.js', 'package/dist/src/cli/main.js', 'package/config/lumensync.schema.json', 'package/config/emulator-seed.json', 'package/dist/src/watch/page/index.html', 'package/dist/src/watch/page/page.js']) {
      assert.ok(listing.includes(needed), `${needed} is in the package`);
    }
    assert.ok(!listing.some((name) => name.startsWith('package/dist/test/') || name.startsWith('package/src/')), 'no tests or sources in the package');

    const prefix = path.join(dir, 'prefix');
    const installed = spawnSync(npm, ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { encoding: 'utf8', env, timeout: 150_000 });
    assert.equal(installed.status, 0, `npm install -g: ${installed.stderr}`);
    const bin = path.join(prefix, 'bin', 'lumensync');
    // devDependencies are not installed: what runs below needs only the package's dependencies.
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version);

    const emulator = spawn(bin, ['emulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const host = await new Promise<string>((resolve, reject) => {
        let out = '';
        emulator.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /export LUMENONE_HOST=(\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        emulator.on('exit', (code) => reject(new Error(`emulator exited ${code}: ${out}`)));
      });
      await writeTree(path.join(dir, 'docs'), { 'a.md': '# a\n', 'sub/b.md': '# b\n' });
      const sync = spawnSync(bin, ['sync', path.join(dir, 'docs'), '--org', 'acme', '--folder', 'packed', '--workspace', 'sales', '--no-progress'], {
        encoding: 'utf8',
        env: { PATH: env.PATH, HOME: dir, XDG_STATE_HOME: path.join(dir, 'state'), LUMENONE_HOST: host, LUMENONE_API_KEY: 'lumensync-dev-key', LUMENONE_ACCOUNT_ID: '11111111-2222-3333-4444-555555555555' },
      });
      assert.equal(sync.status, 0, sync.stdout + sync.stderr);
      assert.match(sync.stdout, /uploaded 2/);
    } finally {
      const exited = new Promise((resolve) => emulator.once('exit', resolve));
      if (emulator.exitCode === null) emulator.kill('SIGINT');
      await exited;
    }
  } finally {
    await removeAll(dir);
  }
});
