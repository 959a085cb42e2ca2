/**
 * A mirrored tree built directly, without uploads: files on disk, the journal snapshot and the
 * emulator's state written as lumensync and the emulator would have left them after a first sync.
 * Uploading 1,000,000 files would take the bench ~50 min at 350 files/s; this takes ~1–2 min.
 */
import { createHash, randomUUID } from 'node:crypto';
import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { uploadMetadataFor } from '../../src/core/marker.js';
import type { JournalEntry } from '../../src/core/types.js';
import { storedNameFor } from '../../src/emulator/slugify.js';
import { EmulatorState } from '../../src/emulator/state.js';
import { loadDefaultSeed } from '../../src/emulator/seed.js';
import { SNAPSHOT_FILE_NAME } from '../../src/journal/journal.js';
import { writeSnapshotAtomic } from '../../src/journal/snapshot.js';
import { encodeCompactSnapshot } from '../../src/journal/compact-snapshot.js';
import { EntryStore } from '../../src/journal/entry-store.js';
import { LumenOneClient } from '../../src/api/client.js';
import { clientOptionsFor } from '../../src/cli/connection.js';
import { remoteIdFor } from '../../src/sync/verification.js';
import { DEV_ACCOUNT_ID, DEV_API_KEY, fileContent, type TreeShape } from './lib.js';

/** What {@link buildDirectMirror} made. */
export interface DirectMirror {
  root: string; stateDir: string; folder: string; files: number; folders: number; state: EmulatorState; buildMs: number;
  /** Write the journal as a first sync against the emulator at `url` would have left it (call once it listens). */
  writeJournal(url: string): Promise<void>;
}

/** Files under `root`, a journal in `stateDir` and an emulator state holding (and embedding in support-bot) every document. */
export async function buildDirectMirror(root: string, stateDir: string, folder: string, shape: TreeShape, seed = 'direct'): Promise<DirectMirror> {
  const started = performance.now();
  const state = EmulatorState.fromSeed(loadDefaultSeed());
  state.createFolder('acme', folder);
  const folderName = (index: number): string => `d${String(index % shape.folders).padStart(4, '0')}`;
  for (let f = 0; f < shape.folders; f += 1) mkdirSync(path.join(root, folderName(f)), { recursive: true });
  const entries = new EntryStore();
  const now = new Date().toISOString();
  // Synchronous calls: a thread-pool hop per file made 1,000,000 files take minutes longer.
  for (let index = 0; index < shape.files; index += 1) {
    const relativePath = `${folderName(index)}/f${String(index).padStart(7, '0')}.txt`;
    const content = fileContent(relativePath, shape.bytesPerFile, seed);
    const absolute = path.join(root, relativePath);
    writeFileSync(absolute, content);
    const info = lstatSync(absolute);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const id = randomUUID();
    const fileName = path.posix.basename(relativePath);
    const storedName = storedNameFor(fileName, id);
    const docpath = `acme/${folder}/${storedName}`;
    const metadata = uploadMetadataFor(relativePath, sha256);
    state.addDocument({
      id, docpath, folder, storedName, orgSlug: 'acme', description: 'Unknown', chunkSource: fileName, url: `file:///app/collector/hotdir/${fileName}`,
      published: now, ...metadata, sha256, bytes: content.length, createdAt: now, wordCount: Math.ceil(content.length / 6), tokenCountEstimate: Math.ceil(content.length / 4),
    });
    state.embed('support-bot', docpath, now);
    const entry: JournalEntry = { relativePath, docpath, sha256, size: info.size, mtimeMs: info.mtimeMs };
    entries.set(entry);
  }
  const writeJournal = async (url: string): Promise<void> => {
    const client = new LumenOneClient(clientOptionsFor({ host: url, accountId: DEV_ACCOUNT_ID, apiKey: DEV_API_KEY }));
    const remoteId = remoteIdFor(client.apiBaseUrl, DEV_ACCOUNT_ID);
    await client.close();
    const verifiedAt = Date.now();
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const meta = { workspaces: ['support-bot'], orgSlug: 'acme', folder, lastReconcileAt: verifiedAt, lastVerifiedAt: verifiedAt, remoteId };
    await writeSnapshotAtomic(path.join(stateDir, SNAPSHOT_FILE_NAME), encodeCompactSnapshot({ seq: 0, meta, entries, intents: [] }, verifiedAt));
  };
  return { root, stateDir, folder, files: shape.files, folders: shape.folders, state, buildMs: performance.now() - started, writeJournal };
}
