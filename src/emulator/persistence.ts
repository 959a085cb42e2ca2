/** Saving and loading the emulator state under `dataDir` (atomic writes, coalesced saves). */

import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import { ArraySkimmer } from '../api/array-skimmer.js';
import { LumenSyncError } from '../errors.js';
import { EmulatorState, type StateSnapshot } from './state.js';

/** File name of the persisted state inside `dataDir`. */
export const STATE_FILE_NAME = 'emulator-state.json';

/** Snapshot arrays that grow with the documents: written element by element, read back the same way. */
const BIG_ARRAYS = ['documents', 'embeddings'];
/** Bytes read (and about as many characters written) at a time. */
const CHUNK_BYTES = 1 << 20;

const corrupt = (filePath: string, message: string, cause?: unknown): LumenSyncError =>
  new LumenSyncError('LUMENSYNC_STATE_CORRUPT', `emulator state ${filePath} ${message}`, {
    hint: `Delete ${filePath} to start again from the seed.`,
    ...(cause === undefined ? {} : { cause }),
  });

/**
 * Parse a state file chunk by chunk: its `documents` and `embeddings` arrays element by element
 * (array-skimmer.ts), the rest as one small JSON text. 1,000,000 documents are ~600 MB of JSON,
 * past V8's maximum string length, so the file is never one string.
 */
const readSnapshot = (filePath: string): unknown => {
  const arrays: unknown[][] = [];
  const skimmer = new ArraySkimmer(BIG_ARRAYS, (arrayIndex, value) => (arrays[arrayIndex] ??= []).push(value));
  const fd = openSync(filePath, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) skimmer.write(Buffer.from(buffer.subarray(0, read)));
  } finally {
    closeSync(fd);
  }
  const skeleton = JSON.parse(skimmer.end()) as unknown;
  if (typeof skeleton !== 'object' || skeleton === null || Array.isArray(skeleton)) return skeleton;
  const snapshot = skeleton as Record<string, unknown>;
  for (const key of BIG_ARRAYS) {
    const index = skimmer.arrayIndexOf(snapshot[key]);
    if (index !== undefined) snapshot[key] = arrays[index] ?? [];
  }
  return snapshot;
};

/** Load the state saved in `dataDir`, or undefined when there is none yet. */
export const loadStateFile = (dataDir: string): EmulatorState | undefined => {
  const filePath = path.join(dataDir, STATE_FILE_NAME);
  if (!existsSync(filePath)) return undefined;
  let snapshot: StateSnapshot;
  try {
    snapshot = readSnapshot(filePath) as StateSnapshot;
  } catch (cause) {
    throw corrupt(filePath, 'is not valid JSON', cause);
  }
  if (snapshot?.format !== 'lumensync-emulator-state' || snapshot.version !== 1) throw corrupt(filePath, 'has an unknown format');
  return EmulatorState.fromSnapshot(snapshot);
};

/** The snapshot as JSON text parts: the same bytes as `JSON.stringify(snapshot)`, never one string. */
export function* snapshotJsonParts(snapshot: StateSnapshot): Generator<string> {
  let separator = '{';
  for (const [key, value] of Object.entries(snapshot)) {
    if (value === undefined) continue;
    if (!BIG_ARRAYS.includes(key) || !Array.isArray(value)) {
      yield `${separator}${JSON.stringify(key)}:${JSON.stringify(value)}`;
    } else {
      yield `${separator}${JSON.stringify(key)}:[`;
      for (let index = 0; index < value.length; index += 1) yield (index === 0 ? '' : ',') + JSON.stringify(value[index]);
      yield ']';
    }
    separator = ',';
  }
  yield separator === '{' ? '{}' : '}';
}

/** Write the state to `dataDir` atomically (temp file + rename), so a crash never leaves half a file. */
export const saveStateFile = async (dataDir: string, state: EmulatorState): Promise<void> => {
  await mkdir(dataDir, { recursive: true });
  const filePath = path.join(dataDir, STATE_FILE_NAME);
  const tempPath = `${filePath}.${process.pid}.tmp`;
  const file = await open(tempPath, 'w');
  try {
    let pending: string[] = [];
    let pendingChars = 0;
    for (const part of snapshotJsonParts(state.toSnapshot())) {
      pending.push(part);
      pendingChars += part.length;
      if (pendingChars < CHUNK_BYTES) continue;
      await file.write(pending.join(''));
      pending = [];
      pendingChars = 0;
    }
    await file.write(pending.join(''));
  } finally {
    await file.close();
  }
  await rename(tempPath, filePath);
};

/**
 * Coalesces saves: mutations call `schedule()`; one write happens shortly after a burst,
 * because serialising 100,000 documents after every request would dominate benchmarks.
 */
export class StatePersister {
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private savedVersion: number;
  private lastError: unknown;

  constructor(private readonly dataDir: string, private readonly state: EmulatorState, private readonly delayMs = 20) {
    this.savedVersion = -1;
  }

  /** Ask for a save soon (no-op when nothing changed since the last one). */
  schedule(): void {
    if (this.timer !== undefined || this.state.version === this.savedVersion) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // The error is kept and re-thrown by the next explicit flush (close()).
      this.flush().catch(() => undefined);
    }, this.delayMs);
  }

  /** Save now if anything changed; resolves when the write is on disk. Throws the last write error. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.chain = this.chain.then(async () => {
      if (this.state.version === this.savedVersion) return;
      const version = this.state.version;
      try {
        await saveStateFile(this.dataDir, this.state);
        this.savedVersion = version;
        this.lastError = undefined;
      } catch (error) {
        this.lastError = error;
      }
    });
    await this.chain;
    if (this.lastError !== undefined) {
      throw new LumenSyncError('LUMENSYNC_STATE_IO', `cannot save emulator state to ${this.dataDir}`, {
        hint: 'Check that the --data directory is writable.',
        cause: this.lastError,
      });
    }
  }
}
