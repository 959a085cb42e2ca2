/**
 * Streamed parsing of a workspace answer (W1): only the naming fields and the docpaths under the
 * mirror's folder are kept, so a workspace with 100,000 embedded documents costs their docpaths,
 * not the answer's size. The `documents` arrays are skimmed (array-skimmer.ts): each element is
 * parsed on its own as it arrives, the rest of the body is a small skeleton parsed at the end.
 * Tolerant like parse.ts: the workspace bare, under `workspace`, or as a one-element array;
 * `{ workspace: [] }` is upstream's "no such workspace" (U7).
 */
import { ArraySkimmer } from './array-skimmer.js';
import { docpathProblem } from './docpath-check.js';
import { ResponseShapeError, normaliseDocpath, parseJsonText } from './parse.js';

/** Scalar fields of a workspace object that name it (parse.ts `parseWorkspaceItem`). */
const WORKSPACE_KEYS = new Set(['slug', 'originalSlug', 'original_slug', 'name', 'id']);

/** Key of the streamed result when the answer was `{ workspace: [] }` (U7: no such workspace). */
export const NO_SUCH_WORKSPACE = 'lumensync:no-such-workspace';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown): boolean => value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
const stringOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * A push parser for a W1 body (`{ workspace: {…} }`, `{ workspace: [{…}] }` or the bare object):
 * keeps the workspace's naming fields and only the `documents` docpaths that `keep` accepts
 * (a workspace's documents carry their whole metadata as a JSON string: the heavy part of W1).
 */
export class WorkspaceDocpathsParser {
  readonly #skimmer = new ArraySkimmer('documents', (arrayIndex, value) => this.#element(arrayIndex, value));
  /** Kept docpaths per skimmed array, by the skimmer's array index. */
  readonly #kept: string[][] = [];

  constructor(private readonly orgSlug: string, private readonly keep: (docpath: string) => boolean) {
  }

  write(chunk: Uint8Array | string): void {
    this.#skimmer.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }

  /** The skeleton of the body: every skimmed `documents` array stands there as a marker string (undefined for an empty body when `emptyIsUndefined`). */
  #skeleton(emptyIsUndefined = false): unknown {
    const text = this.#skimmer.end();
    if (emptyIsUndefined && text.trim() === '') return undefined;
    return parseJsonText(text);
  }

  /**
   * The whole body with each `documents` array replaced by its kept docpaths (strings), for an
   * answer that carries more than the workspace (W4's `message`, a 207's lists); undefined for an empty body.
   */
  endWhole(): unknown {
    const restore = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(restore);
      if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, restore(inner)]));
      const index = this.#skimmer.arrayIndexOf(value);
      return index === undefined ? value : (this.#kept[index] ?? []);
    };
    return restore(this.#skeleton(true));
  }

  /** The workspace object's naming fields and a `documents` array of the kept docpaths (absent when the body had none). */
  end(): Record<string, unknown> {
    const body = this.#skeleton();
    let wrapper: unknown[] | undefined;
    let wrapped: Json | undefined;
    if (Array.isArray(body)) wrapper = body;
    else if (isObject(body) && 'workspace' in body && body.workspace !== null) {
      const inner = body.workspace;
      if (Array.isArray(inner)) wrapper = inner;
      else if (isObject(inner)) wrapped = inner;
      else throw new ResponseShapeError('no workspace object');
    }
    if (wrapper !== undefined) {
      // U7: `{ workspace: [] }` is upstream's answer for an unknown workspace; the client says so.
      if (wrapper.length === 0) return { [NO_SUCH_WORKSPACE]: true };
      if (wrapper.length !== 1) throw new ResponseShapeError(`workspace array with ${wrapper.length} elements`);
      if (!isObject(wrapper[0])) throw new ResponseShapeError('no workspace object');
      wrapped = wrapper[0];
    }
    const chosen = wrapped ?? (isObject(body) ? body : {});
    const fields: Json = {};
    for (const key of WORKSPACE_KEYS) if (key in chosen && isScalar(chosen[key])) fields[key] = chosen[key];
    const index = this.#skimmer.arrayIndexOf(chosen.documents);
    return index === undefined ? fields : { ...fields, documents: this.#kept[index] ?? [] };
  }

  /** One element of a `documents` array: a docpath string, or an object with `docpath` (or `location`). */
  #element(arrayIndex: number, value: unknown): void {
    const raw = isObject(value) ? (stringOf(value.docpath) ?? stringOf(value.location)) : stringOf(value);
    if (raw === undefined) return;
    const docpath = normaliseDocpath(raw, this.orgSlug);
    // An unsafe docpath can never be one of the mirror's documents: skipped, never sent back (issue 15).
    if (this.keep(docpath) && docpathProblem(docpath) === undefined) (this.#kept[arrayIndex] ??= []).push(docpath);
  }
}

/** Parse one streamed W1 body into a workspace object holding only the docpaths `keep` accepts. */
export async function parseWorkspaceDocpathsStream(body: AsyncIterable<Uint8Array | string>, orgSlug: string, keep: (docpath: string) => boolean): Promise<Record<string, unknown>> {
  const parser = new WorkspaceDocpathsParser(orgSlug, keep);
  for await (const chunk of body) parser.write(chunk);
  return parser.end();
}

/**
 * Parse one streamed answer that embeds a workspace (W4 answers with the whole of it, ~660 B per
 * document) into the whole body, its `documents` arrays holding only the docpaths `keep` accepts.
 */
export async function parseBodyKeepingDocpaths(body: AsyncIterable<Uint8Array | string>, orgSlug: string, keep: (docpath: string) => boolean): Promise<unknown> {
  const parser = new WorkspaceDocpathsParser(orgSlug, keep);
  for await (const chunk of body) parser.write(chunk);
  return parser.endWhole();
}
