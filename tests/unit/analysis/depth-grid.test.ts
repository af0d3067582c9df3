import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEPTH_WIDTH, depthGrid } from '../../../src-main/analysis/analysis-protocol';

describe('the depth grid of a shot', () => {
  it('is 640 on the long side, the short side even, landscape or portrait', () => {
    expect(DEPTH_WIDTH).toBe(640);
    expect(depthGrid(1920, 1080)).toEqual({ width: 640, height: 360 });
    expect(depthGrid(640, 360)).toEqual({ width: 640, height: 360 });
    expect(depthGrid(1080, 1920)).toEqual({ width: 360, height: 640 });
    expect(depthGrid(4096, 1716)).toEqual({ width: 640, height: 268 });
    expect(depthGrid(1000, 1000)).toEqual({ width: 640, height: 640 });
  });

  it('keeps a smaller frame at its own size', () => {
    expect(depthGrid(320, 180)).toEqual({ width: 320, height: 180 });
    expect(depthGrid(180, 320)).toEqual({ width: 180, height: 320 });
  });

  it('never exceeds the long side, keeps the shape within a pixel, and is at least 2×2', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8192 }), fc.integer({ min: 2, max: 8192 }), (w, h) => {
        const g = depthGrid(w, h);
        expect(Math.max(g.width, g.height)).toBeLessThanOrEqual(Math.max(DEPTH_WIDTH, 2));
        expect(Math.max(g.width, g.height)).toBe(Math.min(DEPTH_WIDTH, Math.max(w, h)));
        expect(g.width).toBeGreaterThanOrEqual(2);
        expect(g.height).toBeGreaterThanOrEqual(2);
        // the short side follows the shape, rounded to even
        const short = w >= h ? g.height : g.width;
        const exact = (Math.min(w, h) * Math.max(g.width, g.height)) / Math.max(w, h);
        expect(Math.abs(short - exact)).toBeLessThanOrEqual(1.0000001 + (exact < 2 ? 2 : 0));
      }),
    );
  });
});
