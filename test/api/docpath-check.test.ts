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
