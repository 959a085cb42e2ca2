/**
 * Server unreachable for a whole run (issue 6): exit 5 with a message that says what happened
 * and what to do, nothing lost locally or remotely, and the next run finishes the job.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import path from 'node:path';
import { Journal } from '../../src/journal/journal.js';
import {
  DEV_KEY, MirrorTree, assertNoSecret, auditMirrorByJournal, emulatorFixture, hashTree, mirrorArgs, removeAll, runCli, tempDir, writeTree,
} from '../helpers/harness.js';

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const CASES: { label: string; cut: 'emulator-down' | 'connection-refused' }[] = [
  { label: 'every connection dropped (emulator down)', cut: 'emulator-down' },
  { label: 'connection refused (nothing listening)', cut: 'connection-refused' },
];

for (const { label, cut } of CASES) {
  test(`unavailable: ${label} — exit 5, nothing lost, the next run finishes`, { timeout: 60_000 }, async () => {
    const { emu, env } = await emulatorFixture();
    const root = await tempDir('lumensync-down-root-');
    const stateParent = await tempDir('lumensync-down-state-');
    const stateDir = path.join(stateParent, 'state');
    const args = mirrorArgs('sync', root, stateDir, 'down', ['--max-delete', '100%', '--retries', '2', '--max-backoff', '0.1', '--max-passes', '2']);
    const tree = new MirrorTree(root);
    try {
      const initial = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`f${index}.md`, `content ${index}`]));
      await writeTree(root, initial);
      for (const [relativePath, content] of Object.entries(initial)) tree.files.set(relativePath, content);
      assert.equal((await runCli(args, { env })).code, 0);
      await tree.add(5);
      await tree.edit(5);
      await tree.remove(5);
      const localBefore = await hashTree(root);
      const remoteBefore = emu.state.listDocuments('acme').map((doc) => doc.docpath).sort();

      let downEnv = env;
      if (cut === 'emulator-down') emu.setFaults({ down: true });
      else downEnv = { ...env, LUMENONE_HOST: `http://127.0.0.1:${await closedPort()}` };
      const down = await runCli(args, { env: downEnv });
      const output = down.stdout + down.stderr;
      assert.equal(down.code, 5, output);
      assert.match(output, /error: .*(could not reach|unreachable|connection|network|refused|closed)/i, 'the message says the server could not be reached');
      assert.match(output, /fix: /, 'the message says what to do');
      assert.doesNotMatch(output, /\n\s+at .*:\d+:\d+\)?\n/, 'no stack trace');
      assertNoSecret(DEV_KEY, output);
      assert.deepEqual(await hashTree(root), localBefore, 'the local tree changed');
      assert.deepEqual(emu.state.listDocuments('acme').map((doc) => doc.docpath).sort(), remoteBefore, 'the remote changed while unreachable');
      const journal = await Journal.open({ stateDir, readOnly: true });
      assert.equal([...journal.entries()].length, 30, 'the journal still knows every mirrored file');
      await journal.close();

      emu.setFaults({});
      const next = await runCli(args, { env });
      assert.equal(next.code, 0, next.stdout + next.stderr);
      const audit = await auditMirrorByJournal(emu, 'down', stateDir, tree.files);
      assert.deepEqual({ duplicates: audit.duplicates, missing: audit.missing }, { duplicates: [], missing: [] });
      process.stdout.write(`unavailable (${cut}): exit ${down.code}, documents lost: 0, duplicates: 0, next run exit ${next.code}\n`);
    } finally {
      await emu.close();
      await removeAll(root, stateParent);
    }
  });
}
