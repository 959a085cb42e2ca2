/**
 * Streamed parsing of a workspace answer (W1): only the naming fields and the docpaths under the
 * mirror's folder are kept, so a workspace with 100,000 embedded documents costs their docpaths,
 * not the answer's size. Tolerant like parse.ts: the workspace bare, under `workspace`, or as a
 * one-element array; `{ workspace: [] }` is upstream's "no such workspace" (U7).
 */
import { TokenType, type ParsedTokenInfo } from '@streamparser/json';
import { docpathProblem } from './docpath-check.js';
import { JsonTokenFeed } from './json-token-feed.js';
import type { Scalar } from './listing-stream.js';
import { ResponseShapeError, normaliseDocpath } from './parse.js';

/** Scalar fields of a workspace object that name it (parse.ts `parseWorkspaceItem`). */
const WORKSPACE_KEYS = new Set(['slug', 'originalSlug', 'original_slug', 'name', 'id']);

/** One workspace object being read: its naming fields and the docpaths kept from `documents`. */
interface WorkspaceCandidate {
  fields: Record<string, unknown>;
  docpaths: string[] | undefined;
}

interface WorkspaceFrame {
  kind: 'object' | 'array';
  role: 'root' | 'wrapper' | 'workspace' | 'documents' | 'document' | 'skip';
  key: string | undefined;
  expectKey: boolean;
  candidate?: WorkspaceCandidate;
}

/**
 * A push parser for a W1 body (`{ workspace: {…} }`, `{ workspace: [{…}] }` or the bare object):
 * keeps the workspace's naming fields and only the `documents` docpaths that `keep` accepts
 * (a workspace's documents carry their whole metadata as a JSON string: the heavy part of W1).
 */
/** Key of the streamed result when the answer was `{ workspace: [] }` (U7: no such workspace). */
export const NO_SUCH_WORKSPACE = 'lumensync:no-such-workspace';

export class WorkspaceDocpathsParser {
  readonly #feed = new JsonTokenFeed((token) => this.#token(token));
  readonly #stack: WorkspaceFrame[] = [];
  /** The bare object's own fields, and the one under `workspace` (which wins when present). */
  readonly #bare: WorkspaceCandidate = { fields: {}, docpaths: undefined };
  #wrapped: WorkspaceCandidate | undefined;
  #wrappedShape: 'object' | 'array' | 'other' | undefined;
  #wrappedCount = 0;
  #document: Record<string, unknown> = {};
  #sawRoot = false;

  constructor(private readonly orgSlug: string, private readonly keep: (docpath: string) => boolean) {
  }

  write(chunk: Uint8Array | string): void {
    this.#feed.write(chunk);
  }

  /** The workspace object's naming fields and a `documents` array of the kept docpaths (absent when the body had none). */
  end(): Record<string, unknown> {
    this.#feed.end();
    if (!this.#sawRoot || this.#stack.length > 0) throw new ResponseShapeError('the answer is not JSON (it ended early)');
    // U7: `{ workspace: [] }` is upstream's answer for an unknown workspace; the client says so.
    if (this.#wrappedShape === 'array' && this.#wrappedCount === 0) return { [NO_SUCH_WORKSPACE]: true };
    if (this.#wrappedShape === 'array' && this.#wrappedCount !== 1) throw new ResponseShapeError(`workspace array with ${this.#wrappedCount} elements`);
    if (this.#wrappedShape === 'other') throw new ResponseShapeError('no workspace object');
    const chosen = this.#wrapped ?? this.#bare;
    return { ...chosen.fields, ...(chosen.docpaths === undefined ? {} : { documents: chosen.docpaths }) };
  }

  #token({ token, value }: ParsedTokenInfo): void {
    const top = this.#stack.at(-1);
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) this.#open(top, token === TokenType.LEFT_BRACE ? 'object' : 'array');
    else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) this.#close();
    else if (token === TokenType.COMMA) {
      if (top?.kind === 'object') top.expectKey = true;
    } else if (token === TokenType.STRING && top?.kind === 'object' && top.expectKey) {
      top.key = value as string;
      top.expectKey = false;
    } else if (token !== TokenType.COLON) this.#scalar(top, value as Scalar);
  }

  #open(parent: WorkspaceFrame | undefined, kind: WorkspaceFrame['kind']): void {
    let role: WorkspaceFrame['role'] = 'skip';
    let candidate: WorkspaceCandidate | undefined;
    if (parent === undefined) {
      if (this.#sawRoot) throw new ResponseShapeError('the answer holds more than one JSON value');
      this.#sawRoot = true;
      if (kind === 'object') [role, candidate] = ['root', this.#bare];
      else [role, this.#wrappedShape] = ['wrapper', 'array'];
    } else if (parent.role === 'root' && parent.key === 'workspace') {
      if (kind === 'object') [role, candidate, this.#wrappedShape] = ['workspace', (this.#wrapped = { fields: {}, docpaths: undefined }), 'object'];
      else [role, this.#wrappedShape] = ['wrapper', 'array'];
    } else if (parent.role === 'wrapper') {
      this.#wrappedCount += 1;
      if (kind === 'object' && this.#wrappedCount === 1) [role, candidate] = ['workspace', (this.#wrapped = { fields: {}, docpaths: undefined })];
    } else if ((parent.role === 'root' || parent.role === 'workspace') && parent.key === 'documents' && kind === 'array') {
      [role, candidate] = ['documents', parent.candidate];
      candidate!.docpaths = [];
    } else if (parent.role === 'documents' && kind === 'object') {
      [role, candidate] = ['document', parent.candidate];
      this.#document = {};
    }
    this.#stack.push({ kind, role, key: undefined, expectKey: kind === 'object', ...(candidate === undefined ? {} : { candidate }) });
  }

  #close(): void {
    const frame = this.#stack.pop();
    if (frame?.role !== 'document') return;
    const raw = stringOf(this.#document.docpath) ?? stringOf(this.#document.location);
    if (raw !== undefined) this.#keepDocpath(frame.candidate!, raw);
  }

  #keepDocpath(candidate: WorkspaceCandidate, raw: string): void {
    const docpath = normaliseDocpath(raw, this.orgSlug);
    // An unsafe docpath can never be one of the mirror's documents: skipped, never sent back (issue 15).
    if (this.keep(docpath) && docpathProblem(docpath) === undefined) candidate.docpaths!.push(docpath);
  }

  #scalar(top: WorkspaceFrame | undefined, value: Scalar): void {
    if (top === undefined) {
      this.#sawRoot = true;
      return;
    }
    if ((top.role === 'root' || top.role === 'workspace') && top.key !== undefined) {
      if (top.role === 'root' && top.key === 'workspace' && value !== null) this.#wrappedShape = 'other';
      if (WORKSPACE_KEYS.has(top.key)) top.candidate!.fields[top.key] = value;
    } else if (top.role === 'wrapper') this.#wrappedCount += 1;
    else if (top.role === 'documents' && typeof value === 'string' && value !== '') this.#keepDocpath(top.candidate!, value);
    else if (top.role === 'document' && (top.key === 'docpath' || top.key === 'location')) this.#document[top.key] = value;
  }
}

const stringOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Parse one streamed W1 body into a workspace object holding only the docpaths `keep` accepts. */
export async function parseWorkspaceDocpathsStream(body: AsyncIterable<Uint8Array | string>, orgSlug: string, keep: (docpath: string) => boolean): Promise<Record<string, unknown>> {
  const parser = new WorkspaceDocpathsParser(orgSlug, keep);
  for await (const chunk of body) parser.write(chunk);
  return parser.end();
}
