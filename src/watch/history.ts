/**
 * Pass history in the state dir, bounded: `history.json` holds the last passes (start, duration,
 * uploads, deletes, failures, bytes, verified or not), rewritten atomically after each pass;
 * `uploads.jsonl` remembers when each of the most recently uploaded files was uploaded (for
 * `why`), appended per pass and compacted when it doubles its bound.
 */
import { readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '../journal/atomic-file.js';

/** Name of the pass history file inside the state dir. */
export const HISTORY_FILE_NAME = 'history.json';
/** Name of the recent-uploads log inside the state dir. */
export const UPLOADS_FILE_NAME = 'uploads.jsonl';
/** Default number of passes kept (`--history-size`). */
export const DEFAULT_HISTORY_SIZE = 200;
/** Upload times are remembered for this many files at most (the most recently uploaded ones). */
export const UPLOAD_TIMES_KEPT = 10_000;

/** One finished pass, as the daemon reports it. */
export interface PassReport {
  startedAt: number;
  durationMs: number;
  /** A full reconcile rather than a pass over changed paths. */
  full: boolean;
  /** The pass listed the remote (a verification); journal-first full passes may trust the journal instead. */
  listed?: boolean;
  uploads: number;
  deletes: number;
  bytes: number;
  failures: number;
  /** Set when the pass itself failed (e.g. the remote could not be listed). */
  error: string | undefined;
  /** Actions the guards hold after the pass. */
  held: number;
  /** Actions an approval let through in this pass. */
  released: number;
  /** Files uploaded by the pass. */
  uploadedPaths: string[];
}

/** One pass as history keeps it. */
export interface HistoryEntry {
  startedAt: number;
  durationMs: number;
  kind: 'full' | 'changes';
  uploads: number;
  deletes: number;
  failures: number;
  bytes: number;
  /** The pass listed the remote and compared every document with the folder (files that failed are listed apart). */
  verified: boolean;
  held: number;
  released: number;
  error?: string;
}

/** A pass report as a history entry. */
export function historyEntry(report: PassReport): HistoryEntry {
  return {
    startedAt: report.startedAt, durationMs: report.durationMs, kind: report.full ? 'full' : 'changes',
    uploads: report.uploads, deletes: report.deletes, failures: report.failures, bytes: report.bytes,
    verified: report.full && (report.listed ?? true) && report.error === undefined,
    held: report.held, released: report.released, ...(report.error !== undefined ? { error: report.error } : {}),
  };
}

/** The passes recorded in `stateDir`, oldest first (empty when none or unreadable). */
export function readHistory(stateDir: string): HistoryEntry[] {
  try {
    const parsed = JSON.parse(readFileSync(path.join(stateDir, HISTORY_FILE_NAME), 'utf8')) as { version?: number; passes?: HistoryEntry[] };
    return parsed.version === 1 && Array.isArray(parsed.passes) ? parsed.passes : [];
  } catch {
    return [];
  }
}

/** When each recently uploaded file was last uploaded (relative path → ms since epoch). */
export function readUploadTimes(stateDir: string): Map<string, number> {
  const times = new Map<string, number>();
  let text: string;
  try {
    text = readFileSync(path.join(stateDir, UPLOADS_FILE_NAME), 'utf8');
  } catch {
    return times;
  }
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const record = JSON.parse(line) as { p?: unknown; t?: unknown };
      if (typeof record.p === 'string' && typeof record.t === 'number') times.set(record.p, record.t);
    } catch {
      // A line torn by a crash: the ones before and after it still count.
    }
  }
  return times;
}

/** One mirror's history, kept in memory and written after each pass (writes serialised). */
export class PassHistory {
  private passes: HistoryEntry[];
  private uploadLines = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly stateDir: string,
    private readonly size: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.passes = readHistory(stateDir).slice(-size);
    this.uploadLines = readUploadTimes(stateDir).size;
  }

  /** The kept passes, oldest first. */
  entries(): HistoryEntry[] {
    return [...this.passes];
  }

  /** Record a pass; resolves once it is on disk. */
  record(report: PassReport): Promise<void> {
    const entry = historyEntry(report);
    this.passes.push(entry);
    if (this.passes.length > this.size) this.passes.splice(0, this.passes.length - this.size);
    const passes = [...this.passes];
    const at = report.startedAt + report.durationMs;
    this.writing = this.writing.then(async () => {
      try {
        await writeFileAtomically(path.join(this.stateDir, HISTORY_FILE_NAME), `${JSON.stringify({ version: 1, passes })}\n`);
        if (report.uploadedPaths.length > 0) await this.appendUploads(report.uploadedPaths, at);
      } catch (error) {
        this.onError(error);
      }
    });
    return this.writing;
  }

  /** Resolves once every recorded pass is on disk. */
  flush(): Promise<void> {
    return this.writing;
  }

  private async appendUploads(relativePaths: readonly string[], at: number): Promise<void> {
    const target = path.join(this.stateDir, UPLOADS_FILE_NAME);
    await appendFile(target, relativePaths.map((relativePath) => `${JSON.stringify({ p: relativePath, t: at })}\n`).join(''), { mode: 0o600 });
    this.uploadLines += relativePaths.length;
    if (this.uploadLines <= 2 * UPLOAD_TIMES_KEPT) return;
    // Compact: the latest time per file, for the most recently uploaded files only.
    const kept = [...readUploadTimes(this.stateDir)].sort((a, b) => a[1] - b[1]).slice(-UPLOAD_TIMES_KEPT);
    await writeFileAtomically(target, kept.map(([relativePath, time]) => `${JSON.stringify({ p: relativePath, t: time })}\n`).join(''));
    this.uploadLines = kept.length;
  }
}
