import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntryStore } from '../../src/journal/entry-store.js';
import { allDistinct } from '../../src/journal/distinct-slots.js';

const H = (c: string): string => c.repeat(64);
const entry = (relativePath: string, docpath: string) => ({ relativePath, docpath, sha256: H('a'), size: 1, mtimeMs: 2 });

test('docpathsUnique: a docpath held twice, in the same folder only, is a collision', () => {
  const store = new EntryStore();
  assert.equal(store.docpathsUnique(), true, 'empty');
  store.set(entry('a', 'acme/docs/x.json'));
  store.set(entry('b', 'acme/other/x.json'));
  assert.equal(store.docpathsUnique(), true, 'same name, other folder');
  store.set(entry('c', 'acme/docs/x.json'));
  assert.equal(store.docpathsUnique(), false, 'set makes a collision');
  store.delete('a');
  assert.equal(store.docpathsUnique(), true, 'delete removes it');
  store.move('c', 'd', 3, 4);
  assert.equal(store.docpathsUnique(), true, 'a move keeps the docpath, still one holder');
  store.set(entry('b', 'acme/docs/x.json'));
  assert.equal(store.docpathsUnique(), false, 'replacing an entry can collide too');
  store.set(entry('b', 'acme/docs/y.json'));
  assert.equal(store.docpathsUnique(), true, 'and replacing it again clears it');
});

test('docpathsUnique: names kept aside (lone surrogates) and long or short names compare exactly', () => {
  const store = new EntryStore();
  store.set(entry('a', 'acme/docs/bad\ud800.json'));
  store.set(entry('b', 'acme/docs/bad\ud801.json'));
  store.set(entry('c', 'acme/docs/'));
  store.set(entry('d', `acme/docs/${'n'.repeat(1000)}1.json`));
  store.set(entry('e', `acme/docs/${'n'.repeat(1000)}2.json`));
  assert.equal(store.docpathsUnique(), true);
  store.set(entry('f', 'acme/docs/bad\ud801.json'));
  assert.equal(store.docpathsUnique(), false, 'two odd names alike');
  store.delete('f');
  store.set(entry('g', 'acme/docs/'));
  assert.equal(store.docpathsUnique(), false, 'two empty names in one folder');
});

test('docpathsUnique: 50,000 entries whose names rebuild the arena, with one collision added at the end', () => {
  const store = new EntryStore();
  for (let index = 0; index < 50_000; index += 1) store.set(entry(`f${index}`, `acme/docs/name-${index}.json`));
  // Replacements leave garbage in the name arena until it is rebuilt: names must survive it.
  for (let index = 0; index < 50_000; index += 7) store.set(entry(`f${index}`, `acme/docs/renamed-${index}-with-a-longer-name.json`));
  assert.equal(store.docpathsUnique(), true);
  assert.equal(store.get('f7')?.docpath, 'acme/docs/renamed-7-with-a-longer-name.json');
  assert.equal(store.get('f8')?.docpath, 'acme/docs/name-8.json');
  store.set(entry('extra', 'acme/docs/name-49999.json'));
  assert.equal(store.docpathsUnique(), false);
});

test('allDistinct: equal hashes are compared, different values with one hash are not a collision', () => {
  const values = ['a', 'b', 'c', 'a'];
  const constantHash = (): number => 7;
  const same = (slot: number, other: number): boolean => values[slot] === values[other];
  assert.equal(allDistinct([0, 1, 2], 3, constantHash, same), true);
  assert.equal(allDistinct([0, 1, 2, 3], 4, constantHash, same), false);
  assert.throws(() => allDistinct([0, 1, 2], 2, constantHash, same), /more than the 2 slots/);
});

test('NameArena: same() compares bytes, hash() depends on bytes and seed only', async () => {
  const { NameArena } = await import('../../src/journal/name-arena.js');
  const arena = new NameArena(8);
  const names = ['name-1.json', 'name-2.json', 'name-1.json', 'name-1.jso', 'é-1.json', 'é-1.json'];
  names.forEach((name, slot) => arena.store(slot, name, () => names.keys()));
  assert.equal(arena.same(0, 2), true);
  assert.equal(arena.same(0, 1), false, 'same length, other bytes');
  assert.equal(arena.same(0, 3), false, 'a prefix');
  assert.equal(arena.same(4, 5), true, 'UTF-8');
  assert.equal(arena.hash(0, 1), arena.hash(2, 1));
  assert.notEqual(arena.hash(0, 1), arena.hash(2, 2), 'the seed (folder) changes the hash');
  assert.equal(arena.read(4), 'é-1.json');
});

