/** U9: upstream's parsing verdicts the emulator answers with, table-tested. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeText, parsingFailure } from '../../src/emulator/parsing.js';

const text = Buffer.from('hello world, plain text\n');
/** 9 control bytes in 100: under the 10 % line (text); 10 in 100: over it (binary). */
const mixed = (controls: number): Buffer => Buffer.from([...Array.from({ length: controls }, () => 1), ...Array.from({ length: 100 - controls }, () => 0x61)]);

const cases: { label: string; fileName: string; head: Buffer; bytes: number; expected: string | undefined }[] = [
  { label: 'supported extension parses', fileName: 'a.md', head: text, bytes: text.length, expected: undefined },
  { label: 'supported extension, binary content: no sniff', fileName: 'a.pdf', head: mixed(50), bytes: 100, expected: undefined },
  { label: 'unknown extension, text content: parsed as .txt', fileName: 'notes.xyz', head: text, bytes: text.length, expected: undefined },
  { label: 'unknown extension, 9 % control bytes: text', fileName: 'a.log2', head: mixed(9), bytes: 100, expected: undefined },
  { label: 'unknown extension, 10 % control bytes: refused', fileName: 'a.log2', head: mixed(10), bytes: 100, expected: 'File extension .log2 not supported for parsing and cannot be assumed as text file type.' },
  { label: 'extension compared in lower case', fileName: 'A.XYZ', head: mixed(50), bytes: 100, expected: 'File extension .xyz not supported for parsing and cannot be assumed as text file type.' },
  { label: 'no extension', fileName: 'Makefile', head: text, bytes: text.length, expected: 'No file extension found. This file cannot be processed.' },
  { label: 'dot file has no extension', fileName: '.env', head: text, bytes: text.length, expected: 'No file extension found. This file cannot be processed.' },
  { label: 'empty supported file: no text', fileName: 'empty.md', head: Buffer.alloc(0), bytes: 0, expected: 'No text content found in empty.md.' },
  { label: 'empty unknown extension fails the sniff first', fileName: 'empty.xyz', head: Buffer.alloc(0), bytes: 0, expected: 'File extension .xyz not supported for parsing and cannot be assumed as text file type.' },
];

for (const item of cases) {
  test(`U9 parsing: ${item.label}`, () => assert.equal(parsingFailure(item.fileName, item.head, item.bytes), item.expected));
}

test('U9 sniff: NUL bytes count twice, as upstream counts them', () => {
  assert.equal(looksLikeText(Buffer.from([0, 0, 0, 0, 0, ...Array.from({ length: 95 }, () => 0x61)])), false);
  assert.equal(looksLikeText(Buffer.from([0, 0, 0, 0, ...Array.from({ length: 96 }, () => 0x61)])), true);
});
