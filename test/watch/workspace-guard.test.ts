/**
 * The workspace guard in `lumensync watch`: a daemon started without a workspace the mirror
 * embeds into keeps running, keeps syncing, holds the un-embeds and reports them in
 * `status` (status.json) and the `/healthz` body.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../helpers/harness.js';
import { CLI, FOLDER, fixture, getHealth, remoteTitles, startDaemon, waitFor } from './daemon-harness.js';

test('watch: a workspace left out is held, reported in status and /healthz, and the daemon keeps syncing', { timeout: 45_000 }, async () => {
  const fx = await fixture();
  const daemon = { kill: () => undefined } as { kill(): void };
  try {
    await writeFile(path.join(fx.root, 'a.txt'), 'alpha\n');
    await writeFile(path.join(fx.root, 'b.txt'), 'beta\n');
    const synced = await runCli(['sync', fx.root, '--org', 'acme', '--folder', FOLDER, '--workspace', 'support-bot', '--workspace', 'sales', '--state-dir', fx.stateDir], { env: fx.env });
    assert.equal(synced.code, 0, synced.stdout + synced.stderr);
    const salesDocs = (): number => fx.emu.state.workspaceDocpaths('sales').length;
    assert.equal(salesDocs(), 2);

    // The daemon harness names only support-bot: sales is left out.
    const running = startDaemon(fx);
    Object.assign(daemon, running);
    const port = await Promise.race([running.ready, running.exited.then(() => { throw new Error(`daemon exited: ${running.output().stderr}`); })]);
    assert.ok(port);

    const health = await getHealth(port);
    const body = JSON.parse(health.body) as { mirrors: { guards: string[] }[] };
    assert.match(body.mirrors[0]!.guards.join('\n'), /un-embeds held: 2 document\(s\) would leave workspace\(s\) sales \(2\).*--remove-workspace sales/);

    const status = (): { daemon?: { guards: string[] } } => {
      const result = spawnSync(process.execPath, [CLI, 'status', '--state-dir', fx.stateDir, '--json'], { env: fx.env, encoding: 'utf8', timeout: 10_000 });
      assert.equal(result.status, 0, result.stderr);
      return (JSON.parse(result.stdout) as { mirrors: { daemon?: { guards: string[] } }[] }).mirrors[0]!;
    };
    await waitFor('the guard in status.json', () => (status().daemon?.guards ?? []).some((guard) => /un-embeds held.*sales/.test(guard)), 10_000);
    const text = spawnSync(process.execPath, [CLI, 'status', '--state-dir', fx.stateDir], { env: fx.env, encoding: 'utf8', timeout: 10_000 });
    assert.match(text.stdout, /guard: un-embeds held: 2 document\(s\)/);

    // Still running and still syncing; sales keeps its documents.
    await writeFile(path.join(fx.root, 'c.txt'), 'gamma\n');
    await waitFor('c.txt uploaded by the daemon', () => remoteTitles(fx.emu).includes('c.txt'), 15_000);
    assert.equal(running.child.exitCode, null);
    assert.equal(salesDocs(), 2);
    const later = JSON.parse((await getHealth(port)).body) as { mirrors: { guards: string[] }[] };
    assert.match(later.mirrors[0]!.guards.join('\n'), /un-embeds held: 2 document\(s\)/, 'a scoped pass dropped the guard report');
    running.child.kill('SIGTERM');
    assert.equal((await running.exited).code, 0);
    assert.equal(salesDocs(), 2);
  } finally {
    daemon.kill();
    await fx.cleanup();
  }
});
