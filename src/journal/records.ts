/**
 * The journal's log format: one JSON object per line, `{"c":"<crc32>","r":<record>}`, where
 * the checksum covers the exact bytes of `<record>`. A line cut short by a crash, or bytes
 * garbled on disk, fail the checksum; every record carries a `seq` one above the previous one,
 * so a missing or replayed record is detected too.
 */
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Intent, IntentOp, JournalEntry } from '../core/types.js';
import { LumenSyncError } from '../errors.js';
import { corruptHint } from './state-errors.js';

/** How an intent ended. */
export type IntentOutcome = 'done' | 'failed' | 'abandoned';

/** A meta change as logged: `null` removes a field (JSON cannot carry `undefined`). */
export type MetaPatchRecord = Record<string, unknown>;

/** One logged change. `seq` increases by exactly one per record, across compactions. */
export type JournalRecord =
  | { seq: number; op: 'put'; entry: JournalEntry }
  | { seq: number; op: 'delete'; relativePath: string }
  | { seq: number; op: 'move'; from: string; to: string; size: number; mtimeMs: number }
  | { seq: number; op: 'meta'; patch: MetaPatchRecord }
  | { seq: number; op: 'begin'; intent: Intent }
  | { seq: number; op: 'end'; id: string; outcome: IntentOutcome };

/** What reading a log file found. */
export interface ParsedLog {
  /** Records in file order (checksums verified, seqs consecutive). */
  records: JournalRecord[];
  /** Length of the valid prefix; a writer truncates the file to this before appending. */
  goodBytes: number;
  /** True when a cut-short or garbled last line was dropped. */
  tornTail: boolean;
}

const LINE_PREFIX = '{"c":"';
const CHECKSUM_LENGTH = 8;
const RECORD_MARKER = '","r":';
const BODY_START = LINE_PREFIX.length + CHECKSUM_LENGTH + RECORD_MARKER.length;
const NEWLINE = 0x0a;
const INTENT_OPS: readonly IntentOp[] = ['upload', 'remove', 'embed', 'unembed', 'create-folder'];
const OUTCOMES: readonly IntentOutcome[] = ['done', 'failed', 'abandoned'];

/** Encode one record as a log line, newline included. */
export function encodeRecord(record: JournalRecord): Buffer {
  const body = JSON.stringify(record);
  return Buffer.from(`${LINE_PREFIX}${checksumOf(body)}${RECORD_MARKER}${body}}\n`, 'utf8');
}

/** Parse a whole log file. A bad last line is dropped; a bad line before good ones throws LUMENSYNC_STATE_CORRUPT. */
export function parseLog(content: Buffer, logPath: string): ParsedLog {
  const records: JournalRecord[] = [];
  let offset = 0;
  let lineNumber = 0;
  while (offset < content.length) {
    const newlineAt = content.indexOf(NEWLINE, offset);
    const lineEnd = newlineAt === -1 ? content.length : newlineAt;
    lineNumber += 1;
    const line = content.subarray(offset, lineEnd).toString('utf8');
    const next = newlineAt === -1 ? content.length : newlineAt + 1;
    if (line.trim() === '') {
      offset = next;
      continue;
    }
    const body = newlineAt === -1 ? undefined : verifiedBody(line);
    if (body === undefined) {
      // Only the last line may be bad: a crash cuts the final append short, nothing else.
      if (isBlank(content.subarray(next))) return { records, goodBytes: offset, tornTail: true };
      throw corrupt(logPath, lineNumber, 'fails its checksum or is not a journal record');
    }
    const record = toRecord(JSON.parse(body));
    if (record === undefined) throw corrupt(logPath, lineNumber, 'has a valid checksum but an unknown shape (written by a newer lumensync?)');
    const previous = records[records.length - 1];
    if (previous !== undefined && record.seq !== previous.seq + 1) {
      throw corrupt(logPath, lineNumber, `has seq ${record.seq} after seq ${previous.seq}`);
    }
    records.push(record);
    offset = next;
  }
  return { records, goodBytes: offset, tornTail: false };
}

/** The checksummed body of a line, or undefined when the line is cut short or garbled. */
function verifiedBody(line: string): string | undefined {
  if (!line.startsWith(LINE_PREFIX) || !line.endsWith('}') || line.length < BODY_START + 2) return undefined;
  if (line.slice(LINE_PREFIX.length + CHECKSUM_LENGTH, BODY_START) !== RECORD_MARKER) return undefined;
  const body = line.slice(BODY_START, -1);
  if (line.slice(LINE_PREFIX.length, LINE_PREFIX.length + CHECKSUM_LENGTH) !== checksumOf(body)) return undefined;
  return body;
}

function checksumOf(body: string): string {
  return crc32(body).toString(16).padStart(CHECKSUM_LENGTH, '0');
}

function isBlank(rest: Buffer): boolean {
  // NUL runs appear when a filesystem extends a file without its data (power loss); treat as blank.
  return rest.every((byte) => byte === NEWLINE || byte === 0x20 || byte === 0x0d || byte === 0x09 || byte === 0x00);
}

function corrupt(logPath: string, lineNumber: number, what: string): LumenSyncError {
  return new LumenSyncError('LUMENSYNC_STATE_CORRUPT', `journal log ${logPath} line ${lineNumber} ${what}`, {
    hint: corruptHint(path.dirname(logPath)),
  });
}

/** Check a parsed record's shape; undefined when it is not one this version writes. */
function toRecord(value: unknown): JournalRecord | undefined {
  if (!isObject(value) || !isSeq(value.seq)) return undefined;
  switch (value.op) {
    case 'put':
      return isJournalEntry(value.entry) ? (value as JournalRecord) : undefined;
    case 'delete':
      return isNonEmptyString(value.relativePath) ? (value as JournalRecord) : undefined;
    case 'move':
      return isNonEmptyString(value.from) && isNonEmptyString(value.to) && isFiniteNumber(value.size) && isFiniteNumber(value.mtimeMs)
        ? (value as JournalRecord)
        : undefined;
    case 'meta':
      return isObject(value.patch) ? (value as JournalRecord) : undefined;
    case 'begin':
      return isIntent(value.intent) ? (value as JournalRecord) : undefined;
    case 'end':
      return isNonEmptyString(value.id) && OUTCOMES.includes(value.outcome as IntentOutcome) ? (value as JournalRecord) : undefined;
    default:
      return undefined;
  }
}

/** True when `value` has every field of a JournalEntry with the right type. */
export function isJournalEntry(value: unknown): value is JournalEntry {
  return (
    isObject(value) &&
    isNonEmptyString(value.relativePath) &&
    typeof value.docpath === 'string' &&
    typeof value.sha256 === 'string' &&
    isFiniteNumber(value.size) &&
    isFiniteNumber(value.mtimeMs)
  );
}

/** True when `value` has every field of an Intent with the right type. */
export function isIntent(value: unknown): value is Intent {
  return (
    isObject(value) &&
    isNonEmptyString(value.id) &&
    INTENT_OPS.includes(value.op as IntentOp) &&
    isStringArray(value.relativePaths) &&
    isStringArray(value.docpaths) &&
    isFiniteNumber(value.at)
  );
}

/** True for a plain (non-array, non-null) object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for an array of strings. */
export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
