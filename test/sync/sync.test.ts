/** `lumensync sync` end to end: the real CLI against the emulator (issue 3's list). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, rename, rm, utimes, readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  DEV_KEY, assertNoSecret, documentsByTitle, emulatorFixture, isMutation, isRemove, isUpload, removeAll, runCli, tempDir, writeTree,
} from '../helpers/harness.js';

const NAMES = ['résumé', 'niño', 'Ångström', 'データ', 'emoji 🚀', 'space name', "quote's"];

/** `count` files in nested folders with unicode names. */
const makeTree = (count: number): Record<string, string> => {
  const files: Record<string, string> = {};
  for (let index = 0; index < count; index += 1) {
    const dir = `${NAMES[index % NAMES.length]}/sub ${index % 5}`;
    files[`${dir}/file-${index} ${NAMES[(index * 3) % NAMES.length]}.md`] = `# document ${index}\n\ncontent ${index}\n`;
  }
  return files;
};

const syncArgs = (root: string, stateDir: string, extra: string[] = []): string[] =>
  ['sync', root, '--org', 'acme', '--folder', 'mirror', '--workspace', 'support-bot', '--workspace', 'sales', '--state-dir', stateDir, '--rate', '0', '--concurrency', '8', ...extra];

async function setup(files: Record<string, string>, faults?: Parameters<typeof emulatorFixture>[0]) {
  const { emu, env } = await emulatorFixture(faults);
  const root = await tempDir();
  const stateDir = path.join(await tempDir(), 'state');
  await writeTree(root, files);
  return { emu, env, root, stateDir, cleanup: async () => { await emu.close(); await removeAll(root, path.dirname(stateDir)); } };
}

/** The remote equals the folder: one document per file, titles = relative paths, embedded in both workspaces. */
function assertMirrored(emu: Awaited<ReturnType<typeof setup>>['emu'], files: string[]): void {
  const byTitle = documentsByTitle(emu, 'mirror');
  assert.deepEqual([...byTitle.keys()].sort(), [...files].sort());
  for (const [title, docpaths] of byTitle) assert.equal(docpaths.length, 1, `duplicate documents for ${title}`);
  for (const workspace of ['support-bot', 'sales']) {
    const embedded = new Set(emu.state.workspaceDocpaths(workspace));
    for (const [title, docpaths] of byTitle) assert.ok(embedded.has(docpaths[0]!), `${title} not embedded in ${workspace}`);
  }
}

test('sync: first run mirrors a few hundred nested unicode files; a second run uploads nothing', async () => {
  const files = makeTree(300);
  const ctx = await setup(files);
  try {
    const first = await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /uploaded 300/);
    assertMirrored(ctx.emu, Object.keys(files));
    const mutationsBefore = ctx.emu.requestLog.filter(isMutation).length;
    const second = await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /uploaded 0,.*unchanged 300/);
    assert.equal(ctx.emu.requestLog.filter(isMutation).length, mutationsBefore, 'a no-op run sent mutations');
    assertNoSecret(DEV_KEY, first.stdout, first.stderr, second.stdout, second.stderr);
  } finally { await ctx.cleanup(); }
});

test('sync: edit uploads once and removes the old document; touch sends nothing; rename sends no upload', async () => {
  const ctx = await setup({ 'a.md': 'alpha', 'dir/b.md': 'beta', 'c.md': 'gamma' });
  try {
    assert.equal((await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env })).code, 0);
    const oldDocpath = documentsByTitle(ctx.emu, 'mirror').get('a.md')![0]!;

    await appendFile(path.join(ctx.root, 'a.md'), ' edited');
    let uploads = ctx.emu.requestLog.filter(isUpload).length;
    const edit = await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env });
    assert.equal(edit.code, 0, edit.stderr);
    assert.equal(ctx.emu.requestLog.filter(isUpload).length - uploads, 1, 'an edit uploads exactly once');
    const removes = ctx.emu.requestLog.filter(isRemove);
    assert.deepEqual(removes.at(-1)?.removeFiles?.map((entry) => entry.docpath), [oldDocpath]);
    assertMirrored(ctx.emu, ['a.md', 'dir/b.md', 'c.md']);

    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(ctx.root, 'c.md'), later, later);
    const mutations = ctx.emu.requestLog.filter(isMutation).length;
    const touch = await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env });
    assert.equal(touch.code, 0, touch.stderr);
    assert.equal(ctx.emu.requestLog.filter(isMutation).length, mutations, 'touch sent a mutation');

    await rename(path.join(ctx.root, 'dir/b.md'), path.join(ctx.root, 'moved-b.md'));
    uploads = ctx.emu.requestLog.filter(isUpload).length;
    const moved = await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env });
    assert.equal(moved.code, 0, moved.stderr);
    assert.match(moved.stdout, /renamed 1/);
    assert.equal(ctx.emu.requestLog.filter(isUpload).length, uploads, 'a rename uploaded');
    assert.equal(ctx.emu.requestLog.filter(isMutation).length, mutations, 'a rename sent a mutation');
    assert.equal(ctx.emu.state.listDocuments('acme').filter((doc) => doc.folder === 'mirror').length, 3);
  } finally { await ctx.cleanup(); }
});

