/** DEFAULT_IGNORES, the fast default matcher, and IgnoreRules layering (git semantics). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ignore from 'ignore';
import { DEFAULT_IGNORES, IgnoreRules, matchesDefaultIgnore } from '../../src/local/ignore.js';

test('matchesDefaultIgnore agrees with the ignore package on DEFAULT_IGNORES', async (t) => {
  const reference = ignore({ ignorecase: false }).add([...DEFAULT_IGNORES]);
  const names = [
    '.git', 'node_modules', '.DS_Store', 'Thumbs.db', 'a.swp', '.swp', 'a.swo', 'notes~', '~', '~$report.docx', '~$', '.#lock',
    '.lumenignore', 'readme.md', 'git', '.gitignore', 'node_modules2', 'swp', 'a.swpx', '~report', '$~x', '.#', '#x#', 'thumbs.db',
    '.ds_store', 'a.SWP', 'x.swp.txt', 'café', '😀~', 'line\nbreak',
  ];
  for (const name of names) {
    for (const isDirectory of [false, true]) {
      await t.test(`${JSON.stringify(name)} as ${isDirectory ? 'directory' : 'file'}`, () => {
        const expected = reference.ignores(isDirectory ? `${name}/` : name);
        assert.equal(matchesDefaultIgnore(name, isDirectory), expected);
        assert.equal(IgnoreRules.forRoot().isIgnored(`deep/er/${name}`, isDirectory), expected, 'defaults apply at any depth');
      });
    }
  }
});

interface RulesCase {
  label: string;
  ignore?: string[];
  /** `.lumenignore` files, keyed by the directory holding them ('' = root), applied shallow to deep. */
  files?: Array<[string, string]>;
  /** Path → expected verdict; a trailing '/' marks a directory. */
  expect: Record<string, boolean>;
}

const rulesCases: RulesCase[] = [
  {
    label: '--ignore patterns: anchored, basename and directory-only forms',
    ignore: ['/top.txt', '*.tmp', 'build/'],
    expect: { 'top.txt': true, 'a/top.txt': false, 'a/b.tmp': true, 'build/': true, 'a/build/': true, build: false, 'c.txt': false },
  },
  {
    label: 'negation re-includes a default',
    ignore: ['!node_modules/', '!*.swp'],
    expect: { 'node_modules/': false, 'x.swp': false, '.git/': true },
  },
  {
    label: 'a nested .lumenignore applies only under its directory',
    files: [['docs', 'secret/\n*.pdf\n']],
    expect: { 'docs/a.pdf': true, 'docs/x/y.pdf': true, 'docs/secret/': true, 'a.pdf': false, 'other/secret/': false, 'docs/a.md': false },
  },
  {
    label: 'deeper files override shallower ones, in both directions',
    ignore: ['*.log'],
    files: [['', '!keep.log\n'], ['sub', '!debug.log\nkeep.log\n']],
    expect: { 'a.log': true, 'keep.log': false, 'sub/debug.log': false, 'sub/keep.log': true, 'sub/x.log': true },
  },
  {
    label: 'a directory excluded above but re-included below does not hide its children',
    ignore: ['drafts/', '*.bak'],
    files: [['docs', '!drafts/\n']],
    expect: { 'drafts/': true, 'docs/drafts/': false, 'docs/drafts/a.md': false, 'docs/drafts/a.bak': true },
  },
  {
    label: 'root .lumenignore after --ignore: the last matching rule wins',
    ignore: ['*.md'],
    files: [['', '!README.md\n']],
    expect: { 'README.md': false, 'other.md': true, 'x/README.md': false },
  },
  {
    label: 'comments and blank lines are no rules; case matters',
    files: [['', '# just a comment\n\n   \n']],
    ignore: ['*.PDF'],
    expect: { 'a.pdf': false, 'a.PDF': true },
  },
];

test('IgnoreRules layering', async (t) => {
  for (const rulesCase of rulesCases) {
    await t.test(rulesCase.label, () => {
      let rules = IgnoreRules.forRoot(rulesCase.ignore ?? []);
      for (const [directory, content] of rulesCase.files ?? []) rules = rules.withIgnoreFile(directory, content);
      for (const [pathname, expected] of Object.entries(rulesCase.expect)) {
        const isDirectory = pathname.endsWith('/');
        assert.equal(rules.isIgnored(isDirectory ? pathname.slice(0, -1) : pathname, isDirectory), expected, pathname);
      }
    });
  }
});

test('rule sets without patterns stay on the defaults-only fast path', async (t) => {
  const cases: Array<{ label: string; build: () => IgnoreRules; onlyDefaults: boolean }> = [
    { label: 'no --ignore', build: () => IgnoreRules.forRoot(), onlyDefaults: true },
    { label: 'blank --ignore entries', build: () => IgnoreRules.forRoot(['', '  ', '# c']), onlyDefaults: true },
    { label: 'comment-only .lumenignore', build: () => IgnoreRules.forRoot().withIgnoreFile('a', '# nothing\n'), onlyDefaults: true },
    { label: 'a real pattern', build: () => IgnoreRules.forRoot(['*.tmp']), onlyDefaults: false },
  ];
  for (const testCase of cases) {
    await t.test(testCase.label, () => assert.equal(testCase.build().onlyDefaults, testCase.onlyDefaults));
  }
});
