import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { upsampleDepth, type DepthGrid } from '../../../src-shared/image/depth-upsample';

const grid = fc
  .record({ w: fc.integer({ min: 1, max: 9 }), h: fc.integer({ min: 1, max: 9 }) })
  .chain(({ w, h }) =>
    fc.record({
      w: fc.constant(w),
      h: fc.constant(h),
      z: fc.array(fc.float({ min: Math.fround(0.1), max: 100, noNaN: true }), {
        minLength: w * h,
        maxLength: w * h,
      }),
      v: fc.array(fc.boolean(), { minLength: w * h, maxLength: w * h }),
      k: fc.integer({ min: 1, max: 4 }),
    }),
  );

const toGrid = (g: { w: number; h: number; z: number[]; v: boolean[] }): DepthGrid => ({
  width: g.w,
  height: g.h,
  depth: Float32Array.from(g.z, (z, i) => (g.v[i] ? z : 0)),
  valid: Uint8Array.from(g.v, Number),
});

describe('upsampleDepth', () => {
  it('validity is the nearest depth pixel’s; Z lies between the valid neighbours’; 0 where invalid', () => {
    fc.assert(
      fc.property(grid, (g) => {
        const src = toGrid(g);
        const W = g.w * g.k;
        const H = g.h * g.k;
        const up = upsampleDepth(src, W, H);
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++) {
            const o = y * W + x;
            const sx = Math.floor(x / g.k);
            const sy = Math.floor(y / g.k);
            expect(up.valid[o]).toBe(src.valid[sy * g.w + sx]);
            if (!up.valid[o]) {
              expect(up.depth[o]).toBe(0);
              continue;
            }
            const around: number[] = [];
            for (let dy = -1; dy <= 1; dy++)
              for (let dx = -1; dx <= 1; dx++) {
                const xx = Math.min(g.w - 1, Math.max(0, sx + dx));
                const yy = Math.min(g.h - 1, Math.max(0, sy + dy));
                if (src.valid[yy * g.w + xx]) around.push(src.depth[yy * g.w + xx]!);
              }
            expect(up.depth[o]).toBeGreaterThanOrEqual(Math.min(...around) * (1 - 1e-6));
            expect(up.depth[o]).toBeLessThanOrEqual(Math.max(...around) * (1 + 1e-6));
          }
      }),
    );
  });

  it('is the identity at the same size', () => {
    fc.assert(
      fc.property(grid, (g) => {
        const src = toGrid(g);
        const up = upsampleDepth(src, g.w, g.h);
        expect([...up.depth]).toEqual([...src.depth]);
        expect([...up.valid]).toEqual([...src.valid]);
      }),
    );
  });

  it('interpolates a smooth ramp linearly and takes the nearest side across an edge', () => {
    const ramp: DepthGrid = {
      width: 2,
      height: 1,
      depth: Float32Array.of(10, 10.2),
      valid: Uint8Array.of(1, 1),
    };
    const r = upsampleDepth(ramp, 4, 1);
    // pixel centres 0.5..3.5 map to −0.25, 0.25, 0.75, 1.25 on the depth grid (clamped at the ends)
    expect([...r.depth].map((v) => +v.toFixed(4))).toEqual([10, 10.05, 10.15, 10.2]);
    const edge: DepthGrid = {
      width: 2,
      height: 1,
      depth: Float32Array.of(2, 20),
      valid: Uint8Array.of(1, 1),
    };
    expect([...upsampleDepth(edge, 4, 1).depth]).toEqual([2, 2, 20, 20]);
  });

  it('refuses mismatched sizes', () => {
    const g: DepthGrid = { width: 2, height: 2, depth: new Float32Array(3), valid: new Uint8Array(4) };
    expect(() => upsampleDepth(g, 4, 4)).toThrow(/3 depth \/ 4 mask samples for 2×2/);
    expect(() => upsampleDepth({ ...g, depth: new Float32Array(4) }, 0, 4)).toThrow(/target size 0×4/);
  });
});
