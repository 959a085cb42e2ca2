/**
 * Whether a set of slots holds a value twice, without making the values: the caller hashes a
 * slot's value from its own columns (bytes in an arena, ids) and compares two slots when their
 * hashes meet. An open-addressing table of slot numbers in typed arrays: at 1,000,000 entries
 * this costs two 8 MB arrays for the call and no string, where a Set of docpaths costs ~100 MB.
 */

/** True when no two of `slots` (at most `count` of them) have equal values by `same`. */
export function allDistinct(slots: Iterable<number>, count: number, hashOf: (slot: number) => number, same: (slot: number, other: number) => boolean): boolean {
  let capacity = 16;
  while (capacity < count * 2) capacity *= 2;
  const mask = capacity - 1;
  // slot + 1 per cell (0: empty), and the hash of the slot held there.
  const cells = new Int32Array(capacity);
  const hashes = new Uint32Array(capacity);
  let held = 0;
  for (const slot of slots) {
    if (++held > count) throw new RangeError(`allDistinct: more than the ${count} slots announced`);
    const hash = hashOf(slot);
    let cell = hash & mask;
    for (let other = cells[cell]!; other !== 0; other = cells[cell]!) {
      if (hashes[cell] === hash && same(slot, other - 1)) return false;
      cell = (cell + 1) & mask;
    }
    cells[cell] = slot + 1;
    hashes[cell] = hash;
  }
  return true;
}

/**
 * True when no two of `slots` hold one docpath. The docpaths kept aside as strings (`aside`, by
 * slot: names that are not well-formed UTF-16, so none equals a name of the arena) are compared
 * among themselves; the other slots by `hashOf` and `same` (allDistinct).
 */
export function docpathsDistinct(slots: Iterable<number>, count: number, aside: ReadonlyMap<number, string>, hashOf: (slot: number) => number, same: (slot: number, other: number) => boolean): boolean {
  if (new Set(aside.values()).size !== aside.size) return false;
  return allDistinct(aside.size === 0 ? slots : [...slots].filter((slot) => !aside.has(slot)), count, hashOf, same);
}
