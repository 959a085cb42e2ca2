/**
 * Held actions: what the guards of a plan keep back (blocked deletes, held un-embeds), as one
 * generic set an operator can approve. Pure: a fingerprint names exactly the actions held, so an
 * approval given for one set never lets a different (e.g. bigger) set through.
 */
import { createHash } from 'node:crypto';
import type { Action, GuardVerdict, Plan } from './plan-types.js';
import { summarise } from './summary.js';

/** One held action, reduced to what identifies it. */
export interface HeldAction {
  kind: 'remove' | 'unembed';
  docpath: string;
  /** The workspace an un-embed concerns. */
  workspaceSlug?: string;
  /** The local path a removed document stood for, when known. */
  relativePath?: string;
}

/** Everything one plan holds back, and whether an approval may release it. */
export interface HeldSet {
  /** The guards that hold the actions. */
  guards: GuardVerdict[];
  /** Held actions (each docpath of an un-embed batch counts once). */
  count: number;
  removes: number;
  unembeds: number;
  /** sha256 of the sorted action keys: equal fingerprints, identical sets. */
  fingerprint: string;
  /** False when a guard says the folder itself is wrong (missing, unreadable): fix it, do not approve. */
  approvable: boolean;
  /** The first held actions, for display. */
  sample: HeldAction[];
}

/** Guards whose held actions an operator cannot approve: the fix is on the local side. */
const NOT_APPROVABLE: ReadonlySet<string> = new Set(['root-missing', 'root-not-directory', 'root-unreadable', 'local-read-errors', 'foreign-mirror']);

/** Held actions listed by name at most in a HeldSet (the count is always exact; `why` looks a path up in it). */
const SAMPLE_SIZE = 1000;

/**
 * The plan's held actions. Every array of the plan whose name starts with `blocked` or `held`
 * (today `blockedRemoves`; the workspace guard's un-embeds sit beside it) is read, so a guard
 * that holds a new kind of action is covered without changing this module.
 */
export function heldActions(plan: Plan): HeldAction[] {
  const held: HeldAction[] = [];
  for (const [key, value] of Object.entries(plan)) {
    if (!/^(blocked|held)/.test(key) || !Array.isArray(value)) continue;
    for (const action of value as Action[]) {
      if (action.kind === 'remove') held.push({ kind: 'remove', docpath: action.docpath, ...(action.relativePath !== undefined ? { relativePath: action.relativePath } : {}) });
      else if (action.kind === 'unembed') for (const docpath of action.docpaths) held.push({ kind: 'unembed', docpath, workspaceSlug: action.workspaceSlug });
    }
  }
  return held;
}

const actionKey = (action: HeldAction): string => (action.kind === 'remove' ? `remove\0${action.docpath}` : `unembed\0${action.workspaceSlug ?? ''}\0${action.docpath}`);

/** sha256 over the sorted keys of `actions` (hex). */
export function heldFingerprint(actions: readonly HeldAction[]): string {
  const hash = createHash('sha256');
  for (const key of actions.map(actionKey).sort()) hash.update(`${key}\n`);
  return hash.digest('hex');
}

/** The plan's held set (count 0 when nothing is held). */
export function heldSet(plan: Plan): HeldSet {
  const actions = heldActions(plan);
  return {
    guards: plan.guards,
    count: actions.length,
    removes: actions.filter((action) => action.kind === 'remove').length,
    unembeds: actions.filter((action) => action.kind === 'unembed').length,
    fingerprint: heldFingerprint(actions),
    approvable: plan.guards.every((guard) => !NOT_APPROVABLE.has(guard.guard)),
    sample: actions.slice(0, SAMPLE_SIZE),
  };
}

/**
 * The plan with its held actions let through once (an approval matched): the held arrays are
 * emptied into `actions`, the guards dropped. Un-embeds and removes run after everything else,
 * as the planner orders them.
 */
export function releaseHeld(plan: Plan): Plan {
  const released: Action[] = [];
  const emptied: Record<string, Action[]> = {};
  for (const [key, value] of Object.entries(plan)) {
    if (!/^(blocked|held)/.test(key) || !Array.isArray(value)) continue;
    released.push(...(value as Action[]));
    emptied[key] = [];
  }
  const actions = [...plan.actions, ...released];
  return { ...plan, ...emptied, actions, blockedRemoves: [], guards: [], summary: { ...summarise(actions, 0, plan.summary.unchanged) } };
}
