/**
 * The metadata lumensync attaches to every upload, so that the remote listing alone can
 * rebuild the journal (DESIGN invariant 6): `title` = relative path, `docSource` = marker
 * with the content hash.
 */

const MARKER_PREFIX = 'lumensync:v1:sha256=';
const MARKER_PATTERN = /^lumensync:v1:sha256=([0-9a-f]{64})$/;

/** `docAuthor` of a marked upload: names the mirror that owns the document (issue 15). */
const OWNER_PATTERN = /^lumensync \(mirror ([0-9a-f]{6,64})\)$/;

/**
 * Metadata for the upload of `relativePath` with content `sha256`. `owner` (the mirror's id hash)
 * goes into `docAuthor`, so `docSource` keeps the form every earlier version recognises.
 */
export const uploadMetadataFor = (relativePath: string, sha256: string, owner?: string): { title: string; docSource: string; docAuthor: string } => ({
  title: relativePath,
  docSource: `${MARKER_PREFIX}${sha256}`,
  docAuthor: owner === undefined ? 'lumensync' : `lumensync (mirror ${owner})`,
});

/** The mirror a document names as its owner, or undefined (not ours, or uploaded before owners were marked). */
export const parseOwner = (docAuthor: string | undefined): string | undefined => (docAuthor === undefined ? undefined : OWNER_PATTERN.exec(docAuthor)?.[1]);

/** The content hash lumensync stamped on a document, or undefined when it is not ours. */
export const parseMarker = (docSource: string | undefined): string | undefined => {
  if (docSource === undefined) return undefined;
  return MARKER_PATTERN.exec(docSource)?.[1];
};

/** Hex digits of the content hash put into the part file name (48 bits). */
const NAME_HASH_DIGITS = 12;

/**
 * The multipart file name of an upload (U1): upstream processes each upload from a temporary file
 * named after it, so two same-named uploads in flight can swap contents. The name is made unique
 * per content, keeping the extension (the server picks the parser by it) and the base name (the
 * stored document stays recognisable): `docs/README.md` → `README-3fa9c2d1e0b4.md`. Two uploads
 * can then share a name only when they carry the same bytes, where a swap changes nothing.
 * Characters a server may decode or cut at (`%` as in `a%2Fb.txt`, which a strict server reads as
 * `a/b.txt`; `"`, `\\`, control characters) become `_`: the name is only a hint to the server, the
 * exact relative path travels in the title (issue 15 item 7).
 */
export const uploadFileNameFor = (relativePath: string, sha256: string): string => {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a header
  const base = relativePath.slice(relativePath.lastIndexOf('/') + 1).replace(/[%"\\\u0000-\u001f\u007f]/g, '_');
  const tag = sha256.slice(0, NAME_HASH_DIGITS);
  const dot = base.lastIndexOf('.');
  // No extension, or a dotfile such as ".env": the tag goes at the end, still without an extension.
  if (dot <= 0) return `${base}-${tag}`;
  return `${base.slice(0, dot)}-${tag}${base.slice(dot)}`;
};
