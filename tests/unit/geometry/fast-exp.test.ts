import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expNonPositive } from '../../../src-shared/fast-exp';

const ulps = (a: number, b: number) => Math.abs(a - b) / Math.abs(b) / 2 ** -52;

describe('expNonPositive', () => {
  it('is within 3 units in the last place of Math.exp for any x ≤ 0', () => {
    fc.assert(
      fc.property(fc.double({ min: -745, max: 0, noNaN: true }), (x) => {
        const want = Math.exp(x);
        const got = expNonPositive(x);
        if (want === 0) return got === 0;
        // Below the normal range (x < −708) it is Math.exp itself.
        return ulps(got, want) <= 3;
      }),
      { numRuns: 20000 },
    );
  });
  it('is exact where it must be, and defers outside its range', () => {
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-0)).toBe(1);
    expect(expNonPositive(-Infinity)).toBe(0);
    expect(Number.isNaN(expNonPositive(NaN))).toBe(true);
    expect(expNonPositive(2)).toBe(Math.exp(2));
    expect(expNonPositive(-720)).toBe(Math.exp(-720));
    // Near the rounding boundaries of the table index.
    for (const k of [-1, -31, -32, -33, -63, -64, -65, -6400]) {
      for (const d of [-1e-12, 0, 1e-12]) {
        const x = (k + 0.5 + d) * (Math.LN2 / 64);
        expect(ulps(expNonPositive(x), Math.exp(x))).toBeLessThanOrEqual(3);
      }
    }
  });
});
