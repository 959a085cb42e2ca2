/**
 * A byte-level skimmer for big JSON answers whose bulk is one array under a known key (a
 * workspace's `documents`, 66 MB for 100,000 embedded documents). It walks the body once,
 * keeping everything *outside* such arrays as a small skeleton text, and hands each element of
 * such an array to a callback, parsed by `JSON.parse` (5× faster than a token stream): runs of
 * compact object elements many at a time (element-batch.ts), the others one by one, so nothing
 * unvalidated gets through: the skimmer only checks the separators between elements itself.
 *
 * In the skeleton every skimmed array is replaced by a marker string (`markerOf(index)`), so the
 * caller can put back whatever it kept of that array's elements and read the body with its
 * ordinary rules. UTF-8 is safe to scan byte by byte: no multi-byte sequence contains an ASCII byte.
 */
import { randomBytes } from 'node:crypto';
import { parseElementBatch } from './element-batch.js';
import { ResponseShapeError, parseJsonText } from './parse.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** Keys longer than this cannot be the array key; their bytes are not collected. */
const MAX_KEY_BYTES = 64;

const isSpace = (byte: number): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** Where the skimmer is inside a skimmed array. */
type ElementState = 'first' | 'next' | 'inside' | 'after';

export class ArraySkimmer {
  readonly #arrayKeys: ReadonlySet<string>;
  readonly #onElement: (arrayIndex: number, value: unknown) => void;
  readonly #markerPrefix = `\u0000skimmed-${randomBytes(6).toString('hex')}:`;
  readonly #skeleton: Buffer[] = [];
  /** Open containers of the skeleton: true for an object. */
  readonly #objects: boolean[] = [];
  #expectKey = false;
  /** The key whose value comes next (set at its colon, cleared when the value starts). */
  #valueKey: string | undefined;
  #lastKey: string | undefined;
  #keyBytes: number[] | undefined;
  #inString = false;
  #stringIsKey = false;
  #escape = false;
  #arrays = 0;
  /** Inside a skimmed array: which one, and where in it. */
  #arrayIndex = -1;
  #element: ElementState | undefined;
  #elementParts: Buffer[] = [];
  /** Nesting inside the current element; 0 for a scalar element. */
  #elementDepth = 0;
  #elementIsString = false;
  /** In the chunk being read: no batch of elements is tried before this index (one failed there). */
  #batchFrom = 0;

  /** `arrayKey`: the key (or keys) whose array values are skimmed; `onElement` gets each element parsed. */
  constructor(arrayKey: string | readonly string[], onElement: (arrayIndex: number, value: unknown) => void) {
    this.#arrayKeys = new Set(typeof arrayKey === 'string' ? [arrayKey] : arrayKey);
    this.#onElement = onElement;
  }

  /** The skeleton's stand-in for skimmed array `index`. */
  markerOf(index: number): string {
    return `${this.#markerPrefix}${index}`;
  }

