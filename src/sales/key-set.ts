/*
 * The set of ticket keys already seen, for the order checks of a sorted read (groupByTicket with
 * onSplit `throw`, and the CLI's check across worker slices). A million-line export has some
 * 300,000 keys: as strings in a Set they take tens of megabytes and keep the heap large; as 53-bit
 * hashes in one Float64Array they take 9 to 18 bytes each. A collision can only make two different
 * tickets look like one reappearing, which stops the sorted pass (SALES_UNSORTED) and makes the
 * caller read again unsorted: slower, never wrong. Where a reappearance is reported instead of
 * retried, the exact keys are kept (see groupByTicket).
 */

/** A 53-bit hash of a ticket key (two 32-bit FNV-1a passes with different primes). */
export function keyHash(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a * 0x200000 + (b & 0x1fffff);
}

/**
 * A set of {@link keyHash} values in one Float64Array: open addressing with Robin Hood linear probing
 * (an entry never sits farther from its home slot than the one it passed), so lookups stay short at a
 * load of up to 7/8 and the table holds about 9–18 bytes per key instead of 16–32 at one half: 4,000,000
 * lines (1,600,000 tickets) fit in 16 MB, where a half-full table needed 32 MB plus the 16 MB it grew from.
 */
export class KeyHashSet {
  private table = new Float64Array(1 << 12);
  private count = 0;

  /** Hashes held. */
  get size(): number {
    return this.count;
  }

  /** Adds a hash; false when it was already there. */
  add(hash: number): boolean {
    if (this.count * 8 >= this.table.length * 7) this.grow();
    // Stored plus one: 0 marks an empty slot.
    let value = hash + 1;
    const table = this.table;
    const length = table.length;
    const mask = length - 1;
    let distance = 0;
    let placing = false;
    for (let i = value % length; ; i = (i + 1) & mask, distance++) {
      const slot = table[i] as number;
      if (slot === 0) {
        table[i] = value;
        this.count++;
        return true;
      }
      // Until the first swap, `value` is the new hash, found here if present: entries are met in
      // order of their distance, so one nearer its home than we are to ours means it is absent.
      if (!placing && slot === value) return false;
      const slotDistance = (i - (slot % length) + length) & mask;
      if (slotDistance < distance) {
        table[i] = value;
        value = slot;
        distance = slotDistance;
        placing = true;
      }
    }
  }

  /** True when the hash is in the set. */
  has(hash: number): boolean {
    const value = hash + 1;
    const table = this.table;
    const length = table.length;
    const mask = length - 1;
    for (let i = value % length, distance = 0; ; i = (i + 1) & mask, distance++) {
      const slot = table[i] as number;
      if (slot === value) return true;
      if (slot === 0 || ((i - (slot % length) + length) & mask) < distance) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2);
    this.count = 0;
    for (const value of old) if (value !== 0) this.add(value - 1);
  }
}
