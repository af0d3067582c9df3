import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quatIdentity, type Camera } from '../../../src-shared/geometry';
import {
  boxCount,
  boxSum,
  ncc,
  parabolaOffset,
  planeSweep,
  planeSweepReference,
  sweepPlanes,
} from '../../../src-main/analysis/depth';
import { intrinsics, render, texture } from './synthetic-scene';

describe('box sums', () => {
  it('equal brute-force clipped window sums for any size and radius', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 17 }),
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer(),
        (W, H, r, seed) => {
          const src = Float32Array.from({ length: W * H }, (_, i) => ((seed + i * 2654435761) % 1000) / 1000);
          const out = boxSum(src, W, H, r, new Float32Array(W * H), new Float32Array(W * H));
          const cnt = boxCount(W, H, r);
          for (let y = 0; y < H; y++)
            for (let x = 0; x < W; x++) {
              let s = 0,
                c = 0;
              for (let yy = Math.max(0, y - r); yy <= Math.min(H - 1, y + r); yy++)
                for (let xx = Math.max(0, x - r); xx <= Math.min(W - 1, x + r); xx++) {
                  s += src[yy * W + xx]!;
                  c++;
                }
              expect(out[y * W + x]).toBeCloseTo(s, 3);
              expect(cnt[y * W + x]).toBe(c);
            }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('NCC', () => {
  it('is 1 under any positive gain and offset, −1 under a negative gain', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 9, maxLength: 49 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (a, g, o) => {
          const spread = Math.max(...a) - Math.min(...a);
          if (spread < 0.05) return;
          expect(
            ncc(
              a,
              a.map((x) => g * x + o),
            ),
          ).toBeCloseTo(1, 6);
          expect(
            ncc(
              a,
              a.map((x) => -g * x + o),
            ),
          ).toBeCloseTo(-1, 6);
        },
      ),
    );
  });

  it('is undefined (NaN) on a flat window', () => {
    expect(ncc([1, 2, 3], [4, 4, 4])).toBeNaN();
  });

  it('peaks at the true shift of a 1-D texture', () => {
    const sig = (x: number) => texture(x * 0.1, 0.3 * x * 0.1, 0.7);
    for (const shift of [-5, -2, 0, 3, 7]) {
      const a = Array.from({ length: 15 }, (_, i) => sig(i + 40));
      let best = -Infinity,
        arg = NaN;
      for (let s = -10; s <= 10; s++) {
        const c = ncc(
          a,
          Array.from({ length: 15 }, (_, i) => sig(i + 40 + s - shift)),
        );
        if (c > best) {
          best = c;
          arg = s;
        }
      }
      expect(arg).toBe(shift);
      expect(best).toBeCloseTo(1, 9);
    }
  });
});

describe('subpixel refinement', () => {
  it('parabola vertex is exact for quadratic costs', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (x0, a, c) => {
          const f = (x: number) => a * (x - x0) ** 2 + c;
          expect(parabolaOffset(f(-1), f(0), f(1))).toBeCloseTo(x0, 9);
        },
      ),
    );
  });

  it('returns 0 for non-convex triples and clamps to ±0.5', () => {
    expect(parabolaOffset(1, 2, 1)).toBe(0);
    expect(parabolaOffset(1, 1, 1)).toBe(0);
    expect(Math.abs(parabolaOffset(5, 0.1, 0))).toBeLessThanOrEqual(0.5);
  });
});

const W = 96,
  H = 64,
  F = 80;
const K = intrinsics(W, H, F);
const mk = (x: number, y = 0, z = 0): Camera => ({ C: [x, y, z], q: quatIdentity(), intrinsics: K });

describe('plane sweep on a synthetic scene', () => {
  // far textured wall at z = 6; a near textured board (x < -0.3) at z = 3
  const planes = [
    { z: 6, phase: 0 },
    { z: 3, xMax: -0.3, phase: 1.3 },
  ];
  const refCam = mk(0, 0);
  const ref = render(refCam, planes);
  const nbs = [mk(-0.3, 0.02), mk(-0.15, -0.01), mk(0.15, 0.01), mk(0.3, -0.02)].map((c) => ({
    camera: c,
    image: render(c, planes).image,
  }));

  it('recovers the depth of both planes to < 1 % (median) with subpixel refinement', () => {
    const res = planeSweep({ image: ref.image, camera: refCam }, nbs, {
      minDepth: 2,
      maxDepth: 12,
      planes: 48,
      windowRadius: 3,
    });
    const errs: number[] = [];
    for (let i = 0; i < W * H; i++) {
      if (!res.valid[i]) continue;
      errs.push(Math.abs(res.depth[i]! - ref.depth[i]!) / ref.depth[i]!);
    }
    errs.sort((a, b) => a - b);
    expect(errs.length).toBeGreaterThan(0.7 * W * H);
    expect(errs[errs.length >> 1]!).toBeLessThan(0.01);
    // without the parabola the error would be up to half a plane step: check we beat that
    const planesRho = sweepPlanes(2, 12, 48);
    const halfStepRel = (0.5 * (planesRho[1]! - planesRho[0]!)) / (1 / 6);
    expect(errs[errs.length >> 1]!).toBeLessThan(halfStepRel / 2);
  });

  it('matches the naive reference sweep (same cost, no filtering)', () => {
    const opts = { minDepth: 2, maxDepth: 12, planes: 24, windowRadius: 2, costFilter: 'none' as const };
    const fast = planeSweep({ image: ref.image, camera: refCam }, nbs, opts);
    const slow = planeSweepReference({ image: ref.image, camera: refCam }, nbs, opts);
    let same = 0;
    for (let i = 0; i < W * H; i++)
      if (Math.abs(fast.depth[i]! - slow.depth[i]!) <= 1e-3 * slow.depth[i]!) same++;
    expect(same / (W * H)).toBeGreaterThan(0.99);
  });
});
