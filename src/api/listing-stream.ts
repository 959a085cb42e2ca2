/**
 * Streamed parsing of listing answers (D4 folder pages, contract §6.13 and §13 U2): the body is
 * tokenized as it arrives and only the fields the sync needs are kept, so memory follows one
 * document at a time, not the size of the answer. Heavy fields (`pinnedWorkspaces`, long
 * `description`s, anything unknown) are skipped while parsing. The tolerant rules of parse.ts
 * still apply: `documents` or `items` or a bare array, metadata flat or under `metadata`
 * (object or JSON string), items without a name skipped.
 */
import { Tokenizer, TokenType, type ParsedTokenInfo } from '@streamparser/json';
import { ResponseShapeError, normaliseDocpath, parseDocumentItem } from './parse.js';
import type { RemoteDocument } from './types.js';

/** What a folder page said besides its documents. */
export interface StreamedPageInfo {
  /** Items in the page's list (objects or not), before any was skipped: the server's slice as sent. */
  items: number;
  hasMore: boolean;
  totalCount: number | undefined;
}

/**
 * `compact`: what the planner needs (docpath, title, docSource). `full`: every field of
 * RemoteDocument (for callers such as the doctor and the move check).
 */
export type ListingFields = 'compact' | 'full';

/** Item keys that locate a document or carry what `compact` needs. */
const COMPACT_KEYS = new Set(['docpath', 'location', 'name', 'filename', 'title', 'docSource']);
const FULL_KEYS = new Set([...COMPACT_KEYS, 'chunkSource', 'description', 'docAuthor', 'id']);
/** Keys of the page object that hold the list, in the order parse.ts prefers them. */
const LIST_KEYS = ['documents', 'items'];

type Scalar = string | number | boolean | null;

/** One open container while tokenizing; `role` says what its values mean to us. */
interface Frame {
  kind: 'object' | 'array';
  role: 'page' | 'list' | 'item' | 'metadata' | 'skip';
  /** Key of the value being read (objects), set by the last key string. */
  key: string | undefined;
  /** True between a key and its value (objects). */
  expectKey: boolean;
}

/**
 * A push parser for one D4 page body: `write` chunks as they arrive, `end` when the body ends.
 * `onDocument` is called once per recognised item, in order, with the item's kept fields only.
 */
export class FolderPageParser {
  readonly #tokenizer = new Tokenizer({ stringBufferSize: 64 * 1024 });
  readonly #keys: Set<string>;
  readonly #stack: Frame[] = [];
  #item: Record<string, unknown> = {};
  #metadata: Record<string, Scalar> | undefined;
  #listChosen: string | undefined;
  #sawRoot = false;
  #info: StreamedPageInfo = { items: 0, hasMore: false, totalCount: undefined };
  #error: Error | undefined;

  constructor(
    private readonly orgSlug: string,
    private readonly folder: string,
    fields: ListingFields,
    private readonly onDocument: (document: RemoteDocument) => void,
  ) {
    this.#keys = fields === 'full' ? FULL_KEYS : COMPACT_KEYS;
    this.#tokenizer.onToken = (token) => this.#token(token);
    this.#tokenizer.onError = (error) => { this.#error ??= error; };
    this.#tokenizer.onEnd = () => undefined;
  }