test('unchangedPath: the entry\'s path when size and mtime match, after moves, replacements and deletes', () => {
  const store = new EntryStore();
  store.set(entry('a', 'acme/docs/a.json'));
  store.set(entry('b', 'acme/docs/b.json'));
  assert.equal(store.unchangedPath('a', 1, 2), 'a');
  assert.equal(store.unchangedPath('a', 1, 3), undefined, 'mtime differs');
  assert.equal(store.unchangedPath('a', 2, 2), undefined, 'size differs');
  assert.equal(store.unchangedPath('c', 1, 2), undefined, 'unknown');
  store.move('a', 'c', 5, 6);
  assert.equal(store.unchangedPath('a', 1, 2), undefined);
  assert.equal(store.unchangedPath('c', 5, 6), 'c');
  store.delete('b');
  store.set(entry('d', 'acme/docs/d.json'));
  assert.equal(store.unchangedPath('b', 1, 2), undefined, 'a deleted entry');
  assert.equal(store.unchangedPath('d', 1, 2), 'd', 'its slot reused by another path');
  for (let index = 0; index < 3000; index += 1) store.set(entry(`f${index}`, `acme/docs/f${index}.json`));
  assert.equal(store.unchangedPath('f2999', 1, 2), 'f2999', 'after the columns grew');
  assert.equal(store.unchangedPath('c', 5, 6), 'c');
});

test('forEachDocpath: every entry\'s docpath and path, in order, odd names included', () => {
  const store = new EntryStore();
  store.set(entry('a', 'acme/docs/a.json'));
  store.set(entry('b', 'acme/other/bad\ud800.json'));
  store.set(entry('c', 'acme/docs/c.json'));
  store.set(entry('a', 'acme/docs/a2.json'));
  const seen: [string, string][] = [];
  store.forEachDocpath((docpath, relativePath) => seen.push([docpath, relativePath]));
  assert.deepEqual(seen, [['acme/other/bad\ud800.json', 'b'], ['acme/docs/c.json', 'c'], ['acme/docs/a2.json', 'a']]);
  assert.deepEqual(seen.map(([, relativePath]) => relativePath), [...store.keys()]);
});

/** A store as a snapshot loads it: written with encodeCompactSnapshot, read back with decodeCompactSnapshot. */
async function reloaded(store: EntryStore): Promise<EntryStore> {
  const { encodeCompactSnapshot, decodeCompactSnapshot } = await import('../../src/journal/compact-snapshot.js');
  return decodeCompactSnapshot(encodeCompactSnapshot({ seq: 1, meta: { workspaces: [] }, intents: [], entries: store }, 1)).entries;
}

const rows = (store: EntryStore): unknown[] => {
  const seen: unknown[] = [];
  store.forEachRow((...fields) => seen.push(fields));
  return seen;
};

