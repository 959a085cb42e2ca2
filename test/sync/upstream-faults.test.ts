/** Upstream behaviours end to end (contract §13 U3, U5, U6, U11): the real CLI against the emulator. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { FaultOptions } from '../../src/emulator/server.js';
import { auditMirror, emulatorFixture, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';

const FOLDER = 'mirror';
const WORKSPACES = ['support-bot', 'sales'];

async function setup(count: number, faults?: FaultOptions) {
  const { emu, env } = await emulatorFixture(faults);
  const root = await tempDir();
  const stateDir = path.join(await tempDir(), 'state');
  const files: Record<string, string> = {};
  for (let index = 0; index < count; index += 1) files[`dir-${index % 4}/file-${index}.md`] = `# file ${index}\n`;
  await writeTree(root, files);
  const sync = (workspaces = WORKSPACES, extra: string[] = [], onSpawn?: (child: ChildProcess) => void) => runCli(
    ['sync', root, '--org', 'acme', '--folder', FOLDER, ...workspaces.flatMap((ws) => ['--workspace', ws]), '--state-dir', stateDir, '--rate', '0', '--concurrency', '8', ...extra],
    { env, timeoutMs: 90_000, ...(onSpawn ? { onSpawn } : {}) },
  );
  const embeddedOnce = (workspace: string): string[] => {
    const embedded = new Set(emu.state.workspaceDocpaths(workspace));
    return emu.state.listDocuments('acme').filter((doc) => doc.folder === FOLDER && !embedded.has(doc.docpath)).map((doc) => doc.title);
  };
  return { emu, root, files, sync, embeddedOnce, cleanup: async () => { await emu.close(); await removeAll(root, path.dirname(stateDir)); } };
}

test('U3: a 500 on upload-into-folder that left the document in custom-documents leaves no orphan', async () => {
  const ctx = await setup(30, { orphanUploadRate: 0.3, faultSeed: 7 });
  try {
    const result = await ctx.sync();
    assert.equal(result.code, 0, result.stderr);
    const orphans = ctx.emu.state.listDocuments('acme').filter((doc) => doc.folder === 'custom-documents' && (doc.docAuthor ?? '').startsWith('lumensync'));
    assert.ok(ctx.emu.requestLog.some((entry) => entry.fault === '500'), 'the fault fired');
    assert.deepEqual(orphans.map((doc) => doc.title), []);
    const audit = auditMirror(ctx.emu, FOLDER, Object.keys(ctx.files));
    assert.deepEqual([audit.duplicates, audit.missing, audit.extra], [[], [], []]);
  } finally { await ctx.cleanup(); }
});

test('U5: an upload that answered 200 without embedding is embedded in the same run', async () => {
  const ctx = await setup(30, { embedFailRate: 0.4, faultSeed: 3 });
  try {
    const result = await ctx.sync();
    assert.equal(result.code, 0, result.stderr);
    for (const workspace of WORKSPACES) assert.deepEqual(ctx.embeddedOnce(workspace), [], `not embedded in ${workspace}`);
    assert.equal(ctx.emu.state.duplicateEmbeddingCount(), 0);
  } finally { await ctx.cleanup(); }
});

test('U6: adds whose answer was lost, and a SIGKILL mid-embed, never make a second embedding record', async () => {
  const ctx = await setup(60);
  try {
    assert.equal((await ctx.sync(['support-bot'])).code, 0);
    // Adding a workspace embeds every document into it; the first answers are lost after being applied.
    ctx.emu.setFaults({ dropAfterApplyRate: 0.6, faultSeed: 11 });
    await ctx.sync(WORKSPACES, ['--embed-batch', '10']);
    assert.equal(ctx.emu.state.duplicateEmbeddingCount(), 0, 'a lost answer made the client add twice');
    ctx.emu.setFaults({});
    // Un-embed half of them behind lumensync's back, then kill the repairing run at its first add.
    const docpaths = ctx.emu.state.workspaceDocpaths('sales');
    for (const docpath of docpaths.slice(0, 30)) ctx.emu.state.unembed('sales', docpath);
    const from = ctx.emu.requestLog.at(-1)?.seq ?? 0;
    // Drift made behind lumensync's back is repaired at a verification (journal-first passes trust the journal).
    const killed = await ctx.sync(WORKSPACES, ['--embed-batch', '5', '--verify'], (child) => {
      const poll = setInterval(() => {
        if (ctx.emu.requestLog.some((entry) => entry.seq > from && entry.path.endsWith('/update-embeddings'))) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 2);
      child.on('exit', () => clearInterval(poll));
    });
    assert.equal(killed.signal, 'SIGKILL', `the run ended before the kill point: ${killed.stdout}${killed.stderr}`);
    for (let run = 0; run < 2; run += 1) assert.equal((await ctx.sync()).code, 0);
    assert.equal(ctx.emu.state.duplicateEmbeddingCount(), 0);
    for (const workspace of WORKSPACES) assert.deepEqual(ctx.embeddedOnce(workspace), [], `not embedded in ${workspace}`);
  } finally { await ctx.cleanup(); }
});

test('U11: remove-files answering 500 with a failed list: only entries that can succeed are sent again', async () => {
  const ctx = await setup(24);
  try {
    assert.equal((await ctx.sync()).code, 0);
    ctx.emu.setFaults({ removeFailRate: 0.3, allFailedStatus: 500, faultSeed: 5 });
    const gone = Object.keys(ctx.files).slice(0, 8);
    for (const relativePath of gone) await rm(path.join(ctx.root, relativePath));
    const result = await ctx.sync(WORKSPACES, ['--delete-batch', '1']);
    assert.equal(result.code, 0, result.stderr);
    const removals = ctx.emu.requestLog.filter((entry) => entry.removeFiles !== undefined);
    assert.ok(removals.some((entry) => entry.status === 500), 'an all-failed answer came as a 500');
    const purgedTwice = removals.flatMap((entry) => entry.removeFiles!).filter((outcome) => outcome.reason === 'Document not found');
    assert.deepEqual(purgedTwice, [], 'a purged document was sent again');
    const audit = auditMirror(ctx.emu, FOLDER, Object.keys(ctx.files).slice(8));
    assert.deepEqual([audit.duplicates, audit.missing, audit.extra], [[], [], []]);
  } finally { await ctx.cleanup(); }
});
