/** DirtySet: coalescing, settling, delete grace, holds between halves of a move, overflow. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirtySet, type Fingerprint } from '../../src/watch/dirty-set.js';

type Step =
  | { at: number; mark: string; kind?: 'change' | 'delete' }
  | { at: number; take: string[] }
  | { at: number; nextDue: number | undefined }
  | { at: number; overflowed: boolean; size?: number };

interface Case {
  label: string;
  options?: ConstructorParameters<typeof DirtySet>[0];
  /** Fingerprint per path per time (default: stable and present). */
  probe?: (relativePath: string, now: number) => Fingerprint;
  steps: Step[];
}

const stable = (): Fingerprint => ({ size: 1, mtimeMs: 1 });

const cases: Case[] = [
  {
    label: 'a change is taken after settle + one stability recheck, not before',
    steps: [
      { at: 0, mark: 'a.txt' },
      { at: 999, take: [] },
      { at: 1000, take: [] }, // first check records the fingerprint
      { at: 1000, nextDue: 1250 },
      { at: 1250, take: ['a.txt'] },
      { at: 1250, nextDue: undefined },
    ],
  },
  {
    label: 'events on one path coalesce and restart the settle time',
    steps: [
      { at: 0, mark: 'a.txt' },
      { at: 800, mark: 'a.txt' },
      { at: 1000, take: [] },
      { at: 1800, take: [] },
      { at: 2050, take: ['a.txt'] },
    ],
  },
  {
    label: 'a file still growing is held until size and mtime agree on two checks',
    probe: (_path, now) => (now < 1500 ? { size: now, mtimeMs: now } : { size: 9, mtimeMs: 9 }),
    steps: [
      { at: 0, mark: 'big.bin' },
      { at: 1000, take: [] },
      { at: 1250, take: [] },
      { at: 1500, take: [] },
      { at: 1750, take: ['big.bin'] },
    ],
  },
  {
    label: 'a delete waits for its grace period',
    steps: [
      { at: 0, mark: 'a.txt', kind: 'delete' },
      { at: 1999, take: [] },
      { at: 2000, take: ['a.txt'] },
    ],
  },
  {
    label: 'rename: the new path waits for the delete, and both go out in one batch',
    steps: [
      { at: 0, mark: 'old.txt', kind: 'delete' },
      { at: 10, mark: 'new.txt' },
      { at: 1010, take: [] },
      { at: 1010, nextDue: 2000 },
      { at: 2000, take: [] }, // new.txt's first stability check holds old.txt too
      { at: 2250, take: ['new.txt', 'old.txt'] },
    ],
  },
  {
    label: 'atomic save: temp created and removed, original changed: one batch after the grace',
    steps: [
      { at: 0, mark: '.a.txt.tmp' },
      { at: 5, mark: '.a.txt.tmp', kind: 'delete' },
      { at: 5, mark: 'a.txt' },
      { at: 1500, take: [] },
      { at: 2005, take: [] },
      { at: 2255, take: ['.a.txt.tmp', 'a.txt'] },
    ],
  },
  {
    label: 'a change is never held behind deletes longer than maxHoldMs',
    options: { maxHoldMs: 3000 },
    steps: [
      { at: 0, mark: 'a.txt' },
      { at: 0, mark: 'x', kind: 'delete' },
      { at: 1900, mark: 'x', kind: 'delete' },
      { at: 3800, mark: 'x', kind: 'delete' },
      { at: 3800, take: [] },
      { at: 3800, nextDue: 4050 },
      { at: 4050, take: ['a.txt'] },
    ],
  },
  {
    label: 'past maxDirty it drops the paths and asks for one full reconcile after quiet',
    options: { maxDirty: 3 },
    steps: [
      { at: 0, mark: 'a' },
      { at: 1, mark: 'b' },
      { at: 2, mark: 'c' },
      { at: 3, overflowed: false, size: 3 },
      { at: 4, mark: 'd' },
      { at: 5, overflowed: true, size: 0 },
      { at: 600, mark: 'e' },
      { at: 600, nextDue: 1600 },
      { at: 1600, take: [] },
    ],
  },
];

for (const testCase of cases) {
  test(testCase.label, () => {
    const dirty = new DirtySet(testCase.options);
    const probe = testCase.probe ?? stable;
    for (const step of testCase.steps) {
      if ('mark' in step) dirty.mark(step.mark, step.kind ?? 'change', step.at);
      else if ('take' in step) assert.deepEqual(dirty.take(step.at, (relativePath) => probe(relativePath, step.at)).relativePaths, step.take, `take at ${step.at}`);
      else if ('nextDue' in step) assert.equal(dirty.nextDueAt(step.at), step.nextDue, `nextDue at ${step.at}`);
      else {
        assert.equal(dirty.overflowed, step.overflowed, `overflowed at ${step.at}`);
        if (step.size !== undefined) assert.equal(dirty.size, step.size);
      }
    }
  });
}

test('lag is the age of the oldest waiting event; takeOverflow clears the overflow', () => {
  const dirty = new DirtySet({ maxDirty: 1 });
  dirty.mark('a', 'change', 100);
  assert.equal(dirty.lagMs(600), 500);
  dirty.mark('b', 'change', 700);
  assert.equal(dirty.overflowed, true);
  assert.equal(dirty.lagMs(1100), 1000);
  dirty.takeOverflow();
  assert.equal(dirty.overflowed, false);
  assert.equal(dirty.lagMs(1200), 0);
});

test('a change whose size+mtime at event time still hold after the settle time is taken at once', () => {
  const dirty = new DirtySet({ settleMs: 1000, recheckMs: 250 });
  const fingerprint = { size: 10, mtimeMs: 5 };
  dirty.mark('a', 'change', 0, fingerprint);
  assert.deepEqual(dirty.take(999, () => fingerprint).relativePaths, []);
  assert.deepEqual(dirty.take(1000, () => fingerprint).relativePaths, ['a'], 'no extra recheck when the first check was at event time');
});

test('a change that moved since its event-time check waits for another recheck', () => {
  const dirty = new DirtySet({ settleMs: 1000, recheckMs: 250 });
  dirty.mark('a', 'change', 0, { size: 10, mtimeMs: 5 });
  const grown = { size: 20, mtimeMs: 6 };
  assert.deepEqual(dirty.take(1000, () => grown).relativePaths, [], 'still being written');
  assert.equal(dirty.nextDueAt(1000), 1250);
  assert.deepEqual(dirty.take(1250, () => grown).relativePaths, ['a']);
});

test('a batch says when the earliest of its events came (what the sibling check measures from)', () => {
  const dirty = new DirtySet({ settleMs: 100 });
  dirty.mark('b', 'change', 20, stable());
  dirty.mark('a', 'change', 10, stable());
  dirty.mark('a', 'change', 30, stable());
  dirty.mark('later', 'change', 150, stable());
  assert.deepEqual(dirty.take(200, stable), { relativePaths: ['a', 'b'], firstEventAt: 10 }, 'a\'s first event, not its last; not the path still settling');
  assert.ok(dirty.has('later'));
  assert.equal(dirty.has('a'), false);
  assert.deepEqual(dirty.take(210, stable), { relativePaths: [] }, 'an empty batch names no time');
});
