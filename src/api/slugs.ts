/** Hex vs original slug forms (contract §3): path segments are hex, everything else original. */

const HEX_SLUG = /^(?:[0-9a-f]{2})+$/;

/** Original slug → lowercase hex of its UTF-8 bytes (`acme` → `61636d65`). */
export const toHexSlug = (originalSlug: string): string => Buffer.from(originalSlug, 'utf8').toString('hex');

/** True when `value` has the shape of a hex slug (even count of lowercase hex digits). */
export const isHexSlugShape = (value: string): boolean => HEX_SLUG.test(value);

/** Hex slug → original slug; throws when `hex` is not lowercase hex pairs or not valid UTF-8. */
export const fromHexSlug = (hex: string): string => {
  if (!HEX_SLUG.test(hex)) throw new Error(`not a hex slug: ${JSON.stringify(hex)}`);
  const decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(hex, 'hex'));
  return decoded;
};

/**
 * If `value` looks like the hex form of a printable slug, return that original slug.
 * Used to catch users pasting `61636d65` where `acme` belongs. Short or ambiguous values
 * (e.g. `cafe`, which is a plausible original slug too) still decode; callers decide
 * whether to reject or only warn, based on whether the original is known to the server.
 */
export const decodeIfHexSlug = (value: string): string | undefined => {
  if (!HEX_SLUG.test(value)) return undefined;
  try {
    const decoded = fromHexSlug(value);
    // A real slug is printable, without control characters or slashes.
    if (!/^[^\p{Cc}/]+$/u.test(decoded)) return undefined;
    return decoded;
  } catch {
    return undefined;
  }
};
