/**
 * Many array elements parsed by one `JSON.parse` (array-skimmer.ts's fast path). Finding where
 * each element of a 66 MB workspace answer ends, byte by byte, costs more than parsing it: its
 * documents carry their metadata as an escaped JSON string, so every `\"` is a step. Instead, a
 * run of elements is cut at the last `},{` of the chunk and parsed at once as `[run]`.
 *
 * Why a cut that parses is a real boundary: JSON is read left to right with no look-ahead, so at
 * any byte the reader is in one state, whatever follows. A run starts at an element's first byte,
 * outside any string. If the cut's `}` lies inside a string (a value ending in `},{` is legal), the
 * run ends inside that string and `JSON.parse` refuses it; if the array closed inside the run, the
 * text after the wrapping `]` is refused too. So a run that parses is a sequence of whole elements
 * of this array, each validated by `JSON.parse`; one that does not is read the slow way (which
 * then finds the true boundary, or the error to report).
 */
/** `},{`: the end of one object element, its comma, the start of the next. */
const CUT = Buffer.from('},{');
/** Most bytes parsed at once: a string past 128 KiB goes to V8's large-object space, 20–30× slower to decode. */
const ELEMENT_BATCH_MAX_BYTES = 64 * 1024;

/** What a batch attempt gave: the elements and where the run ended (at its last `}` + 1), or where to try again. */
export type ElementBatch = { values: unknown[]; end: number } | { values: undefined; retryAt: number };

/**
 * Parse the elements of the run that starts at `start` (an element's `{`) in `bytes` and ends at the
 * last `},{` within `maxBytes`. `retryAt` says from where a next attempt in these bytes makes
 * sense: past a cut that did not parse, past the window when it holds no cut after `start` (one
 * element is longer than the window), or the end of the bytes.
 */
export function parseElementBatch(bytes: Buffer, start: number, maxBytes = ELEMENT_BATCH_MAX_BYTES): ElementBatch {
  const limit = Math.min(bytes.length, start + maxBytes);
  const cut = limit - CUT.length < start ? -1 : bytes.lastIndexOf(CUT, limit - CUT.length);
  // No cut in the window: the element is longer than it (try again past the window) or the chunk ends.
  if (cut < start) return { values: undefined, retryAt: limit === bytes.length ? limit : limit - CUT.length + 1 };
  try {
    return { values: JSON.parse(`[${bytes.toString('utf8', start, cut + 1)}]`) as unknown[], end: cut + 1 };
  } catch {
    return { values: undefined, retryAt: cut + 1 };
  }
}
