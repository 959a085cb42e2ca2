/**
 * Files the server refuses for good (contract §13 U9) and empty files, end to end: tried once
 * per content, reported apart, never exit 5, tried again when the content changes; an empty
 * file gets a local verdict without any request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readRejections } from '../../src/journal/rejections.js';
import { documentsByTitle, emulatorFixture, isUpload, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';

/** Mostly NUL and control bytes: upstream's sniff calls it binary. */
const BINARY = Buffer.from(Array.from({ length: 600 }, (_, index) => (index % 3 === 0 ? 0x41 : index % 31)));

test('U9: an unsupported file is tried once per content and reported, the pass exits 1 (never 5); a change retries it; empty files send nothing', async () => {
  const { emu, env } = await emulatorFixture();
  const base = await tempDir();
  const root = path.join(base, 'docs');
  const stateDir = path.join(base, 'state');
  const args = ['sync', root, '--org', 'acme', '--folder', 'docs', '--workspace', 'support-bot', '--state-dir', stateDir, '--rate', '0', '--retries', '3'];
  const refused = (): number => emu.requestLog.filter((entry) => isUpload(entry) && entry.status === 500).length;
  const uploads = (): number => emu.requestLog.filter(isUpload).length;
  try {
    await writeTree(root, { 'ok.md': '# fine\n', 'data.xyz': BINARY, 'notes.xyz': 'plain text under an unknown extension\n', Makefile: 'all:\n\techo hi\n', 'empty.md': '' });

    const first = await runCli(args, { env });
    assert.equal(first.code, 1, first.stdout + first.stderr);
    assert.match(first.stdout, /rejected by the server: 2 /);
    assert.match(first.stdout, /data\.xyz: File extension \.xyz not supported for parsing and cannot be assumed as text file type\./);
    assert.match(first.stdout, /Makefile: No file extension found\. This file cannot be processed\.\n +fix: give the file an extension/);
    assert.match(first.stdout, /empty files not uploaded: 1 /);
    assert.match(first.stdout, /failed 0/);
    assert.equal(refused(), 2, 'each refused file is sent exactly once (no retries, no second pass)');
    assert.deepEqual([...documentsByTitle(emu, 'docs').keys()].sort(), ['notes.xyz', 'ok.md']);

    // Unchanged: nothing is sent again, the verdict is the same.
    const before = uploads();
    const second = await runCli([...args, '--json'], { env });
    assert.equal(second.code, 1, second.stdout + second.stderr);
    const summary = (JSON.parse(second.stdout) as { summary: { rejected: number; skippedEmpty: number; rejections: { relativePath: string; attempts: number }[] } }).summary;
    assert.deepEqual(summary.rejections.map((item) => [item.relativePath, item.attempts]), [['Makefile', 1], ['data.xyz', 1]]);
    assert.equal(summary.skippedEmpty, 1);
    assert.equal(uploads(), before, 'a refused or empty file was sent again unchanged');

    // status lists them with the reason and the fix.
    const status = await runCli(['status', '--state-dir', stateDir], { env });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /rejected by the server: 2/);
    assert.match(status.stdout, /- data\.xyz: File extension \.xyz not supported.*fix: exclude the file with an ignore rule/);

    // Changed content is tried again: data.xyz now text (accepted), empty.md got content; Makefile is not sent again.
    await writeFile(path.join(root, 'data.xyz'), 'now it is text\n');
    await writeFile(path.join(root, 'empty.md'), 'no longer empty\n');
    const fixed = await runCli(args, { env });
    assert.equal(fixed.code, 1, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, /uploaded 2,/);
    assert.match(fixed.stdout, /rejected by the server: 1 /);
    assert.equal(refused(), 2);
    assert.deepEqual([...documentsByTitle(emu, 'docs').keys()].sort(), ['data.xyz', 'empty.md', 'notes.xyz', 'ok.md']);
    assert.deepEqual(readRejections(stateDir).map((item) => item.relativePath), ['Makefile']);

    // Excluding the last one (the documented fix) makes the run clean and forgets the refusal.
    await writeFile(path.join(root, '.lumenignore'), 'Makefile\n');
    const clean = await runCli(args, { env });
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.deepEqual(readRejections(stateDir), []);
  } finally {
    await emu.close();
    await removeAll(base);
  }
});

test('U9: an empty file alone makes no request and no failure (exit 0)', async () => {
  const { emu, env } = await emulatorFixture();
  const base = await tempDir();
  try {
    await writeTree(path.join(base, 'docs'), { 'placeholder.md': '', 'a.md': 'a\n' });
    const run = await runCli(['sync', path.join(base, 'docs'), '--org', 'acme', '--folder', 'docs', '--state-dir', path.join(base, 'state'), '--rate', '0'], { env });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /uploaded 1,/);
    assert.equal(emu.requestLog.filter(isUpload).length, 1);
  } finally {
    await emu.close();
    await removeAll(base);
  }
});
