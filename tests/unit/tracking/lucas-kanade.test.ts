import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildPyramid,
  createGray,
  LucasKanade,
  LK_OK,
  LK_LOW_TEXTURE,
  forwardBackwardErrors,
  TemplateBank,
  CornerDetector,
  scharrGradients,
} from '../../../src-main/analysis/tracking';

// Smooth random-ish texture, defined continuously so a shifted copy is exact.
const tex = (x: number, y: number) =>
  128 +
  40 * Math.sin(0.21 * x + 0.9 * Math.cos(0.13 * y)) +
  30 * Math.cos(0.17 * y - 0.07 * x) +
  20 * Math.sin(0.05 * x * Math.sin(0.045 * y) + 0.3 * y);

function render(w: number, h: number, f: (x: number, y: number) => number) {
  const img = createGray(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data[y * w + x] = f(x + 0.5, y + 0.5);
  return img;
}

describe('pyramidal Lucas–Kanade', () => {
  const W = 160;
  const H = 120;
  const a = render(W, H, tex);
  const pa = buildPyramid(a, 3);
  const lk = new LucasKanade({ halfWindow: 7 });
  const xs = new Float32Array([40.5, 80.25, 110.7, 60.1]);
  const ys = new Float32Array([40.5, 60.75, 70.2, 85.3]);
  const ox = new Float32Array(4);
  const oy = new Float32Array(4);
  const st = new Uint8Array(4);
  const res = new Float32Array(4);

  it('recovers a known subpixel shift of a texture (including a multi-pixel one)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -6, max: 6, noNaN: true }),
        fc.double({ min: -6, max: 6, noNaN: true }),
        (sx, sy) => {
          const b = render(W, H, (x, y) => tex(x - sx, y - sy));
          lk.track(pa, buildPyramid(b, 3), xs, ys, 4, ox, oy, st, res);
          for (let i = 0; i < 4; i++) {
            expect(st[i]).toBe(LK_OK);
            expect(Math.abs(ox[i]! - xs[i]! - sx)).toBeLessThan(0.03);
            expect(Math.abs(oy[i]! - ys[i]! - sy)).toBeLessThan(0.03);
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('forward–backward error is ~0 for a consistent pair and flags a flat window as untrackable', () => {
    const b = render(W, H, (x, y) => tex(x - 1.37, y + 0.62));
    const pb = buildPyramid(b, 3);
    lk.track(pa, pb, xs, ys, 4, ox, oy, st, res);
    const bx = new Float32Array(4);
    const by = new Float32Array(4);
    lk.track(pb, pa, ox, oy, 4, bx, by, st, res);
    const fb = new Float32Array(4);
    forwardBackwardErrors(xs, ys, bx, by, 4, fb);
    for (const e of fb) expect(e).toBeLessThan(0.05);
    const flat = buildPyramid(
      render(W, H, () => 100),
      3,
    );
    lk.track(flat, flat, xs, ys, 1, ox, oy, st, res);
    expect(st[0]).toBe(LK_LOW_TEXTURE);
  });

  it('forwardBackwardErrors is the Euclidean distance', () => {
    const out = new Float32Array(1);
    forwardBackwardErrors(
      new Float32Array([1]),
      new Float32Array([1]),
      new Float32Array([4]),
      new Float32Array([5]),
      1,
      out,
    );
    expect(out[0]).toBeCloseTo(5, 6);
  });

  it('anchored affine refinement recovers a scaled and shifted window', () => {
    const s = 1.06;
    const cx = 80;
    const cy = 60;
    const b = render(W, H, (x, y) => tex(cx + (x - cx - 0.8) / s, cy + (y - cy + 0.45) / s));
    const bank = new TemplateBank({ halfWindow: 7 });
    const g = scharrGradients(a);
    expect(bank.anchor(0, a, g.gx, g.gy, 80.5, 60.5)).toBe(true);
    const r = { ok: false, x: 0, y: 0, residual: 0 };
    bank.refine(0, b, 81, 60, r);
    expect(r.ok).toBe(true);
    expect(r.x).toBeCloseTo(cx + (80.5 - cx) * s + 0.8, 1);
    expect(r.y).toBeCloseTo(cy + (60.5 - cy) * s - 0.45, 1);
  });
});

describe('Shi–Tomasi corners', () => {
  it('finds the corners of a square, respects min distance and existing points', () => {
    const img = render(64, 64, (x, y) => (x > 20 && x < 44 && y > 20 && y < 44 ? 200 : 20));
    const det = new CornerDetector(64, 64);
    const g = scharrGradients(img);
    const c = det.detect(g, { maxCorners: 10, minDistance: 6, border: 4 });
    expect(c.count).toBe(4);
    for (let i = 0; i < c.count; i++) {
      const near = [
        [20, 20],
        [44, 20],
        [20, 44],
        [44, 44],
      ].some(([x, y]) => Math.hypot(c.x[i]! - x!, c.y[i]! - y!) < 3);
      expect(near).toBe(true);
    }
    const blocked = det.detect(
      g,
      { maxCorners: 10, minDistance: 6, border: 4 },
      new Float32Array([20, 44]),
      new Float32Array([20, 44]),
      2,
    );
    expect(blocked.count).toBe(2);
  });
});
