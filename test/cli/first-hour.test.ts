/** Issue 14, items 1, 3 and 4: what a new user trips on in sync's messages and output. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { emulatorFixture, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';
import { explainUnknownOptions, notANumberProblems, typedValue } from '../../src/cli/flag-problems.js';
import { renderPlan } from '../../src/cli/render.js';
import { startProgress } from '../../src/cli/progress.js';
import { printError } from '../../src/cli/output.js';
import { Stats } from '../../src/stats/stats.js';
import type { Plan } from '../../src/core/plan-types.js';

test('item 1: a missing folder of a config mirror is one error naming the mirror and the path, no summary', async () => {
  const { emu, env } = await emulatorFixture();
  const dir = await tempDir();
  try {
    await writeTree(path.join(dir, 'here'), { 'a.md': 'a' });
    const config = path.join(dir, 'lumensync.json');
    await writeFile(config, JSON.stringify({ mirrors: {
      present: { root: './here', org: 'acme', folder: 'present', stateDir: './state-present' },
      typo: { root: './gone', org: 'acme', folder: 'typo', stateDir: './state-typo' },
    } }));
    const result = await runCli(['sync', '--config', config, '--mirror', 'typo', '--rate', '0', '--no-progress'], { env });
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 4, output);
    assert.match(result.stderr, new RegExp(`error: the mirror root does not exist: ${path.join(dir, 'gone').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(mirror "typo" of .*lumensync\\.json\\)`));
    assert.match(result.stderr, /fix: check that the folder exists/);
    assert.doesNotMatch(output, /local path\(s\) could not be read/, 'no second guard about unreadable paths');
    assert.doesNotMatch(output, /sync finished/, 'no summary of a pass that did not run');
    assert.equal(emu.requestLog.filter((entry) => entry.method !== 'GET').length, 0, 'nothing sent for a missing folder');
  } finally {
    await emu.close();
    await removeAll(dir);
  }
});

test('item 3: a number flag given text echoes the text typed', () => {
  assert.equal(typedValue(['sync', '--concurrency', 'abc'], 'concurrency'), 'abc');
  assert.equal(typedValue(['sync', '--rate=fast'], 'rate'), 'fast');
  assert.deepEqual(notANumberProblems({ concurrency: Number.NaN, rate: 2, maxBackoff: Number.NaN, 'max-backoff': Number.NaN }, ['--concurrency', 'abc', '--max-backoff=1m']), [
    '--concurrency must be a number, got "abc"',
    '--max-backoff must be a number, got "1m"',
  ]);
});

test('item 3: an unknown option gets "did you mean" the closest known one; stray positionals are left alone', () => {
  const known = ['org', 'folder', 'workspace', 'concurrency', 'help', 'maxDelete', 'max-delete'];
  assert.equal(explainUnknownOptions('Unknown argument: orgg', ['sync', '--orgg', 'acme'], known), 'unknown option --orgg (did you mean --org?)');
  assert.equal(explainUnknownOptions('Unknown arguments: max-delet, zzzzzz', ['--max-delet=5', '--zzzzzz'], known), 'unknown options --max-delet (did you mean --max-delete?), --zzzzzz');
  assert.equal(explainUnknownOptions('Unknown argument: foo', ['status', 'foo'], known), undefined);
  assert.equal(explainUnknownOptions('Missing required argument: x', [], known), undefined);
});

test('item 3: the CLI says what was typed and which command to read help for', async () => {
  const number = await runCli(['sync', '/tmp/x', '--org', 'acme', '--folder', 'f', '--concurrency', 'abc']);
  assert.equal(number.code, 2);
  assert.match(number.stderr, /--concurrency must be a number, got "abc"/);
  assert.doesNotMatch(number.stderr, /NaN/);
  const typo = await runCli(['sync', '/tmp/x', '--orgg', 'acme']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown option --orgg \(did you mean --org\?\)\n {2}fix: see lumensync sync --help/);
});

test('item 4: the dry-run plan says the bytes are what is sent, not the replacements\' size', () => {
  const plan = { actions: [], guards: [], blockedRemoves: [], blockedUnembeds: [], skipped: [], summary: { uploads: 50, replacements: 0, uploadBytes: 36_045, renames: 0, adoptions: 0, removes: 0, embeds: 0, unembeds: 0, unchanged: 0, records: 0, blockedRemoves: 0, blockedUnembeds: 0, skippedEmpty: 0, skippedRejected: 0 } } as unknown as Plan;
  const line = renderPlan(plan).split('\n')[0]!;
  assert.match(line, /^plan: 50 upload\(s\), 0 replacement\(s\), 35\.2 KiB to send, /);
  assert.doesNotMatch(line, /replacement\(s\) \(/);
});

/** A stream that looks like a terminal to cli-progress and keeps what is written. */
const fakeTerminal = (): Writable & { text: string; isTTY: boolean; columns: number } => {
  const stream = new Writable({ write(chunk: Buffer, _encoding, done) { stream.text += chunk.toString(); done(); } }) as Writable & { text: string; isTTY: boolean; columns: number };
  Object.assign(stream, { text: '', isTTY: true, columns: 120 });
  return stream;
};

test('item 4: the final bar shows the exact bytes of the pass, also after an earlier pass sent some', () => {
  const stats = new Stats();
  stats.bytesUploaded = 50_000; // an earlier pass (or the interrupted run's resume) already sent these
  stats.filesTotal = 3;
  stats.bytesTotal = 3 * 1024;
  const stream = fakeTerminal();
  const progress = startProgress(stats, { enabled: true, tty: true, stream });
  // The last upload lands between two refreshes: stop() must still show it.
  stats.filesDone = 3;
  stats.bytesDone = 3 * 1024;
  stats.bytesUploaded += 3 * 1024;
  progress.stop();
  const last = stream.text.split(/\r|\n/).filter((line) => line.includes('files')).at(-1) ?? '';
  assert.match(last, /3\/3 files \| 3\.0 KiB\/3\.0 KiB/);
});

test('item 4: a message (Ctrl+C) ends the bar first, so it lands on a line of its own', () => {
  const stats = new Stats();
  stats.filesTotal = 10;
  const stream = fakeTerminal();
  const progress = startProgress(stats, { enabled: true, tty: true, stream });
  const writes: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => { writes.push(`${stream.text.endsWith('\n') ? 'after-newline' : 'on-bar-line'}:${chunk}`); return true; }) as typeof process.stderr.write;
  try {
    printError('SIGINT: stopping');
  } finally {
    process.stderr.write = original;
  }
  assert.deepEqual(writes, ['after-newline:SIGINT: stopping\n']);
  const before = stream.text.length;
  progress.stop();
  assert.equal(stream.text.length, before, 'the bar is not drawn again after the message');
});
