import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../../src-main/analysis/camera';
import { sampsonSq } from '../../../src-main/analysis/camera/essential';
import { fundamentalEightPoint, ransacFundamental } from '../../../src-main/analysis/camera/fundamental';
import { det3 } from '../../../src-main/analysis/camera/linalg';
import { twoViewPixels } from './two-view-pixels';

const allIds = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/**
 * |det F| relative to ‖F‖³ (0 for a rank-2 matrix), with F in units of 1,000 px: in pixels its entries
 * span six orders of magnitude. (Not from svd3: its smallest singular value is only good to ~1e-8.)
 */
function rankDeficiency(F: ArrayLike<number>): number {
  const S = [1000, 1000, 1];
  const G = Array.from({ length: 9 }, (_, i) => S[Math.floor(i / 3)]! * F[i]! * S[i % 3]!);
  return Math.abs(det3(G)) / Math.hypot(...G) ** 3;
}

describe('fundamental matrix: normalised 8-point', () => {
  it('is exact on noise-free correspondences (Sampson ≈ 0 px), rank 2 and unit norm', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { clean1, clean2 } = twoViewPixels(seed, 40, 0, 0);
      const F = fundamentalEightPoint(clean1, clean2, allIds(40), 40)!;
      expect(F).not.toBeNull();
      let worst = 0;
      for (let i = 0; i < 40; i++) worst = Math.max(worst, Math.sqrt(sampsonSq(F, clean1, clean2, i)));
      expect(worst).toBeLessThan(1e-6);
      expect(rankDeficiency(F)).toBeLessThan(1e-12);
      // (the measure sees a rank-3 matrix: nudge one entry by 1e-4 of the norm)
      expect(rankDeficiency(F.map((v, i) => (i === 4 ? v + 1e-4 : v)))).toBeGreaterThan(1e-9);
      expect(Math.hypot(...F)).toBeCloseTo(1, 12);
      // exactly eight points determine it too
      const F8 = fundamentalEightPoint(clean1, clean2, allIds(8), 8)!;
      for (let i = 0; i < 40; i++) expect(Math.sqrt(sampsonSq(F8, clean1, clean2, i))).toBeLessThan(1e-5);
    }
  });

  it('uses only the correspondences it is given (ids), not the whole array', () => {
    const { clean1, clean2 } = twoViewPixels(9, 30, 0, 0);
    // wreck correspondences 0–9 and fit on 10–29: still exact on 10–29
    const bad2 = Float64Array.from(clean2);
    for (let i = 0; i < 20; i++) bad2[i] = bad2[i]! + 37 * (i + 1);
    const ids = Int32Array.from({ length: 20 }, (_, i) => i + 10);
    const F = fundamentalEightPoint(clean1, bad2, ids, 20)!;
    for (let i = 10; i < 30; i++) expect(Math.sqrt(sampsonSq(F, clean1, bad2, i))).toBeLessThan(1e-6);
    // and the wrecked ones disagree with it
    expect(Math.sqrt(sampsonSq(F, clean1, bad2, 5))).toBeGreaterThan(1);
  });

  it('fewer than 8 correspondences: null', () => {
    const { clean1, clean2 } = twoViewPixels(3, 7, 0, 0);
    expect(fundamentalEightPoint(clean1, clean2, allIds(7), 7)).toBeNull();
    expect(ransacFundamental(clean1, clean2, { thresholdPx: 1 })).toBeNull();
    expect(ransacFundamental(new Float64Array(0), new Float64Array(0), { thresholdPx: 1 })).toBeNull();
  });
});

