import { describe, expect, it } from 'vitest';
import {
  buildPyramid,
  createGray,
  downsample,
  pyramidDepth,
  sampleBilinear,
  sampleWindow,
  scharrGradients,
  gaussianBlur,
  gaussianKernel,
} from '../../../src-main/analysis/tracking';

function ramp(w: number, h: number, f: (x: number, y: number) => number) {
  const img = createGray(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data[y * w + x] = f(x + 0.5, y + 0.5);
  return img;
}

describe('bilinear sampling', () => {
  it('reproduces pixel values at pixel centres and is exact on linear ramps', () => {
    const img = ramp(20, 10, (x, y) => 3 * x + 7 * y);
    expect(sampleBilinear(img, 4.5, 3.5)).toBeCloseTo(3 * 4.5 + 7 * 3.5, 4);
    expect(sampleBilinear(img, 4.75, 3.25)).toBeCloseTo(3 * 4.75 + 7 * 3.25, 4);
  });
  it('window sampling matches point sampling, inside and across the border', () => {
    const img = ramp(16, 12, (x, y) => Math.sin(x) * 50 + y * y);
    const out = new Float32Array(25);
    for (const [cx, cy] of [
      [8.3, 6.7],
      [1.2, 0.9],
    ] as const) {
      sampleWindow(img, cx, cy, 2, out);
      for (let r = 0; r < 5; r++)
        for (let c = 0; c < 5; c++)
          expect(out[r * 5 + c]).toBeCloseTo(sampleBilinear(img, cx + c - 2, cy + r - 2), 3);
    }
  });
});

describe('gradients and blur', () => {
  it('Scharr gives the slope of a linear ramp in intensity per pixel', () => {
    const g = scharrGradients(ramp(12, 12, (x, y) => 2 * x - 5 * y));
    expect(g.gx.data[5 * 12 + 5]).toBeCloseTo(2, 5);
    expect(g.gy.data[5 * 12 + 5]).toBeCloseTo(-5, 5);
  });
  it('Gaussian blur keeps a constant image and the kernel sums to one', () => {
    const k = gaussianKernel(1.2);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const src = ramp(9, 7, () => 42);
    const dst = createGray(9, 7);
    gaussianBlur(src, dst, k, new Float32Array(63));
    for (const v of dst.data) expect(v).toBeCloseTo(42, 4);
  });
});

describe('pyramid', () => {
  it('halves sizes and keeps a point at x/2^L (no half-pixel drift between levels)', () => {
    // A linear ramp's value at level L and position p equals the level-0 value at p·2^L.
    const img = ramp(64, 48, (x, y) => 1.5 * x + 0.5 * y);
    const pyr = buildPyramid(img, 3);
    expect(pyr.levels.map((l) => [l.image.width, l.image.height])).toEqual([
      [64, 48],
      [32, 24],
      [16, 12],
    ]);
    const l2 = pyr.levels[2]!.image;
    expect(sampleBilinear(l2, 5.5, 4.5)).toBeCloseTo(1.5 * 22 + 0.5 * 18, 3);
  });
  it('depth stops at the minimum side and reuse refills in place', () => {
    expect(pyramidDepth(640, 360, 6, 24)).toBe(4);
    const a = ramp(32, 32, (x) => x);
    const p1 = buildPyramid(a, 2);
    const b = ramp(32, 32, (x) => 2 * x);
    const p2 = buildPyramid(b, 2, p1);
    expect(p2).toBe(p1);
    const half = createGray(16, 16);
    downsample(b, half, new Float32Array(32 * 16));
    expect(Array.from(p2.levels[1]!.image.data)).toEqual(Array.from(half.data));
  });
});
