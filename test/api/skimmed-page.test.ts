/**
 * The skimmed folder page (element by element, no page-sized string) against the whole-page
 * reading (one JSON.parse) on generated bodies: the same documents and page info, or both
 * refuse, whatever the chunking; and after one random byte is broken, the same again.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseShapeError } from '../../src/api/parse.js';
import { parseSkimmedFolderPage } from '../../src/api/skimmed-page.js';
import type { RemoteDocument } from '../../src/api/types.js';
import { parseWholeFolderPage } from '../../src/api/whole-page.js';
import { createPrng } from '../../src/emulator/faults.js';

const KEYS = new Set(['docpath', 'location', 'name', 'filename', 'title', 'docSource', 'docAuthor']);
const TRICKY = ['', 'a', ']', '}', ',', ':', '"', '\\', '\\"]', 'é', '📄', '\n', 'documents', 'items', '[1,{"documents":[]}]'];

function generator(next: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const text = (): string => Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(TRICKY)).join('');
  const scalar = (): unknown => pick([() => text(), () => Math.floor(next() * 100), () => true, () => null])();
  const value = (depth: number): unknown => {
    if (depth > 2 || next() < 0.5) return scalar();
    if (next() < 0.5) return Array.from({ length: Math.floor(next() * 3) }, () => value(depth + 1));
    const object: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 3); i > 0; i--) object[pick(['k', text(), 'documents', 'items', 'title'])] = value(depth + 1);
    return object;
  };
  const item = (): unknown => pick([
    () => ({ name: `${text()}.json`, title: text(), docSource: text(), docAuthor: 'lumensync', pinnedWorkspaces: [value(1)], cached: next() < 0.5 }),
    () => ({ docpath: pick(['acme/f/a.json', 'f/b.json', '/acme/f/c.json']), metadata: next() < 0.5 ? { title: text(), extra: value(1) } : JSON.stringify({ docSource: text() }) }),
    () => ({ location: 'acme/f/l.json', title: 7 }),
    () => value(1),
  ])();
  const list = (): unknown[] => Array.from({ length: Math.floor(next() * 5) }, item);
  return (): unknown => pick([
    () => ({ folder: 'f', documents: list(), totalCount: Math.floor(next() * 9), hasMore: next() < 0.5 }),
    () => ({ hasMore: true, items: list(), documents: next() < 0.5 ? null : text() }),
    () => ({ meta: { documents: list() }, documents: list() }),
    () => ({ items: list(), documents: list() }),
    () => list(),
    () => ({ success: true }),
    () => scalar(),
  ])();
}

type Outcome = 'refused' | { documents: RemoteDocument[]; info: unknown };

function read(parse: (onDocument: (document: RemoteDocument) => void) => unknown): Outcome {
  const documents: RemoteDocument[] = [];
  try {
    return { info: parse((document) => documents.push(document)), documents };
  } catch (error) {
    if (error instanceof ResponseShapeError) return 'refused';
    throw error;
  }
}

const whole = (text: string): Outcome => read((onDocument) => parseWholeFolderPage(text, 'acme', 'f', KEYS, onDocument));
const skimmed = (text: string, chunkSize: number): Outcome => {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  return read((onDocument) => parseSkimmedFolderPage(chunks, 'acme', 'f', KEYS, onDocument));
};

const BREAKERS = ['', '[', ']', '{', '}', ',', ':', '"', '\\', ' ', '0', 'n'];

describe('parseSkimmedFolderPage against parseWholeFolderPage', () => {
  it('reads 500 generated bodies the same way, in any chunking', () => {
    let accepted = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const text = JSON.stringify(generator(createPrng(seed))(), null, seed % 2 === 0 ? 1 : undefined);
      const want = whole(text);
      if (want !== 'refused') accepted++;
      for (const chunkSize of [1, 5, 4096]) assert.deepEqual(skimmed(text, chunkSize), want, `seed ${seed}, chunk ${chunkSize}: ${text}`);
    }
    assert.ok(accepted > 200, `only ${accepted} generated bodies were readable pages`);
  });

  it('refuses what JSON.parse refuses after one byte is broken, and reads the same otherwise', () => {
    let refused = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const next = createPrng(seed * 7919);
      const text = JSON.stringify(generator(next)());
      const at = Math.floor(next() * text.length);
      const breaker = BREAKERS[Math.floor(next() * BREAKERS.length)]!;
      const broken = Buffer.from(next() < 0.5 ? text.slice(0, at) + breaker + text.slice(at + 1) : text.slice(0, at) + breaker + text.slice(at)).toString('utf8');
      const want = whole(broken);
      if (want === 'refused') refused++;
      for (const chunkSize of [3, 4096]) assert.deepEqual(skimmed(broken, chunkSize), want, `seed ${seed}, chunk ${chunkSize}: ${broken}`);
    }
    assert.ok(refused > 200, `only ${refused} broken bodies were refused`);
  });
});
