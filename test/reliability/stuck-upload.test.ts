/**
 * Issue 15 item 5: an upload the server stops reading used to wait 10 minutes. With
 * --upload-idle-timeout it is abandoned once nothing moves and sent again; a file that keeps
 * moving is not cut off however long it takes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { auditMirror, emulatorFixture, isUpload, mirrorArgs, removeAll, runCli, tempDir } from '../helpers/harness.js';

const BIG = 16 * 1024 * 1024;

test('stuck upload: a body the server stops reading is abandoned after --upload-idle-timeout and retried', { timeout: 90_000 }, async () => {
  const { emu, env } = await emulatorFixture({ stallUploadCount: 1 });
  const root = await tempDir('lumensync-stuck-root-');
  const stateParent = await tempDir('lumensync-stuck-state-');
  try {
    // Bigger than the loopback socket buffers, so a server that stops reading stops the sender.
    await writeFile(path.join(root, 'big.txt'), Buffer.alloc(BIG, 'a'));
    const run = await runCli(mirrorArgs('sync', root, path.join(stateParent, 'state'), 'stuck', ['--upload-idle-timeout', '1', '--max-backoff', '0.1']), { env, timeoutMs: 80_000 });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(emu.requestLog.filter((entry) => entry.fault === 'stall').length, 1, 'the upload hung once');
    assert.equal(emu.requestLog.filter((entry) => isUpload(entry) && entry.upload !== undefined).length, 1, 'the retry stored it once');
    const audit = auditMirror(emu, 'stuck', ['big.txt']);
    assert.deepEqual({ duplicates: audit.duplicates, missing: audit.missing }, { duplicates: [], missing: [] });
  } finally {
    await emu.close();
    await removeAll(root, stateParent);
  }
});

test('stuck upload: a slow upload that keeps moving is not cut off by a short idle timeout', { timeout: 90_000 }, async () => {
  // 300 ms of latency before the body is read, under a 1 s idle limit: the body keeps flowing.
  const { emu, env } = await emulatorFixture({ latencyMs: 300 });
  const root = await tempDir('lumensync-stuck-root-');
  const stateParent = await tempDir('lumensync-stuck-state-');
  try {
    await writeFile(path.join(root, 'big.txt'), Buffer.alloc(BIG, 'b'));
    const run = await runCli(mirrorArgs('sync', root, path.join(stateParent, 'state'), 'moving', ['--upload-idle-timeout', '1', '--retries', '0', '--max-passes', '1']), { env, timeoutMs: 80_000 });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(emu.requestLog.filter(isUpload).length, 1, 'uploaded once, never abandoned');
  } finally {
    await emu.close();
    await removeAll(root, stateParent);
  }
});
