/**
 * The journal's content hashes, one per EntryStore slot: 32 raw bytes each in one buffer. Hex
 * text is made when asked and not kept: a verification reads every entry, and 64-character texts
 * kept for 1,000,000 entries would stay in a watching process's memory (~90 MB) for good.
 */
const HASH_BYTES = 32;
const HEX_HASH = /^[0-9a-f]{64}$/;

export class HashColumn {
  private bytes: Buffer;

  constructor(capacity: number) {
    this.bytes = Buffer.alloc(capacity * HASH_BYTES);
  }

  /** Take a snapshot's `count` hashes (32 bytes each, in row order): row r is slot r's. */
  load(hashes: Buffer, count: number): void {
    hashes.copy(this.bytes, 0, 0, count * HASH_BYTES);
  }

  /** Store slot's hash; false when it is not 64 lowercase hex digits (the caller keeps such a value aside). */
  write(slot: number, sha256: string): boolean {
    if (!HEX_HASH.test(sha256)) return false;
    this.bytes.write(sha256, slot * HASH_BYTES, HASH_BYTES, 'hex');
    return true;
  }

  /** Slot's hash as hex text (`aside`: the value kept aside for it, if any). */
  read(slot: number, aside: string | undefined): string {
    return aside ?? this.bytes.toString('hex', slot * HASH_BYTES, (slot + 1) * HASH_BYTES);
  }

  /**
   * Slots below `limit` whose stored bytes are one of `hexHashes` (lowercase hex; others are never
   * stored here): the raw column is searched, first 4 bytes then all 32, with no text made.
   * Slots freed or holding a value kept aside are the caller's to drop.
   */
  slotsHolding(hexHashes: Iterable<string>, limit: number): number[] {
    const wanted = [...hexHashes].filter((hash) => HEX_HASH.test(hash)).map((hash) => Buffer.from(hash, 'hex'));
    if (wanted.length === 0) return [];
    // Each slot's first 4 bytes as one number (the column is a whole ArrayBuffer of its own, so aligned).
    const words = new Uint32Array(this.bytes.buffer, this.bytes.byteOffset, limit * (HASH_BYTES / 4));
    const firstWords = new Set(wanted.map((hash) => new Uint32Array(Uint8Array.from(hash.subarray(0, 4)).buffer)[0]!));
    const slots: number[] = [];
    for (let slot = 0; slot < limit; slot += 1) {
      if (!firstWords.has(words[slot * (HASH_BYTES / 4)]!)) continue;
      const stored = this.bytes.subarray(slot * HASH_BYTES, (slot + 1) * HASH_BYTES);
      if (wanted.some((hash) => hash.equals(stored))) slots.push(slot);
    }
    return slots;
  }

  resize(capacity: number): void {
    const bytes = Buffer.alloc(capacity * HASH_BYTES);
    this.bytes.copy(bytes);
    this.bytes = bytes;
  }
}
