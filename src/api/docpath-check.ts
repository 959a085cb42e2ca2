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

/** A segment that is plainly fine: starts and ends with a printable ASCII character other than a space, and is not `.` or `..`. */
const plainSegment = (docpath: string, from: number, to: number): boolean => {
  if (to <= from) return false;
  const first = docpath.charCodeAt(from);
  const last = docpath.charCodeAt(to - 1);
  if (first <= 0x20 || first >= 0x7f || last <= 0x20 || last >= 0x7f) return false;
  return !(first === 0x2e && (to - from === 1 || (to - from === 2 && last === 0x2e)));
};

/** Why `docpath` is not `{org}/{folder}/{storedName}` (inside `folder` when given); undefined when it is. */
export function docpathProblem(docpath: string, folder?: string): string | undefined {
  // Fast path (every listed document runs this): exactly two separators, no backslash or control
  // character, segments that plainly are names; anything else gets the exact check below.
  const first = docpath.indexOf('/');
  const second = first === -1 ? -1 : docpath.indexOf('/', first + 1);
  if (second !== -1 && docpath.indexOf('/', second + 1) === -1 && !docpath.includes('\\') && !isControl(docpath)
    && plainSegment(docpath, 0, first) && plainSegment(docpath, first + 1, second) && plainSegment(docpath, second + 1, docpath.length)) {
    return folder !== undefined && (second - first - 1 !== folder.length || !docpath.startsWith(folder, first + 1)) ? `a folder other than "${folder}"` : undefined;
  }
  const segments = docpath.split('/');
  if (segments.length !== 3) return `${segments.length - 1} separator(s) where a docpath has 2`;
  for (const segment of segments) {
    const problem = segmentProblem(segment);
    if (problem !== undefined) return problem;
  }
  if (folder !== undefined && segments[1] !== folder) return `a folder other than "${folder}"`;
  return undefined;
}
