/**
 * `--rate auto` across lumensync processes that share one API key on one host (issue 12): each
 * process runs the controller on the key's whole traffic (its own plus what its siblings publish,
 * see rate-board.ts) and sends its fair part of the rate found. Pure: what a process takes, given
 * the key-wide rate and its siblings' figures.
 *
 * Without this, a server that counts the key's requests in a sliding window keeps a later
 * process at a few per cent: the earlier one refills the slots its own expiring requests free and
 * never sees the 429 that would make it yield (BENCHMARKS.md, row 13).
 */

import type { SharedDecrease } from './rate-controller.js';

/** What one sibling process published about its traffic to the shared host and key. */
export interface SiblingRate {
  /** Requests it started in its last second. */
  sentRate: number;
  /** Of those, the ones the server did not refuse (429/503). */
  acceptedRate: number;
  /** Its requests wait for their turn under the rate: it would send more if it could. */
  hungry: boolean;
  /** Its estimate of the key's limit (req/s), when it has one. */
  limitPerSec: number | undefined;
  /** When it last lowered the key's rate on a 429/503, on this process's monotonic clock (ms); undefined: never. */
  decreasedAt: number | undefined;
  /** Its climb since then is the first after slow start, and how often it found the same limit (the cubic's pace). */
  firstClimb: boolean;
  confirmed: number;
}

/** A sibling that is not hungry may send this much more than its last second before it needs more of the rate. */
const DEMAND_SLACK = 1.2;
/** …plus this many req/s (a sibling that just sent nothing can still start a request). */
const DEMAND_FLOOR = 0.5;

/**
 * This process's part of `keyRate` (req/s): max-min fair. Siblings that send less than an equal
 * part keep what they use (with some slack); the rest is split equally between this process and
 * the hungry ones. With no siblings, the whole rate.
 */
export function fairShare(keyRate: number, siblings: readonly SiblingRate[]): number {
  if (siblings.length === 0) return keyRate;
  const demands = siblings.filter((sibling) => !sibling.hungry).map((sibling) => sibling.sentRate * DEMAND_SLACK + DEMAND_FLOOR).sort((a, b) => a - b);
  let left = keyRate;
  let sharing = siblings.length + 1;
  for (const demand of demands) {
    if (demand >= left / sharing) break;
    left -= demand;
    sharing -= 1;
  }
  return left / sharing;
}

/** The siblings' traffic added up: what the key carries besides this process's requests. */
export function siblingTotals(siblings: readonly SiblingRate[]): { sentRate: number; acceptedRate: number } {
  let sentRate = 0;
  let acceptedRate = 0;
  for (const sibling of siblings) {
    sentRate += sibling.sentRate;
    acceptedRate += sibling.acceptedRate;
  }
  return { sentRate, acceptedRate };
}

/** The highest key limit a sibling has measured (a newcomer starts near it instead of probing). */
export function siblingLimit(siblings: readonly SiblingRate[]): number | undefined {
  let limit: number | undefined;
  for (const sibling of siblings) if (sibling.limitPerSec !== undefined && (limit === undefined || sibling.limitPerSec > limit)) limit = sibling.limitPerSec;
  return limit;
}

/** The newest decrease a sibling made, with the limit it measured then. */
export function latestSiblingDecrease(siblings: readonly SiblingRate[]): SharedDecrease | undefined {
  let latest: SharedDecrease | undefined;
  for (const sibling of siblings) {
    if (sibling.decreasedAt === undefined || sibling.limitPerSec === undefined) continue;
    if (latest === undefined || sibling.decreasedAt > latest.at) latest = { at: sibling.decreasedAt, limit: sibling.limitPerSec, firstClimb: sibling.firstClimb, confirmed: sibling.confirmed };
  }
  return latest;
}
