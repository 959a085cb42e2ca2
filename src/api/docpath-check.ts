/**
 * Names and docpaths a server returns are input, not truth (issue 15): a listing holding
 * `../../etc/passwd`, `/etc/shadow` or a NUL must never reach a request lumensync sends. A usable
 * docpath is exactly `{org}/{folder}/{storedName}`, each segment a plain name.
 */

/** C0 controls and DEL (one regular expression: this runs for every listed document). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const isControl = (text: string): boolean => CONTROL.test(text);

/** Why `segment` is not a plain stored name (or folder / org name); undefined when it is. */
export function segmentProblem(segment: string): string | undefined {
  if (segment.trim() === '') return 'an empty name';
  if (segment === '.' || segment === '..') return `a "${segment}" segment`;
  if (segment.includes('\\')) return 'a backslash';
  if (isControl(segment)) return 'a control character';
  return undefined;
}

/** Why `docpath` is not `{org}/{folder}/{storedName}` (inside `folder` when given); undefined when it is. */
export function docpathProblem(docpath: string, folder?: string): string | undefined {
  const segments = docpath.split('/');
  if (segments.length !== 3) return `${segments.length - 1} separator(s) where a docpath has 2`;
  for (const segment of segments) {
    const problem = segmentProblem(segment);
    if (problem !== undefined) return problem;
  }
  if (folder !== undefined && segments[1] !== folder) return `a folder other than "${folder}"`;
  return undefined;
}
