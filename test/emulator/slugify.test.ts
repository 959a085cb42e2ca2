import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slugifyFileName, slugifyWorkspaceName, storedNameFor, uniqueWorkspaceSlug } from '../../src/emulator/slugify.js';

test('slugifyFileName', async (t) => {
  const cases: [label: string, input: string, expected: string][] = [
    ['spaces become dashes, case kept', 'Q3 Report.pdf', 'Q3-Report.pdf'],
    ['whitespace runs collapse', 'a  \t b.txt', 'a-b.txt'],
    ['unsafe characters dropped', 'a<b>c:d"e|f?g*h\\i/j.md', 'abcdefghij.md'],
    ['control characters dropped', 'a\u0001b.txt', 'ab.txt'],
    ['unicode letters kept', 'niño résumé.docx', 'niño-résumé.docx'],
    ['leading/trailing spaces trimmed', '  x.txt  ', 'x.txt'],
    ['nothing left → fallback', '???', 'document'],
  ];
  for (const [label, input, expected] of cases) await t.test(label, () => assert.equal(slugifyFileName(input), expected));
});

test('storedNameFor appends the uuid and .json', () => {
  assert.equal(storedNameFor('Q3 Report.pdf', 'u-1'), 'Q3-Report.pdf-u-1.json');
});

test('slugifyWorkspaceName', async (t) => {
  const cases: [string, string, string][] = [
    ['lower-cased, spaces → dash', 'Support Bot', 'support-bot'],
    ['punctuation runs → one dash', 'Sales & Marketing!!', 'sales-marketing'],
    ['unicode kept', 'Niño Team', 'niño-team'],
    ['empty → fallback', '***', 'workspace'],
  ];
  for (const [label, input, expected] of cases) await t.test(label, () => assert.equal(slugifyWorkspaceName(input), expected));
});

test('uniqueWorkspaceSlug adds -<8 digits> on collision', () => {
  assert.equal(uniqueWorkspaceSlug('Sales', () => false), 'sales');
  const taken = new Set(['sales']);
  assert.match(uniqueWorkspaceSlug('Sales', (s) => taken.has(s)), /^sales-\d{8}$/);
});
