/** The client against an emulator that behaves like upstream (contract §13 U7, U11) and the U1 part name. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LumenOneClient } from '../../src/api/client.js';
import { uploadFileNameFor } from '../../src/core/marker.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { clientFor, rejectsRemote, tempFiles } from './helpers.js';

describe('client against upstream behaviours', () => {
  let emu: EmulatorHandle;
  let client: LumenOneClient;
  before(async () => {
    emu = await startEmulator({ port: 0 });
    client = clientFor(emu.url);
  });
  after(async () => {
    await client.close();
    await emu.close();
  });

  it('U7: 200 { workspace: [] } is "no such workspace" (not-found, exit 3), never "no documents"', async () => {
    await rejectsRemote(client.getWorkspace('no-such-workspace', 'acme'), { kind: 'not-found', status: 200, retryable: false }, ['--workspace']);
  });

  it('U7: the bare 400 of update-embeddings on an unknown workspace is not-found too', async () => {
    await rejectsRemote(client.updateEmbeddings('no-such-workspace', 'acme', { adds: ['acme/custom-documents/x.json'] }), { kind: 'not-found', status: 400 });
  });

  it('U11: a 500 whose body lists failed entries is a per-entry result', async () => {
    const files = await tempFiles();
    try {
      const [document] = await client.uploadDocument({ orgSlug: 'acme', filePath: await files.write('a.txt', 'a'), fileName: 'a.txt' });
      emu.setFaults({ removeFailRate: 1, allFailedStatus: 500 });
      const missing = 'acme/custom-documents/missing.json';
      const result = await client.removeFiles('acme', [document!.docpath, missing]);
      assert.equal(result.status, 500);
      assert.deepEqual(result.purged, []);
      assert.deepEqual(result.failed.map((failure) => [failure.docpath, failure.retryable]), [[document!.docpath, true], [missing, true]]);
      emu.setFaults({ allFailedStatus: 500 });
      const gone = await client.removeFiles('acme', [missing]);
      assert.deepEqual(gone.failed.map((failure) => [failure.docpath, failure.notFound, failure.retryable]), [[missing, true, false]], 'not found: already gone, never re-sent');
    } finally {
      emu.setFaults({});
      await files.remove();
    }
  });
});

describe('U1 part file name', () => {
  const hash = 'abcdef0123456789'.repeat(4);
  const cases: [string, string][] = [
    ['docs/README.md', 'README-abcdef012345.md'],
    ['README.md', 'README-abcdef012345.md'],
    ['a/archive.tar.gz', 'archive.tar-abcdef012345.gz'],
    ['Makefile', 'Makefile-abcdef012345'],
    ['x/.env', '.env-abcdef012345'],
    ['niño résumé.txt', 'niño résumé-abcdef012345.txt'],
    // Issue 15 item 7: nothing a strict server could percent-decode into a separator, or cut a header at.
    ['dir/a%2Fb.txt', 'a_2Fb-abcdef012345.txt'],
    ['q"uote\\back\tslash.md', 'q_uote_back_slash-abcdef012345.md'],
  ];
  for (const [relativePath, expected] of cases) it(`${relativePath} → ${expected}`, () => assert.equal(uploadFileNameFor(relativePath, hash), expected));
});
