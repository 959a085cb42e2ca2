import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import type { LumenOneClient } from '../../src/api/client.js';
import { clientFor, tempFiles } from './helpers.js';

const FILE_BYTES = 128 * 1024 * 1024;
/** Well under the file size: buffering the file would exceed it. */
const MAX_RSS_GROWTH = 96 * 1024 * 1024;

describe('upload streams from disk', () => {
  let emu: EmulatorHandle;
  let client: LumenOneClient;
  let files: Awaited<ReturnType<typeof tempFiles>>;

  before(async () => {
    emu = await startEmulator({ port: 0 });
    client = clientFor(emu.url, { uploadTimeoutMs: 20_000 });
    files = await tempFiles();
  });
  after(async () => {
    await client.close();
    await emu.close();
    await files.remove();
  });

  it(`a ${FILE_BYTES / 1024 / 1024} MiB upload grows memory by less than ${MAX_RSS_GROWTH / 1024 / 1024} MiB and arrives whole`, async () => {
    const filePath = path.join(files.dir, 'big.txt');
    const handle = await open(filePath, 'w');
    await handle.truncate(FILE_BYTES); // sparse: cheap to create, still read byte by byte
    await handle.close();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const [document] = await client.uploadDocument({ orgSlug: 'acme', filePath, fileName: 'big.txt' });
      assert.ok(document);
      const stored = emu.state.listDocuments('acme').find((d) => d.docpath === document.docpath);
      assert.equal(stored?.bytes, FILE_BYTES);
    } finally {
      clearInterval(sampler);
    }
    assert.ok(peak - baseline < MAX_RSS_GROWTH, `rss grew by ${Math.round((peak - baseline) / 1024 / 1024)} MiB`);
  });
});
