/**
 * The state file is written and read in chunks (a 1,000,000-document state is past V8's string
 * limit as one JSON string): the file stays exactly `JSON.stringify(state.toSnapshot())`, and
 * reading it back across many chunks gives the same state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadStateFile, saveStateFile, snapshotJsonParts, STATE_FILE_NAME } from '../../src/emulator/persistence.js';
import { loadDefaultSeed } from '../../src/emulator/seed.js';
import { EmulatorState } from '../../src/emulator/state.js';

/** Over 2 MB of JSON: several 1 MiB chunks each way, with elements cut at chunk boundaries. */
const DOCUMENTS = 4_000;

const bigState = (): EmulatorState => {
  const state = EmulatorState.fromSeed(loadDefaultSeed(), '2026-12-04T00:00:00.000Z');
  for (let index = 0; index < DOCUMENTS; index += 1) {
    const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
    const storedName = `f${index}.txt-${id}.json`;
    state.addDocument({
      id, docpath: `acme/big/${storedName}`, folder: 'big', storedName, orgSlug: 'acme', title: `dir/"f${index}".txt ü`, docAuthor: 'lumensync',
      description: 'documents: [1, 2] {"embeddings": []}', docSource: `lumensync:v1 sha256=${index}`, chunkSource: `f${index}.txt`, url: `file:///hotdir/f${index}.txt`,
      published: '2026-12-04T00:00:00.000Z', sha256: 'ab'.repeat(32), bytes: index, createdAt: '2026-12-04T00:00:00.000Z', wordCount: 1, tokenCountEstimate: 1,
    });
    if (index % 2 === 0) state.embed('support-bot', `acme/big/${storedName}`, '2026-12-04T00:00:00.000Z');
  }
  state.embedAgain('support-bot', `acme/big/f0.txt-00000000-0000-4000-8000-000000000000.json`, '2026-12-05T00:00:00.000Z');
  return state;
};

test('the streamed snapshot is byte-for-byte JSON.stringify of the snapshot', () => {
  const snapshot = bigState().toSnapshot();
  assert.equal([...snapshotJsonParts(snapshot)].join(''), JSON.stringify(snapshot));
});

test('a state of several chunks is saved and loaded back unchanged', async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-persist-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const state = bigState();
  await saveStateFile(dataDir, state);
  const text = await readFile(path.join(dataDir, STATE_FILE_NAME), 'utf8');
  assert.ok(text.length > 2 * (1 << 20), 'the file spans several read chunks');
  assert.equal(text, JSON.stringify(state.toSnapshot()));
  const loaded = loadStateFile(dataDir);
  assert.ok(loaded !== undefined);
  assert.deepEqual(loaded.toSnapshot(), state.toSnapshot());
  assert.equal(loaded.duplicateEmbeddingCount('support-bot'), 1);
});

test('a state file cut short or with broken JSON is reported as not valid JSON', async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-persist-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const state = bigState();
  await saveStateFile(dataDir, state);
  const filePath = path.join(dataDir, STATE_FILE_NAME);
  const text = await readFile(filePath, 'utf8');
  for (const broken of [text.slice(0, Math.floor(text.length / 2)), text.replace('},{"id"', '}{"id"'), '{broken']) {
    await writeFile(filePath, broken);
    assert.throws(() => loadStateFile(dataDir), /is not valid JSON/);
  }
  await writeFile(filePath, JSON.stringify({ format: 'other', version: 1 }));
  assert.throws(() => loadStateFile(dataDir), /unknown format/);
});
