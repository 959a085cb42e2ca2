/**
 * `lumensync sync <dir>` walks `<dir>` before its options are parsed (early-scan.ts): which
 * command lines it guesses from, and that a guess the parsed options contradict is never used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { earlyScanRequest } from '../../src/cli/early-scan.js';
import { documentsByTitle, emulatorFixture, mirrorArgs, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';

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

test('early scan: the CLI keeps a walk that fits, and closes one its options contradict, listing the same files either way', { timeout: 60_000 }, async () => {
  const dir = await tempDir('lumensync-early-');
  const { emu, env } = await emulatorFixture();
  try {
    const root = path.join(dir, 'docs');
    await writeTree(root, { 'a.md': 'a', 'b.log': 'b', 'c.tmp': 'c', 'sub/.lumenignore': 'skip/\n', 'sub/d.md': 'd', 'sub/skip/e.md': 'e' });
    const sync = async (folder: string, extra: string[]): Promise<string> => {
      const result = await runCli(mirrorArgs('sync', root, path.join(dir, folder), folder, ['--log-level', 'debug', ...extra]), { env });
      assert.equal(result.code, 0, result.stderr);
      return result.stderr;
    };
    assert.match(await sync('kept', ['--ignore', '*.tmp']), /"early":"kept".*walk started from the command line/);
    assert.deepEqual([...documentsByTitle(emu, 'kept').keys()].sort(), ['a.md', 'b.log', 'sub/d.md']);
    // yargs reads both patterns of `--ignore '*.tmp' '*.log'`; the guess saw one, so its walk is not used.
    assert.match(await sync('contradicted', ['--ignore', '*.tmp', '*.log']), /"early":"closed".*walk started from the command line/);
    assert.deepEqual([...documentsByTitle(emu, 'contradicted').keys()].sort(), ['a.md', 'sub/d.md']);
  } finally {
    await emu.close();
    await removeAll(dir);
  }
});
