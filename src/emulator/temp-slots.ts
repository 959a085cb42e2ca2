/**
 * U1: the upstream hot directory. An API upload is written to a temporary file named after the
 * multipart part's file name and processed from there; two uploads in flight with the same name
 * share that file, so the one written last is what both are processed from.
 */

import { setTimeout as sleep } from 'node:timers/promises';

/** What an upload's temporary file holds (the emulator keeps only the hash and size). */
export interface SlotContent { sha256: string; bytes: number }

interface Slot { content: SlotContent; users: number }

/** Temporary files by name, shared by the uploads in flight. */
export class TempSlots {
  readonly #slots = new Map<string, Slot>();
  /** Uploads processed from bytes another upload wrote (for tests and the banner). */
  swaps = 0;

  /**
   * Write `content` to the slot `fileName`, wait `processingMs`, and return what the slot holds
   * then: the upload's own bytes, or those of a same-named upload written meanwhile.
   */
  async process(fileName: string, content: SlotContent, processingMs: number): Promise<SlotContent> {
    const key = sanitise(fileName);
    let slot = this.#slots.get(key);
    if (slot === undefined) this.#slots.set(key, (slot = { content, users: 0 }));
    slot.content = content;
    slot.users += 1;
    try {
      if (processingMs > 0) await sleep(processingMs);
      if (slot.content !== content) this.swaps += 1;
      return slot.content;
    } finally {
      slot.users -= 1;
      if (slot.users === 0) this.#slots.delete(key);
    }
  }

  /** Uploads in flight right now. */
  get inFlight(): number {
    let users = 0;
    for (const slot of this.#slots.values()) users += slot.users;
    return users;
  }
}

/** Upstream keeps the base name only (no directories), as the hot directory is flat. */
const sanitise = (fileName: string): string => fileName.split(/[\\/]/).pop() ?? fileName;
