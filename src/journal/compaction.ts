/**
 * Compaction of a writable journal: the state written as a snapshot (temp, fsync, rename, fsync
 * dir), then the log records it holds dropped. One at a time: started in the background once the
 * log holds `compactEvery` records, on demand, or at close when the log is worth folding in.
 */
import path from 'node:path';
import type { LogFile } from './log-file.js';
import { releaseNow, SNAPSHOT_FILE_NAME, writeLegacyStub, writeSnapshotAtomic } from './snapshot.js';
import { encodeCompactSnapshot } from './compact-snapshot.js';
import type { JournalState } from './state.js';

/** Below this many log records, close() only fsyncs: a snapshot rewrite would cost more than replay. */
const CLOSE_COMPACT_MIN_RECORDS = 1_000;

export class Compaction {
  private running: Promise<void> | undefined;
  private readonly snapshotPath: string;

  constructor(
    private readonly state: JournalState,
    private readonly log: LogFile,
    private readonly stateDir: string,
    private readonly compactEvery: number,
    /** Bytes of the snapshot on disk: the log is folded in at close once it is a quarter of that. */
    private snapshotBytes: number,
    /** The state came from a JSON (1.x) snapshot: the next compaction migrates it. */
    private legacySnapshot: boolean,
  ) {
    this.snapshotPath = path.join(stateDir, SNAPSHOT_FILE_NAME);
  }

  /** True until a compaction has rewritten a JSON (1.x) snapshot in the compact format. */
  get migrating(): boolean {
    return this.legacySnapshot;
  }

  /** After an append: start one in the background once the log holds `compactEvery` records. */
  afterAppend(): void {
    // Failure is not fatal: the log stays valid, the next threshold or close() retries.
    if (this.log.records >= this.compactEvery && this.running === undefined) void this.start().catch(() => undefined);
  }

  /**
   * Compact now, after the one in flight (its failure is not this caller's). The wait and the
   * start share one synchronous step: no compaction can begin between them.
   */
  async now(): Promise<void> {
    while (this.running !== undefined) await this.running.catch(() => undefined);
    await this.start();
  }

  /** At close: compact when the log is worth folding in, else only fsync it. */
  async atClose(): Promise<void> {
    while (this.running !== undefined) await this.running.catch(() => undefined);
    if (this.log.isBroken) return;
    const log = this.log;
    const worthwhile = log.records >= CLOSE_COMPACT_MIN_RECORDS || (log.records > 0 && log.bytes * 4 >= this.snapshotBytes);
    if (worthwhile) await this.start();
    else log.sync();
  }

  private start(): Promise<void> {
    const run = this.write();
    this.running = run;
    const clear = (): void => {
      if (this.running === run) this.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  private async write(): Promise<void> {
    const seqAtSnapshot = this.state.seq;
    const logBytesAtSnapshot = this.log.bytes;
    const data = encodeCompactSnapshot(this.state.toSnapshot(), Date.now());
    try {
      this.snapshotBytes = await writeSnapshotAtomic(this.snapshotPath, data);
    } finally {
      // The bytes are on disk (or the write failed): their memory goes back now, not at the next full collection.
      releaseNow(data);
    }
    // Migration: the compact snapshot is durable, so the JSON one becomes a stub (a crash before
    // this line leaves both; the compact one wins on the next open).
    if (this.legacySnapshot) {
      await writeLegacyStub(this.stateDir);
      this.legacySnapshot = false;
    }
    // Records appended while the snapshot was written (seq > seqAtSnapshot) must survive the cut;
    // the cut is synchronous, so no append can interleave with it.
    this.log.dropPrefix(logBytesAtSnapshot, this.state.seq - seqAtSnapshot);
  }
}
