/** hashFile / snapshotFile / snapshotSmallFileSync: known vectors, chunk boundaries, change detection, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EMPTY_SHA256, HASH_CHUNK_BYTES, SMALL_FILE_BYTES, hashFile, snapshotFile, snapshotSmallFileSync } from '../../src/local/hash.js';
import { LumenSyncError } from '../../src/errors.js';
import { buildTree, makeTemp, removeTemp } from './fixtures.js';

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Deterministic pseudo-random bytes, so boundary files are not all one repeated byte. */
function patternBytes(length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let state = 0x12345678;
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    buffer[index] = state >>> 24;
  }
  return buffer;
}

const vectors: Array<{ label: string; content: Buffer | string; expected?: string }> = [
  { label: 'empty file', content: '', expected: EMPTY_SHA256 },
  { label: 'NIST "abc"', content: 'abc', expected: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  {
    label: 'NIST 448-bit message',
    content: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    expected: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  },
  { label: 'one byte under the small-file limit', content: patternBytes(SMALL_FILE_BYTES - 1) },
  { label: 'exactly the small-file limit', content: patternBytes(SMALL_FILE_BYTES) },
  { label: 'exactly one chunk', content: patternBytes(HASH_CHUNK_BYTES) },
  { label: 'one chunk plus one byte', content: patternBytes(HASH_CHUNK_BYTES + 1) },
  { label: 'three and a half chunks', content: patternBytes(HASH_CHUNK_BYTES * 3 + HASH_CHUNK_BYTES / 2) },
];

test('hashFile matches known vectors and one-shot SHA-256 across chunk boundaries', async (t) => {
  const root = await makeTemp();
  t.after(() => removeTemp(root));
  for (const [index, vector] of vectors.entries()) {
    await t.test(vector.label, async () => {
      const file = path.join(root, `vector-${index}`);
      await writeFile(file, vector.content);
      const expected = vector.expected ?? sha256(vector.content);
      const bytes = Buffer.byteLength(vector.content);
      assert.deepEqual(await hashFile(file), { sha256: expected, bytes });
      const pooled = await snapshotFile(file);
      assert.equal(pooled.status === 'ok' && pooled.sha256, expected);
      if (bytes <= SMALL_FILE_BYTES) {
        const inline = snapshotSmallFileSync(file);
        assert.deepEqual(inline, pooled, 'inline and thread-pool hashing agree');
      }
    });
  }
});

test('a file that changes while it is read is reported, never hashed', async (t) => {
  const root = await makeTemp();
  t.after(() => removeTemp(root));
  const cases: Array<{ label: string; size: number; run: (file: string, afterRead: () => void) => Promise<unknown> | unknown }> = [
    { label: 'thread pool, grows after the last read', size: HASH_CHUNK_BYTES + 10, run: (file, afterRead) => snapshotFile(file, { afterRead }) },
    { label: 'inline, grows after the last read', size: 100, run: (file, afterRead) => snapshotSmallFileSync(file, { afterRead }) },
  ];
  for (const testCase of cases) {
    await t.test(testCase.label, async () => {
      const file = path.join(root, testCase.label.replace(/\W+/g, '-'));
      await writeFile(file, patternBytes(testCase.size));
      const result = await testCase.run(file, () => appendFileSync(file, 'more'));
      assert.deepEqual(result, { status: 'changed' });
    });
  }
  await t.test('inline: a file that grew past the small-file limit since it was listed', async () => {
    const file = path.join(root, 'grown');
    await writeFile(file, patternBytes(SMALL_FILE_BYTES + 5));
    assert.deepEqual(snapshotSmallFileSync(file), { status: 'changed' });
  });
  await t.test('hashFile reports a missing file as LUMENSYNC_LOCAL_IO', async () => {
    await assert.rejects(hashFile(path.join(root, 'missing')), (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_LOCAL_IO' && /missing/.test(error.message));
  });
});

test('missing files, FIFOs and aborts', async (t) => {
  const root = await makeTemp();
  t.after(() => removeTemp(root));
  await buildTree(root, { fifo: { fifo: true }, 'big.bin': patternBytes(HASH_CHUNK_BYTES * 2) });
  const cases: Array<{ label: string; run: () => Promise<unknown> | unknown; expected: unknown }> = [
    { label: 'missing file reads as gone (pool)', run: () => snapshotFile(path.join(root, 'nope')), expected: { status: 'gone' } },
    { label: 'missing file reads as gone (inline)', run: () => snapshotSmallFileSync(path.join(root, 'nope')), expected: { status: 'gone' } },
    { label: 'FIFO reads as gone without blocking (pool)', run: () => snapshotFile(path.join(root, 'fifo')), expected: { status: 'gone' } },
    { label: 'FIFO reads as gone without blocking (inline)', run: () => snapshotSmallFileSync(path.join(root, 'fifo')), expected: { status: 'gone' } },
  ];
  for (const testCase of cases) {
    await t.test(testCase.label, async () => assert.deepEqual(await testCase.run(), testCase.expected));
  }
  await t.test('an aborted signal stops hashing with LUMENSYNC_ABORTED', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(hashFile(path.join(root, 'big.bin'), { signal: controller.signal }), (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_ABORTED');
  });
  await t.test('a directory is not a file', async () => {
    await assert.rejects(hashFile(root), (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_LOCAL_IO');
  });
});
