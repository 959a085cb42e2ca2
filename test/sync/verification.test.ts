/**
 * Journal-first passes (issue 11): a pass lists the remote only when it must, and drift made by
 * others is repaired at the next verification. The real CLI against the emulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Journal } from '../../src/journal/journal.js';
import { nextVerificationAt, verificationReason, type VerificationInput } from '../../src/sync/verification.js';
import { documentsByTitle, emulatorFixture, isUpload, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';

type Entry = { method: string; path: string };
const isFolderListing = (entry: Entry): boolean => entry.method === 'GET' && entry.path.includes('/documents/folder/');
const isWorkspaceDetail = (entry: Entry): boolean => entry.method === 'GET' && /\/v1\/workspace\/[^/]+$/.test(entry.path);
const isResolution = (entry: Entry): boolean => entry.method === 'GET' && (entry.path.endsWith('/v1/orgs') || entry.path.endsWith('/workspaces'));

const FILES = { 'a.md': 'alpha', 'dir/b.md': 'beta', 'dir/c.md': 'gamma', 'd.md': 'delta' };

async function setup() {
  const { emu, env } = await emulatorFixture();
  const root = await tempDir();
  const stateDir = path.join(await tempDir(), 'state');
  await writeTree(root, FILES);
  const args = (...extra: string[]): string[] =>
    ['sync', root, '--org', 'acme', '--folder', 'mirror', '--workspace', 'support-bot', '--state-dir', stateDir, '--rate', '0', ...extra];
  /** Run the CLI and count the listing and resolution requests it sent. */
  const sync = async (...extra: string[]) => {
    const before = emu.requestLog.length;
    const result = await runCli(args(...extra), { env });
    const sent = emu.requestLog.slice(before);
    return { ...result, listings: sent.filter(isFolderListing).length, details: sent.filter(isWorkspaceDetail).length, resolutions: sent.filter(isResolution).length, uploads: sent.filter(isUpload).length };
  };
  return { emu, root, stateDir, sync, cleanup: async () => { await emu.close(); await removeAll(root, path.dirname(stateDir)); } };
}

const base: VerificationInput = {
  meta: { workspaces: ['ws'], orgSlug: 'acme', folder: 'f', lastVerifiedAt: 1_000 },
  spec: { orgSlug: 'acme', folder: 'f', workspaces: ['ws'] }, openIntents: 0, requested: false, intervalMs: 3_600_000, now: 2_000,
};

test('verification: each "must list" condition, and the journal trusted otherwise', () => {
  assert.equal(verificationReason(base), undefined);
  assert.equal(verificationReason({ ...base, requested: true }), 'requested');
  assert.equal(verificationReason({ ...base, meta: { workspaces: [] } }), 'no-journal');
  assert.equal(verificationReason({ ...base, openIntents: 1 }), 'open-intents');
  assert.equal(verificationReason({ ...base, spec: { ...base.spec, folder: 'g' } }), 'mirror-changed');
  assert.equal(verificationReason({ ...base, spec: { ...base.spec, orgSlug: 'other' } }), 'mirror-changed');
  assert.equal(verificationReason({ ...base, spec: { ...base.spec, workspaces: ['ws', 'ws2'] } }), 'mirror-changed');
  assert.equal(verificationReason({ ...base, spec: { ...base.spec, workspaces: [] } }), 'mirror-changed');
  assert.equal(verificationReason({ ...base, meta: { ...base.meta, passIncomplete: true } }), 'previous-pass-incomplete');
  assert.equal(verificationReason({ ...base, meta: { ...base.meta, remoteId: 'a' }, spec: { ...base.spec, remoteId: 'a' } }), undefined);
  assert.equal(verificationReason({ ...base, meta: { ...base.meta, remoteId: 'a' }, spec: { ...base.spec, remoteId: 'b' } }), 'mirror-changed', 'another server or account');
  assert.equal(verificationReason({ ...base, now: 1_000 + 3_600_000 }), 'interval');
  assert.equal(verificationReason({ ...base, intervalMs: 0 }), 'interval');
  assert.equal(verificationReason({ ...base, now: 500 }), 'interval', 'a clock set back must not extend the trust');
});

test('verification: watch wakes for the next verification at the interval, at once when one is owed', () => {
  assert.equal(nextVerificationAt({ workspaces: [], lastVerifiedAt: 1_000 }, 60_000), 61_000);
  assert.equal(nextVerificationAt({ workspaces: [] }, 60_000), 0);
  assert.equal(nextVerificationAt({ workspaces: [], lastVerifiedAt: 1_000, passIncomplete: true }, 60_000), 0);
});

