/**
 * The skimmed W1 parser against parse.ts on generated bodies: same workspace and kept docpaths
 * (or both refuse), whatever the chunking; and after one random byte is broken, a body
 * JSON.parse refuses is refused too, one it accepts reads the same.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ArraySkimmer } from '../../src/api/array-skimmer.js';
import { NO_SUCH_WORKSPACE, WorkspaceDocpathsParser } from '../../src/api/workspace-stream.js';
import { ResponseShapeError, parseWorkspaceDetail } from '../../src/api/parse.js';
import { createPrng } from '../../src/emulator/faults.js';

/** Seeded, so a failure names its seed (the emulator's fault PRNG). */
const random = createPrng;

const keep = (docpath: string): boolean => docpath.startsWith('acme/mirror/');
const TRICKY = ['', 'a', ']', '}', ',', ':', '"', '\\', '\\"]', 'é', '📄', '\n\t', '{"documents":[1]}', 'documents', 'x\u0000y', '\u2028'];

function generator(next: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const text = (): string => Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(TRICKY)).join('');
  const scalar = (): unknown => pick([() => text(), () => Math.floor(next() * 2000) - 1000, () => next() * 1e-3, () => 1e21, () => true, () => false, () => null])();
  const value = (depth: number): unknown => {
    if (depth > 2 || next() < 0.5) return scalar();
    if (next() < 0.5) return Array.from({ length: Math.floor(next() * 3) }, () => value(depth + 1));
    const object: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 3); i > 0; i--) object[pick(['k', text(), 'documents', 'docpath'])] = value(depth + 1);
    return object;
  };
  const docpath = (): string => pick(['acme/mirror/', 'mirror/', 'acme/other/', '', 'acme/mirror/../', 'acme/mirror/sub/']) + pick(['a.json', 'b "q".json', 'é.json', '', 'c\\d.json']);
  const element = (): unknown => pick([
    () => docpath(),
    () => ({ id: 1, docpath: docpath(), metadata: JSON.stringify({ title: text(), docSource: text() }), pinned: false }),
    () => ({ location: docpath(), extra: value(1) }),
    () => ({ docpath: next() < 0.5 ? '' : 7, location: docpath() }),
    () => value(1),
  ])();
  const workspace = (): Record<string, unknown> => {
    const object: Record<string, unknown> = {};
    if (next() < 0.9) object.slug = '737570706f7274';
    if (next() < 0.8) object.originalSlug = 'support';
    if (next() < 0.5) object.name = pick([text(), 5, { nested: true }]);
    if (next() < 0.3) object.threads = [{ documents: [element()] }];
    if (next() < 0.85) object.documents = next() < 0.9 ? Array.from({ length: Math.floor(next() * 6) }, element) : scalar();
    if (next() < 0.3) object[text()] = value(0);
    return object;
  };
  return (): unknown => pick([
    () => ({ workspace: workspace() }),
    () => ({ workspace: Array.from({ length: pick([0, 1, 1, 1, 2]) }, () => (next() < 0.9 ? workspace() : scalar())) }),
    () => workspace(),
    () => ({ workspace: null, ...workspace() }),
    () => ({ workspace: scalar() }),
    () => [workspace()],
    () => scalar(),
  ])();
}

type Outcome = 'refused' | ReturnType<typeof parseWorkspaceDetail>;

function expected(text: string): Outcome {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'refused';
  }
  try {
    const detail = parseWorkspaceDetail(body, 'acme');
    return { ...detail, docpaths: detail.docpaths.filter(keep) };
  } catch (error) {
    if (error instanceof ResponseShapeError) return 'refused';
    throw error;
  }
}

function skimmed(text: string, chunkSize: number): Outcome {
  try {
    const parser = new WorkspaceDocpathsParser('acme', keep);
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += chunkSize) parser.write(bytes.subarray(at, at + chunkSize));
    const result = parser.end();
    if (result[NO_SUCH_WORKSPACE] === true) return 'refused';
    return parseWorkspaceDetail(result, 'acme');
  } catch (error) {
    if (error instanceof ResponseShapeError) return 'refused';
    throw error;
  }
}

const BREAKERS = ['', '[', ']', '{', '}', ',', ':', '"', '\\', ' ', '0', 'n'];

describe('WorkspaceDocpathsParser (skimmed) against parse.ts', () => {
  it('reads 600 generated bodies the same way, in any chunking', () => {
    let accepted = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const next = random(seed);
      const body = generator(next)();
      const text = JSON.stringify(body, null, seed % 3 === 0 ? 2 : seed % 3 === 1 ? undefined : '\t');
      const want = expected(text);
      if (want !== 'refused') accepted++;
      for (const chunkSize of [1, 3, 17, 4096]) assert.deepEqual(skimmed(text, chunkSize), want, `seed ${seed}, chunk ${chunkSize}: ${text}`);
    }
    assert.ok(accepted > 200, `only ${accepted} generated bodies were readable workspaces`);
  });

  it('refuses what JSON.parse refuses after one byte is broken, and reads the same otherwise', () => {
    let refused = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const next = random(seed * 7919);
      const text = JSON.stringify(generator(next)());
      const at = Math.floor(next() * text.length);
      const breaker = BREAKERS[Math.floor(next() * BREAKERS.length)]!;
      const cut = next() < 0.5 ? text.slice(0, at) + breaker + text.slice(at + 1) : text.slice(0, at) + breaker + text.slice(at);
      // What the body's bytes say (a cut through a surrogate pair is U+FFFD once encoded).
      const broken = Buffer.from(cut).toString('utf8');
      const want = expected(broken);
      if (want === 'refused') refused++;
      for (const chunkSize of [2, 4096]) assert.deepEqual(skimmed(broken, chunkSize), want, `seed ${seed}, chunk ${chunkSize}: ${broken}`);
    }
    assert.ok(refused > 300, `only ${refused} broken bodies were refused`);
  });
});

describe('ArraySkimmer', () => {
  it('hands over each element of the keyed arrays and keeps the rest as a skeleton with markers', () => {
    const elements: Array<[number, unknown]> = [];
    const skimmer = new ArraySkimmer('documents', (index, value) => elements.push([index, value]));
    skimmer.write(Buffer.from('{"a":[1,{"documents":[2]}], "documents" : [ "x\\"]" , {"b":[3,"]"]} ,4 ,true],"z":"documents"}'));
    const skeleton = JSON.parse(skimmer.end()) as { a: [number, { documents: string }]; documents: string; z: string };
    assert.deepEqual(elements, [[0, 2], [1, 'x"]'], [1, { b: [3, ']'] }], [1, 4], [1, true]]);
    assert.equal(skimmer.arrayIndexOf(skeleton.a[1].documents), 0);
    assert.equal(skimmer.arrayIndexOf(skeleton.documents), 1);
    assert.equal(skeleton.z, 'documents');
    assert.equal(skimmer.arrayIndexOf('documents'), undefined);
  });

  for (const [label, text] of [['a trailing comma', '{"documents":[1,]}'], ['a missing comma', '{"documents":[1 2]}'], ['a leading comma', '{"documents":[,1]}'], ['the end inside the array', '{"documents":[1,']] as const) {
    it(`${label} → ResponseShapeError`, () => {
      const skimmer = new ArraySkimmer('documents', () => undefined);
      assert.throws(() => {
        skimmer.write(Buffer.from(text));
        skimmer.end();
      }, ResponseShapeError);
    });
  }
});