test('sync: 120 deletes go out as 3 remove-files requests at batch 50', async () => {
  const files = Object.fromEntries(Array.from({ length: 130 }, (_, index) => [`f${index}.txt`, `content ${index}`]));
  const ctx = await setup(files);
  try {
    assert.equal((await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env })).code, 0);
    for (let index = 0; index < 120; index += 1) await rm(path.join(ctx.root, `f${index}.txt`));
    const run = await runCli(syncArgs(ctx.root, ctx.stateDir, ['--max-delete', '100%']), { env: ctx.env });
    assert.equal(run.code, 0, run.stderr);
    const removes = ctx.emu.requestLog.filter(isRemove);
    assert.equal(removes.length, 3);
    assert.deepEqual(removes.map((entry) => entry.removeFiles?.length).sort(), [20, 50, 50]);
    assert.equal(ctx.emu.state.listDocuments('acme').filter((doc) => doc.folder === 'mirror').length, 10);
  } finally { await ctx.cleanup(); }
});

test('sync: a 207 re-sends exactly the failed entries, and only those', async () => {
  const files = Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`f${index}.txt`, `content ${index}`]));
  const ctx = await setup(files);
  try {
    assert.equal((await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env })).code, 0);
    for (let index = 0; index < 10; index += 1) await rm(path.join(ctx.root, `f${index}.txt`));
    ctx.emu.setFaults({ removeFailRate: 0.3, faultSeed: 7 });
    const run = await runCli(syncArgs(ctx.root, ctx.stateDir, ['--max-delete', '100%']), { env: ctx.env });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const removes = ctx.emu.requestLog.filter(isRemove);
    assert.ok(removes.length >= 2, 'the fault seed should make at least one entry fail');
    const failedBefore = new Set<string>();
    const sent = new Set<string>();
    for (const request of removes) {
      const docpaths = request.removeFiles!.map((entry) => entry.docpath);
      for (const docpath of docpaths) if (sent.has(docpath)) assert.ok(failedBefore.has(docpath), `${docpath} re-sent without having failed`);
      const failedHere = request.removeFiles!.filter((entry) => entry.outcome === 'failed').map((entry) => entry.docpath);
      const next = removes[removes.indexOf(request) + 1];
      if (failedHere.length > 0 && next) assert.deepEqual(next.removeFiles!.map((entry) => entry.docpath).sort(), failedHere.sort(), 'the follow-up request must carry exactly the failed entries');
      for (const docpath of docpaths) { sent.add(docpath); failedBefore.delete(docpath); }
      for (const docpath of failedHere) failedBefore.add(docpath);
    }
    assert.deepEqual([...documentsByTitle(ctx.emu, 'mirror').keys()].sort(), ['f10.txt', 'f11.txt']);
  } finally { await ctx.cleanup(); }
});

test('sync: 429 with Retry-After 2 s — no request reaches the host before 2 s have passed', async () => {
  const files = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`f${index}.txt`, `content ${index}`]));
  const ctx = await setup(files, { rateLimitPerSec: 8, retryAfterSeconds: 2 });
  try {
    const run = await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env });
    assert.equal(run.code, 0, run.stderr);
    const log = ctx.emu.requestLog;
    const limited = log.filter((entry) => entry.status === 429);
    assert.ok(limited.length > 0, 'the limiter should have answered 429 at least once');
    // Requests already in flight when the 429 was sent may still arrive just after it; after 250 ms none may.
    for (const entry of limited) {
      const early = log.filter((other) => other.receivedAt > entry.receivedAt + 250 && other.receivedAt < entry.receivedAt + 2000);
      assert.deepEqual(early.map((other) => `${other.method} ${other.path}`), [], `requests sent during the Retry-After pause after #${entry.seq}`);
    }
    assertMirrored(ctx.emu, Object.keys(files));
  } finally { await ctx.cleanup(); }
});