test('a loaded snapshot answers lookups before its paths are strings, and then becomes the store it was', async () => {
  const original = new EntryStore();
  for (let index = 0; index < 3000; index += 1) {
    original.set({ relativePath: `dir${index % 37}/file ${index}.txt`, docpath: `acme/docs/name-${index}.json`, sha256: (index % 16).toString(16).repeat(64), size: index, mtimeMs: 1000 + index });
  }
  original.set({ relativePath: 'abcd', docpath: 'acme/docs/short.json', sha256: H('b'), size: 4, mtimeMs: 5 });
  original.set({ relativePath: 'a', docpath: 'acme/docs/one.json', sha256: H('c'), size: 1, mtimeMs: 1 });
  const loaded = await reloaded(original);
  // Lookups first: none of them makes the paths strings, all answer as the original does.
  assert.equal(loaded.size, original.size);
  for (const relativePath of ['dir5/file 5.txt', 'dir1/file 2998.txt', 'abcd', 'a']) {
    assert.equal(loaded.has(relativePath), true, relativePath);
    assert.deepEqual(loaded.get(relativePath), original.get(relativePath), relativePath);
    assert.equal(loaded.slotOf(relativePath) !== undefined, true);
  }
  const { size, mtimeMs } = original.get('dir5/file 5.txt')!;
  assert.equal(loaded.unchangedPath('dir5/file 5.txt', size, mtimeMs), 'dir5/file 5.txt');
  assert.equal(loaded.unchangedPath('dir5/file 5.txt', size + 1, mtimeMs), undefined, 'another size');
  for (const absent of ['dir5/file 5.tx', 'dir5/file 5.txtx', '', 'abc', 'abcde', 'dir5/fïle 5.txt', 'b']) {
    assert.equal(loaded.has(absent), false, absent);
    assert.equal(loaded.get(absent), undefined, absent);
  }
  assert.equal(loaded.docpathsUnique(), true);
  // Then anything that walks or changes the entries: the same rows, in the same order.
  assert.deepEqual(rows(loaded), rows(original));
  assert.deepEqual([...loaded.keys()], [...original.keys()]);
  loaded.delete('abcd');
  loaded.set({ relativePath: 'new.txt', docpath: 'acme/docs/name-7.json', sha256: H('d'), size: 9, mtimeMs: 9 });
  assert.equal(loaded.has('abcd'), false);
  assert.equal(loaded.size, original.size);
  assert.equal(loaded.docpathsUnique(), false, 'new.txt took name-7.json, which dir7/file 7.txt holds');
  assert.equal(loaded.pathOfDocpath('acme/docs/name-7.json'), 'new.txt');
});

test('a loaded snapshot whose paths are not all ASCII, or that holds odd rows, is built as strings at once and answers the same', async () => {
  const original = new EntryStore();
  original.set(entry('résumé.txt', 'acme/docs/r.json'));
  original.set(entry('plain.txt', 'acme/docs/p.json'));
  const loaded = await reloaded(original);
  assert.deepEqual(loaded.get('résumé.txt'), original.get('résumé.txt'));
  assert.equal(loaded.unchangedPath('plain.txt', 1, 2), 'plain.txt');
  const odd = new EntryStore();
  odd.set(entry('a.txt', 'acme/docs/bad\ud800.json'));
  odd.set(entry('b.txt', 'acme/docs/b.json'));
  const oddLoaded = await reloaded(odd);
  assert.deepEqual(rows(oddLoaded), rows(odd));
});

test('a snapshot listing a path twice is refused when loaded, as before', async () => {
  const { PathIndex } = await import('../../src/journal/path-index.js');
  const paths = Buffer.from('a/b.txtc.txta/b.txt');
  assert.throws(() => new PathIndex(paths, Uint32Array.from([7, 5, 7]), 3), /a\/b\.txt is listed twice/);
  assert.throws(() => new PathIndex(paths, Uint32Array.from([7, 0, 12]), 3), /entry 1 is invalid/);
  assert.throws(() => new PathIndex(paths, Uint32Array.from([7, 5]), 2), /do not fill/);
  const index = new PathIndex(Buffer.from('a/b.txtc.txta/b.tx'), Uint32Array.from([7, 5, 6]), 3);
  assert.deepEqual([index.rowOf('a/b.txt'), index.rowOf('c.txt'), index.rowOf('a/b.tx'), index.rowOf('a/b.txt ')], [0, 1, 2, undefined]);
  assert.deepEqual([...index.paths()], ['a/b.txt', 'c.txt', 'a/b.tx']);
});

