/** U1 end to end: hundreds of same-named files at high concurrency keep their own content. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { emulatorFixture, removeAll, runCli, tempDir, writeTree } from '../helpers/harness.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

test('sync: 300 README.md files in 300 folders at concurrency 16 each keep their own content (U1)', async () => {
  const { emu, env } = await emulatorFixture();
  const root = await tempDir();
  const stateDir = path.join(await tempDir(), 'state');
  try {
    assert.ok(emu.upstream.on('U1'), 'the emulator models the same-name race by default');
    const files: Record<string, string> = {};
    for (let index = 0; index < 300; index += 1) files[`project-${index}/README.md`] = `# project ${index}\n\n${'x'.repeat(index)}\n`;
    await writeTree(root, files);
    const result = await runCli(['sync', root, '--org', 'acme', '--folder', 'readmes', '--workspace', 'support-bot', '--state-dir', stateDir, '--rate', '0', '--concurrency', '16'], { env, timeoutMs: 120_000 });
    assert.equal(result.code, 0, result.stderr);
    const documents = emu.state.listDocuments('acme').filter((doc) => doc.folder === 'readmes');
    assert.equal(documents.length, 300);
    const wrong = documents.filter((doc) => files[doc.title] === undefined || doc.sha256 !== sha256(files[doc.title]!)).map((doc) => doc.title);
    assert.deepEqual(wrong, [], `${wrong.length} documents carry another file's content (swaps seen by the emulator: ${emu.upstream.slots.swaps})`);
    // The stored document stays recognisable: its name starts with the file's base name.
    assert.ok(documents.every((doc) => doc.storedName.toLowerCase().startsWith('readme-')), documents[0]?.storedName);
  } finally {
    await emu.close();
    await removeAll(root, path.dirname(stateDir));
  }
});