test('sync: a burst of 500s converges with no duplicates', async () => {
  const files = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`d${index % 4}/f${index}.txt`, `content ${index}`]));
  const ctx = await setup(files, { errorRate: 0.3, faultSeed: 11 });
  try {
    const run = await runCli(syncArgs(ctx.root, ctx.stateDir, ['--max-backoff', '0.2']), { env: ctx.env });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.ok(ctx.emu.requestLog.some((entry) => entry.status === 500), 'faults were injected');
    assertMirrored(ctx.emu, Object.keys(files));
  } finally { await ctx.cleanup(); }
});

test('sync: killed with SIGKILL mid-run, the next run converges with no duplicates', async () => {
  const files = Object.fromEntries(Array.from({ length: 60 }, (_, index) => [`f${index}.txt`, `content ${index}`]));
  const ctx = await setup(files, { latencyMs: 30 });
  try {
    const killed = await runCli(syncArgs(ctx.root, ctx.stateDir), {
      env: ctx.env,
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if (ctx.emu.requestLog.filter(isUpload).length >= 20) { clearInterval(timer); child.kill('SIGKILL'); }
        }, 5);
      },
    });
    assert.equal(killed.signal, 'SIGKILL');
    const partial = ctx.emu.state.listDocuments('acme').filter((doc) => doc.folder === 'mirror').length;
    assert.ok(partial > 0 && partial < 60, `killed mid-run (had ${partial})`);
    const next = await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env });
    assert.equal(next.code, 0, next.stderr);
    assertMirrored(ctx.emu, Object.keys(files));
  } finally { await ctx.cleanup(); }
});

test('sync: a deleted state directory is rebuilt from the remote with no upload', async () => {
  const ctx = await setup({ 'a.md': 'a', 'b/c.md': 'c', 'b/d.md': 'd' });
  try {
    assert.equal((await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env })).code, 0);
    await rm(ctx.stateDir, { recursive: true });
    const mutations = ctx.emu.requestLog.filter(isMutation).length;
    const run = await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /adopted 3/);
    assert.equal(ctx.emu.requestLog.filter(isMutation).length, mutations);
    assert.ok((await readdir(ctx.stateDir)).length > 0, 'state rebuilt');
  } finally { await ctx.cleanup(); }
});

test('sync: an unmounted (missing or empty) root exits 4 and deletes nothing', async () => {
  const ctx = await setup({ 'a.md': 'a', 'b.md': 'b' });
  try {
    assert.equal((await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env })).code, 0);
    for (const mutate of [async () => { await rm(path.join(ctx.root, 'a.md')); await rm(path.join(ctx.root, 'b.md')); }, () => rm(ctx.root, { recursive: true })]) {
      await mutate();
      const run = await runCli(syncArgs(ctx.root, ctx.stateDir, ['--max-delete', '100%']), { env: ctx.env });
      assert.equal(run.code, 4, run.stdout + run.stderr);
      assert.match(run.stdout + run.stderr, /guard: .*empty|error: the mirror root does not exist: /);
      assert.equal(ctx.emu.requestLog.filter(isRemove).length, 0);
      assert.equal(documentsByTitle(ctx.emu, 'mirror').size, 2);
    }
  } finally { await ctx.cleanup(); }
});

test('sync: --dry-run prints the plan and sends no mutation', async () => {
  const ctx = await setup({ 'a.md': 'a', 'b.md': 'b' });
  try {
    const run = await runCli(syncArgs(ctx.root, ctx.stateDir, ['--dry-run']), { env: ctx.env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /plan: 2 upload\(s\)/);
    assert.match(run.stdout, /upload {3}a\.md/);
    assert.equal(ctx.emu.requestLog.filter(isMutation).length, 0);
  } finally { await ctx.cleanup(); }
});

test('sync: max-delete guard holds back mass deletes with exit 4 and says how to override', async () => {
  const files = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`f${index}.txt`, `content ${index}`]));
  const ctx = await setup(files);
  try {
    assert.equal((await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env })).code, 0);
    for (let index = 0; index < 8; index += 1) await rm(path.join(ctx.root, `f${index}.txt`));
    const run = await runCli(syncArgs(ctx.root, ctx.stateDir), { env: ctx.env });
    assert.equal(run.code, 4);
    assert.match(run.stdout, /deletes blocked: 8 document\(s\) would go \(80% of the mirror\)/);
    assert.match(run.stdout, /--max-delete 8/);
    assert.equal(ctx.emu.requestLog.filter(isRemove).length, 0);
  } finally { await ctx.cleanup(); }
});
