/**
 * How far V8 lets the heap of a big mirror grow past what a full collection found live before it
 * collects again (`LUMENSYNC_HEAP_GROWTH_PERCENT`). V8's own heuristic lets a heap that grows fast
 * reach 2–3× its live size: a verified pass over 1,000,000 documents (~0.5 GB live) peaked at
 * 1.04–1.10 GB of RSS, and 0.96 GB at 25 % for ~20 % more CPU in that pass (BENCHMARKS.md,
 * "Read-ahead, one listing index, heap growth"). On a 100,000-file mirror the same setting only
 * cost time (a verified pass +15 %, no less RSS), so it applies from LARGE_MIRROR_ENTRIES
 * journal entries on.
 *
 * Set from JavaScript after start-up: V8 reads this flag each time it computes the next limit (Node
 * 20; Node ≥ 22's V8 sizes the heap on its own and barely moves with it).
 */
import v8 from 'node:v8';
import { checkHeapSetting, parseHeapSetting, type HeapSetting, type HeapSettingProblem } from './heap-setting.js';

export const HEAP_GROWTH_ENV = 'LUMENSYNC_HEAP_GROWTH_PERCENT';
/** Default growth per full collection, in percent of the live heap. */
export const DEFAULT_HEAP_GROWTH_PERCENT = 25;
/** Journal entries from which a mirror's process takes the setting. */
export const LARGE_MIRROR_ENTRIES = 250_000;
const HEAP_GROWTH: HeapSetting = { env: HEAP_GROWTH_ENV, defaultValue: DEFAULT_HEAP_GROWTH_PERCENT, max: 1000, unit: '', zeroLeaves: "the heap's growth" };

/** The percent `text` asks for (unset or empty: the default; 0: V8's own heuristic), or what is wrong with it. */
export const parseHeapGrowth = (text: string | undefined): { value: number } | HeapSettingProblem => parseHeapSetting(HEAP_GROWTH, text);

/** The percent checked at start-up (checkHeapGrowth), taken by a large mirror's session (growHeapGently). */
let configuredPercent = DEFAULT_HEAP_GROWTH_PERCENT;
let applied = false;

/** Check `LUMENSYNC_HEAP_GROWTH_PERCENT` in `env` before any command runs; returns what is wrong with an unusable value. */
export const checkHeapGrowth = (env: NodeJS.ProcessEnv): HeapSettingProblem | undefined => checkHeapSetting(HEAP_GROWTH, env, (percent) => {
  configuredPercent = percent;
});

/** The percent in force for large mirrors. */
export const configuredHeapGrowth = (): number => configuredPercent;

/** A journal of `entries` was opened: from LARGE_MIRROR_ENTRIES on, the heap grows by the configured percent (0: V8's own way); true when that was set now. */
export function growHeapGently(entries: number): boolean {
  if (applied || configuredPercent === 0 || entries < LARGE_MIRROR_ENTRIES) return false;
  applied = true;
  v8.setFlagsFromString(`--heap-growing-percent=${configuredPercent}`);
  return true;
}
