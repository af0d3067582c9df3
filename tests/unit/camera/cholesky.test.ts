import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { choleskySolveInPlace } from '../../../src-main/analysis/camera/linalg';

/** A random symmetric positive definite n×n matrix (BᵀB + I) and a right-hand side, from a seed. */
function spd(n: number, seed: number): { A: Float64Array; x: Float64Array; b: Float64Array } {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const B = Float64Array.from({ length: n * n }, rand);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let v = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) v += B[k * n + i]! * B[k * n + j]!;
      A[i * n + j] = v;
    }
  const x = Float64Array.from({ length: n }, rand);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) b[i] = b[i]! + A[i * n + k]! * x[k]!;
  return { A, x, b };
}

describe('choleskySolveInPlace', () => {
  it('solves SPD systems of every size up to 40 (the factor is computed four rows at a time, then the rest)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer(), (n, seed) => {
        const { A, x, b } = spd(n, seed);
        expect(choleskySolveInPlace(A, b, n)).toBe(true);
        for (let i = 0; i < n; i++) expect(b[i]).toBeCloseTo(x[i]!, 9);
      }),
      { numRuns: 200 },
    );
  });

  it('reads only the lower triangle and refuses a matrix that is not positive definite', () => {
    const { A, x, b } = spd(9, 5);
    for (let i = 0; i < 9; i++) for (let j = i + 1; j < 9; j++) A[i * 9 + j] = NaN;
    expect(choleskySolveInPlace(A, b, 9)).toBe(true);
    for (let i = 0; i < 9; i++) expect(b[i]).toBeCloseTo(x[i]!, 9);
    const M = Float64Array.of(1, 2, 2, 1); // eigenvalues 3 and −1
    expect(choleskySolveInPlace(M, Float64Array.of(1, 1), 2)).toBe(false);
  });
});
