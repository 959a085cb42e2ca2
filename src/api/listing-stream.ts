/**
 * Streamed parsing of listing answers (D4 folder pages, contract §6.13 and §13 U2): the body is
 * tokenized as it arrives and only the fields the sync needs are kept, so memory follows one
 * document at a time, not the size of the answer. Heavy fields (`pinnedWorkspaces`, long
 * `description`s, anything unknown) are skipped while parsing. The tolerant rules of parse.ts
 * still apply: `documents` or `items` or a bare array, metadata flat or under `metadata`
 * (object or JSON string), items without a name skipped.
 */
import { TokenType, type ParsedTokenInfo } from '@streamparser/json';
import { JsonTokenFeed } from './json-token-feed.js';
import { ResponseShapeError, parseDocumentItem } from './parse.js';
import type { RemoteDocument } from './types.js';
import { parseSkimmedFolderPage } from './skimmed-page.js';
import type { PageInfo } from './whole-page.js';

/** What a folder page said besides its documents; `items` counts the list's elements (objects or not) as sent. */
export type StreamedPageInfo = PageInfo;

/**
 * A page body up to this size is held, then read element by element (skimmed-page.ts); a bigger one (a server that
 * ignores `limit`, or very fat documents) is tokenized as it arrives, so memory stays bounded.
 */
export const WHOLE_PAGE_MAX_BYTES = 4 << 20;

/**
 * `compact`: what the planner needs (docpath, title, docSource, docAuthor). `full`: every field of
 * RemoteDocument (for callers such as the doctor and the move check).
 */
export type ListingFields = 'compact' | 'full';

/** Item keys that locate a document or carry what `compact` needs. */
const COMPACT_KEYS = new Set(['docpath', 'location', 'name', 'filename', 'title', 'docSource', 'docAuthor']);
const FULL_KEYS = new Set([...COMPACT_KEYS, 'chunkSource', 'description', 'id']);
/** Keys of the page object that hold the list, in the order parse.ts prefers them. */
const LIST_KEYS = ['documents', 'items'];

/** A JSON scalar as the tokenizer hands it over. */
export type Scalar = string | number | boolean | null;

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
  readonly #feed = new JsonTokenFeed((token) => this.#token(token));
  readonly #keys: Set<string>;
  readonly #stack: Frame[] = [];
  #item: Record<string, unknown> = {};
  #metadata: Record<string, Scalar> | undefined;
  #listChosen: string | undefined;
  #sawRoot = false;
  #info: StreamedPageInfo = { items: 0, hasMore: false, totalCount: undefined };

  constructor(
    private readonly orgSlug: string,
    private readonly folder: string,
    fields: ListingFields,
    private readonly onDocument: (document: RemoteDocument) => void,
  ) {
    this.#keys = fields === 'full' ? FULL_KEYS : COMPACT_KEYS;
  }

  /** Feed one chunk of the body. Throws ResponseShapeError when the body is not JSON. */
  write(chunk: Uint8Array | string): void {
    this.#feed.write(chunk);
  }

  /** The body ended: what the page said. Throws ResponseShapeError when it was incomplete or had no list. */
  end(): StreamedPageInfo {
    this.#feed.end();
    if (!this.#sawRoot || this.#stack.length > 0) throw new ResponseShapeError('the answer is not JSON (it ended early)');
    if (this.#listChosen === undefined) throw new ResponseShapeError('no document list in folder listing (expected documents)');
    return { ...this.#info };
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

/**
 * Parse one D4 page body; documents go to `onDocument` in order. The body is held until it
 * passes `wholePageMaxBytes` (then parsed at once when it ends); past that, it is streamed.
 */
export async function parseFolderPageStream(
  body: AsyncIterable<Uint8Array | string>,
  orgSlug: string,
  folder: string,
  fields: ListingFields,
  onDocument: (document: RemoteDocument) => void,
  wholePageMaxBytes = WHOLE_PAGE_MAX_BYTES,
): Promise<StreamedPageInfo> {
  const held: Buffer[] = [];
  let heldBytes = 0;
  let parser: FolderPageParser | undefined;
  for await (const chunk of body) {
    if (parser !== undefined) {
      parser.write(chunk);
      continue;
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    held.push(bytes);
    heldBytes += bytes.length;
    if (heldBytes > wholePageMaxBytes) {
      parser = new FolderPageParser(orgSlug, folder, fields, onDocument);
      for (const part of held.splice(0)) parser.write(part);
    }
  }
  if (parser !== undefined) return parser.end();
  return parseSkimmedFolderPage(held, orgSlug, folder, fields === 'full' ? FULL_KEYS : COMPACT_KEYS, onDocument);
}
