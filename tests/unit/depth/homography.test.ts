import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backprojectPixel, projectPoint, quatFromAxisAngle, type Camera } from '../../../src-shared/geometry';
import {
  applyHomography,
  planeHomography,
  sweepGeometry,
  warpHomography,
  warpPlane,
} from '../../../src-main/analysis/depth';
import { intrinsics } from './synthetic-scene';

const cam = (
  C: [number, number, number],
  axis: [number, number, number],
  angle: number,
  f = 300,
): Camera => ({
  C,
  q: quatFromAxisAngle(axis, angle),
  intrinsics: intrinsics(320, 180, f),
});

describe('plane-sweep homography', () => {
  it('maps a reference pixel at depth z where the geometry core projects its 3D point', () => {
    const v3 = fc.tuple(
      fc.double({ min: -1, max: 1, noNaN: true }),
      fc.double({ min: -1, max: 1, noNaN: true }),
      fc.double({ min: -1, max: 1, noNaN: true }),
    );
    fc.assert(
      fc.property(
        v3,
        v3,
        fc.double({ min: -0.2, max: 0.2, noNaN: true }),
        fc.double({ min: 1, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 320, noNaN: true }),
        fc.double({ min: 0, max: 180, noNaN: true }),
        (c, ax, ang, z, u, v) => {
          const axis: [number, number, number] = Math.hypot(...ax) > 1e-3 ? ax : [0, 1, 0];
          const ref = cam([0, 0, 0], [0.3, 1, 0.1], 0.1);
          const nb = cam([c[0] * 0.5, c[1] * 0.5, c[2] * 0.5], axis, ang, 280);
          const X = backprojectPixel(ref, u, v, z);
          const p = projectPoint(nb, X);
          if (!(p.depth > 0.1)) return;
          const [x, y] = applyHomography(planeHomography(sweepGeometry(ref, nb), 1 / z), u, v);
          expect(x).toBeCloseTo(p.u, 6);
          expect(y).toBeCloseTo(p.v, 6);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('warpHomography with a pure integer translation reproduces the shifted image (mask off outside)', () => {
    const W = 20,
      H = 12;
    const src = Float32Array.from({ length: W * H }, (_, i) => Math.sin(i * 0.37) + (i % 7));
    const H3 = [1, 0, 3, 0, 1, -2, 0, 0, 1];
    const { image, mask } = warpHomography(src, W, H, H3, W, H);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const sx = x + 3,
          sy = y - 2;
        const inside = sx >= 0 && sy >= 0 && sx < W && sy < H;
        expect(mask[y * W + x]).toBe(inside ? 1 : 0);
        if (inside) expect(image[y * W + x]).toBeCloseTo(src[sy * W + sx]!, 5);
      }
  });

  it('warpHomography interpolates bilinearly (half-pixel shift = mean of neighbours)', () => {
    const W = 8,
      H = 4;
    const src = Float32Array.from({ length: W * H }, (_, i) => i % W);
    const { image, mask } = warpHomography(src, W, H, [1, 0, 0.5, 0, 1, 0, 0, 0, 1], W, H);
    for (let x = 0; x < W - 1; x++) {
      expect(mask[x]).toBe(1);
      expect(image[x]).toBeCloseTo(x + 0.5, 6);
    }
    expect(mask[W - 1]).toBe(0);
  });

  it('warpPlane agrees with warpHomography of planeHomography', () => {
    const ref = cam([0, 0, 0], [0, 1, 0], 0);
    const nb = cam([0.4, 0.1, -0.05], [0, 1, 0.2], 0.05);
    const W = 320,
      H = 180;
    const img = {
      width: W,
      height: H,
      data: Float32Array.from({ length: W * H }, (_, i) => Math.sin(i * 0.013) * Math.cos(i * 0.0007)),
    };
    const g = sweepGeometry(ref, nb);
    const a = new Float32Array(W * H),
      am = new Float32Array(W * H);
    warpPlane(img, g, 0.2, W, H, a, am);
    const b = warpHomography(img.data, W, H, planeHomography(g, 0.2), W, H);
    let worst = 0;
    let maskDiff = 0;
    for (let i = 0; i < W * H; i++) {
      if (am[i] !== b.mask[i]) maskDiff++;
      worst = Math.max(worst, Math.abs(a[i]! - b.image[i]!));
    }
    expect(maskDiff).toBe(0);
    expect(worst).toBeLessThan(1e-5);
  });
});
