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

  // Regression: when ratio^sampleSize < ~1.1e-16, 1 − w rounded to 1, log(1 − w) was 0 and the count was
  // clamped to 1 — a hypothesis that explains (almost) nothing ended the search. For 8-point samples that
  // is any ratio below 1.02 % (0–2 of 200 correspondences). Fixed with log1p.
  it('a hypothesis with no inliers asks for the most draws, not one', () => {
    expect(ransacIterations(0, 8, 0.999, 300)).toBe(300);
    expect(ransacIterations(0.01, 8, 0.999, 300)).toBe(300);
    expect(ransacIterations(0, 4, 0.999, 300)).toBe(300);
  });

  it('so 8-point RANSAC no longer stops after one draw (30 % outliers)', () => {
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