test("a snapshot carries the writer's docpathsUnique answer, and the store forgets it once an entry changes", async () => {
  const colliding = new EntryStore();
  colliding.set(entry('a.txt', 'acme/docs/same.json'));
  colliding.set(entry('b.txt', 'acme/docs/same.json'));
  colliding.set(entry('c.txt', 'acme/docs/c.json'));
  const { encodeCompactSnapshot } = await import('../../src/journal/compact-snapshot.js');
  const header = encodeCompactSnapshot({ seq: 1, meta: { workspaces: [] }, intents: [], entries: colliding }, 1).toString('latin1').split('\n')[1] ?? '';
  assert.equal(JSON.parse(header).docpathsDistinct, false);
  const loaded = await reloaded(colliding);
  assert.equal(loaded.docpathsUnique(), false);
  loaded.set(entry('b.txt', 'acme/docs/b.json'));
  assert.equal(loaded.docpathsUnique(), true, 'worked out again after the change');
  assert.equal((await reloaded(loaded)).docpathsUnique(), true);
});

test('a snapshot whose odd rows hold more name bytes than the arena had room for loads every row right', async () => {
  const original = new EntryStore();
  for (let index = 0; index < 40; index += 1) {
    original.set({ relativePath: `plain-${index}.txt`, docpath: `acme/docs/p${index}.json`, sha256: H('a'), size: index, mtimeMs: index });
    // A hash that is not lowercase hex makes the row odd (carried in the header, set() while loading).
    original.set({ relativePath: `odd-${index}.txt`, docpath: `acme/docs/${'long-name-'.repeat(100)}${index}.json`, sha256: `NOT-HEX-${index}`, size: index, mtimeMs: index });
  }
  const loaded = await reloaded(original);
  assert.deepEqual(rows(loaded), rows(original));
});

test('pathsHolding: the entries holding given contents, as a walk over every entry finds them, loaded or built, after deletes and moves', async () => {
  const hashOf = (index: number): string => (index % 50).toString(16).padStart(8, '0').repeat(8);
  const store = new EntryStore();
  for (let index = 0; index < 2000; index += 1) store.set({ relativePath: `d${index % 40}/f${index}.txt`, docpath: `acme/docs/f${index}.json`, sha256: hashOf(index), size: index, mtimeMs: index });
  // Same first 4 bytes as hashOf(7), other bytes after: found only by the whole comparison.
  const twin = `${hashOf(7).slice(0, 8)}${'f'.repeat(56)}`;
  store.set({ relativePath: 'twin.txt', docpath: 'acme/docs/twin.json', sha256: twin, size: 1, mtimeMs: 1 });
  // Kept aside (not lowercase hex): searched apart from the column.
  store.set({ relativePath: 'upper.txt', docpath: 'acme/docs/upper.json', sha256: hashOf(3).toUpperCase(), size: 1, mtimeMs: 1 });
  const walked = (from: EntryStore, wanted: ReadonlySet<string>): string[] => [...from.values()].filter((entry) => wanted.has(entry.sha256)).map((entry) => entry.relativePath).sort();
  const check = (from: EntryStore, label: string): void => {
    for (const wanted of [new Set([hashOf(7)]), new Set([twin, hashOf(3).toUpperCase()]), new Set([hashOf(3), hashOf(49), 'not a hash']), new Set(['e'.repeat(64)])]) {
      assert.deepEqual([...from.pathsHolding(wanted)].sort(), walked(from, wanted), `${label}: ${[...wanted].join(', ')}`);
    }
  };
  check(store, 'built');
  const loaded = await reloaded(store);
  check(loaded, 'loaded, paths still bytes');
  // Freed slots keep their old bytes; a moved entry's slot changes.
  for (const from of [store, loaded]) {
    for (let index = 7; index < 2000; index += 100) from.delete(`d${index % 40}/f${index}.txt`);
    from.set({ ...from.get('d8/f8.txt')!, relativePath: 'moved/f8.txt', sha256: hashOf(7) });
    from.delete('d8/f8.txt');
  }
  check(store, 'built, after deletes and a move');
  check(loaded, 'loaded, after deletes and a move');
  const holders = store.pathsHolding(new Set([hashOf(7)]));
  assert.equal(holders.length, 21, '20 of f57, f157, … and the moved f8');
  assert.ok(holders.includes('moved/f8.txt') && holders.includes('d17/f57.txt') && !holders.includes('d7/f7.txt') && !holders.includes('twin.txt'));
});

