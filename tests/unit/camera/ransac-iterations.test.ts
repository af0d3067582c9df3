import { describe, expect, it } from 'vitest';
import { Rng, ransacIterations } from '../../../src-main/analysis/camera';
import { ransacFundamental } from '../../../src-main/analysis/camera/fundamental';
import { twoViewPixels } from './two-view-pixels';

describe('ransacIterations', () => {
  it('the usual count: log(1 − confidence) / log(1 − ratio^k), capped', () => {
    // 50 % inliers, 8-point samples, 99.9 %: log(0.001) / log(1 − 1/256) = 1,764.9
    expect(ransacIterations(0.5, 8, 0.999, 10_000)).toBe(1765);
    expect(ransacIterations(0.5, 8, 0.999, 300)).toBe(300);
    expect(ransacIterations(1, 8, 0.999, 300)).toBe(1);
    expect(ransacIterations(0.9, 5, 0.99, 1000)).toBe(Math.ceil(Math.log(0.01) / Math.log(1 - 0.9 ** 5)));
  });

  it('never asks for more draws as the inlier ratio grows, down to 2 % inliers', () => {
    for (const k of [2, 3, 4, 5, 8]) {
      let prev = Infinity;
      for (let r = 0.02; r <= 1; r += 0.01) {
        const n = ransacIterations(r, k, 0.999, 1e9);
        expect(n).toBeLessThanOrEqual(prev);
        prev = n;
      }
    }
  });

  // BUG (src-main/analysis/camera/random.ts): when ratio^sampleSize < ~1.1e-16, 1 − w rounds to 1,
  // log(1 − w) is 0 and the count is −Infinity, clamped to 1 — a hypothesis that explains (almost) nothing
  // ends the search instead of asking for the most draws. For 8-point samples that is any ratio below
  // 1.02 % (0–2 of 200 correspondences), which the first rank-2-projected F from a sample holding an
  // outlier often is. Math.log1p(-w) (or returning `max` when the count is not finite) fixes it. These
  // tests fail today; `it.fails` keeps the suite green until the fix, then turn them into `it`.
  it.fails('BUG: a hypothesis with no inliers asks for the most draws, not one', () => {
    expect(ransacIterations(0, 8, 0.999, 300)).toBe(300);
    expect(ransacIterations(0.01, 8, 0.999, 300)).toBe(300);
    expect(ransacIterations(0, 4, 0.999, 300)).toBe(300);
  });

  it.fails('BUG: so 8-point RANSAC stops after one draw on about one scene in ten (30 % outliers)', () => {
    // noise-free, 30 % gross outliers: the first draw's F explains no correspondence and ends the search
    const { x1, x2, outlier } = twoViewPixels(4 * 7919, 200, 0, 0.3);
    const fit = ransacFundamental(x1, x2, { thresholdPx: 1, rng: new Rng(4) })!;
    let good = 0;
    let found = 0;
    for (let i = 0; i < 200; i++)
      if (!outlier[i]) {
        good++;
        found += fit.inliers[i]!;
      }
    expect(found / good).toBeGreaterThanOrEqual(0.95);
  });
});
