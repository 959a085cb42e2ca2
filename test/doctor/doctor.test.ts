import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { doctorExitCode, renderReport, runDoctor } from '../../src/doctor/doctor.js';
import type { MirrorSettings } from '../../src/config/settings.js';
import { MIRROR_DEFAULTS } from '../../src/sync/mirror.js';

const ACCOUNT = '11111111-2222-3333-4444-555555555555';
let emu: EmulatorHandle;
let dir: string;

before(async () => {
  emu = await startEmulator({ port: 0 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-'));
  await mkdir(path.join(dir, 'root'));
});
after(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

const mirror = (orgSlug: string, workspaces: string[]): MirrorSettings => ({
  name: 'docs',
  stateDir: path.join(dir, 'state'),
  spec: {
    root: path.join(dir, 'root'), orgSlug, folder: 'docs', workspaces, ignore: [], followSymlinks: false, keepUnknown: false, maxDelete: MIRROR_DEFAULTS.maxDelete,
    allowEmptyRoot: false, deleteBatchSize: 50, embedBatchSize: 100,
  },
});
const connection = (apiKey = 'lumensync-dev-key') => ({ host: emu.url, accountId: ACCOUNT, apiKey });
const env = { HOME: os.tmpdir() };

describe('runDoctor against the emulator', () => {
  const cases: Array<{ label: string; apiKey?: string; org: string; workspaces: string[]; failed: Record<string, RegExp>; exit: number }> = [
    { label: 'a correct setup passes', org: 'acme', workspaces: ['support-bot'], failed: {}, exit: 0 },
    { label: 'a bad key is named with its fix', apiKey: 'not-a-key', org: 'acme', workspaces: [], failed: { key: /superadmin/ }, exit: 3 },
    { label: 'a hex org slug is named with the original', org: '61636d65', workspaces: ['support-bot'], failed: { 'slug-forms': /"org": "acme"/ }, exit: 3 },
    { label: 'a workspace of another org (and account) is named with its owner', org: 'acme', workspaces: ['helpdesk'], failed: { workspaces: /"globex"/ }, exit: 3 },
    { label: 'an org the account does not see lists the visible ones', org: 'initech', workspaces: [], failed: { org: /acme/ }, exit: 3 },
  ];
  for (const { label, apiKey, org, workspaces, failed, exit } of cases) {
    it(label, async () => {
      const report = await runDoctor(connection(apiKey), [mirror(org, workspaces)], { env });
      const failures = report.steps.filter((step) => step.status === 'fail');
      assert.deepEqual(failures.map((step) => step.id).sort(), Object.keys(failed).sort(), renderReport(report));
      for (const [id, fix] of Object.entries(failed)) assert.match(failures.find((step) => step.id === id)?.fix ?? '', fix);
      assert.equal(doctorExitCode(report), exit);
      assert.doesNotMatch(JSON.stringify(report) + renderReport(report), /lumensync-dev-key|not-a-key/);
    });
  }

  it('--probe-write confirms every assumption against the emulator and cleans up', async () => {
    const report = await runDoctor(connection(), [mirror('acme', ['support-bot'])], { env, probe: true, probeWrite: true });
    const notConfirmed = report.probes.filter((probe) => probe.verdict !== 'confirmed');
    assert.deepEqual(notConfirmed, []);
    assert.ok(report.probes.length >= 20);
    assert.ok(!emu.state.listDocuments('acme').some((doc) => String(doc.folder).startsWith('lumensync-probe')));
  });
});