describe('fundamental matrix: RANSAC', () => {
  const N = 200;
  const THRESHOLD_PX = 1.5; // 5σ of the 0.3 px noise

  /** One fit on a random scene (0.3 px noise, 30 % gross outliers), scored against the truth. */
  function score(seed: number, rngSeed = seed) {
    const { x1, x2, clean1, clean2, outlier } = twoViewPixels(seed, N, 0.3, 0.3);
    const fit = ransacFundamental(x1, x2, { thresholdPx: THRESHOLD_PX, rng: new Rng(rngSeed) });
    expect(fit).not.toBeNull();
    const { F, inliers, numInliers } = fit!;
    let good = 0;
    let goodFlagged = 0;
    let bad = 0;
    let badFlagged = 0;
    let se = 0;
    let seClean = 0;
    let flagsAgree = true;
    for (let i = 0; i < N; i++) {
      const e = sampsonSq(F, x1, x2, i);
      if ((e < THRESHOLD_PX ** 2 ? 1 : 0) !== inliers[i]) flagsAgree = false;
      if (outlier[i]) {
        bad++;
        badFlagged += inliers[i]!;
        continue;
      }
      good++;
      goodFlagged += inliers[i]!;
      se += e;
      seClean += sampsonSq(F, clean1, clean2, i);
    }
    return {
      F,
      numInliers,
      flagged: inliers.reduce((a, b) => a + b, 0),
      flagsAgree,
      bad,
      inlierRecall: goodFlagged / good,
      outlierAccepted: badFlagged / bad,
      /** Sampson distance (px) of the true inliers, noisy and noise-free. */
      rmsPx: Math.sqrt(se / good),
      rmsCleanPx: Math.sqrt(seClean / good),
    };
  }

  it('any scene: F is rank 2, its inliers are exactly the correspondences within the threshold (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const s = score(seed);
        expect(s.bad).toBeGreaterThan(30);
        expect(s.numInliers).toBe(s.flagged);
        expect(s.flagsAgree).toBe(true);
        expect(rankDeficiency(s.F)).toBeLessThan(1e-12);
        expect(Math.hypot(...s.F)).toBeCloseTo(1, 12);
      }),
      { numRuns: 25 },
    );
  });

  it('120 random scenes (random K, R, t; 0.3 px noise; 30 % gross outliers): ≥ 95 % of fits meet the spec', () => {
    // Over 2,000 scenes: median inlier Sampson RMS 0.30 px (the noise), 99th percentile 0.61 px; inlier
    // recall 1.00 in the median, below 0.95 in 0.7 % of the scenes (an 8-point RANSAC can stop on a
    // mediocre hypothesis: it has no local optimisation; another RNG seed fits those scenes fully);
    // outliers accepted ≤ 5.2 % at the 99th percentile.
    const scenes = Array.from({ length: 120 }, (_, i) => score(1000 + 7919 * i, i + 1));
    const meets = scenes.filter(
      (s) => s.rmsPx <= 1 && s.rmsCleanPx <= 1 && s.inlierRecall >= 0.95 && s.outlierAccepted <= 0.05,
    );
    expect(meets.length / scenes.length).toBeGreaterThanOrEqual(0.95);
    const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1]!;
    expect(median(scenes.map((s) => s.rmsPx))).toBeLessThan(0.4);
    expect(median(scenes.map((s) => s.rmsCleanPx))).toBeLessThan(0.2);
    expect(median(scenes.map((s) => s.inlierRecall))).toBe(1);
    expect(median(scenes.map((s) => s.outlierAccepted))).toBeLessThan(0.02);
    // no scene fails outright
    for (const s of scenes) {
      expect(s.inlierRecall).toBeGreaterThan(0.6);
      expect(s.outlierAccepted).toBeLessThan(0.1);
    }
  });

  it("the score tells fits apart: another scene's F explains this scene's inliers badly", () => {
    const a = score(11);
    const b = score(12);
    const { x1, x2, outlier } = twoViewPixels(11, N, 0.3, 0.3);
    let se = 0;
    let m = 0;
    for (let i = 0; i < N; i++)
      if (!outlier[i]) {
        se += sampsonSq(b.F, x1, x2, i);
        m++;
      }
    expect(Math.sqrt(se / m)).toBeGreaterThan(10 * a.rmsPx);
  });
});