test('sync: the first run lists; a no-op re-run lists nothing and resolves nothing; --verify and --verify-interval 0 list', async () => {
  const ctx = await setup();
  try {
    const first = await ctx.sync();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.listings, 1);
    assert.match(first.stdout, /remote verified \(listed: no-journal\)/);

    const noop = await ctx.sync();
    assert.equal(noop.code, 0, noop.stderr);
    assert.deepEqual([noop.listings, noop.details, noop.resolutions], [0, 0, 0], 'a journal-first no-op sends no request');
    assert.match(noop.stdout, /unchanged 4/);
    assert.match(noop.stdout, /remote not listed \(journal trusted\); last verified \d+ s ago/);

    const verified = await ctx.sync('--verify', '--json');
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(verified.listings, 1);
    assert.ok(verified.resolutions >= 1, '--verify resolves the slugs again');
    const report = JSON.parse(verified.stdout) as { remote: { listed: boolean; reason: string; lastVerifiedAt: string } };
    assert.equal(report.remote.listed, true);
    assert.equal(report.remote.reason, 'requested');
    assert.ok(Date.parse(report.remote.lastVerifiedAt) > 0);

    const zero = await ctx.sync('--verify-interval', '0');
    assert.equal(zero.listings, 1, '--verify-interval 0 lists on every pass');

    const dryRun = await ctx.sync('--dry-run');
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.equal(dryRun.listings, 0);
    assert.match(dryRun.stdout, /remote not listed/);
  } finally { await ctx.cleanup(); }
});

test('sync: drift made by others (a deleted document, an un-embedded one, a foreign one) is repaired at the next verification', async () => {
  const ctx = await setup();
  try {
    assert.equal((await ctx.sync()).code, 0);
    const byTitle = documentsByTitle(ctx.emu, 'mirror');
    ctx.emu.state.removeDocument(byTitle.get('a.md')![0]!);
    ctx.emu.state.unembed('support-bot', byTitle.get('dir/b.md')![0]!);

    const trusted = await ctx.sync();
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.equal(trusted.uploads, 0, 'between verifications the journal is trusted');
    assert.equal(documentsByTitle(ctx.emu, 'mirror').has('a.md'), false);

    const verified = await ctx.sync('--verify');
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(verified.uploads, 1, 'the deleted document is uploaded again');
    const after = documentsByTitle(ctx.emu, 'mirror');
    assert.deepEqual([...after.keys()].sort(), Object.keys(FILES).sort());
    const embedded = new Set(ctx.emu.state.workspaceDocpaths('support-bot'));
    for (const [title, docpaths] of after) assert.ok(embedded.has(docpaths[0]!), `${title} embedded again`);
  } finally { await ctx.cleanup(); }
});

test('sync: open intents, a changed workspace set, an old verification and a blocked pass each force a listing', async () => {
  const ctx = await setup();
  try {
    assert.equal((await ctx.sync()).code, 0);

    // A crash mid-request leaves an intent open: only the listing tells what that request did.
    const journal = await Journal.open({ stateDir: ctx.stateDir });
    journal.beginIntent({ op: 'upload', relativePaths: ['a.md'], docpaths: [] });
    await journal.close();
    const afterCrash = await ctx.sync();
    assert.equal(afterCrash.code, 0, afterCrash.stderr);
    assert.equal(afterCrash.listings, 1);
    assert.match(afterCrash.stdout, /listed: open-intents/);
    assert.equal((await ctx.sync()).listings, 0, 'the listing settled the intent');

    const widened = await ctx.sync('--workspace', 'sales');
    assert.equal(widened.listings, 1);
    assert.match(widened.stdout, /listed: mirror-changed/);
    assert.match(widened.stdout, /embedded 4/);
    assert.equal((await ctx.sync('--workspace', 'sales')).listings, 0);

    const old = await Journal.open({ stateDir: ctx.stateDir });
    old.setMeta({ lastVerifiedAt: Date.now() - 7_200_000 });
    await old.close();
    const stale = await ctx.sync('--workspace', 'sales');
    assert.equal(stale.listings, 1);
    assert.match(stale.stdout, /listed: interval/);

    // Deleting 2 of 4 files with --max-delete 1: the guard blocks the pass, so the next one lists.
    await rm(path.join(ctx.root, 'a.md'));
    await rm(path.join(ctx.root, 'd.md'));
    const blocked = await ctx.sync('--workspace', 'sales', '--max-delete', '1');
    assert.equal(blocked.listings, 0);
    assert.notEqual(blocked.code, 0, 'the guard blocked the deletes');
    const next = await ctx.sync('--workspace', 'sales');
    assert.equal(next.code, 0, next.stderr);
    assert.equal(next.listings, 1);
    assert.match(next.stdout, /listed: previous-pass-incomplete/);
    assert.match(next.stdout, /deleted 2/);
  } finally { await ctx.cleanup(); }
});
