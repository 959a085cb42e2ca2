/** doctor's §13 probes: confirmed against the upstream-like emulator, contradicted with the behaviours off. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runUpstreamReadProbes, runUpstreamWriteProbes } from '../../src/doctor/probe-upstream.js';
import { startEmulator } from '../../src/emulator/server.js';
import { parseUpstreamOff } from '../../src/emulator/upstream.js';
import type { ProbeResult } from '../../src/doctor/types.js';

const ACCOUNT = '11111111-2222-3333-4444-555555555555';

async function probeWith(off: string): Promise<Map<string, ProbeResult>> {
  const emu = await startEmulator({ port: 0, upstream: { off: parseUpstreamOff(off), processingMs: 50 } });
  try {
    const target = { apiBaseUrl: `${emu.url}/api`, connection: { host: emu.url, accountId: ACCOUNT, apiKey: 'lumensync-dev-key' }, orgSlug: 'acme', workspaceSlug: 'support-bot' };
    const results = [...(await runUpstreamReadProbes(target)), ...(await runUpstreamWriteProbes(target))];
    assert.ok(!emu.state.listDocuments('acme').some((doc) => doc.folder.startsWith('lumensync-probe') || doc.docSource.startsWith('lumensync-probe')), 'probes clean up');
    for (const result of results) assert.match(result.module, /^src\//, `${result.id} names its module`);
    return new Map(results.map((result) => [result.id, result]));
  } finally {
    await emu.close();
  }
}

test('doctor probes: every observable §13 behaviour is confirmed against the default emulator', async () => {
  const results = await probeWith('none');
  const ids = ['U1-same-name-race', 'U2-folder-paging', 'U3-orphan-on-500', 'U4-server-url', 'U5-unknown-slug-ignored', 'U6-duplicate-embedding', 'U7-unknown-workspace', 'U8-move-embedded', 'U11-all-failed'];
  assert.deepEqual(ids.filter((id) => results.get(id)?.verdict !== 'confirmed').map((id) => `${id}: ${results.get(id)?.observed ?? 'missing'}`), []);
});

test('doctor probes: with the behaviours off they are contradicted (U1: not observed, inconclusive)', async () => {
  const results = await probeWith('all');
  for (const id of ['U3-orphan-on-500', 'U4-server-url', 'U6-duplicate-embedding', 'U7-unknown-workspace']) {
    assert.equal(results.get(id)?.verdict, 'contradicted', `${id}: ${results.get(id)?.observed}`);
  }
  assert.equal(results.get('U1-same-name-race')?.verdict, 'inconclusive');
});
