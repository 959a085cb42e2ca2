/**
 * Validation of a parsed config file against the shipped JSON Schema (ajv, all errors at once),
 * plus the checks a schema cannot express. Pure: data in, a list of problems out.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parseMaxDelete } from '../core/guards.js';
import { didYouMean } from './suggest.js';

/** One thing wrong with the config: where, what was expected, what was found, and a likely fix. */
export interface ConfigProblem {
  /** Dotted key path, e.g. `mirrors.handbook.folder` (`(root)` for the top level). */
  path: string;
  /** What the key should hold. */
  expected: string;
  /** What it holds (JSON), when useful. */
  got?: string;
  /** "did you mean" for unknown keys, or another concrete fix. */
  suggestion?: string;
}

/** Where the schema lives: `config/` of the package (dist/src/config → ../../../config). */
export const SCHEMA_URL = new URL('../../../config/lumensync.schema.json', import.meta.url);

let compiled: ValidateFunction | undefined;

/** The compiled schema validator (compiled once per process). */
function validator(): ValidateFunction {
  if (compiled === undefined) {
    const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
    // allErrors: report every problem in one run; verbose: give access to parentSchema for suggestions.
    // Loaded here, not at import: a run without a config file never pays ajv's start-up (issue 11).
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    compiled = new Ajv({ allErrors: true, verbose: true, strict: false }).compile(schema);
  }
  return compiled;
}

/** JSON pointer `/mirrors/handbook/folder` → dotted `mirrors.handbook.folder`. */
export function pointerToPath(pointer: string, extra?: string): string {
  const parts = pointer.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return parts.length === 0 ? '(root)' : parts.map((part) => (/^[A-Za-z0-9_$-]+$/.test(part) ? part : JSON.stringify(part))).join('.');
}

const describeValue = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** Human expectation for one ajv error (the schema's own description where it helps). */
function problemOf(error: ErrorObject): ConfigProblem | undefined {
  const parentSchema = (error.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown> };
  const about = parentSchema.description === undefined ? '' : ` — ${parentSchema.description}`;
  const got = error.data === undefined ? {} : { got: describeValue(error.data) };
  switch (error.keyword) {
    case 'additionalProperties': {
      const unknown = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(parentSchema.properties ?? {}).filter((key) => !key.startsWith('$'));
      const suggestion = didYouMean(unknown, known);
      return {
        path: pointerToPath(error.instancePath, unknown),
        expected: `a known key (unknown key; known here: ${known.join(', ')})`,
        ...(suggestion === undefined ? {} : { suggestion: `did you mean "${suggestion}"?` }),
      };
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      const schemaOfMissing = parentSchema.properties?.[missing] as { description?: string } | undefined;
      return { path: pointerToPath(error.instancePath, missing), expected: `a value (required)${schemaOfMissing?.description ? ` — ${schemaOfMissing.description}` : ''}` };
    }
    case 'type':
      return { path: pointerToPath(error.instancePath), expected: `${String((error.params as { type: string | string[] }).type).replace(',', ' or ')}${about}`, ...got };
    case 'enum':
      return { path: pointerToPath(error.instancePath), expected: `one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`, ...got };
    case 'pattern': {
      const propertyName = (error as { propertyName?: string }).propertyName;
      if (propertyName !== undefined) {
        return { path: pointerToPath(error.instancePath, propertyName), expected: 'a mirror name of letters, digits, ".", "_" or "-" (starting with a letter or digit)' };
      }
      return { path: pointerToPath(error.instancePath), expected: parentSchema.description ?? error.message ?? 'a valid value', ...got };
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'minLength':
    case 'minProperties':
    case 'uniqueItems':
      // ajv says "must be >= 0"; the line already says "expected", so keep only the condition.
      return { path: pointerToPath(error.instancePath), expected: `${(error.message ?? 'a valid value').replace(/^must (?:be |have |NOT have )?/, '')}${about}`, ...got };
    case 'propertyNames':
      return undefined; // Reported by the 'pattern' error ajv adds for the name itself.
    default:
      return { path: pointerToPath(error.instancePath), expected: error.message ?? 'a valid value', ...got };
  }
}

/** Checks beyond the schema: the delete guard's range and the same root mirrored twice. */
function semanticProblems(config: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const mirrors = (config as { mirrors?: unknown }).mirrors;
  if (typeof mirrors !== 'object' || mirrors === null) return problems;
  const roots = new Map<string, string>();
  const targets = new Map<string, string>();
  for (const [name, mirror] of Object.entries(mirrors as Record<string, unknown>)) {
    if (typeof mirror !== 'object' || mirror === null) continue;
    const { maxDelete, root, org, folder } = mirror as { maxDelete?: unknown; root?: unknown; org?: unknown; folder?: unknown };
    // Two mirrors into one folder delete each other's documents on every run (issue 15); custom-documents is shared by design.
    if (typeof org === 'string' && typeof folder === 'string' && folder !== 'custom-documents') {
      const key = JSON.stringify([org, folder]);
      const other = targets.get(key);
      if (other !== undefined) {
        problems.push({
          path: pointerToPath(`/mirrors/${name}/folder`), expected: 'a remote folder no other mirror of the organization uses', got: describeValue(folder),
          suggestion: `mirror "${other}" already mirrors into ${org}/${folder}, and each would delete the other's documents: give this mirror its own folder, e.g. ${JSON.stringify(`${folder}-${name}`)}`,
        });
      } else targets.set(key, name);
    }
    if (typeof maxDelete === 'string' && /^\s*[0-9]+(?:(?:\.[0-9]+)?%)?\s*$/.test(maxDelete) && parseMaxDelete(maxDelete) === undefined) {
      problems.push({ path: pointerToPath(`/mirrors/${name}/maxDelete`), expected: 'a percentage up to 100% or a count', got: describeValue(maxDelete) });
    }
    if (typeof root === 'string') {
      const other = roots.get(root);
      if (other !== undefined) problems.push({ path: pointerToPath(`/mirrors/${name}/root`), expected: 'a folder no other mirror uses', got: describeValue(root), suggestion: `mirror "${other}" already mirrors it` });
      else roots.set(root, name);
    }
  }
  return problems;
}

/** Every problem of a parsed config file, in document order; an empty list means valid. */
export function validateConfig(config: unknown): ConfigProblem[] {
  const validate = validator();
  const problems: ConfigProblem[] = [];
  if (!validate(config)) {
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      const problem = problemOf(error);
      if (problem === undefined) continue;
      // ajv can report one key twice (e.g. type and pattern of a union); one line per key and kind is enough.
      const id = `${problem.path}|${error.keyword}`;
      if (seen.has(id)) continue;
      seen.add(id);
      problems.push(problem);
    }
  }
  return [...problems, ...semanticProblems(config)];
}

/** One problem as a line: `mirrors.x.folder: expected …, got …; did you mean …?`. */
export function formatProblem(problem: ConfigProblem): string {
  const got = problem.got === undefined ? '' : ` (got ${problem.got})`;
  const suggestion = problem.suggestion === undefined ? '' : `; ${problem.suggestion}`;
  return `${problem.path}: expected ${problem.expected}${got}${suggestion}`;
}
