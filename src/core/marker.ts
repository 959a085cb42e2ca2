/**
 * The metadata lumensync attaches to every upload, so that the remote listing alone can
 * rebuild the journal (DESIGN invariant 6): `title` = relative path, `docSource` = marker
 * with the content hash.
 */

const MARKER_PREFIX = 'lumensync:v1:sha256=';
const MARKER_PATTERN = /^lumensync:v1:sha256=([0-9a-f]{64})$/;

/** Metadata for the upload of `relativePath` with content `sha256`. */
export const uploadMetadataFor = (relativePath: string, sha256: string): { title: string; docSource: string; docAuthor: string } => ({
  title: relativePath,
  docSource: `${MARKER_PREFIX}${sha256}`,
  docAuthor: 'lumensync',
});

/** The content hash lumensync stamped on a document, or undefined when it is not ours. */
export const parseMarker = (docSource: string | undefined): string | undefined => {
  if (docSource === undefined) return undefined;
  return MARKER_PATTERN.exec(docSource)?.[1];
};
