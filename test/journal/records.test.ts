import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LumenSyncError } from '../../src/errors.js';
import { encodeRecord, parseLog, type JournalRecord } from '../../src/journal/records.js';

const samples: { label: string; record: JournalRecord }[] = [
  { label: 'put', record: { seq: 1, op: 'put', entry: { relativePath: 'dir/ünï cödé.md', docpath: 'd/1', sha256: 'f'.repeat(64), size: 3, mtimeMs: 1.5 } } },
  { label: 'delete', record: { seq: 2, op: 'delete', relativePath: 'a "quoted"\nname' } },
  { label: 'move', record: { seq: 3, op: 'move', from: 'a', to: 'b', size: 0, mtimeMs: 0 } },
  { label: 'meta', record: { seq: 4, op: 'meta', patch: { workspaces: ['w'], orgSlug: null } } },
  { label: 'begin', record: { seq: 5, op: 'begin', intent: { id: 'i', op: 'create-folder', relativePaths: [], docpaths: ['x'], at: 9 } } },
  { label: 'end', record: { seq: 6, op: 'end', id: 'i', outcome: 'abandoned' } },
];

describe('encodeRecord / parseLog', () => {
  for (const { label, record } of samples) {
    it(`round-trips a ${label} record as one line`, () => {
      const line = encodeRecord(record);
      assert.equal(line.indexOf(0x0a), line.length - 1, 'exactly one newline, at the end');
      assert.doesNotThrow(() => JSON.parse(line.toString()), 'each line is JSON (JSON-lines)');
      const parsed = parseLog(line, '/s/journal.log');
      assert.deepEqual(parsed, { records: [record], goodBytes: line.length, tornTail: false });
    });
  }

  it('parses consecutive records and ignores blank lines', () => {
    const content = Buffer.concat([...samples.map((s) => encodeRecord(s.record)), Buffer.from('\n\n')]);
    const parsed = parseLog(content, '/s/journal.log');
    assert.equal(parsed.records.length, samples.length);
    assert.equal(parsed.tornTail, false);
  });

  const rejected: { label: string; line: (good: string) => string }[] = [
    { label: 'a changed checksum', line: (good) => good.replace(/"c":"[0-9a-f]{8}"/, '"c":"00000000"') },
    { label: 'a changed body', line: (good) => good.replace('"size":0', '"size":1') },
    { label: 'a different envelope', line: (good) => good.replace('"r":', '"x":') },
    { label: 'plain JSON without an envelope', line: () => '{"seq":3,"op":"move","from":"a","to":"b","size":0,"mtimeMs":0}\n' },
  ];
  for (const { label, line } of rejected) {
    it(`detects ${label}: dropped at the end, fatal in the middle`, () => {
      const first = encodeRecord(samples[0]!.record);
      const bad = Buffer.from(line(encodeRecord({ seq: 2, op: 'move', from: 'a', to: 'b', size: 0, mtimeMs: 0 }).toString()));
      const atEnd = parseLog(Buffer.concat([first, bad]), '/s/journal.log');
      assert.deepEqual({ count: atEnd.records.length, goodBytes: atEnd.goodBytes, tornTail: atEnd.tornTail }, { count: 1, goodBytes: first.length, tornTail: true });
      const third = encodeRecord({ seq: 3, op: 'delete', relativePath: 'z' });
      assert.throws(
        () => parseLog(Buffer.concat([first, bad, third]), '/s/journal.log'),
        (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_STATE_CORRUPT' && /\/s\/journal\.log line 2/.test(error.message) && /move the state dir \/s aside/.test(error.hint ?? ''),
      );
    });
  }

  it('refuses records whose seqs do not follow each other', () => {
    const content = Buffer.concat([encodeRecord(samples[1]!.record), encodeRecord(samples[0]!.record)]);
    assert.throws(() => parseLog(content, '/s/journal.log'), /line 2 has seq 1 after seq 2/);
  });
});
