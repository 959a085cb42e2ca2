/**
 * Security suite (issue 6): the API key never shows up in any captured byte, state files are
 * private, TLS is verified (a custom CA is trusted through NODE_EXTRA_CA_CERTS, nothing in
 * lumensync switches verification off), cleartext to a remote host warns, and remote names come
 * from relative paths only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DEV_KEY, assertNoSecret, documentsByTitle, emulatorFixture, fileModes, hashTree, mirrorArgs, readAllBytes, removeAll, runCli, startStubProxy, tempDir, writeTree,
} from '../helpers/harness.js';

import { CERT, KEY } from '../helpers/tls-fixture.js';

test('security: the API key appears in no captured byte (stdout, stderr, trace log file, state dir, crash and error output)', { timeout: 60_000 }, async () => {
  const { emu, env } = await emulatorFixture({ errorRate: 0.3, faultSeed: 5 });
  const root = await tempDir('lumensync-sec-root-');
  const stateParent = await tempDir('lumensync-sec-state-');
  const stateDir = path.join(stateParent, 'state');
  const logFile = path.join(stateParent, 'trace.log');
  const captured: string[] = [];
  let bytes = 0;
  try {
    await writeTree(root, Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`f${index}.md`, `content ${index}`])));
    const args = mirrorArgs('sync', root, stateDir, 'secure', ['--log-level', 'trace', '--log-file', logFile, '--max-backoff', '0.05', '--retries', '8']);
    const crashed = await runCli(args, { env, onSpawn: (child) => { const timer = setInterval(() => { if (emu.requestLog.length > 12) { clearInterval(timer); child.kill('SIGKILL'); } }, 2); } });
    // Dropped uploads are re-listed, not re-sent: a run may end with "try again later" (5) before it converges.
    let finished = await runCli(args, { env });
    for (let attempt = 0; attempt < 4 && finished.code === 5; attempt += 1) {
      captured.push(finished.stdout, finished.stderr);
      finished = await runCli(args, { env });
    }
    assert.equal(finished.code, 0, finished.stderr);
    const refused = await runCli(mirrorArgs('sync', root, stateDir, 'secure', ['--log-level', 'trace']), { env: { ...env, LUMENONE_ACCOUNT_ID: '33333333-4444-5555-6666-777777777777' } });
    assert.equal(refused.code, 3);
    const dumped = await runCli(['sync', root, '--org', 'acme', '--folder', 'secure', '--state-dir', stateDir, '--json', '--log-level', 'debug', '--no-progress'], { env });
    for (const result of [crashed, finished, refused, dumped]) captured.push(result.stdout, result.stderr);
    const logText = await readAllBytes(stateParent);
    assert.ok((await stat(logFile)).size > 0 && /"level":\d+/.test(logText), 'the log file was written (the grep would prove nothing otherwise)');
    captured.push(logText);
    bytes = captured.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    assertNoSecret(DEV_KEY, ...captured);
    // Partial forms too: a key cut in half is still a leak.
    assertNoSecret(DEV_KEY.slice(0, 12), ...captured);
    assertNoSecret(Buffer.from(DEV_KEY).toString('base64'), ...captured);
    process.stdout.write(`security: grepped ${bytes} captured bytes for the API key: 0 hits\n`);
  } finally {
    await emu.close();
    await removeAll(root, stateParent);
  }
});

test('security: state files are 0600 and the state dir 0700; the mirrored folder is never written', async () => {
  const { emu, env } = await emulatorFixture();
  const root = await tempDir('lumensync-sec-root-');
  const stateParent = await tempDir('lumensync-sec-state-');
  const stateDir = path.join(stateParent, 'state');
  try {
    await writeTree(root, { 'a.md': 'a', 'dir/b.md': 'b' });
    const before = await hashTree(root);
    const run = await runCli(mirrorArgs('sync', root, stateDir, 'modes'), { env: { ...env, LUMENSYNC_JOURNAL_COMPACT_EVERY: '1' } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await stat(stateDir)).mode & 0o777, 0o700, 'state dir mode');
    const modes = await fileModes(stateDir);
    assert.ok(modes.size > 0, 'the state dir holds files');
    for (const [name, mode] of modes) assert.equal(mode & 0o077, 0, `${name} is mode ${mode.toString(8)}: group/other may read it`);
    assert.deepEqual(await hashTree(root), before, 'lumensync wrote into the mirrored folder');
  } finally {
    await emu.close();
    await removeAll(root, stateParent);
  }
});

test('security: `lumensync init` writes its config file mode 0600', async () => {
  const { emu, env } = await emulatorFixture();
  const root = await tempDir('lumensync-sec-root-');
  const scratch = await tempDir('lumensync-sec-scratch-');
  try {
    const output = path.join(scratch, 'lumensync.json');
    const run = await runCli(['init', root, '--yes', '--org', 'acme', '--folder', 'handbook', '--workspace', 'support-bot', '--output', output, '--state-dir', path.join(scratch, 'state')], { env });
    assert.ok((await readdir(scratch)).includes('lumensync.json'), `init wrote no file: ${run.stdout}${run.stderr}`);
    assert.equal((await stat(output)).mode & 0o777, 0o600);
    assertNoSecret(DEV_KEY, run.stdout, run.stderr, await readAllBytes(scratch));
  } finally {
    await emu.close();
    await removeAll(root, scratch);
  }
});

test('security: TLS is verified; a custom CA is trusted through --ca-file or NODE_EXTRA_CA_CERTS; nothing disables verification', { timeout: 60_000 }, async () => {
  const { emu, env } = await emulatorFixture();
  const root = await tempDir('lumensync-sec-root-');
  const scratch = await tempDir('lumensync-sec-scratch-');
  const proxy = await startStubProxy(emu.url, () => undefined, () => true, { tls: { cert: CERT, key: KEY } });
  try {
    await writeTree(root, { 'a.md': 'a' });
    const caFile = path.join(scratch, 'ca.pem');
    await writeFile(caFile, CERT);
    const tlsEnv = { ...env, LUMENONE_HOST: proxy.url };
    const args = mirrorArgs('sync', root, path.join(scratch, 'state'), 'tls', ['--retries', '0', '--max-passes', '1']);

    const untrusted = await runCli(args, { env: tlsEnv });
    assert.notEqual(untrusted.code, 0, 'a self-signed certificate must be refused');
    assert.match(untrusted.stdout + untrusted.stderr, /certificate/i, 'the message names the certificate problem');
    assert.equal(proxy.exchanges.length, 0, 'no request got through an unverified connection');

    const trusted = await runCli(args, { env: { ...tlsEnv, NODE_EXTRA_CA_CERTS: caFile } });
    assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr);
    assert.deepEqual([...documentsByTitle(emu, 'tls').keys()], ['a.md']);

    // The same CA given to lumensync itself (--ca-file), while the environment tries to turn verification off.
    await writeTree(root, { 'b.md': 'b' });
    const viaFlag = await runCli([...args, '--ca-file', caFile], { env: tlsEnv });
    assert.equal(viaFlag.code, 0, viaFlag.stdout + viaFlag.stderr);
    assert.deepEqual([...documentsByTitle(emu, 'tls').keys()].sort(), ['a.md', 'b.md']);
    await writeTree(root, { 'c.md': 'c' });
    const envOff = await runCli(args, { env: { ...tlsEnv, NODE_TLS_REJECT_UNAUTHORIZED: '0' } });
    assert.notEqual(envOff.code, 0, 'NODE_TLS_REJECT_UNAUTHORIZED=0 must not silently disable verification');
    assert.ok(!documentsByTitle(emu, 'tls').has('c.md'));

    for (const flag of ['--insecure', '--no-verify', '--ignore-certificate-errors', '--tls-reject-unauthorized=false']) {
      const attempt = await runCli([...args, flag], { env: tlsEnv });
      assert.equal(attempt.code, 2, `${flag} must be an unknown option, not a switch`);
    }
    assertNoSecret(DEV_KEY, untrusted.stdout, untrusted.stderr, trusted.stdout, trusted.stderr);
  } finally {
    await proxy.close();
    await emu.close();
    await removeAll(root, scratch);
  }
});

test('security: plain http:// to a non-loopback host warns that the key travels unencrypted, even with --log-level error', { timeout: 30_000 }, async () => {
  const root = await tempDir('lumensync-sec-root-');
  const scratch = await tempDir('lumensync-sec-scratch-');
  try {
    await writeTree(root, { 'a.md': 'a' });
    // 0.0.0.0 is not a loopback name, yet connecting to it on Linux fails at once (nothing listens on port 9).
    const run = await runCli(mirrorArgs('sync', root, path.join(scratch, 'state'), 'clear', ['--retries', '0', '--max-passes', '1', '--log-level', 'error']), {
      env: { LUMENONE_HOST: 'http://0.0.0.0:9', LUMENONE_API_KEY: DEV_KEY, LUMENONE_ACCOUNT_ID: '11111111-2222-3333-4444-555555555555' },
    });
    assert.match(run.stderr, /warning: plain http:\/\/ to a non-loopback host \(0\.0\.0\.0:9\) sends the API key unencrypted; use https:\/\//);
    assert.equal(run.code, 5, run.stdout + run.stderr);
    assertNoSecret(DEV_KEY, run.stdout, run.stderr);
  } finally {
    await removeAll(root, scratch);
  }
});

test('security: remote names come from relative paths only — shell metacharacters, dot names and escaping links stay inert', { timeout: 30_000 }, async () => {
  const { emu, env } = await emulatorFixture();
  const root = await tempDir('lumensync-sec-root-');
  const scratch = await tempDir('lumensync-sec-scratch-');
  const names = ['$(touch pwned).md', '`touch pwned2`.md', '; rm -rf ~.md', '-rf.md', '..md', '...', '.. .md', '%2e%2e%2fetc.md', 'a\\..\\b.md', 'nested/.../x.md'];
  try {
    await writeTree(root, Object.fromEntries(names.map((name) => [name, `content of ${name}`])));
    await writeFile(path.join(scratch, 'outside.md'), 'outside');
    await symlink(path.join(scratch, 'outside.md'), path.join(root, 'link-out.md'));
    await symlink('..', path.join(root, 'parent'));
    const run = await runCli(mirrorArgs('sync', root, path.join(scratch, 'state'), 'names', ['--follow-symlinks']), { env });
    assert.equal(run.code, 1, run.stdout + run.stderr); // the escaping links are reported, not followed
    assert.match(run.stdout, /link-out\.md: EOUTSIDE/);
    const titles = [...documentsByTitle(emu, 'names').keys()].sort();
    const expected = [...names].sort();
    assert.deepEqual(titles, expected, 'every title is exactly the relative path');
    for (const doc of emu.state.listDocuments('acme').filter((entry) => entry.folder === 'names')) {
      assert.ok(doc.docpath.startsWith('acme/names/') && !doc.docpath.slice('acme/names/'.length).includes('/'), `docpath ${doc.docpath} escapes its folder`);
    }
    for (const dir of [root, scratch, process.cwd()]) {
      const entries = await readdir(dir);
      assert.ok(!entries.includes('pwned') && !entries.includes('pwned2'), `a name reached a shell (in ${dir})`);
    }
    assert.ok(!emu.requestLog.some((entry) => entry.upload?.title === 'link-out.md' || entry.upload?.title?.startsWith('parent/')), 'a link out of the root was uploaded');
  } finally {
    await emu.close();
    await removeAll(root, scratch);
  }
});
