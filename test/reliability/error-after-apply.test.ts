/**
 * Issue 15 item 2: the server stores an upload, then the answer is an error (a proxy's 502, a 500,
 * a 408, a garbled 200). The upload may have applied: lumensync looks for the document before it
 * sends the file again, so one file is one document, and the run that got there exits 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { auditMirror, emulatorFixture, isUpload, mirrorArgs, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';

const FILES = 8;

for (const status of [502, 500, 408, 200]) {
  const label = status === 200 ? 'a garbled 200' : `a ${status}`;
  test(`error after apply: every upload stored, then answered with ${label} — one document per file, exit 0`, { timeout: 60_000 }, async () => {
    const { emu, env } = await emulatorFixture({ errorAfterApplyRate: 1, errorAfterApplyStatus: status });
    const root = await tempDir('lumensync-eaa-root-');
    const stateParent = await tempDir('lumensync-eaa-state-');
    const folder = `eaa${status}`;
    try {
      const files = Object.fromEntries(Array.from({ length: FILES }, (_, index) => [`d${index % 2}/f${index}.md`, `content ${index}\n`]));
      await writeTree(root, files);
      const run = await runCli(mirrorArgs('sync', root, path.join(stateParent, 'state'), folder, ['--max-backoff', '0.1']), { env });
      const audit = auditMirror(emu, folder, Object.keys(files));
      assert.deepEqual({ duplicates: audit.duplicates, missing: audit.missing, extra: audit.extra }, { duplicates: [], missing: [], extra: [] }, 'one document per file');
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.ok(emu.requestLog.some((entry) => entry.fault === `${status}-after-apply`), 'the fault was injected');
      assert.equal(emu.requestLog.filter((entry) => isUpload(entry) && entry.upload !== undefined).length, FILES, 'each file was stored once: no upload was sent again');
      // The next run has nothing to do.
      const again = await runCli(mirrorArgs('sync', root, path.join(stateParent, 'state'), folder), { env });
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.equal(emu.requestLog.filter((entry) => isUpload(entry) && entry.upload !== undefined).length, FILES);
    } finally {
      await emu.close();
      await removeAll(root, stateParent);
    }
  });
}

for (const status of [200, 502]) {
  const label = status === 200 ? 'a garbled 200' : `a ${status}`;
  test(`error after apply: remove-files applied, then answered with ${label} — settled by listing, exit 0`, { timeout: 60_000 }, async () => {
    const { emu, env } = await emulatorFixture();
    const root = await tempDir('lumensync-eaa-root-');
    const stateParent = await tempDir('lumensync-eaa-state-');
    const folder = `eaarm${status}`;
    const args = mirrorArgs('sync', root, path.join(stateParent, 'state'), folder, ['--max-backoff', '0.1', '--retries', '1']);
    try {
      const files = Object.fromEntries(Array.from({ length: 6 }, (_, index) => [`f${index}.md`, `content ${index}\n`]));
      await writeTree(root, files);
      assert.equal((await runCli(args, { env })).code, 0);
      await rm(path.join(root, 'f0.md'));
      await rm(path.join(root, 'f1.md'));
      emu.setFaults({ errorAfterApplyRate: 1, errorAfterApplyStatus: status });
      const run = await runCli(args, { env });
      assert.ok(emu.requestLog.some((entry) => entry.fault === `${status}-after-apply` && entry.removeFiles !== undefined), 'the fault was injected');
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const audit = auditMirror(emu, folder, Object.keys(files).slice(2));
      assert.deepEqual({ duplicates: audit.duplicates, missing: audit.missing, extra: audit.extra }, { duplicates: [], missing: [], extra: [] });
      emu.setFaults({});
      // The journal forgot the deleted files: the next run sends nothing.
      const from = emu.requestLog.length;
      assert.equal((await runCli(args, { env })).code, 0);
      assert.equal(emu.requestLog.slice(from).filter((entry) => entry.method !== 'GET').length, 0);
    } finally {
      await emu.close();
      await removeAll(root, stateParent);
    }
  });
}
