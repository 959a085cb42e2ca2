/**
 * Whether V8 spreads each collection of its young generation (a scavenge) over helper threads
 * (`LUMENSYNC_PARALLEL_SCAVENGE`: `auto`, `on` or `off`). V8 sizes its helpers by the machine's
 * cores, not by what else runs: on two cores, where a pass's main thread and its stat worker keep
 * both busy, each of the ~400 scavenges of a 100,000-file verified pass waited on helpers that had
 * no core of their own. Scavenging on the collecting thread alone, interleaved runs
 * (BENCHMARKS.md, twelfth session): a verified no-op 1.56 → 1.44 s, a no-op 0.40 → 0.38 s, a first
 * sync unchanged. `auto` (the default) does that on machines with at most two cores and leaves
 * V8's own way elsewhere, where helpers find idle cores.
 *
 * Set from JavaScript at start-up: V8 reads the flag at each scavenge, when it counts the tasks to
 * run (Node 20–24). Only this flag: others of the same family (concurrent marking) cannot be
 * switched once the heap runs.
 */
import { availableParallelism } from 'node:os';
import v8 from 'node:v8';
import type { HeapSettingProblem } from './heap-setting.js';

export const PARALLEL_SCAVENGE_ENV = 'LUMENSYNC_PARALLEL_SCAVENGE';
export type ParallelScavenge = 'auto' | 'on' | 'off';
const VALUES: readonly ParallelScavenge[] = ['auto', 'on', 'off'];
/** Machines with at most this many cores scavenge without helpers under `auto`. */
export const AUTO_OFF_MAX_CORES = 2;
/** Node majors whose V8 takes the flag at run time (20 and 24 measured, 22 between them). */
const SUPPORTED_NODE_MAJORS = { from: 20, to: 24 };

/** The setting `text` asks for (unset or empty: `auto`), or what is wrong with it. */
export function parseParallelScavenge(text: string | undefined): { value: ParallelScavenge } | HeapSettingProblem {
  const value = (text ?? '').trim().toLowerCase();
  if (value === '') return { value: 'auto' };
  if ((VALUES as readonly string[]).includes(value)) return { value: value as ParallelScavenge };
  return {
    problem: `${PARALLEL_SCAVENGE_ENV} must be auto, on or off (got "${text ?? ''}")`,
    fix: `unset it for auto (off on machines with at most ${AUTO_OFF_MAX_CORES} cores), or set on to leave V8's helpers in every case`,
  };
}

/** Whether scavenges keep V8's helper threads under `setting` on a machine of `cores` (undefined: this Node's V8 is not touched). */
export function scavengesInParallel(setting: ParallelScavenge, cores: number, nodeVersion = process.versions.node): boolean | undefined {
  const major = Number(nodeVersion.split('.')[0]);
  if (major < SUPPORTED_NODE_MAJORS.from || major > SUPPORTED_NODE_MAJORS.to) return undefined;
  if (setting === 'auto') return cores > AUTO_OFF_MAX_CORES;
  return setting === 'on';
}

/**
 * Read `LUMENSYNC_PARALLEL_SCAVENGE` from `env` before any command runs and apply it; returns what
 * is wrong with an unusable value (nothing is applied then).
 */
export function checkParallelScavenge(env: NodeJS.ProcessEnv, cores = availableParallelism()): HeapSettingProblem | undefined {
  const parsed = parseParallelScavenge(env[PARALLEL_SCAVENGE_ENV]);
  if ('problem' in parsed) return parsed;
  const parallel = scavengesInParallel(parsed.value, cores);
  // V8's default is on: only a change is written.
  if (parallel === false) v8.setFlagsFromString('--no-parallel-scavenge');
  return undefined;
}
