import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatProblem, validateConfig } from '../../src/config/validate.js';
import { didYouMean } from '../../src/config/suggest.js';

const EXAMPLE = fileURLToPath(new URL('../../../config/lumensync.example.json', import.meta.url));
const mirror = { root: './docs', org: 'acme', folder: 'docs' };

describe('validateConfig', () => {
  it('accepts the shipped example (which documents every key)', () => {
    assert.deepEqual(validateConfig(JSON.parse(readFileSync(EXAMPLE, 'utf8'))), []);
  });

  const cases: Array<{ label: string; config: unknown; lines: RegExp[] }> = [
    { label: 'minimal config is valid', config: { mirrors: { docs: mirror } }, lines: [] },
    { label: 'mirrors missing', config: {}, lines: [/^mirrors: expected a value \(required\)/] },
    { label: 'unknown top-level key gets did-you-mean', config: { conection: {}, mirrors: { docs: mirror } }, lines: [/^conection: expected a known key .*did you mean "connection"\?$/] },
    { label: 'unknown mirror key gets did-you-mean', config: { mirrors: { docs: { ...mirror, workspace: ['a'] } } }, lines: [/^mirrors\.docs\.workspace: .*did you mean "workspaces"\?$/] },
    { label: 'folder with a slash', config: { mirrors: { docs: { ...mirror, folder: 'a/b' } } }, lines: [/^mirrors\.docs\.folder: expected Remote folder name.*\(got "a\/b"\)$/] },
    { label: 'maxDelete over 100%', config: { mirrors: { docs: { ...mirror, maxDelete: '150%' } } }, lines: [/^mirrors\.docs\.maxDelete: expected a percentage up to 100% or a count \(got "150%"\)$/] },
    { label: 'wrong type', config: { pacing: { concurrency: 'four' }, mirrors: { docs: mirror } }, lines: [/^pacing\.concurrency: expected integer/] },
    { label: 'bad account uuid', config: { connection: { account: 'acme' }, mirrors: { docs: mirror } }, lines: [/^connection\.account: expected Account UUID/] },
    { label: 'bad log level', config: { log: { level: 'loud' }, mirrors: { docs: mirror } }, lines: [/^log\.level: expected one of "trace"/] },
    { label: 'bad mirror name', config: { mirrors: { 'my docs': mirror } }, lines: [/^mirrors\."my docs": expected a mirror name/] },
    { label: 'same root twice', config: { mirrors: { a: mirror, b: { ...mirror, folder: 'other' } } }, lines: [/^mirrors\.b\.root: .*mirror "a" already mirrors it$/] },
    {
      label: 'two mirrors into one org folder (issue 15): refused with the fix',
      config: { mirrors: { a: mirror, b: { ...mirror, root: './other' } } },
      lines: [/^mirrors\.b\.folder: expected a remote folder no other mirror of the organization uses \(got "docs"\); mirror "a" already mirrors into acme\/docs.*give this mirror its own folder/],
    },
    { label: 'same folder name in two organizations is fine', config: { mirrors: { a: mirror, b: { ...mirror, root: './other', org: 'globex' } } }, lines: [] },
    { label: 'custom-documents is shared by design', config: { mirrors: { a: { ...mirror, folder: 'custom-documents' }, b: { ...mirror, root: './other', folder: 'custom-documents' } } }, lines: [] },
    {
      label: 'three mistakes are all reported at once',
      config: { conection: {}, mirrors: { docs: { root: './docs', org: 'acme', folder: 'a/b', concurency: 2 } } },
      lines: [/^conection:/, /^mirrors\.docs\.concurency:/, /^mirrors\.docs\.folder:/],
    },
  ];
  for (const { label, config, lines } of cases) {
    it(label, () => {
      const problems = validateConfig(config).map(formatProblem).sort();
      assert.equal(problems.length, lines.length, problems.join('\n'));
      for (const pattern of lines) assert.ok(problems.some((line) => pattern.test(line)), `${pattern} not in:\n${problems.join('\n')}`);
    });
  }
});

describe('didYouMean', () => {
  const cases: Array<[string, string, string[], string | undefined]> = [
    ['one letter off', 'fodler', ['folder', 'root'], 'folder'],
    ['case only', 'apikey', ['apiKey', 'apiKeyFile'], 'apiKey'],
    ['nothing close', 'colour', ['root', 'org'], undefined],
  ];
  for (const [label, unknown, known, expected] of cases) it(label, () => assert.equal(didYouMean(unknown, known), expected));
});
