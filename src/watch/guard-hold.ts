/**
 * A mirror daemon's held actions: what its guards keep back, since when, the command that
 * approves them, and the approvals taken. The daemon keeps running while actions are held;
 * `/healthz` answers 503 ("attention needed") until they are approved or resolved.
 */
import type { Logger } from 'pino';
import type { Plan } from '../core/plan-types.js';
import { heldSet, type HeldSet } from '../core/held.js';
import { readApproval, takeApproval, type Approval } from './approval.js';

/** The held set as status shows it. */
export type HeldNow = HeldSet & { since: number };

export class GuardHold {
  /** What the guards hold back now (undefined: no guard fired). */
  held: HeldNow | undefined;
  /** One line per guard of the last pass that had any, with its fix. */
  guards: string[] = [];
  /** The last approval applied. */
  lastApproval: (Approval & { appliedAt: number }) | undefined;
  /** Why a waiting approval does not apply (shown by status and the page). */
  approvalProblem: string | undefined;

  constructor(
    private readonly stateDir: string,
    /** The exact command that approves this mirror's held actions. */
    readonly approveCommand: string,
    private readonly log: Logger,
    /** The mirror's folder, named in the guard's log line. */
    private readonly root: string,
  ) {}

  /**
   * Keep what the guards hold after a pass. A full pass sees everything, so it replaces the held
   * set; a scoped pass sees only its paths, so it replaces the set only when a guard fired in it.
   */
  note(plan: Plan, scoped: boolean): void {
    if (scoped && plan.guards.length === 0) return;
    const held = heldSet(plan);
    const approvable = held.approvable && held.count > 0;
    this.guards = plan.guards.map((guard) => `${guard.message} (fix: ${guard.hint}${approvable ? `; or let exactly these ${held.count} through once: ${this.approveCommand}` : ''})`);
    for (const guard of plan.guards) this.log.warn({ guard: guard.guard, hint: guard.hint, root: this.root, held: held.count, ...(approvable ? { approve: this.approveCommand } : {}) }, guard.message);
    this.held = plan.guards.length === 0 ? undefined : { ...held, since: this.held?.fingerprint === held.fingerprint ? this.held.since : Date.now() };
  }

  /** Actions held now (0 when none). */
  get count(): number {
    return this.held?.count ?? 0;
  }

  /**
   * Look for an approval (every status tick). True when one names exactly the held set: the
   * caller then runs a full reconcile, whose pass takes the approval if its plan still holds that set.
   */
  poll(): boolean {
    const waiting = readApproval(this.stateDir);
    if (waiting === undefined) {
      this.approvalProblem = undefined;
      return false;
    }
    if (this.held !== undefined && waiting.fingerprint === this.held.fingerprint) return true;
    this.approvalProblem = this.held === undefined || this.held.count === 0
      ? `an approval for ${waiting.count} action(s) waits, but nothing is held now; it applies only if exactly that set is held again`
      : `an approval for ${waiting.count} action(s) waits, but the guard now holds ${this.held.count} different action(s): check them and approve again (${this.approveCommand})`;
    return false;
  }

  /** The pass's release hook: take a waiting approval when it names exactly `held` (the file is gone before anything runs). */
  release(held: HeldSet): boolean {
    try {
      const approval = takeApproval(this.stateDir, held);
      if (approval === undefined) return false;
      this.lastApproval = { ...approval, appliedAt: Date.now() };
      this.approvalProblem = undefined;
      this.log.warn({ held: held.count, approvedBy: approval.by, approvedAt: new Date(approval.approvedAt).toISOString() }, 'applying approved held actions once');
      return true;
    } catch (error) {
      this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'could not take the approval file; the held actions stay held');
      return false;
    }
  }
}
