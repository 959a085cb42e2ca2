/**
 * How big V8's young generation (its "new space", where every object starts) may grow
 * (`LUMENSYNC_YOUNG_GENERATION_MIB`). V8 starts it at 1 MiB and doubles it whenever enough objects
 * survive a collection, up to 32 MiB on Node 20 and 64 MiB on Node 24. A pass allocates mostly
 * objects that die young (lstat results, listing pages, HTTP chunks), so a bigger young generation
 * buys little; what it costs is memory touched for the first time, and collections that come
 * later: the HTTP chunks a verification reads are freed only when their collection comes, so a
 * 32 MiB young generation let 60–90 MB of them wait. Held at 4 MiB (BENCHMARKS.md, seventh session),
 * a 100,000-file verification peaked at 186 MB instead of 247 MB for less CPU (4.29 s instead of
 * 4.47 s), a no-op at 108 MB instead of 120 MB, a first sync of 3,000 files at 190 MB instead of 222 MB.
 *
 * Held by setting V8's growth factor to 1 once the young generation has reached the size (V8 reads
 * that flag each time it grows the space; its maximum size is fixed at start-up). V8 may shrink an
 * idle process's young generation: `holdYoungGeneration` at the next pass lets it grow back.
 */
import v8 from 'node:v8';
import { checkHeapSetting, parseHeapSetting, type HeapSetting, type HeapSettingProblem } from './heap-setting.js';

export const YOUNG_GENERATION_ENV = 'LUMENSYNC_YOUNG_GENERATION_MIB';
/** Default size the young generation stops growing at, in MiB, as V8 counts it (both halves of the space; V8 grows it in doubling steps from 1 MiB). */
export const DEFAULT_YOUNG_GENERATION_MIB = 4;
const YOUNG_GENERATION: HeapSetting = { env: YOUNG_GENERATION_ENV, defaultValue: DEFAULT_YOUNG_GENERATION_MIB, max: 1024, unit: ' of MiB', zeroLeaves: "the young generation's growth" };
/** Node majors whose V8 reads the growth factor at run time (20 and 24 measured, 22 between them); elsewhere nothing is set. */
const SUPPORTED_NODE_MAJORS = { from: 20, to: 24 };
/** How often the size is looked at while the young generation is still below it. */
const CHECK_EVERY_MS = 20;

/** The MiB `text` asks for (unset or empty: the default; 0: V8's own growth), or what is wrong with it. */
export const parseYoungGeneration = (text: string | undefined): { value: number } | HeapSettingProblem => parseHeapSetting(YOUNG_GENERATION, text);

let configuredMib = DEFAULT_YOUNG_GENERATION_MIB;

/** Check `LUMENSYNC_YOUNG_GENERATION_MIB` in `env` before any command runs; returns what is wrong with an unusable value. */
export const checkYoungGeneration = (env: NodeJS.ProcessEnv): HeapSettingProblem | undefined => checkHeapSetting(YOUNG_GENERATION, env, (mib) => {
  configuredMib = mib;
});

/** The growth factor last set (V8's default is 2). */
let factorSet = 2;
let checking: NodeJS.Timeout | undefined;

const youngGenerationBytes = (): number => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;

const setFactor = (factor: number): void => {
  if (factor === factorSet) return;
  factorSet = factor;
  v8.setFlagsFromString(`--semi-space-growth-factor=${factor}`);
};

/** Whether this process holds its young generation: a size is configured and this Node's V8 is known to take the flag. */
export function holdsYoungGeneration(nodeVersion = process.versions.node): boolean {
  const major = Number(nodeVersion.split('.')[0]);
  return configuredMib > 0 && major >= SUPPORTED_NODE_MAJORS.from && major <= SUPPORTED_NODE_MAJORS.to;
}

/**
 * Hold the young generation at the configured size from now on: at once when it has reached it,
 * else as soon as it does (looked at every 20 ms meanwhile, without keeping the process alive).
 * Call it when a session opens and before each pass; returns whether it is held now.
 */
export function holdYoungGeneration(): boolean {
  if (!holdsYoungGeneration()) return false;
  const target = configuredMib * 1024 * 1024;
  if (youngGenerationBytes() >= target) {
    setFactor(1);
    return true;
  }
  // Smaller (start-up, or shrunk by V8 while idle): let it grow again, and hold it once it is big enough.
  setFactor(2);
  checking ??= setInterval(() => {
    if (youngGenerationBytes() < target) return;
    setFactor(1);
    clearInterval(checking);
    checking = undefined;
  }, CHECK_EVERY_MS).unref();
  return false;
}
