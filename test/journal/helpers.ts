/** Shared fixtures for the journal tests: temp state dirs (removed after), journals closed after each test, sample entries. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach } from 'node:test';
import type { JournalEntry } from '../../src/core/types.js';
import { LumenSyncError } from '../../src/errors.js';
import { Journal } from '../../src/journal/journal.js';

const tempDirs: string[] = [];
const openJournals: Journal[] = [];

/** Register cleanup hooks in the calling test file: close journals after each test, remove temp dirs at the end. */
export function useJournalFixtures(): void {
  afterEach(async () => {
    for (const journal of openJournals.splice(0)) await journal.close();
  });
  after(async () => {
    for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
}

/** A not-yet-existing state dir inside a fresh temp directory. */
export async function freshStateDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-'));
  tempDirs.push(dir);
  return path.join(dir, 'state');
}

/** Open a journal that is closed automatically after the test. */
export async function openJournal(stateDir: string, options: { compactEvery?: number; readOnly?: boolean; lock?: boolean } = {}): Promise<Journal> {
  const journal = await Journal.open({ stateDir, ...options });
  openJournals.push(journal);
  return journal;
}

/** A sample entry; `n` varies docpath, hash, size and mtime. */
export const entry = (relativePath: string, n = 1): JournalEntry => ({ relativePath, docpath: `doc/${relativePath}-${n}.md`, sha256: String(n).padStart(64, '0'), size: n * 10, mtimeMs: 1_700_000_000_000 + n });

/** The journal's entries as plain objects sorted by relative path. */
export const sorted = (journal: Journal): JournalEntry[] => [...journal.entries()].sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1)).map((e) => ({ ...e }));

/** assert.throws/rejects validator: a LumenSyncError with `code`, a hint, and a message matching `pattern`. */
export function isCode(code: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof LumenSyncError, `expected LumenSyncError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (pattern) assert.match(error.message, pattern);
    assert.ok((error.hint ?? '') !== '', 'error has a hint');
    return true;
  };
}
