/**
 * A scan taking over a walk begun ahead of it (scan-prefetch.ts): it takes in what the worker
 * walked, and walks on the main thread too, synchronously as the worker does (yielding every few
 * milliseconds); whichever thread runs out of directories gets half of the other's pending ones.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { LumenSyncError } from '../errors.js';
import type { FileIntake } from './file-intake.js';
import { GIVE_AWAY_LIMIT, type ScanPrefetch } from './scan-prefetch.js';
import { GONE_CODES, type ScanResults } from './scan-results.js';
import type { WalkedDirectory, WalkReply } from './stat-rows.js';
import { SubtreeWalk } from './subtree-walk.js';
import type { IgnoreRules } from './ignore.js';

/** The longest the main thread walks without letting the event loop run (signals, timers, progress). */
const WALK_SLICE_MS = 20;

/** Take in one directory either thread walked: its files, what it ignored, what failed (as the main thread's own walk records them). */
function takeWalked(walked: WalkedDirectory, results: ScanResults, intake: FileIntake): void {
  if (results.stopped()) return;
  intake.noteInlineTime(walked.names.length + 1, walked.elapsedMs);
  results.ignored += walked.ignored;
  for (const error of walked.errors) {
    // The root vanishing after its check is an unmounted drive, not an empty folder.
    if (error.relativePath === '' && GONE_CODES.has(error.code)) results.failRoot('missing', error.code, error.message);
    else results.recordError(error.relativePath, Object.assign(new Error(error.message), { code: error.code }));
  }
  intake.takeRows(walked.absolutePath, walked.relativePath, walked.names, walked);
}

/** A directory the scanner's own walk takes on (with its subdirectories), and its ignore rules. */
export type WalkElsewhere = (frame: { absolutePath: string; relativePath: string; rules: IgnoreRules }) => Promise<void>;

/**
 * Walk the rest of the prefetch's tree with its worker. Resolves once neither thread has a
 * directory left, or the scan stopped. When the disk measures slow (a network share: one
 * synchronous call at a time per thread is then the brake), every pending directory goes to
 * `walkElsewhere`, the scanner's own walk, which overlaps many calls on the thread pool.
 */
export async function takeOverWalk(prefetch: ScanPrefetch, results: ScanResults, intake: FileIntake, signal: AbortSignal | undefined, walkElsewhere: WalkElsewhere): Promise<void> {
  const own = new SubtreeWalk(prefetch.rootRules);
  let workerWalking = true;
  let asked = false;
  let wake: (() => void) | undefined;
  // The worker's answers wait here and are taken in a slice at a time: a worker far ahead (a first
  // sync's, hashing while the remote is resolved) can have hundreds of directories waiting, and
  // taking them in at once kept the event loop (the remote listing's requests) waiting ~0.1 s.
  const replies: WalkReply[] = [];
  let nextReply = 0;
  prefetch.listen((reply) => {
    replies.push(reply);
    wake?.();
  });
  const takeReply = (reply: WalkReply): void => {
    if ('walked' in reply) {
      takeWalked(reply.walked, results, intake);
      prefetch.taken(reply.walked);
    } else if ('given' in reply) {
      asked = false;
      own.take(reply.given, reply.rules);
    } else if ('done' in reply) {
      workerWalking = false;
      asked = false;
    } else {
      // Directories the worker had not walked yet are unknown: a listing without them would delete their files remotely.
      results.fatal ??= { error: new LumenSyncError('LUMENSYNC_LOCAL_IO', `the scan's walking thread stopped: ${reply.failed}`, {
        hint: 'Nothing was changed remotely. Run again; if it happens again, scan without worker threads (--scan-threads 0) and report it.',
      }) };
    }
  };
  let sliceStartedAt = performance.now();
  const sliceOver = (): boolean => performance.now() - sliceStartedAt >= WALK_SLICE_MS;
  /** Take in the answers waiting, until the slice is over unless `all`; true when some are left. */
  const takeReplies = (all: boolean): boolean => {
    while (nextReply < replies.length && !results.stopped()) {
      takeReply(replies[nextReply++]!);
      if (!all && sliceOver()) break;
    }
    if (nextReply < replies.length) return true;
    replies.length = 0;
    nextReply = 0;
    return false;
  };
  const onAbort = (): void => wake?.();
  signal?.addEventListener('abort', onAbort, { once: true });
  const waitForReply = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  };
  try {
    while (!results.stopped()) {
      prefetch.pool.drain(); // the worker's directories, without waiting for the event loop
      takeReplies(false);
      if (results.stopped()) break; // an answer said the worker failed
      if (sliceOver()) {
        await yieldToEventLoop();
        sliceStartedAt = performance.now();
        continue;
      }
      if (intake.slowDisk) {
        if (workerWalking) {
          prefetch.requestAllDirectories();
          while (workerWalking && !results.stopped()) {
            if (!takeReplies(true) && workerWalking) await waitForReply();
          }
        }
        await Promise.all(own.takeAllPending().map((frame) => walkElsewhere(frame)));
        return;
      }
      if (!workerWalking && own.pending >= 2) {
        const handed = own.giveAway(GIVE_AWAY_LIMIT);
        prefetch.walk(handed.frames, handed.rules);
        workerWalking = true;
      }
      const walked = own.next();
      if (walked !== undefined) {
        prefetch.directoriesWalked.main++;
        takeWalked(walked, results, intake);
        continue;
      }
      if (!workerWalking) break;
      if (!asked) {
        asked = true;
        prefetch.requestDirectories();
      }
      if (nextReply < replies.length) continue;
      await waitForReply();
      sliceStartedAt = performance.now();
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
