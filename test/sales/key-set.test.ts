import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyHashSet, keyHash } from '../../src/sales/key-set.js';

describe('keyHash', () => {
  it('gives a non-negative safe integer of at most 53 bits, the same for the same text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const h = keyHash(text);
        expect(Number.isSafeInteger(h) && h >= 0).toBe(true);
        expect(keyHash(text)).toBe(h);
      }),
    );
  });

  it('tells apart keys that differ in one character or in order', () => {
    const keys = ['T1\u0000S01', 'T1\u0000S02', 'T2\u0000S01', 'S01\u0000T1', 'T10\u0000S0', 'T1\u0000S0'];
    expect(new Set(keys.map(keyHash)).size).toBe(keys.length);
  });
});

describe('KeyHashSet', () => {
  it('holds what a Set holds, across many growths', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 53 - 2 }), { maxLength: 20_000 }), (values) => {
        const set = new KeyHashSet();
        const reference = new Set<number>();
        for (const v of values) {
          expect(set.add(v)).toBe(!reference.has(v));
          reference.add(v);
        }
        expect(set.size).toBe(reference.size);
        for (const v of values) expect(set.has(v)).toBe(true);
        for (const v of values) expect(set.has(v + 1)).toBe(reference.has(v + 1));
      }),
      { numRuns: 20 },
    );
  });

  it('stays exact with runs of neighbouring hashes that share home slots, up to its highest load', () => {
    const set = new KeyHashSet();
    // Multiples of 4096 start at one slot of the first table; 0..N fill whole runs of slots.
    const values = [
      ...Array.from({ length: 1_500 }, (_, i) => i * 4096),
      ...Array.from({ length: 60_000 }, (_, i) => i),
    ];
    const reference = new Set<number>();
    const added = values.map((v) => {
      const fresh = set.add(v);
      const expected = !reference.has(v);
      reference.add(v);
      return fresh === expected;
    });
    expect(added.every(Boolean)).toBe(true);
    expect(set.size).toBe(reference.size);
    const wrong: number[] = [];
    for (let v = 0; v < 7_000_000; v += v < 200_000 ? 1 : 4096)
      if (set.has(v) !== reference.has(v)) wrong.push(v);
    expect(wrong).toEqual([]);
  });

  it('keeps 300,000 ticket keys apart (no false reappearance in a large sorted export)', () => {
    const set = new KeyHashSet();
    for (let t = 1; t <= 300_000; t++)
      expect(set.add(keyHash(`T${t}\u0000S${String(t % 20).padStart(2, '0')}`))).toBe(true);
    expect(set.size).toBe(300_000);
    expect(set.has(keyHash('T1\u0000S01'))).toBe(true);
    expect(set.has(keyHash('T1\u0000S02'))).toBe(false);
  });
});