  /** The index of the array a skeleton string stands for, or undefined for any other string. */
  arrayIndexOf(value: unknown): number | undefined {
    if (typeof value !== 'string' || !value.startsWith(this.#markerPrefix)) return undefined;
    return Number(value.slice(this.#markerPrefix.length));
  }

  /** Feed one chunk of the body. Throws ResponseShapeError when an array's separators are wrong. */
  write(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let index = 0;
    let skeletonFrom = this.#element === undefined ? 0 : -1;
    this.#batchFrom = 0;
    while (index < bytes.length) {
      if (this.#element !== undefined) {
        index = this.#skimElements(bytes, index);
        if (this.#element === undefined) skeletonFrom = index;
        continue;
      }
      if (this.#inString) {
        index = this.#skipString(bytes, index, this.#stringIsKey);
        continue;
      }
      const byte = bytes[index]!;
      if (isSpace(byte)) {
        index++;
        continue;
      }
      if (byte === OPEN_ARRAY && this.#valueKey !== undefined && this.#arrayKeys.has(this.#valueKey) && this.#objects.at(-1) === true) {
        this.#skeleton.push(bytes.subarray(skeletonFrom, index));
        this.#arrayIndex = this.#arrays++;
        this.#element = 'first';
        this.#valueKey = undefined;
        index++;
        continue;
      }
      if (byte !== COLON) this.#valueKey = undefined;
      if (byte === QUOTE) {
        this.#inString = true;
        this.#stringIsKey = this.#expectKey && this.#objects.at(-1) === true;
        this.#keyBytes = this.#stringIsKey ? [] : undefined;
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        this.#objects.push(byte === OPEN_OBJECT);
        this.#expectKey = byte === OPEN_OBJECT;
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        this.#objects.pop();
        this.#expectKey = false;
      } else if (byte === COMMA) {
        this.#expectKey = this.#objects.at(-1) === true;
      } else if (byte === COLON) {
        this.#valueKey = this.#lastKey;
        this.#lastKey = undefined;
      }
      index++;
    }
    if (this.#element === undefined) this.#skeleton.push(bytes.subarray(Math.max(0, skeletonFrom)));
    else if (this.#element === 'inside') this.#elementParts.push(bytes.subarray(this.#elementStart(bytes)));
  }

  /** The body ended: the skeleton text. Throws ResponseShapeError when it ended inside a skimmed array. */
  end(): string {
    if (this.#element !== undefined) throw new ResponseShapeError('the answer is not JSON (it ended early)');
    return Buffer.concat(this.#skeleton).toString('utf8');
  }

  /** Past one string's content from `index` (the opening quote already read); returns where to go on. */
  #skipString(bytes: Buffer, index: number, collectKey: boolean): number {
    let at = index;
    while (at < bytes.length) {
      const byte = bytes[at]!;
      if (this.#escape) this.#escape = false;
      else if (byte === BACKSLASH) this.#escape = true;
      else if (byte === QUOTE) {
        this.#inString = false;
        if (collectKey) this.#closeKey();
        return at + 1;
      }
      if (collectKey && this.#keyBytes !== undefined) {
        if (this.#keyBytes.length < MAX_KEY_BYTES) this.#keyBytes.push(byte);
        else this.#keyBytes = undefined;
      }
      at++;
    }
    return at;
  }

  #closeKey(): void {
    const raw = this.#keyBytes;
    this.#keyBytes = undefined;
    this.#expectKey = false;
    if (raw === undefined) {
      this.#lastKey = undefined;
      return;
    }
    const text = Buffer.from(raw).toString('utf8');
    try {
      this.#lastKey = raw.includes(BACKSLASH) ? (JSON.parse(`"${text}"`) as string) : text;
    } catch {
      this.#lastKey = undefined; // a broken key: the skeleton's JSON.parse reports it
    }
  }

  /** Where the current element's bytes start in this chunk (0 when it began in an earlier one). */
  #elementStartIndex = 0;
  #elementStart(bytes: Buffer): number {
    return Math.min(this.#elementStartIndex, bytes.length);
  }

  /** Skim the elements of the current array from `index`; returns where to go on. */
  #skimElements(bytes: Buffer, index: number): number {
    let at = index;
    this.#elementStartIndex = 0;
    while (at < bytes.length) {
      if (this.#element === 'inside') {
        at = this.#skipElement(bytes, at);
        continue;
      }
      const byte = bytes[at]!;
      if (isSpace(byte)) {
        at++;
        continue;
      }
      if (byte === CLOSE_ARRAY && this.#element !== 'next') {
        // The array ends: the skeleton gets its marker, and goes on after the bracket.
        this.#skeleton.push(Buffer.from(JSON.stringify(this.markerOf(this.#arrayIndex))));
        this.#element = undefined;
        return at + 1;
      }
      if (this.#element === 'after') {
        if (byte !== COMMA) throw new ResponseShapeError(`the answer is not JSON (unexpected ${JSON.stringify(String.fromCharCode(byte))} between array elements)`);
        this.#element = 'next';
        at++;
        continue;
      }
      if (byte === COMMA || byte === CLOSE_ARRAY) throw new ResponseShapeError('the answer is not JSON (a missing array element)');
      if (byte === OPEN_OBJECT && at >= this.#batchFrom) {
        const batch = parseElementBatch(bytes, at);
        if (batch.values !== undefined) {
          for (const value of batch.values) this.#onElement(this.#arrayIndex, value);
          this.#element = 'after';
          at = batch.end;
          continue;
        }
        this.#batchFrom = batch.retryAt;
      }
      this.#element = 'inside';
      this.#elementStartIndex = at;
      this.#elementParts = [];
      this.#elementDepth = 0;
      this.#elementIsString = false;
      this.#escape = false;
      if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) this.#elementDepth = 1;
      else if (byte === QUOTE) this.#elementIsString = true;
      else continue; // a number or literal: read by #skipElement from this byte
      at++;
    }
    return at;
  }

  /**
   * Inside an element: up to its end (then handed over) or the end of the chunk. Strings are
   * crossed with `indexOf` (memchr) from quote to quote; the next backslash of the chunk is
   * looked up once and reused, so a string without escapes costs no byte-by-byte loop.
   */
  #skipElement(bytes: Buffer, index: number): number {
    const length = bytes.length;
    const stringElement = this.#elementIsString;
    let at = index;
    let depth = this.#elementDepth;
    let inString = this.#inString;
    let escape = this.#escape;
    let backslashAt = -2; // -2: not looked up yet in this call; -1: none left in the chunk
    let end = -1;
    while (at < length) {
      if (inString || stringElement) {
        if (escape) {
          escape = false;
          at++;
          continue;
        }
        if (backslashAt !== -1 && backslashAt < at) backslashAt = bytes.indexOf(BACKSLASH, at);
        const quoteAt = bytes.indexOf(QUOTE, at);
        if (backslashAt !== -1 && (quoteAt === -1 || backslashAt < quoteAt)) {
          escape = true;
          at = backslashAt + 1;
          continue;
        }
        if (quoteAt === -1) {
          at = length;
          break;
        }
        at = quoteAt + 1;
        if (stringElement) {
          end = at;
          break;
        }
        inString = false;
        continue;
      }
      const byte = bytes[at]!;
      if (depth === 0) {
        // A number or literal ends at the first separator, which is not part of it.
        if (isSpace(byte) || byte === COMMA || byte === CLOSE_ARRAY) {
          end = at;
          break;
        }
      } else if (byte === QUOTE) inString = true;
      else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
      else if ((byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) && --depth === 0) {
        end = at + 1;
        break;
      }
      at++;
    }
    this.#elementDepth = depth;
    this.#inString = inString;
    this.#escape = escape;
    return end === -1 ? at : this.#finishElement(bytes, end);
  }

  #finishElement(bytes: Buffer, end: number): number {
    const tail = bytes.subarray(this.#elementStart(bytes), end);
    const text = this.#elementParts.length === 0 ? tail.toString('utf8') : Buffer.concat([...this.#elementParts, tail]).toString('utf8');
    this.#elementParts = [];
    this.#inString = false;
    this.#element = 'after';
    this.#onElement(this.#arrayIndex, parseJsonText(text));
    return end;
  }
}
