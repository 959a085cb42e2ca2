/** docpathProblem: which server-given docpaths are never sent back (issue 15). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docpathProblem } from '../../src/api/docpath-check.js';

test('plain docpaths pass; traversal, backslashes, controls, extra separators and other folders do not', () => {
  const cases: Array<[string, string | undefined]> = [
    ['acme/f/a.json', undefined],
    ['acme/f/été 📄 (1).json', undefined],
    ['acme/f/..', 'a ".." segment'],
    ['acme/./a.json', 'a "." segment'],
    ['acme/f/a\\b.json', 'a backslash'],
    ['acme/f/a\u0000.json', 'a control character'],
    ['acme/f/a\u001f.json', 'a control character'],
    ['acme/f/a\u007f.json', 'a control character'],
    ['acme/f/a\tb.json', 'a control character'],
    ['acme/f/a\u0080.json', undefined],
    ['acme/f/ ', 'an empty name'],
    ['acme/f/sub/a.json', '3 separator(s) where a docpath has 2'],
  ];
  for (const [docpath, problem] of cases) assert.equal(docpathProblem(docpath), problem, JSON.stringify(docpath));
  assert.equal(docpathProblem('acme/g/a.json', 'f'), 'a folder other than "f"');
});

/** The check as it was before its fast path (split into segments, each checked): the reference. */
function referenceProblem(docpath: string, folder?: string): string | undefined {
  const segments = docpath.split('/');
  if (segments.length !== 3) return `${segments.length - 1} separator(s) where a docpath has 2`;
  for (const segment of segments) {
    if (segment.trim() === '') return 'an empty name';
    if (segment === '.' || segment === '..') return `a "${segment}" segment`;
    if (segment.includes('\\')) return 'a backslash';
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    if (/[\u0000-\u001f\u007f]/.test(segment)) return 'a control character';
  }
  if (folder !== undefined && segments[1] !== folder) return `a folder other than "${folder}"`;
  return undefined;
}

test('the fast path answers exactly what the segment-by-segment check answers (20,000 generated docpaths)', () => {
  const parts = ['acme', 'f', 'ff', 'a.json', '.', '..', '...', '', ' ', ' a', 'a ', '\u00a0', '\ufeffa', 'a\\b', 'a\u0000', '\u007f', '\t', 'é', '📄', '/', '//', '.a', 'a.'];
  let seed = 12345;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = (): string => parts[Math.floor(next() * parts.length)]!;
  for (let i = 0; i < 20_000; i++) {
    const docpath = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick() + (next() < 0.3 ? pick() : '')).join('/');
    for (const folder of [undefined, 'f', 'ff', '']) assert.equal(docpathProblem(docpath, folder), referenceProblem(docpath, folder), JSON.stringify([docpath, folder]));
  }
});
