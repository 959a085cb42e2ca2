/**
 * The skimmer's fast path: runs of compact object elements cut at `},{` and parsed at once. A cut
 * inside a string, or past the array's end, must not parse; whatever the cuts, the skimmer hands
 * over the same elements JSON.parse reads, and refuses what it refuses.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ArraySkimmer } from '../../src/api/array-skimmer.js';
import { parseElementBatch } from '../../src/api/element-batch.js';
import { ResponseShapeError } from '../../src/api/parse.js';
import { createPrng } from '../../src/emulator/faults.js';

const bytesOf = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Skim `text` in chunks of `chunkSize`; the elements of each keyed array, in order. */
function skim(text: string, chunkSize: number): unknown[] {
  const elements: unknown[] = [];
  const skimmer = new ArraySkimmer('documents', (_index, value) => elements.push(value));
  const bytes = bytesOf(text);
  for (let at = 0; at < bytes.length; at += chunkSize) skimmer.write(bytes.subarray(at, at + chunkSize));
  skimmer.end();
  return elements;
}

/** skim(), counting the JSON.parse calls it makes. */
function skimCountingParses(text: string, chunkSize: number): { elements: unknown[]; calls: number } {
  const parse = JSON.parse;
  let calls = 0;
  JSON.parse = ((...args: Parameters<typeof JSON.parse>) => {
    calls++;
    return parse(...args);
  }) as typeof JSON.parse;
  try {
    return { elements: skim(text, chunkSize), calls };
  } finally {
    JSON.parse = parse;
  }
}

describe('parseElementBatch', () => {
  it('parses the run up to the last },{ and says where it ended', () => {
    const text = '{"a":1},{"b":[2,{"c":3}]},{"d":"x"}';
    const batch = parseElementBatch(bytesOf(text), 0);
    assert.deepEqual(batch.values, [{ a: 1 }, { b: [2, { c: 3 }] }]);
    assert.equal(text[(batch as { end: number }).end], ',');
  });

  it('refuses a cut inside a string, and says to try again past it', () => {
    const text = '{"a":"ends in },{"},{"b":2';
    const cut = text.indexOf('},{');
    const batch = parseElementBatch(bytesOf(text), 0);
    // The last },{ is the real one, after the string: the string's own },{ is not the cut.
    assert.deepEqual(batch.values, [{ a: 'ends in },{' }]);
    const inside = parseElementBatch(bytesOf(text), 0, text.lastIndexOf('},{'));
    assert.equal(inside.values, undefined);
    assert.equal((inside as { retryAt: number }).retryAt, cut + 1);
  });

  it('refuses a run that passes the end of the array', () => {
    const text = '{"a":1}],"other":[{"b":2},{"c":3}]';
    assert.equal(parseElementBatch(bytesOf(text), 0).values, undefined);
  });

  it('gives up on bytes without a cut after the start, and keeps to its byte budget', () => {
    const noCut = parseElementBatch(bytesOf('{"a":1},{"b":2}'), 8);
    assert.deepEqual(noCut, { values: undefined, retryAt: 15 });
    // An element longer than the window: try again past the window, not at the end of the bytes.
    const long = `{"a":"${'x'.repeat(100)}"},{"b":2},{"c":3}`;
    assert.deepEqual(parseElementBatch(bytesOf(long), 0, 50), { values: undefined, retryAt: 48 });
    const text = Array.from({ length: 10 }, (_, index) => `{"n":${index}}`).join(',');
    const batch = parseElementBatch(bytesOf(text), 0, 30);
    assert.deepEqual(batch.values, [{ n: 0 }, { n: 1 }, { n: 2 }]);
  });
});

describe('ArraySkimmer with element batches', () => {
  it('reads many elements in a few JSON.parse calls', () => {
    const documents = Array.from({ length: 2_000 }, (_, index) => ({ docpath: `acme/f/${index}.json`, metadata: JSON.stringify({ title: `t${index}` }) }));
    const { elements, calls } = skimCountingParses(JSON.stringify({ workspace: [{ slug: 'x', documents }] }), 64 * 1024);
    assert.deepEqual(elements, documents);
    assert.ok(calls < 50, `${calls} JSON.parse calls for 2,000 elements`);
  });

  it('batches again after an element longer than the window, within the same chunk', () => {
    const documents = [{ long: 'x'.repeat(100 * 1024) }, ...Array.from({ length: 3_000 }, (_, index) => ({ n: index }))];
    const { elements, calls } = skimCountingParses(JSON.stringify({ documents }), 1 << 20);
    assert.deepEqual(elements, documents);
    assert.ok(calls < 50, `${calls} JSON.parse calls for 3,001 elements in one chunk`);
  });

  it('reads elements full of },{ strings, split anywhere, as JSON.parse does', () => {
    const next = createPrng(7);
    const pieces = ['},{', '},{"', '"},{"a":1', '\\"},{\\"', ']', '[', 'é', ',', '{}', '\\\\'];
    for (let round = 0; round < 60; round++) {
      const documents = Array.from({ length: 1 + Math.floor(next() * 40) }, () => {
        const text = Array.from({ length: Math.floor(next() * 4) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
        return next() < 0.2 ? {} : { docpath: text, nested: next() < 0.5 ? [text, { text }] : { inner: text } };
      });
      const body = JSON.stringify({ documents, after: [{ a: 1 }, { b: 2 }] });
      for (const chunkSize of [5, 64, 1000, 1 << 20]) assert.deepEqual(skim(body, chunkSize), documents, `round ${round}, chunk ${chunkSize}`);
    }
  });

  it('refuses a broken element inside a run, wherever it is', () => {
    const good = Array.from({ length: 50 }, (_, index) => JSON.stringify({ n: index }));
    for (const broken of ['{"n":01}', '{"n":1,}', '{"n" 1}', '{"n":"\u0001"}', '{"n":tru}']) {
      for (const at of [0, 25, 49]) {
        const elements = [...good];
        elements[at] = broken;
        const body = `{"documents":[${elements.join(',')}]}`;
        assert.throws(() => JSON.parse(body));
        for (const chunkSize of [7, 1 << 20]) assert.throws(() => skim(body, chunkSize), ResponseShapeError, `${broken} at ${at}, chunk ${chunkSize}`);
      }
    }
  });
});
