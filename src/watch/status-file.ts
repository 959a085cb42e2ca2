/**
 * `status.json` in each mirror's state dir: the running daemon's view, rewritten atomically
 * every few seconds and at exit, so `lumensync status` can read it from another process
 * without touching the journal's lock.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../journal/atomic-file.js';
import type { MirrorSnapshot } from './snapshot.js';

/** Name of the status file inside the state dir. */
export const STATUS_FILE_NAME = 'status.json';

/** What the file holds: the snapshot plus whether the daemon ended cleanly. */
export interface StatusFile extends MirrorSnapshot {
  /** Schema version of this file. */
  version: 1;
  /** Set by the last write of a daemon that stopped cleanly. */
  exited: boolean;
}

/** Write the status file atomically (temp file, fsync, rename): a reader never sees half a file. */
export async function writeStatusFile(stateDir: string, snapshot: MirrorSnapshot, exited = false): Promise<void> {
  const target = path.join(stateDir, STATUS_FILE_NAME);
  const body: StatusFile = { version: 1, exited, ...snapshot };
  await writeFileAtomically(target, `${JSON.stringify(body, null, 2)}\n`);
}

/** Read a status file; undefined when there is none or it cannot be parsed (an older or foreign file). */
export function readStatusFile(stateDir: string): StatusFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(stateDir, STATUS_FILE_NAME), 'utf8')) as Partial<StatusFile>;
    return parsed.version === 1 && typeof parsed.pid === 'number' ? (parsed as StatusFile) : undefined;
  } catch {
    return undefined;
  }
}

/** Rewrites the status file of every mirror every `intervalMs` until stopped. */
export class StatusWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sources: () => { stateDir: string; snapshot: () => MirrorSnapshot }[],
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Write now and then every interval. */
  start(): void {
    void this.writeAll(false);
    this.timer = setInterval(() => void this.writeAll(false), this.intervalMs);
    this.timer.unref();
  }

  /** Stop the timer and write the final state (`exited: true` when the daemon ended cleanly). */
  async stop(exited: boolean): Promise<void> {
    clearInterval(this.timer);
    await this.writeAll(exited);
  }

  /** One round of writes, serialised so two rounds never race on the same temp file. */
  writeAll(exited: boolean): Promise<void> {
    this.writing = this.writing.then(async () => {
      for (const source of this.sources()) {
        try {
          await writeStatusFile(source.stateDir, source.snapshot(), exited);
        } catch (error) {
          this.onError(error);
        }
      }
    });
    return this.writing;
  }
}
