/**
 * The bundle `npm run build` writes (scripts/bundle.mjs) is what users run. Its stat worker is a
 * file of its own: it must work with no other module of ours next to it, and the bundled CLI must
 * start it rather than the compiled module with its imports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { IgnoreRules } from '../../src/local/ignore.js';
import { WALK_FLAG, type WalkReply, type WalkRequest } from '../../src/local/stat-rows.js';
import { emulatorFixture, mirrorArgs, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';

const BUNDLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bundle');
const BIN = path.resolve(BUNDLE, '..', '..', 'bin', 'lumensync.js');
const COMPILED_ENTRY = path.resolve(BUNDLE, '..', 'src', 'cli', 'entry.js');

test('the bundled stat worker walks a tree by itself, ignore rules included', async () => {
  const root = await tempDir('lumensync-bundle-worker-');
  const { port1: replies, port2: workerSide } = new MessageChannel();
  const worker = new Worker(path.join(BUNDLE, 'stat-worker.js'), { workerData: { replies: workerSide }, transferList: [workerSide] });
  try {
    await writeTree(root, { 'a.md': 'a', 'sub/b.md': 'bb', 'sub/skip.tmp': 'x', 'sub/.lumenignore': 'deep/\n', 'sub/deep/c.md': 'c', 'node_modules/d.md': 'd' });
    const request: WalkRequest = {
      walk: true, id: 7, frames: [{ absolutePath: root, relativePath: '', rulesId: 0 }], rules: [],
      rootRules: IgnoreRules.forRoot(['*.tmp']).describe(), flags: new SharedArrayBuffer(4 * WALK_FLAG.count), giveAwayLimit: 256, queueLimit: 65_536,
    };
    const files = new Map<string, number>();
    let ignored = 0;
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      replies.on('message', (reply: WalkReply) => {
        assert.equal(reply.id, 7);
        if ('failed' in reply) reject(new Error(reply.failed));
        else if ('done' in reply) resolve();
        else if ('walked' in reply) {
          ignored += reply.walked.ignored;
          // rows: kind, size, mtimeMs per name (stat-rows.ts); kind 1 is a regular file.
          reply.walked.names.forEach((name, index) => {
            if (reply.walked.rows[3 * index] === 1) files.set(path.posix.join(reply.walked.relativePath, name), reply.walked.rows[3 * index + 1]!);
          });
        }
      });
      worker.postMessage(request);
    });
    assert.deepEqual([...files].sort(), [['a.md', 1], ['sub/b.md', 2]]);
    assert.ok(ignored >= 2, `*.tmp and the .lumenignore'd folder are ignored (ignored: ${ignored})`);
  } finally {
    replies.close();
    await worker.terminate();
    await removeAll(root);
  }
});

test('the bundled CLI starts the bundled stat worker, not the compiled module', () => {
  const chunks = readdirSync(BUNDLE).filter((name) => name.startsWith('chunk-') || name === 'entry.js');
  const naming = chunks.filter((name) => readFileSync(path.join(BUNDLE, name), 'utf8').includes('stat-worker.js'));
  assert.equal(naming.length, 1, `one chunk names the worker (${naming.join(', ')})`);
  const text = readFileSync(path.join(BUNDLE, naming[0]!), 'utf8');
  assert.match(text, /new URL\("\.\/stat-worker\.js",__lumensyncBundleUrl\)/);
  assert.doesNotMatch(text, /src\/local\/stat-worker\.js/);
});

test('the bundled CLI builds no Intl.Segmenter or RGI_Emoji expression until it lays out text, and lays help out as the compiled one does', async () => {
  const dir = await tempDir('lumensync-bundle-segmenter-');
  try {
    // Each costs ~15 ms; yargs' string-width built them at load (scripts/bundle.mjs).
    const preload = path.join(dir, 'count-segmenters.cjs');
    writeFileSync(preload, [
      "const Made = Intl.Segmenter; Intl.Segmenter = class extends Made { constructor(...args) { process.stderr.write('Intl.Segmenter made\\n'); super(...args); } };",
      "globalThis.RegExp = new Proxy(RegExp, { construct(target, args) { if (String(args[0]).includes('RGI_Emoji')) process.stderr.write('RGI_Emoji made\\n'); return Reflect.construct(target, args); } });",
    ].join('\n'));
    const refused = spawnSync(process.execPath, ['--require', preload, BIN, 'sync', path.join(dir, 'docs'), '--org', 'acme', '--folder', 'f'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /incomplete connection settings/);
    assert.doesNotMatch(refused.stderr, /Intl\.Segmenter made|RGI_Emoji made/);
    const help = spawnSync(process.execPath, ['--require', preload, BIN, 'sync', '--help'], { encoding: 'utf8', env: { PATH: process.env.PATH, COLUMNS: '100' } });
    assert.match(help.stderr, /Intl\.Segmenter made/, 'help text is laid out with a segmenter, made when needed');
    assert.equal(help.stdout, execFileSync(process.execPath, [COMPILED_ENTRY, 'sync', '--help'], { encoding: 'utf8', env: { PATH: process.env.PATH, COLUMNS: '100' } }));
  } finally {
    await removeAll(dir);
  }
});

test('the bundle carries undici in a chunk of its own that no start loads: only a dynamic import reaches it', () => {
  const files = readdirSync(BUNDLE).filter((name) => name.endsWith('.js'));
  const read = (name: string): string => readFileSync(path.join(BUNDLE, name), 'utf8');
  for (const name of files) assert.doesNotMatch(read(name), /(from\s*|import\s*\(\s*|import\s*)["']undici["']/, `${name} imports undici from node_modules`);
  const undiciChunks = files.filter((name) => read(name).includes('llhttp'));
  assert.equal(undiciChunks.length, 1, 'undici (with its llhttp parser) sits in one chunk');
  // The chunks a dynamic import brings in, each with its static imports, transitively.
  const staticImports = (name: string): string[] => [...read(name).matchAll(/(?:from\s*|import\s*)["']\.\/(chunk-[A-Z0-9]+\.js)["']/g)].map((match) => match[1]!);
  const closure = (roots: string[]): Set<string> => {
    const reached = new Set<string>();
    const visit = (name: string): void => {
      if (reached.has(name)) return;
      reached.add(name);
      for (const imported of staticImports(name)) visit(imported);
    };
    for (const root of roots) visit(root);
    return reached;
  };
  const loadedAtStart = closure(['entry.js']);
  assert.ok(loadedAtStart.size > 1);
  assert.ok(!loadedAtStart.has(undiciChunks[0]!), 'the CLI start does not load undici');
  const dynamicTargets = files.flatMap((name) => [...read(name).matchAll(/import\s*\(\s*["']\.\/(chunk-[A-Z0-9]+\.js)["']\s*\)/g)].map((match) => match[1]!));
  assert.ok(closure(dynamicTargets).has(undiciChunks[0]!), 'a dynamic import brings it in');
});

test("a journal-first no-op loads neither node:http nor node:tls (15 of Node's modules, ~4 ms of a start); a pass that sends does", async () => {
  const dir = await tempDir('lumensync-bundle-builtins-');
  const { emu, env } = await emulatorFixture();
  try {
    const preload = path.join(dir, 'list-builtins.cjs');
    writeFileSync(preload, "process.on('exit', () => process.stderr.write(`builtins: ${process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)).join(' ')}\\n`));\n");
    const root = path.join(dir, 'docs');
    await writeTree(root, { 'a.md': 'a', 'sub/b.md': 'bb' });
    const args = mirrorArgs('sync', root, path.join(dir, 'state'), 'builtins');
    const builtins = (stderr: string): string[] => /builtins: (.*)/.exec(stderr)?.[1]?.split(' ') ?? [];
    const first = await runCli(args, { env, nodeArgs: ['--require', preload] });
    assert.equal(first.code, 0, first.stderr);
    assert.ok(builtins(first.stderr).includes('http') && builtins(first.stderr).includes('tls'), 'the first pass uploads, through undici');
    const noop = await runCli([...args, '--json'], { env, nodeArgs: ['--require', preload] });
    assert.equal(noop.code, 0, noop.stderr);
    assert.equal((JSON.parse(noop.stdout) as { remote: { listed: boolean } }).remote.listed, false, 'the no-op trusted its journal');
    const loaded = builtins(noop.stderr);
    assert.ok(loaded.length > 20, `the preload listed the builtins: ${loaded.join(' ')}`);
    // (net itself is there: stderr is a pipe, a net.Socket.)
    assert.deepEqual(loaded.filter((name) => ['http', 'tls', '_http_client', '_tls_wrap'].includes(name)), []);
  } finally {
    await emu.close();
    await removeAll(dir);
  }
});
