/** The workspace (un-embed) guard end to end: the real CLI against the emulator (issue 10 §1). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { documentsByTitle, emulatorFixture, isMutation, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';

const FILES = { 'a.md': 'alpha', 'b.md': 'beta', 'dir/c.md': 'gamma', 'dir/d.md': 'delta' };
const WORKSPACES = ['support-bot', 'sales'];
const isUpdateEmbeddings = (entry: { method: string; path: string }): boolean => entry.method === 'POST' && entry.path.includes('/update-embeddings');

async function setup() {
  const { emu, env } = await emulatorFixture();
  const base = await tempDir();
  const root = path.join(base, 'handbook');
  const stateDir = path.join(base, 'state');
  await writeTree(root, FILES);
  return { emu, env, base, root, stateDir, cleanup: async () => { await emu.close(); await removeAll(base); } };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

/** How many of the mirror's documents each workspace holds. */
const embeddedCounts = (ctx: Ctx): Record<string, number> => {
  const mirror = new Set([...documentsByTitle(ctx.emu, 'handbook').values()].flat());
  return Object.fromEntries(WORKSPACES.map((slug) => [slug, ctx.emu.state.workspaceDocpaths(slug).filter((docpath) => mirror.has(docpath)).length]));
};

const baseArgs = (ctx: Ctx): string[] => ['sync', ctx.root, '--org', 'acme', '--folder', 'handbook', '--state-dir', ctx.stateDir, '--rate', '0'];
const withWorkspaces = (ctx: Ctx): string[] => [...baseArgs(ctx), ...WORKSPACES.flatMap((slug) => ['--workspace', slug])];

test('workspace guard: --workspace left out holds every un-embed (exit 4), names workspaces, count and the command; that command removes them', async () => {
  const ctx = await setup();
  try {
    const first = await runCli(withWorkspaces(ctx), { env: ctx.env });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual(embeddedCounts(ctx), { 'support-bot': 4, sales: 4 });

    // The case: the same mirror run once without any --workspace.
    const mutations = ctx.emu.requestLog.filter(isMutation).length;
    const bare = await runCli(baseArgs(ctx), { env: ctx.env });
    assert.equal(bare.code, 4, bare.stdout + bare.stderr);
    assert.match(bare.stdout, /un-embeds held: 4 document\(s\) would leave workspace\(s\) support-bot \(4\), sales \(4\)/);
    assert.match(bare.stdout, /unembedded 0/);
    assert.equal(ctx.emu.requestLog.filter(isMutation).length, mutations, 'a guarded pass sent a mutation');
    assert.deepEqual(embeddedCounts(ctx), { 'support-bot': 4, sales: 4 });

    // Held again on the next run (the journal still counts both workspaces as the mirror's).
    const again = await runCli([...baseArgs(ctx), '--json'], { env: ctx.env });
    assert.equal(again.code, 4, again.stderr);
    const json = JSON.parse(again.stdout) as { blockedUnembeds: number; guards: { guard: string }[]; removeWorkspaceCommand: string };
    assert.equal(json.blockedUnembeds, 8);
    assert.deepEqual(json.guards.map((guard) => guard.guard), ['workspace-removed']);

    // Drift repair is unaffected: a document un-embedded by hand from a named workspace comes back.
    const [docpath] = documentsByTitle(ctx.emu, 'handbook').get('a.md')!;
    ctx.emu.state.unembed('support-bot', docpath!);
    const repaired = await runCli([...baseArgs(ctx), '--workspace', 'support-bot'], { env: ctx.env });
    assert.equal(repaired.code, 4, repaired.stdout + repaired.stderr);
    assert.match(repaired.stdout, /embedded 1,/);
    assert.match(repaired.stdout, /workspace\(s\) sales \(4\)/);
    assert.deepEqual(embeddedCounts(ctx), { 'support-bot': 4, sales: 4 });

    // The exact command printed makes the removal explicit.
    const command = /to remove them on purpose run: (.+)/.exec(bare.stdout)?.[1];
    assert.ok(command, bare.stdout);
    assert.equal(command, json.removeWorkspaceCommand.replace(' --json', ''));
    const words = command.split(' ');
    assert.equal(words[0], 'lumensync');
    assert.deepEqual(words.slice(-4), ['--remove-workspace', 'support-bot', '--remove-workspace', 'sales']);
    const removal = await runCli(words.slice(1), { env: ctx.env });
    assert.equal(removal.code, 0, removal.stdout + removal.stderr);
    assert.match(removal.stdout, /unembedded 8/);
    assert.deepEqual(embeddedCounts(ctx), { 'support-bot': 0, sales: 0 });
    assert.equal(documentsByTitle(ctx.emu, 'handbook').size, 4, 'un-embedding deleted documents');

    // Settled: the mirror no longer counts those workspaces, so a bare run is a clean no-op.
    const after = await runCli(baseArgs(ctx), { env: ctx.env });
    assert.equal(after.code, 0, after.stdout + after.stderr);
  } finally { await ctx.cleanup(); }
});

test('workspace guard: a workspace edited out of the config is held (dry-run shows it) until removeWorkspaces names it', async () => {
  const ctx = await setup();
  const configFile = path.join(ctx.base, 'lumensync.json');
  const writeConfig = (mirror: Record<string, unknown>): Promise<void> => writeFile(configFile, JSON.stringify({
    mirrors: { handbook: { root: './handbook', org: 'acme', folder: 'handbook', stateDir: './state', ...mirror } },
  }));
  const args = ['sync', '--config', configFile, '--rate', '0'];
  try {
    await writeConfig({ workspaces: WORKSPACES });
    assert.equal((await runCli(args, { env: ctx.env })).code, 0);
    assert.deepEqual(embeddedCounts(ctx), { 'support-bot': 4, sales: 4 });

    await writeConfig({ workspaces: ['support-bot'] });
    const dry = await runCli([...args, '--dry-run'], { env: ctx.env });
    assert.equal(dry.code, 4, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /held {5}unembed 4 document\(s\) from sales \(workspace guard\)/);
    assert.match(dry.stdout, /guard: un-embeds held: 4 document\(s\) would leave workspace\(s\) sales \(4\)/);
    assert.match(dry.stdout, /"removeWorkspaces": \["sales"\]/);
    assert.match(dry.stdout, /to remove them on purpose run: lumensync sync --config \S+ --rate 0 --remove-workspace sales\n/);

    const held = await runCli(args, { env: ctx.env });
    assert.equal(held.code, 4, held.stdout + held.stderr);
    assert.deepEqual(embeddedCounts(ctx), { 'support-bot': 4, sales: 4 });

    await writeConfig({ workspaces: ['support-bot'], removeWorkspaces: ['sales'] });
    const removed = await runCli(args, { env: ctx.env });
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    assert.deepEqual(embeddedCounts(ctx), { 'support-bot': 4, sales: 0 });

    // A workspace named again wins over removeWorkspaces: its documents are embedded again, nothing held.
    await writeConfig({ workspaces: ['support-bot', 'sales'], removeWorkspaces: ['sales'] });
    const back = await runCli(args, { env: ctx.env });
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.deepEqual(embeddedCounts(ctx), { 'support-bot': 4, sales: 4 });
    assert.equal(ctx.emu.requestLog.filter(isUpdateEmbeddings).length > 0, true);
  } finally { await ctx.cleanup(); }
});
