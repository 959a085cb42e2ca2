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
