/*
 * The set of ticket keys already seen, for the order checks of a sorted read (groupByTicket with
 * onSplit `throw`, and the CLI's check across worker slices). A million-line export has some
 * 300,000 keys: as strings in a Set they take tens of megabytes and keep the heap large; as 53-bit
 * hashes in one Float64Array they take about 16 bytes each. A collision can only make two different
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

/** A set of {@link keyHash} values in one Float64Array (open addressing, linear probing). */
export class KeyHashSet {
  private table = new Float64Array(1 << 12);
  private count = 0;

  /** Hashes held. */
  get size(): number {
    return this.count;
  }

  /** Adds a hash; false when it was already there. */
  add(hash: number): boolean {
    // Stored plus one: 0 marks an empty slot.
    const value = hash + 1;
    if (this.count * 2 >= this.table.length) this.grow();
    const mask = this.table.length - 1;
    for (let i = value % this.table.length; ; i = (i + 1) & mask) {
      const slot = this.table[i];
      if (slot === value) return false;
      if (slot === 0) {
        this.table[i] = value;
        this.count++;
        return true;
      }
    }
  }

  /** True when the hash is in the set. */
  has(hash: number): boolean {
    const value = hash + 1;
    const mask = this.table.length - 1;
    for (let i = value % this.table.length; ; i = (i + 1) & mask) {
      const slot = this.table[i];
      if (slot === value) return true;
      if (slot === 0) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2);
    this.count = 0;
    for (const value of old) if (value !== 0) this.add(value - 1);
  }
}