test('revision: changes with every set, move and delete, not with reads, and no two stores share one', () => {
  const store = new EntryStore();
  const other = new EntryStore();
  assert.notEqual(store.revision, other.revision, 'two empty stores');
  const seen = new Set([store.revision, other.revision]);
  const changed = (label: string): void => {
    assert.ok(!seen.has(store.revision), `${label} gives a revision never seen before`);
    seen.add(store.revision);
  };
  store.set(entry('a', 'acme/docs/a.json'));
  changed('set');
  const afterSet = store.revision;
  store.get('a');
  store.has('a');
  store.unchangedPath('a', 1, 2);
  store.docpathsUnique();
  store.materialize();
  assert.equal(store.revision, afterSet, 'reads leave it');
  store.set(entry('a', 'acme/docs/a.json'));
  changed('setting the same entry again');
  store.move('a', 'b', 1, 2);
  changed('move');
  store.delete('b');
  changed('delete');
  const afterDelete = store.revision;
  store.delete('missing');
  store.move('missing', 'c', 1, 2);
  assert.equal(store.revision, afterDelete, 'deleting or moving an absent entry changes nothing');
});

test('a loaded snapshot changed a few entries at a time answers as a store of strings, before and after its paths become strings', async () => {
  let seed = 11;
  const random = (below: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * below);
  };
  const initial = new EntryStore();
  for (let index = 0; index < 400; index += 1) {
    initial.set({ relativePath: `d${index % 9}/f${index}.txt`, docpath: `acme/docs/n${index}.json`, sha256: (index % 16).toString(16).repeat(64), size: index, mtimeMs: 10 + index });
  }
  for (let round = 0; round < 6; round += 1) {
    const plain = await reloaded(initial);
    plain.materialize(); // the Map of strings, as before this change
    const overlaid = await reloaded(initial);
    const known = [...initial.keys()];
    for (let step = 0; step < 120; step += 1) {
      const choice = random(4);
      const existing = known[random(known.length)]!;
      const fresh = `new/r${round}-s${step}.txt`;
      for (const store of [plain, overlaid]) {
        if (choice === 0) store.set({ relativePath: existing, docpath: `acme/docs/re-${step}.json`, sha256: 'e'.repeat(64), size: step, mtimeMs: step });
        else if (choice === 1) store.set({ relativePath: fresh, docpath: `acme/docs/${fresh}.json`, sha256: 'f'.repeat(64), size: step, mtimeMs: step });
        else if (choice === 2) store.delete(existing);
        else store.move(existing, `${fresh}.moved`, step, step);
      }
      if (choice === 1) known.push(fresh);
      if (choice === 3) known.push(`${fresh}.moved`);
      // Every answer a pass asks for while the paths are still bytes.
      assert.equal(overlaid.size, plain.size, `size after step ${step}`);
      for (const relativePath of [existing, fresh, `${fresh}.moved`, known[random(known.length)]!]) {
        assert.equal(overlaid.has(relativePath), plain.has(relativePath), `${relativePath} after step ${step}`);
        assert.deepEqual(overlaid.get(relativePath), plain.get(relativePath), `${relativePath} after step ${step}`);
        const entry = plain.get(relativePath);
        if (entry !== undefined) assert.equal(overlaid.unchangedPath(relativePath, entry.size, entry.mtimeMs), relativePath);
      }
      if (step % 40 === 39) assert.deepEqual(overlaid.pathsHolding(new Set(['e'.repeat(64), 'f'.repeat(64)])).sort(), plain.pathsHolding(new Set(['e'.repeat(64), 'f'.repeat(64)])).sort());
    }
    assert.equal(overlaid.docpathsUnique(), plain.docpathsUnique());
    // Then walked: the same rows in the same order (a re-set path at the end), and the same snapshot bytes.
    assert.deepEqual(rows(overlaid), rows(plain), `round ${round}`);
    assert.deepEqual([...overlaid.keys()], [...plain.keys()]);
    const { encodeCompactSnapshot } = await import('../../src/journal/compact-snapshot.js');
    const bytes = (store: EntryStore): Buffer => encodeCompactSnapshot({ seq: 1, meta: { workspaces: [] }, intents: [], entries: store }, 1);
    assert.ok(bytes(overlaid).equals(bytes(plain)), 'the same snapshot');
  }
});
