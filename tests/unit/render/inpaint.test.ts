import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inpaintHoles } from '../../../src-main/render/inpaint';
import { MASK_EMPTY, MASK_FILLED, MASK_SEEN } from '../../../src-main/render/reproject';

describe('push–pull hole filling', () => {
  it('fills every empty pixel, marks it filled, and leaves seen pixels exactly as they were', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (W, H, seed) => {
          let r = seed;
          const rand = () => (r = (r * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
          const colour = Uint16Array.from({ length: W * H * 3 }, () => Math.floor(rand() * 65536));
          const mask = Uint8Array.from({ length: W * H }, () => (rand() < 0.6 ? MASK_SEEN : MASK_EMPTY));
          const before = colour.slice(),
            maskBefore = mask.slice();
          const seen = maskBefore.filter((m) => m === MASK_SEEN).length;
          const filled = inpaintHoles(colour, mask, W, H);
          expect(filled).toBe(seen === 0 ? 0 : W * H - seen);
          for (let p = 0; p < W * H; p++) {
            if (maskBefore[p] === MASK_SEEN) {
              expect(mask[p]).toBe(MASK_SEEN);
              for (let c = 0; c < 3; c++) expect(colour[3 * p + c]).toBe(before[3 * p + c]);
            } else expect(mask[p]).toBe(seen === 0 ? MASK_EMPTY : MASK_FILLED);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a hole in a flat colour is filled with that colour; in a ramp, with values between its rims', () => {
    const W = 64,
      H = 32;
    const colour = new Uint16Array(W * H * 3);
    const mask = new Uint8Array(W * H).fill(MASK_SEEN);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) colour.set([1000, 20000 + 500 * x, 40000], 3 * (y * W + x));
    for (let y = 10; y < 22; y++) for (let x = 20; x < 40; x++) mask[y * W + x] = MASK_EMPTY;
    inpaintHoles(colour, mask, W, H);
    for (let y = 10; y < 22; y++)
      for (let x = 20; x < 40; x++) {
        const p = 3 * (y * W + x);
        expect(colour[p]).toBe(1000);
        expect(colour[p + 2]).toBe(40000);
        expect(colour[p + 1]).toBeGreaterThanOrEqual(20000 + 500 * 19);
        expect(colour[p + 1]).toBeLessThanOrEqual(20000 + 500 * 40);
      }
  });
});
