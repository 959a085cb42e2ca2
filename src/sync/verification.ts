/**
 * Journal-first passes: the journal is the truth about the remote between verifications (the way
 * git trusts its index). A pass lists the remote — a verification — only when it must; otherwise
 * it plans from the journal alone and costs little more than the local stat walk. Pure: the
 * caller passes the clock.
 */
import { createHash } from 'node:crypto';
import type { JournalMeta } from '../core/types.js';

/** Why a pass lists the remote (undefined: it trusts the journal). */
export type VerifyReason =
  | 'requested'
  | 'no-journal'
  | 'open-intents'
  | 'mirror-changed'
  | 'previous-pass-incomplete'
  | 'interval';

/** What decides whether a pass must list the remote. */
export interface VerificationInput {
  meta: JournalMeta;
  /** The mirror as configured now (org, folder, workspaces after resolution). */
  spec: { orgSlug: string; folder: string; workspaces: readonly string[]; remoteId?: string | undefined };
  openIntents: number;
  /** `--verify`: list whatever the journal says. */
  requested: boolean;
  /** `--verify-interval` in ms: verifications older than this are repeated. */
  intervalMs: number;
  now: number;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
};

/** The first reason this pass must list the remote, or undefined when the journal may be trusted. */
export function verificationReason(input: VerificationInput): VerifyReason | undefined {
  const { meta, spec } = input;
  if (input.requested) return 'requested';
  // A new or rebuilt journal never saw the remote: only a listing tells what is there.
  if (meta.lastVerifiedAt === undefined) return 'no-journal';
  // A crash mid-request: only the listing tells whether the request took effect (lost upload answers).
  if (input.openIntents > 0) return 'open-intents';
  if (meta.orgSlug !== spec.orgSlug || meta.folder !== spec.folder || !sameSet(meta.workspaces, spec.workspaces)) return 'mirror-changed';
  // Another server or account behind the same state dir (an explicit --state-dir): nothing known holds.
  if (spec.remoteId !== undefined && meta.remoteId !== spec.remoteId) return 'mirror-changed';
  if (meta.passIncomplete === true) return 'previous-pass-incomplete';
  if (input.now - meta.lastVerifiedAt >= input.intervalMs || input.now < meta.lastVerifiedAt) return 'interval';
  return undefined;
}

/** A short, non-secret id of the server and account a journal's documents live on. */
export function remoteIdFor(apiBaseUrl: string, accountId: string): string {
  return createHash('sha256').update(JSON.stringify([apiBaseUrl.replace(/\/+$/, '').toLowerCase(), accountId.trim().toLowerCase()])).digest('hex').slice(0, 16);
}

/** When the next verification falls due by the clock alone (ms since epoch; 0 when it is due now). */
export function nextVerificationAt(meta: JournalMeta, intervalMs: number): number {
  return meta.lastVerifiedAt === undefined || meta.passIncomplete === true ? 0 : meta.lastVerifiedAt + intervalMs;
}

/** Whether this pass listed the remote, and when the remote was last verified before it ended. */
export interface VerificationStatus {
  /** This pass listed the remote. */
  listed: boolean;
  /** Why it listed (undefined when it trusted the journal). */
  reason: VerifyReason | undefined;
  /** Last completed verification (ms since epoch), including this pass's; undefined: never. */
  lastVerifiedAt: number | undefined;
}

/** One line for humans: "remote listed (interval)" / "remote not listed; last verified 12 min ago". */
export function describeVerification(status: VerificationStatus, now: number): string {
  if (status.listed) return `remote verified (listed: ${status.reason ?? 'requested'})`;
  return `remote not listed (journal trusted); last verified ${ago(now, status.lastVerifiedAt)}`;
}

function ago(now: number, at: number | undefined): string {
  if (at === undefined) return 'never';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
}
