import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cropTopLeft, padEdge, planDepth, resizeBilinear } from '../../../src-main/inference/adapters';

describe('adapter pixel helpers', () => {
  it('plans depth inputs as multiples of 14 that keep the aspect ratio', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 4096 }), fc.integer({ min: 8, max: 4096 }), (w, h) => {
        const p = planDepth(w, h);
        expect(p.inputW % 14).toBe(0);
        expect(p.inputH % 14).toBe(0);
        expect(Math.min(p.resizedW, p.resizedH)).toBe(518);
        expect(p.inputW - p.resizedW).toBeLessThan(14);
        expect(p.inputH - p.resizedH).toBeLessThan(14);
        expect(Math.abs(p.resizedW / p.resizedH - w / h)).toBeLessThan(
          (2 / Math.min(p.resizedW, p.resizedH)) * Math.max(1, w / h),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('bilinear resize reproduces linear ramps (half-pixel and align-corners)', () => {
    const w = 37,
      h = 11;
    const src = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) src[y * w + x] = 2 * x + 3 * y;
    const ac = resizeBilinear(src, 1, h, w, 21, 73, true);
    // align corners: output x maps to x·(w−1)/(dw−1)
    expect(ac[5 * 73 + 10]).toBeCloseTo((2 * (10 * 36)) / 72 + (3 * (5 * 10)) / 20, 4);
    const hp = resizeBilinear(src, 1, h, w, 22, 74);
    // half pixel: interior output x maps to (x+0.5)/2 − 0.5
    expect(hp[10 * 74 + 20]).toBeCloseTo(2 * (20.5 / 2 - 0.5) + 3 * (10.5 / 2 - 0.5), 4);
  });

  it('pad then crop is the identity', () => {
    const src = Float32Array.from({ length: 2 * 5 * 7 }, (_, i) => i);
    const padded = padEdge(src, 2, 5, 7, 14, 14);
    expect(padded[1 * 196 + 13 * 14 + 13]).toBe(src[1 * 35 + 4 * 7 + 6]);
    expect(Array.from(cropTopLeft(padded, 2, 14, 14, 5, 7))).toEqual(Array.from(src));
  });
});
