/**
 * A streamed JSON body fed chunk by chunk to a tokenizer (@streamparser/json), for the listing
 * parsers: the first tokenizer error is kept and turned into a ResponseShapeError at the next
 * write or at the end, so a body that is not JSON fails the same way whichever parser reads it.
 */
import { Tokenizer, type ParsedTokenInfo } from '@streamparser/json';
import { ResponseShapeError } from './parse.js';

export class JsonTokenFeed {
  readonly #tokenizer = new Tokenizer({ stringBufferSize: 64 * 1024 });
  #error: Error | undefined;

  constructor(onToken: (token: ParsedTokenInfo) => void) {
    this.#tokenizer.onToken = onToken;
    this.#tokenizer.onError = (error) => { this.#error ??= error; };
    this.#tokenizer.onEnd = () => undefined;
  }

  /** Feed one chunk. Throws ResponseShapeError when the body is not JSON (or a token handler threw one). */
  write(chunk: Uint8Array | string): void {
    if (this.#error === undefined) this.#tokenizer.write(chunk);
    this.#check();
  }

  /** The body ended: flush the tokenizer. Throws like `write`. */
  end(): void {
    if (this.#error === undefined && !this.#tokenizer.isEnded) this.#tokenizer.end();
    this.#check();
  }

  #check(): void {
    if (this.#error === undefined) return;
    if (this.#error instanceof ResponseShapeError) throw this.#error;
    throw new ResponseShapeError(`the answer is not JSON (${this.#error.message})`);
  }
}