  /** Feed one chunk of the body. Throws ResponseShapeError when the body is not JSON. */
  write(chunk: Uint8Array | string): void {
    if (this.#error === undefined) this.#tokenizer.write(chunk);
    this.#check();
  }

  /** The body ended: what the page said. Throws ResponseShapeError when it was incomplete or had no list. */
  end(): StreamedPageInfo {
    if (this.#error === undefined && !this.#tokenizer.isEnded) this.#tokenizer.end();
    this.#check();
    if (!this.#sawRoot || this.#stack.length > 0) throw new ResponseShapeError('the answer is not JSON (it ended early)');
    if (this.#listChosen === undefined) throw new ResponseShapeError('no document list in folder listing (expected documents)');
    return { ...this.#info };
  }

  #check(): void {
    if (this.#error === undefined) return;
    if (this.#error instanceof ResponseShapeError) throw this.#error;
    throw new ResponseShapeError(`the answer is not JSON (${this.#error.message})`);
  }

  #token({ token, value }: ParsedTokenInfo): void {
    const top = this.#stack.at(-1);
    switch (token) {
      case TokenType.LEFT_BRACE:
      case TokenType.LEFT_BRACKET:
        this.#open(top, token === TokenType.LEFT_BRACE ? 'object' : 'array');
        return;
      case TokenType.RIGHT_BRACE:
      case TokenType.RIGHT_BRACKET:
        this.#close();
        return;
      case TokenType.COLON:
        return;
      case TokenType.COMMA:
        if (top?.kind === 'object') top.expectKey = true;
        return;
      case TokenType.STRING:
        if (top?.kind === 'object' && top.expectKey) {
          top.key = value as string;
          top.expectKey = false;
          return;
        }
        this.#scalar(top, value as Scalar);
        return;
      default:
        this.#scalar(top, value as Scalar);
    }
  }

  /** The role of a container opened as the value of `parent`'s current key/element. */
  #roleOf(parent: Frame | undefined, kind: Frame['kind']): Frame['role'] {
    if (parent === undefined) return kind === 'array' ? this.#chooseList('(bare array)') : 'page';
    if (parent.role === 'page' && kind === 'array' && parent.key !== undefined && LIST_KEYS.includes(parent.key)) return this.#chooseList(parent.key);
    if (parent.role === 'list') {
      this.#info.items += 1;
      return kind === 'object' ? 'item' : 'skip';
    }
    if (parent.role === 'item' && kind === 'object' && parent.key === 'metadata') return 'metadata';
    return 'skip';
  }

  /** The first list-holding array wins (parse.ts prefers `documents`, then `items`). */
  #chooseList(key: string): Frame['role'] {
    if (this.#listChosen !== undefined) return 'skip';
    this.#listChosen = key;
    return 'list';
  }

  #open(parent: Frame | undefined, kind: Frame['kind']): void {
    if (parent === undefined) {
      if (this.#sawRoot) throw new ResponseShapeError('the answer holds more than one JSON value');
      this.#sawRoot = true;
    }
    const role = this.#roleOf(parent, kind);
    if (role === 'item') this.#item = {};
    if (role === 'metadata') this.#metadata = {};
    this.#stack.push({ kind, role, key: undefined, expectKey: kind === 'object' });
  }

  #close(): void {
    const frame = this.#stack.pop();
    if (frame?.role === 'item') {
      const document = parseDocumentItem(this.#item, this.orgSlug, this.folder);
      this.#item = {};
      if (document !== undefined) this.onDocument(document);
    } else if (frame?.role === 'metadata') {
      this.#item.metadata = this.#metadata;
      this.#metadata = undefined;
    }
  }

  #scalar(top: Frame | undefined, value: Scalar): void {
    if (top === undefined) {
      this.#sawRoot = true;
      return;
    }
    if (top.role === 'list') this.#info.items += 1;
    else if (top.role === 'item' && top.key !== undefined) {
      if (this.#keys.has(top.key) || (top.key === 'metadata' && typeof value === 'string')) this.#item[top.key] = value;
    } else if (top.role === 'metadata' && top.key !== undefined && this.#keys.has(top.key)) {
      this.#metadata![top.key] = value;
    } else if (top.role === 'page') {
      if (top.key === 'hasMore') this.#info.hasMore = value === true;
      else if (top.key === 'totalCount' && typeof value === 'number') this.#info.totalCount = value;
    }
  }
}

/** Parse one streamed D4 page body; documents go to `onDocument` as they are read. */
export async function parseFolderPageStream(
  body: AsyncIterable<Uint8Array | string>,
  orgSlug: string,
  folder: string,
  fields: ListingFields,
  onDocument: (document: RemoteDocument) => void,
): Promise<StreamedPageInfo> {
  const parser = new FolderPageParser(orgSlug, folder, fields, onDocument);
  for await (const chunk of body) parser.write(chunk);
  return parser.end();
}

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
export class WorkspaceDocpathsParser {
  readonly #tokenizer = new Tokenizer({ stringBufferSize: 64 * 1024 });
  readonly #stack: WorkspaceFrame[] = [];
  /** The bare object's own fields, and the one under `workspace` (which wins when present). */
  readonly #bare: WorkspaceCandidate = { fields: {}, docpaths: undefined };
  #wrapped: WorkspaceCandidate | undefined;
  #wrappedShape: 'object' | 'array' | 'other' | undefined;
  #wrappedCount = 0;
  #document: Record<string, unknown> = {};
  #sawRoot = false;
  #error: Error | undefined;

  constructor(private readonly orgSlug: string, private readonly keep: (docpath: string) => boolean) {
    this.#tokenizer.onToken = (token) => this.#token(token);
    this.#tokenizer.onError = (error) => { this.#error ??= error; };
    this.#tokenizer.onEnd = () => undefined;
  }

  write(chunk: Uint8Array | string): void {
    if (this.#error === undefined) this.#tokenizer.write(chunk);
    this.#check();
  }

  /** The workspace object's naming fields and a `documents` array of the kept docpaths (absent when the body had none). */
  end(): Record<string, unknown> {
    if (this.#error === undefined && !this.#tokenizer.isEnded) this.#tokenizer.end();
    this.#check();
    if (!this.#sawRoot || this.#stack.length > 0) throw new ResponseShapeError('the answer is not JSON (it ended early)');
    if (this.#wrappedShape === 'array' && this.#wrappedCount !== 1) throw new ResponseShapeError(`workspace array with ${this.#wrappedCount} elements`);
    if (this.#wrappedShape === 'other') throw new ResponseShapeError('no workspace object');
    const chosen = this.#wrapped ?? this.#bare;
    return { ...chosen.fields, ...(chosen.docpaths === undefined ? {} : { documents: chosen.docpaths }) };
  }

  #check(): void {
    if (this.#error === undefined) return;
    if (this.#error instanceof ResponseShapeError) throw this.#error;
    throw new ResponseShapeError(`the answer is not JSON (${this.#error.message})`);
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
    if (this.keep(docpath)) candidate.docpaths!.push(docpath);
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
