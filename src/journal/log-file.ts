/**
 * The journal's append-only log file as a writer sees it: whole-record appends with one
 * synchronous write each, rollback of a failed append, and dropping the prefix a snapshot
 * now holds. Only whole records ever precede the write position.
 */
import { chmodSync, closeSync, fsyncSync, ftruncateSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LumenSyncError } from '../errors.js';
import { fsyncDirectory } from './snapshot.js';
import { stateIoError } from './state-errors.js';

const FILE_MODE = 0o600;

/** Read the whole log; empty when it does not exist. */
export async function readLogFile(logPath: string): Promise<Buffer> {
  try {
    return await readFile(logPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw stateIoError(`cannot read journal log ${logPath}`, error);
  }
}

/** An open log, positioned after its last whole record. */
export class LogFile {
  /** Bytes in the file, all of them whole records. */
  bytes: number;
  /** Records in the file (including ones a snapshot already holds). */
  records: number;
  /** Set when a failed append could not be rolled back: further appends would follow garbage. */
  private broken: LumenSyncError | undefined;

  private constructor(
    readonly logPath: string,
    private fd: number,
    bytes: number,
    records: number,
  ) {
    this.bytes = bytes;
    this.records = records;
  }

  /** Open (0600) for appending, cutting off anything after `goodBytes` (a torn last record). */
  static open(logPath: string, goodBytes: number, records: number): LogFile {
    let fd: number | undefined;
    try {
      fd = openSync(logPath, 'a+', FILE_MODE); // read access too: compaction copies the tail
      chmodSync(logPath, FILE_MODE);
      ftruncateSync(fd, goodBytes);
      fsyncSync(fd);
      return new LogFile(logPath, fd, goodBytes, records);
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      throw stateIoError(`cannot open journal log ${logPath}`, error);
    }
  }

  /** Append one encoded record; on failure cut the partial bytes off again and throw LUMENSYNC_STATE_IO. */
  append(line: Buffer): void {
    if (this.broken !== undefined) throw this.broken;
    try {
      writeFully(this.fd, line);
    } catch (error) {
      const failure = stateIoError(`cannot append to journal log ${this.logPath}`, error);
      try {
        ftruncateSync(this.fd, this.bytes);
      } catch {
        this.broken = failure;
      }
      throw failure;
    }
    this.bytes += line.length;
    this.records += 1;
  }

  /** True when appends are refused after an unrecoverable write failure. */
  get isBroken(): boolean {
    return this.broken !== undefined;
  }

  /** Drop the first `keepFrom` bytes (now held by the snapshot), keeping the `recordsKept` records after them. */
  dropPrefix(keepFrom: number, recordsKept: number): void {
    if (keepFrom === this.bytes) {
      try {
        ftruncateSync(this.fd, 0);
        fsyncSync(this.fd);
      } catch (error) {
        throw stateIoError(`cannot truncate journal log ${this.logPath}`, error);
      }
    } else {
      // Records appended during the snapshot write follow keepFrom: copy them to a new file.
      const newFd = writeTailCopy(this.logPath, this.fd, keepFrom, this.bytes);
      closeSync(this.fd);
      this.fd = newFd;
    }
    this.bytes -= keepFrom;
    this.records = recordsKept;
  }

  /** Flush to disk. */
  sync(): void {
    fsyncSync(this.fd);
  }

  /** Close the file descriptor. */
  close(): void {
    closeSync(this.fd);
  }
}

/** Write bytes [from, to) of the log into a new file renamed over the log; returns its fd. */
function writeTailCopy(logPath: string, oldFd: number, from: number, to: number): number {
  const tempPath = `${logPath}.tmp`;
  const tail = Buffer.alloc(to - from);
  let newFd: number | undefined;
  try {
    for (let done = 0; done < tail.length; ) {
      const read = readSync(oldFd, tail, done, tail.length - done, from + done);
      if (read === 0) throw new Error(`journal log shorter than expected (${from + done} < ${to})`);
      done += read;
    }
    // Opened before the rename: once the rename is done, no step that could fail remains.
    newFd = openSync(tempPath, 'a+', FILE_MODE);
    writeFully(newFd, tail);
    fsyncSync(newFd);
    renameSync(tempPath, logPath);
  } catch (error) {
    if (newFd !== undefined) closeSync(newFd);
    rmSync(tempPath, { force: true });
    throw stateIoError(`cannot rewrite journal log ${logPath}`, error);
  }
  try {
    fsyncDirectory(path.dirname(logPath));
  } catch {
    // The rename is done and atomic; only power-loss durability of the directory entry is at stake.
  }
  return newFd;
}

function writeFully(fd: number, data: Buffer): void {
  for (let written = 0; written < data.length; ) written += writeSync(fd, data, written, data.length - written);
}
