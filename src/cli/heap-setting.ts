/** A whole-number setting of V8's heap read from the environment (heap-growth.ts, young-generation.ts). */

export interface HeapSetting {
  /** The environment variable. */
  env: string;
  defaultValue: number;
  max: number;
  /** Said after "a whole number" in the problem, e.g. " of MiB". */
  unit: string;
  /** What 0 leaves to V8, e.g. "the heap's growth". */
  zeroLeaves: string;
}

/** An unusable value: what is wrong, and how to fix it. */
export interface HeapSettingProblem {
  problem: string;
  fix: string;
}

/** The value `text` asks for (unset or empty: the default; 0: V8's own way), or what is wrong with it. */
export function parseHeapSetting(setting: HeapSetting, text: string | undefined): { value: number } | HeapSettingProblem {
  if (text === undefined || text.trim() === '') return { value: setting.defaultValue };
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < 0 || value > setting.max) {
    return {
      problem: `${setting.env} must be a whole number${setting.unit} from 0 to ${setting.max} (got "${text}")`,
      fix: `unset it for the default ${setting.defaultValue}, or set 0 to leave ${setting.zeroLeaves} to V8`,
    };
  }
  return { value };
}

/** Read `setting` from `env` before any command runs: a usable value goes to `take`; returns what is wrong with an unusable one. */
export function checkHeapSetting(setting: HeapSetting, env: NodeJS.ProcessEnv, take: (value: number) => void): HeapSettingProblem | undefined {
  const parsed = parseHeapSetting(setting, env[setting.env]);
  if ('problem' in parsed) return parsed;
  take(parsed.value);
  return undefined;
}
