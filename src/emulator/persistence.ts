/** Saving and loading the emulator state under `dataDir` (atomic writes, coalesced saves). */

import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LumenSyncError } from '../errors.js';
import { EmulatorState, type StateSnapshot } from './state.js';

/** File name of the persisted state inside `dataDir`. */
export const STATE_FILE_NAME = 'emulator-state.json';

/** Load the state saved in `dataDir`, or undefined when there is none yet. */
export const loadStateFile = (dataDir: string): EmulatorState | undefined => {
  const filePath = path.join(dataDir, STATE_FILE_NAME);
  if (!existsSync(filePath)) return undefined;
  let snapshot: StateSnapshot;
  try {
    snapshot = JSON.parse(readFileSync(filePath, 'utf8')) as StateSnapshot;
  } catch (cause) {
    throw new LumenSyncError('LUMENSYNC_STATE_CORRUPT', `emulator state ${filePath} is not valid JSON`, {
      hint: `Delete ${filePath} to start again from the seed.`,
      cause,
    });
  }
  if (snapshot?.format !== 'lumensync-emulator-state' || snapshot.version !== 1) {
    throw new LumenSyncError('LUMENSYNC_STATE_CORRUPT', `emulator state ${filePath} has an unknown format`, {
      hint: `Delete ${filePath} to start again from the seed.`,
    });
  }
  return EmulatorState.fromSnapshot(snapshot);
};

/** Write the state to `dataDir` atomically (temp file + rename), so a crash never leaves half a file. */
export const saveStateFile = async (dataDir: string, state: EmulatorState): Promise<void> => {
  await mkdir(dataDir, { recursive: true });
  const filePath = path.join(dataDir, STATE_FILE_NAME);
  const tempPath = `${filePath}.${process.pid}.tmp`;
  await writeFile(tempPath, JSON.stringify(state.toSnapshot()));
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
