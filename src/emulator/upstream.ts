/**
 * Upstream behaviours the emulator models on purpose (contract §13): what the open-source server
 * LumenOne derives from does, so a client that is safe here is safe there. Each one is on by
 * default and can be switched off by its id (`--upstream-off U1,U7`, or `all`).
 */

import { LumenSyncError } from '../errors.js';
import { TempSlots } from './temp-slots.js';

/** The behaviours, by contract §13 id. */
export const UPSTREAM_BEHAVIOURS = {
  U1: 'an upload is processed from a temporary file named after the part file name: same-named uploads in flight share it, the later bytes win for both',
  U3: 'an upload into a folder name with "/" stores the document in custom-documents, then answers a bare 500',
  U4: 'the metadata keys url and published are set by the server, not taken from the upload',
  U6: 'adding a docpath that is already embedded keeps a second embedding record (listed twice)',
  U7: 'an unknown workspace answers 200 { workspace: [] } on GET and a bare 400 on update-embeddings',
  U9: 'a file the collector cannot parse (no extension, binary content under an unknown extension, no text) is refused with a 500 that never succeeds',
} as const;

/** Id of one modelled behaviour. */
export type UpstreamId = keyof typeof UPSTREAM_BEHAVIOURS;

/** Settings of the modelled behaviours. */
export interface UpstreamOptions {
  /** Behaviours switched off (default none). */
  off?: readonly UpstreamId[];
  /** U1: time an upload spends being processed after its bytes are written (default 5 ms). */
  processingMs?: number;
}

/** Default U1 processing time: short, yet long enough for uploads in flight to overlap. */
export const DEFAULT_PROCESSING_MS = 5;

const IDS = Object.keys(UPSTREAM_BEHAVIOURS) as UpstreamId[];

/** `"U1,u7"` / `"all"` / `"none"` → ids; LUMENSYNC_USAGE naming the unknown ones. */
export const parseUpstreamOff = (text: string): UpstreamId[] => {
  const parts = text.split(',').map((part) => part.trim().toUpperCase()).filter((part) => part !== '');
  if (parts.includes('ALL')) return [...IDS];
  const unknown = parts.filter((part) => part !== 'NONE' && !IDS.includes(part as UpstreamId));
  if (unknown.length > 0) {
    throw new LumenSyncError('LUMENSYNC_USAGE', `unknown upstream behaviour ${unknown.join(', ')} in --upstream-off`, {
      hint: `Name behaviours among ${IDS.join(', ')} (comma-separated), or "all" / "none".`,
    });
  }
  return parts.filter((part): part is UpstreamId => part !== 'NONE');
};

/** The behaviours in force for one emulator, and the shared state U1 needs. */
export class Upstream {
  readonly processingMs: number;
  /** U1's shared temporary files. */
  readonly slots = new TempSlots();
  readonly #off: Set<UpstreamId>;

  constructor(options: UpstreamOptions = {}) {
    const processingMs = options.processingMs ?? DEFAULT_PROCESSING_MS;
    if (!(Number.isFinite(processingMs) && processingMs >= 0)) {
      throw new LumenSyncError('LUMENSYNC_USAGE', `upstream processingMs must be a number >= 0 (got ${processingMs})`, { hint: 'Give the U1 processing time in milliseconds.' });
    }
    this.processingMs = processingMs;
    this.#off = new Set(options.off ?? []);
  }

  /** True when behaviour `id` is modelled. */
  on(id: UpstreamId): boolean {
    return !this.#off.has(id);
  }

  /** Ids switched off. */
  get off(): UpstreamId[] {
    return IDS.filter((id) => this.#off.has(id));
  }

  /** Banner text: which behaviours are modelled. */
  describe(): string {
    const on = IDS.filter((id) => this.on(id));
    return `${on.length === 0 ? 'none' : on.join(', ')}${this.#off.size === 0 ? '' : ` (off: ${this.off.join(', ')})`}`;
  }
}
