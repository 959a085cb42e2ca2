/**
 * One accounting object per mirror (DESIGN §1 "stats"): counters, bytes, retries, last
 * error, in-flight items. Feeds the progress bar, the final summary, `status`, `/metrics`
 * and the logs.
 */

/** One file or document that could not be synced, with the server's or the OS's reason. */
export interface FailureRecord {
  operation: 'upload' | 'remove' | 'embed' | 'unembed' | 'create-folder' | 'scan' | 'list';
  relativePath?: string;
  docpath?: string;
  message: string;
  /** A later pass may succeed (server unavailable, rate limited, file busy). */
  retryable: boolean;
  hint?: string;
}

/** A file whose content the server refused for good (U9): reported apart from failures, not retried until it changes. */
export interface RejectedRecord {
  relativePath: string;
  /** The server's words. */
  reason: string;
  hint?: string;
  /** Refusals of this content so far. */
  attempts: number;
}

export interface StatsSnapshot {
  uploaded: number;
  replaced: number;
  renamed: number;
  adopted: number;
  deleted: number;
  embedded: number;
  unembedded: number;
  unchanged: number;
  failed: number;
  /** Files whose content the server refused (this pass, or remembered from an earlier one). */
  rejected: number;
  /** Empty files not uploaded (this pass). */
  skippedEmpty: number;
  retries: number;
  bytesUploaded: number;
  /** Work planned for this pass (progress totals). */
  filesTotal: number;
  bytesTotal: number;
  filesDone: number;
  inFlight: string[];
  failures: FailureRecord[];
  rejections: RejectedRecord[];
  lastError: string | undefined;
  startedAt: number;
  durationMs: number;
}

export class Stats {
  uploaded = 0;
  replaced = 0;
  renamed = 0;
  adopted = 0;
  deleted = 0;
  embedded = 0;
  unembedded = 0;
  unchanged = 0;
  retries = 0;
  bytesUploaded = 0;
  filesTotal = 0;
  bytesTotal = 0;
  filesDone = 0;
  /** Bytes uploaded in this pass (progress); bytesUploaded counts every pass. */
  bytesDone = 0;
  readonly inFlight = new Set<string>();
  failures: FailureRecord[] = [];
  rejections: RejectedRecord[] = [];
  skippedEmpty = 0;
  lastError: string | undefined;
  readonly startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  /** Record a failure (kept for the summary; the newest message becomes `lastError`). */
  fail(record: FailureRecord): void {
    this.failures.push(record);
    this.lastError = record.message;
  }

  /** A refused content (kept apart from failures: it is not retried and says what to do). */
  reject(record: RejectedRecord): void {
    if (!this.rejections.some((known) => known.relativePath === record.relativePath)) this.rejections.push(record);
  }

  /** Failures of the latest round only: earlier rounds' retryable failures may have been fixed since. */
  resetFailures(): void {
    this.failures = [];
    this.rejections = [];
    this.skippedEmpty = 0;
  }

  snapshot(): StatsSnapshot {
    return {
      uploaded: this.uploaded, replaced: this.replaced, renamed: this.renamed, adopted: this.adopted,
      deleted: this.deleted, embedded: this.embedded, unembedded: this.unembedded, unchanged: this.unchanged,
      failed: this.failures.length, rejected: this.rejections.length, skippedEmpty: this.skippedEmpty, retries: this.retries, bytesUploaded: this.bytesUploaded,
      filesTotal: this.filesTotal, bytesTotal: this.bytesTotal, filesDone: this.filesDone,
      inFlight: [...this.inFlight], failures: [...this.failures], rejections: [...this.rejections], lastError: this.lastError,
      startedAt: this.startedAt, durationMs: this.now() - this.startedAt,
    };
  }
}
