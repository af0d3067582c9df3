import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { refinePose, rodrigues } from '../../../src-main/analysis/camera';
import { centreSigma } from '../../../src-main/analysis/camera/pose-uncertainty';
import { lcg } from './synthetic-scene';

const gaussian = (rand: () => number) => () =>
  Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());

/**
 * A camera (world-to-camera R, t; centre C) and n points it sees: normalised image positions within
 * ±`fov` and depths (along the optical axis) log-uniform in [near, far]. xy are the exact projections.
 */
function cameraAndPoints(seed: number, n: number, near: number, far: number, fov = 0.5) {
  const rand = lcg(seed);
  const R = rodrigues((rand() - 0.5) * 2, (rand() - 0.5) * 2, (rand() - 0.5) * 2);
  const C = [(rand() - 0.5) * 10, (rand() - 0.5) * 10, (rand() - 0.5) * 10];
  const t = Float64Array.from(
    [0, 1, 2],
    (i) => -(R[3 * i]! * C[0]! + R[3 * i + 1]! * C[1]! + R[3 * i + 2]! * C[2]!),
  );
  const X = new Float64Array(3 * n);
  const xy = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const x = (2 * rand() - 1) * fov;
    const y = (2 * rand() - 1) * fov;
    const z = near * (far / near) ** rand();
    const Xc = [x * z, y * z, z];
    // X = Rᵀ·Xc + C
    for (let k = 0; k < 3; k++)
      X[3 * i + k] = R[k]! * Xc[0]! + R[3 + k]! * Xc[1]! + R[6 + k]! * Xc[2]! + C[k]!;
    xy.set([x, y], 2 * i);
  }
  return { R, t, C, X, xy };
}

/** The same points pushed k times farther from the camera centre (same image positions). */
function scaledAbout(X: Float64Array, C: number[], k: number): Float64Array {
  return X.map((v, i) => C[i % 3]! + k * (v - C[i % 3]!));
}

const PX = 1 / 500; // one pixel at a 500 px focal

describe('centreSigma', () => {
  it('many points spread in depth: a small σ, linear in the observation noise', () => {
    const { R, t, X, xy } = cameraAndPoints(1, 120, 2, 20);
    const s1 = centreSigma(R, t, X, xy, PX);
    // a pixel of noise on 120 points 2–20 away pins the centre to about a centimetre
    expect(s1).toBeGreaterThan(1e-4);
    expect(s1).toBeLessThan(0.05);
    expect(centreSigma(R, t, X, xy, 2 * PX) / s1).toBeCloseTo(2, 10);
    expect(centreSigma(R, t, X, xy, 0.1 * PX) / s1).toBeCloseTo(0.1, 10);
    // more points, less uncertainty (about 1/√n)
    const many = cameraAndPoints(1, 480, 2, 20);
    const s4 = centreSigma(many.R, many.t, many.X, many.xy, PX);
    expect(s4 / s1).toBeGreaterThan(0.35);
    expect(s4 / s1).toBeLessThan(0.7);
  });

  it('the same image with the scene k times farther: σ exactly k times larger (property)', () => {
    // scaling the points about the centre leaves the projections and the rotation's Jacobian as they are
    // and divides the centre's by k, so the marginal covariance of the centre grows by k² exactly
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.double({ min: 0.05, max: 500, noNaN: true }),
        (seed, k) => {
          const { R, t, C, X, xy } = cameraAndPoints(seed, 40, 2, 20);
          const s = centreSigma(R, t, X, xy, PX);
          const sk = centreSigma(R, t, scaledAbout(X, C, k), xy, PX);
          expect(Math.abs(sk / (k * s) - 1)).toBeLessThan(1e-4);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a pan over a distant background: σ far larger than with points around the camera', () => {
    const near = cameraAndPoints(2, 100, 1.5, 15, 0.6);
    const far = cameraAndPoints(2, 100, 300, 600, 0.6);
    const sNear = centreSigma(near.R, near.t, near.X, near.xy, PX);
    const sFar = centreSigma(far.R, far.t, far.X, far.xy, PX);
    expect(sFar / sNear).toBeGreaterThan(100);
    // a flat, distant background is worse than one spread in depth at the same distance: a rotation
    // imitates the sideways centre shift when no depth difference shows parallax
    const slab = cameraAndPoints(2, 100, 300, 310, 0.6);
    expect(centreSigma(slab.R, slab.t, slab.X, slab.xy, PX)).toBeGreaterThan(sFar);
  });

  it('fewer than 3 observations: Infinity', () => {
    const { R, t, X, xy } = cameraAndPoints(3, 3, 2, 20);
    for (const n of [0, 1, 2])
      expect(centreSigma(R, t, X.subarray(0, 3 * n), xy.subarray(0, 2 * n), PX)).toBe(Infinity);
    expect(Number.isFinite(centreSigma(R, t, X, xy, PX))).toBe(true);
  });

  it.each([
    ['points spread in depth, wide view', 4, 2, 20, 0.5],
    ['a narrow view of a distant scene', 5, 40, 80, 0.15],
  ])(
    'agrees with Monte Carlo: the spread of the centre re-solved from noisy observations (%s)',
    (_name, seed, nearZ, farZ, fov) => {
      const { R, t, C, X, xy } = cameraAndPoints(seed, 60, nearZ, farZ, fov);
      const predicted = centreSigma(R, t, X, xy, PX);
      const gauss = gaussian(lcg(seed + 100));
      const trials = 400;
      let se = 0;
      const noisy = new Float64Array(xy.length);
      for (let j = 0; j < trials; j++) {
        for (let i = 0; i < xy.length; i++) noisy[i] = xy[i]! + PX * gauss();
        // least squares (a Huber scale far beyond the noise), from the true pose
        const p = refinePose(X, noisy, null, { R, t }, 1e3, 30);
        for (let k = 0; k < 3; k++) {
          const c = -(p.R[k]! * p.t[0]! + p.R[3 + k]! * p.t[1]! + p.R[6 + k]! * p.t[2]!);
          se += (c - C[k]!) ** 2;
        }
      }
      const empirical = Math.sqrt(se / trials);
      expect(empirical / predicted).toBeGreaterThan(0.7);
      expect(empirical / predicted).toBeLessThan(1.3);
    },
  );
});
