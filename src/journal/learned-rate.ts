/**
 * The request rate `--rate auto` learned for a host, kept in the mirror's state dir in a small
 * file of its own (`rate-<host>.json`, not in the journal) so the next run starts near it
 * instead of probing from scratch. Best effort: an unreadable or stale file is ignored.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from './atomic-file.js';
import type { LearnedRate } from '../executor/host-pacer.js';

/** A limit learned longer ago than this is not trusted (the server may have changed). */
export const LEARNED_RATE_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

interface LearnedRateFile extends LearnedRate {
  format: 'lumensync-learned-rate';
  host: string;
  /** ms since epoch. */
  learnedAt: number;
}

/** The file name for `host` (`127.0.0.1:8787` → `rate-127.0.0.1-8787.json`). */
export function learnedRateFileName(host: string): string {
  return `rate-${host.toLowerCase().replace(/[^a-z0-9.]+/g, '-')}.json`;
}

/** Read the learned rate for `host`; undefined when missing, unreadable, for another host or too old. */
export async function readLearnedRate(stateDir: string, host: string, now = Date.now()): Promise<LearnedRate | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path.join(stateDir, learnedRateFileName(host)), 'utf8')) as Partial<LearnedRateFile>;
    const valid = parsed.format === 'lumensync-learned-rate' && parsed.host === host
      && typeof parsed.limitPerSec === 'number' && parsed.limitPerSec > 0 && Number.isFinite(parsed.limitPerSec)
      && typeof parsed.learnedAt === 'number' && now - parsed.learnedAt <= LEARNED_RATE_MAX_AGE_MS;
    if (!valid) return undefined;
    return { limitPerSec: parsed.limitPerSec!, ratePerSec: typeof parsed.ratePerSec === 'number' ? parsed.ratePerSec : parsed.limitPerSec! };
  } catch {
    return undefined;
  }
}

/** Write the learned rate for `host` (temp file + rename: a crash leaves the old or the new file). */
export async function writeLearnedRate(stateDir: string, host: string, learned: LearnedRate, now = Date.now()): Promise<void> {
  const file = path.join(stateDir, learnedRateFileName(host));
  const body: LearnedRateFile = { format: 'lumensync-learned-rate', host, limitPerSec: learned.limitPerSec, ratePerSec: learned.ratePerSec, learnedAt: now };
  await writeFileAtomically(file, `${JSON.stringify(body)}\n`);
}
