/**
 * `lumensync sync <dir>` walks `<dir>` before its options are parsed (early-scan.ts): which
 * command lines it guesses from, and that a guess the parsed options contradict is never used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { earlyScanRequest, startEarlyScan } from '../../src/cli/early-scan.js';
import { openSession, type SessionInput } from '../../src/cli/session.js';
import { runPass } from '../../src/sync/engine.js';
import { ACME_ACCOUNT, DEV_KEY, documentsByTitle, emulatorFixture, mirrorArgs, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';

const cwd = '/home/user';

test('early scan: the plain command lines it walks ahead for, and the ones it leaves to the parser', () => {
  const cases: [string[], Record<string, string>, { root: string; ignore: string[] } | undefined][] = [
    [['sync', 'docs', '--org', 'acme', '--folder', 'f'], {}, { root: '/home/user/docs', ignore: [] }],
    [['sync', '/srv/docs', '--workspace', 'a', '--workspace', 'b'], {}, { root: '/srv/docs', ignore: [] }],
    [['sync', 'docs', '--ignore', '*.tmp', '--ignore=drafts/'], {}, { root: '/home/user/docs', ignore: ['*.tmp', 'drafts/'] }],
    [['sync', 'docs', '--dry-run', '--verify'], {}, { root: '/home/user/docs', ignore: [] }],
    // Not a plain `sync <dir>`:
    [['watch', 'docs'], {}, undefined],
    [['sync'], {}, undefined],
    [['sync', '--org', 'acme', 'docs'], {}, undefined],
    [['sync', ''], {}, undefined],
    // The mirror comes from a file:
    [['sync', 'docs', '--config', 'l.json'], {}, undefined],
    [['sync', 'docs', '--config=l.json'], {}, undefined],
    [['sync', 'docs'], { LUMENSYNC_CONFIG: 'l.json' }, undefined],
    [['sync', 'docs', '--mirror', 'a'], {}, undefined],
    // What the scan lists changes:
    [['sync', 'docs', '--follow-symlinks'], {}, undefined],
    [['sync', 'docs', '--followSymlinks'], {}, undefined],
    [['sync', 'docs', '--no-follow-symlinks'], {}, undefined],
    [['sync', 'docs', '--scan-threads', '0'], {}, undefined],
    [['sync', 'docs', '--scanThreads=2'], {}, undefined],
    [['sync', 'docs', '--no-ignore'], {}, undefined],
    [['sync', 'docs', '--ignore'], {}, undefined],
    // Nothing to walk for:
    [['sync', 'docs', '--help'], {}, undefined],
    [['sync', 'docs', '-h'], {}, undefined],
    [['sync', 'docs', '--', '--ignore', 'x'], {}, undefined],
  ];
  for (const [argv, env, expected] of cases) assert.deepEqual(earlyScanRequest(argv, env, cwd), expected, argv.join(' '));
});

/** Debug lines a session logs, and a logger that keeps them. */
function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: pino({ level: 'debug' }, { write: (line: string) => { lines.push(line); } }), lines };
}

test('early scan: a session keeps the walk when it fits and its journal is big enough, else closes it', { timeout: 60_000 }, async () => {
  const { emu, env } = await emulatorFixture();
  const root = await tempDir('lumensync-early-');
  const stateDir = path.join(await tempDir('lumensync-early-state-'), 'state');
  try {
    const files: Record<string, string> = { 'skip.tmp': 'x' };
    for (let index = 0; index < 40; index++) files[`dir${index % 4}/file${index}.txt`] = `content ${index}\n`;
    await writeTree(root, files);
    assert.equal((await runCli(mirrorArgs('sync', root, stateDir, 'early', ['--ignore', '*.tmp']), { env })).code, 0);
    await writeFile(path.join(root, 'dir1', 'new.txt'), 'new\n');
    const input = (ignore: string[], prefetchScanMinBytes: number, log: Logger): SessionInput => ({
      connection: { host: emu.url, apiKey: DEV_KEY, accountId: ACME_ACCOUNT },
      spec: { root, orgSlug: 'acme', folder: 'early', workspaces: ['support-bot'], ignore, followSymlinks: false, keepUnknown: false, maxDelete: { kind: 'percent', value: 50 }, allowEmptyRoot: false, deleteBatchSize: 50, embedBatchSize: 100 },
      stateDir, pacing: { concurrency: 4, ratePerSecond: 0, retries: 0, maxBackoffMs: 100 }, log, prefetchScanMinBytes,
    });

    // Fits, and any journal is big enough: the session's first scan takes this very walk over.
    const kept = capturingLogger();
    const early = startEarlyScan(['sync', root, '--ignore', '*.tmp'], {}, '/');
    assert.ok(early !== undefined);
    const opened = await openSession(input(['*.tmp'], 0, kept.log));
    try {
      assert.equal(opened.session.scanPrefetch, early);
      const pass = await runPass(opened.session);
      assert.ok(early.directoriesWalked.worker > 0, 'the worker walked for the scan');
      assert.deepEqual(pass.plan.actions.filter((action) => action.kind === 'upload').map((action) => action.relativePath), ['dir1/new.txt']);
      assert.equal(pass.listing.journaled?.length, 40);
    } finally {
      await opened.close();
    }
    assert.ok(kept.lines.some((line) => line.includes('"early":"kept"')), kept.lines.join(''));

    // The options say otherwise (another ignore pattern): a walk of the session's own instead.
    const contradicted = capturingLogger();
    const wrong = startEarlyScan(['sync', root], {}, '/');
    const other = await openSession(input(['*.tmp'], 0, contradicted.log));
    try {
      assert.ok(other.session.scanPrefetch !== undefined && other.session.scanPrefetch !== wrong);
      assert.equal((await runPass(other.session)).plan.actions.length, 0);
    } finally {
      await other.close();
    }
    assert.ok(contradicted.lines.some((line) => line.includes('"early":"closed"')));

    // A journal smaller than the bound is read before a worker could help: no walk ahead at all.
    const small = capturingLogger();
    startEarlyScan(['sync', root, '--ignore', '*.tmp'], {}, '/');
    const third = await openSession(input(['*.tmp'], 1 << 30, small.log));
    try {
      assert.equal(third.session.scanPrefetch, undefined);
      assert.equal((await runPass(third.session)).plan.actions.length, 0);
    } finally {
      await third.close();
    }
    assert.ok(small.lines.some((line) => line.includes('"early":"closed"')));
  } finally {
    await emu.close();
    await removeAll(root, path.dirname(stateDir));
  }
});

test('early scan: through the CLI, a guess its options contradict is not used (yargs reads `--ignore a b` as two patterns)', { timeout: 60_000 }, async () => {
  const dir = await tempDir('lumensync-early-');
  const { emu, env } = await emulatorFixture();
  try {
    const root = path.join(dir, 'docs');
    await writeTree(root, { 'a.md': 'a', 'b.log': 'b', 'c.tmp': 'c', 'sub/.lumenignore': 'skip/\n', 'sub/d.md': 'd', 'sub/skip/e.md': 'e' });
    const result = await runCli(mirrorArgs('sync', root, path.join(dir, 'state'), 'greedy', ['--log-level', 'debug', '--ignore', '*.tmp', '*.log']), { env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /"early":"closed".*walk started from the command line/);
    assert.deepEqual([...documentsByTitle(emu, 'greedy').keys()].sort(), ['a.md', 'sub/d.md']);
  } finally {
    await emu.close();
    await removeAll(dir);
  }
});
