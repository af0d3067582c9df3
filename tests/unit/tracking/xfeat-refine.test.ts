/**
 * The XFeat tracker's full-resolution refinement pieces: the lazily smoothed luma (exact whatever the
 * order tiles are computed in, equal to a straightforward full-frame computation), the anchored affine
 * alignment (recovers known motion, ignores brightness and contrast changes, slots copy exactly), the
 * frame-to-frame fallback, the reusable gated matcher (equal to a brute-force search) and the
 * decoder's descriptors (the normalised map sampled bilinearly, normalised again).
 */
import { describe, expect, it } from 'vitest';
import {
  AnchorBank,
  gaussianKernel,
  GatedMatcher,
  LocalFlow,
  SmoothedFrame,
  XFeatDecoder,
  type AlignResult,
  type FlowResult,
} from '../../../src-main/analysis/tracking';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** Smooth texture with corners, as a function of continuous position. */
const tex = (x: number, y: number) =>
  128 +
  45 * Math.sin(0.31 * x + 0.9 * Math.cos(0.23 * y)) +
  35 * Math.cos(0.27 * y - 0.17 * x) +
  25 * Math.sin(0.11 * x * Math.sin(0.085 * y) + 0.4 * y);

/** 8-bit luma of `tex` seen through x' = A(x − c) + c + t (a frame of a moving camera), optionally with gain and offset. */
function frame(
  w: number,
  h: number,
  t: [number, number] = [0, 0],
  a: [number, number, number, number] = [1, 0, 0, 1],
  gain = 1,
  offset = 0,
): Uint8Array {
  const luma = new Uint8Array(w * h);
  const cx = w / 2;
  const cy = h / 2;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      // Pixel (x, y) of this frame shows the texture at the inverse-warped position.
      const u = x + 0.5 - cx - t[0];
      const v = y + 0.5 - cy - t[1];
      const det = a[0] * a[3] - a[1] * a[2];
      const sx = (a[3] * u - a[1] * v) / det + cx;
      const sy = (-a[2] * u + a[0] * v) / det + cy;
      const val = Math.max(0, Math.min(255, Math.round(gain * tex(sx, sy) + offset)));
      luma[y * w + x] = val;
    }
  return luma;
}

/** Straightforward reference: a separable blur of the luma with replicated borders. */
function refSmooth(lum: Uint8Array, w: number, h: number, binomial: boolean): Float32Array {
  const k = binomial ? [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16] : Array.from(gaussianKernel(1));
  const r = (k.length - 1) >> 1;
  const cl = (v: number, n: number) => (v < 0 ? 0 : v >= n ? n - 1 : v);
  const tap = (get: (i: number) => number) =>
    binomial
      ? k[2]! * get(0) + k[3]! * (get(-1) + get(1)) + k[4]! * (get(-2) + get(2))
      : k.reduce((acc, kv, i) => acc + kv * get(i - r), 0);
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) tmp[y * w + x] = tap((i) => lum[y * w + cl(x + i, w)]!);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) out[y * w + x] = tap((i) => tmp[cl(y + i, h) * w + x]!);
  return out;
}

describe('lazily smoothed luma', () => {
  for (const binomial of [true, false]) {
    it(`${binomial ? 'binomial' : 'Gaussian'}: any tile order gives the full-frame result, bit for bit`, () => {
      const r = rng(3);
      for (const [w, h] of [
        [83, 47],
        [16, 9],
        [40, 33],
      ] as const) {
        const luma = new Uint8Array(w * h).map(() => Math.floor(256 * r()));
        const ref = refSmooth(luma, w, h, binomial);
        const a = new SmoothedFrame(w, h, 1, binomial);
        a.reset(luma);
        // Scattered small requests first, then everything.
        for (let t = 0; t < 40; t++) {
          const x = Math.floor(r() * w);
          const y = Math.floor(r() * h);
          a.ensure(x, y, x + 1, y + 1);
        }
        a.ensureAll();
        expect(Array.from(a.data)).toEqual(Array.from(ref));
      }
    });
  }
  it('keeps its own copy of the frame when asked, and its computed pixels', () => {
    const w = 40;
    const h = 30;
    const luma = frame(w, h);
    const f = new SmoothedFrame(w, h, 1, true);
    f.reset(luma);
    f.ensure(0, 0, 10, 10);
    f.keep();
    luma.fill(0);
    f.ensureAll();
    expect(Array.from(f.data)).toEqual(Array.from(refSmooth(frame(w, h), w, h, true)));
  });
});

describe('anchored affine alignment', () => {
  const W = 160;
  const H = 120;
  const pts = [
    [60.5, 50.5],
    [95.5, 70.5],
    [80.5, 40.5],
  ] as const;
  const out: AlignResult = { ok: false, x: 0, y: 0, residual: 0, iterations: 0 };
  const smoothed = (luma: Uint8Array) => {
    const f = new SmoothedFrame(W, H, 1, true);
    f.reset(luma);
    return f;
  };
  const truth = (p: readonly [number, number], t: [number, number], a: [number, number, number, number]) => {
    const u = p[0] - W / 2;
    const v = p[1] - H / 2;
    return [a[0] * u + a[1] * v + W / 2 + t[0], a[2] * u + a[3] * v + H / 2 + t[1]];
  };

  it('finds a point moved by a shift, a small scale and rotation, from a start 1.5 px away', () => {
    const t: [number, number] = [2.3, -1.7];
    const c = Math.cos(0.04);
    const s = Math.sin(0.04);
    const a: [number, number, number, number] = [1.06 * c, -1.06 * s, 1.06 * s, 1.06 * c];
    const f0 = smoothed(frame(W, H));
    const f1 = smoothed(frame(W, H, t, a));
    const bank = new AnchorBank();
    pts.forEach((p, i) => expect(bank.anchor(i, f0, p[0], p[1])).toBe(true));
    pts.forEach((p, i) => {
      const [tx, ty] = truth(p, t, a);
      bank.align(i, f1, tx! + 1.1, ty! - 1, out);
      expect(out.ok).toBe(true);
      expect(Math.hypot(out.x - tx!, out.y - ty!)).toBeLessThan(0.05);
      expect(bank.distortion(i)).toBeGreaterThan(0.05);
    });
  });

  it('is not pulled by a change of brightness and contrast', () => {
    const t: [number, number] = [1.4, 0.6];
    const f0 = smoothed(frame(W, H));
    const f1 = smoothed(frame(W, H, t, [1, 0, 0, 1], 0.8, 30));
    const bank = new AnchorBank();
    pts.forEach((p, i) => {
      expect(bank.anchor(i, f0, p[0], p[1])).toBe(true);
      bank.align(i, f1, p[0], p[1], out);
      expect(out.ok).toBe(true);
      expect(Math.hypot(out.x - p[0] - t[0], out.y - p[1] - t[1])).toBeLessThan(0.05);
      // The error is measured after brightness and contrast are matched.
      expect(out.residual).toBeLessThan(1.5);
    });
  });

  it('copies slots exactly, and leaves a slot alone when a window cannot anchor', () => {
    const f0 = smoothed(frame(W, H));
    const f1 = smoothed(frame(W, H, [0.7, 0.2]));
    const bank = new AnchorBank();
    expect(bank.anchor(0, f0, 70.5, 60.5)).toBe(true);
    bank.align(0, f1, 71, 61, out);
    const saved = new Float64Array(bank.slotSize);
    bank.exportSlot(0, saved);
    const other = new AnchorBank();
    other.importSlot(3, saved);
    const out2: AlignResult = { ...out };
    bank.align(0, f1, 70.9, 60.8, out);
    other.align(3, f1, 70.9, 60.8, out2);
    expect(out2).toEqual(out);
    // A flat window cannot anchor: the slot keeps the window it had.
    const before = new Float64Array(bank.slotSize);
    bank.exportSlot(0, before);
    const flat = smoothed(new Uint8Array(W * H).fill(90));
    expect(bank.anchor(0, flat, 70.5, 60.5)).toBe(false);
    const after = new Float64Array(bank.slotSize);
    bank.exportSlot(0, after);
    expect(Array.from(after)).toEqual(Array.from(before));
  });
});

describe('frame-to-frame fallback', () => {
  it('follows a translation and gives up on a flat window', () => {
    const W = 120;
    const H = 90;
    const f0 = new SmoothedFrame(W, H, 1, true);
    const f1 = new SmoothedFrame(W, H, 1, true);
    f0.reset(frame(W, H));
    f1.reset(frame(W, H, [1.8, -0.9]));
    const flow = new LocalFlow(7);
    const out: FlowResult = { ok: false, x: 0, y: 0, residual: 0 };
    flow.track(f0, f1, 50.5, 40.5, 51.5, 40.5, out);
    expect(out.ok).toBe(true);
    expect(Math.hypot(out.x - 52.3, out.y - 39.6)).toBeLessThan(0.05);
    const flat = new SmoothedFrame(W, H, 1, true);
    flat.reset(new Uint8Array(W * H).fill(50));
    flow.track(flat, f1, 50.5, 40.5, 50.5, 40.5, out);
    expect(out.ok).toBe(false);
  });
});

describe('gated matcher', () => {
  it('equals a brute-force gated mutual nearest neighbour search, also with per-point radii', () => {
    const r = rng(17);
    const dim = 64;
    const unit = (n: number) => {
      const a = new Float32Array(n * dim).map(() => r() - 0.5);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += a[i * dim + d]! ** 2;
        for (let d = 0; d < dim; d++) a[i * dim + d] = a[i * dim + d]! / Math.sqrt(s);
      }
      return a;
    };
    const nA = 150;
    const nB = 300;
    const a = unit(nA);
    const b = unit(nB);
    const ax = new Float32Array(nA).map(() => 200 * r());
    const ay = new Float32Array(nA).map(() => 120 * r());
    const bx = new Float32Array(nB).map(() => 200 * r());
    const by = new Float32Array(nB).map(() => 120 * r());
    // Every other A point has a B point nearby with a similar descriptor, so there are matches to find.
    for (let i = 0; i < nA; i += 2) {
      for (let d = 0; d < dim; d++) a[i * dim + d] = b[2 * i * dim + d]! + 0.02 * (r() - 0.5);
      bx[2 * i] = ax[i]! + 8 * (r() - 0.5);
      by[2 * i] = ay[i]! + 8 * (r() - 0.5);
    }
    const radii = new Float32Array(nA).map(() => 10 + 20 * r());
    const opts = { ratio: 0.9, minSimilarity: 0.5 };
    const brute = (rad: (i: number) => number) => {
      const dot = (i: number, j: number) => {
        let s = 0;
        for (let d = 0; d < dim; d++) s += a[i * dim + d]! * b[j * dim + d]!;
        return s;
      };
      const near = (i: number, j: number) => Math.hypot(ax[i]! - bx[j]!, ay[i]! - by[j]!) <= rad(i);
      const m = new Int32Array(nA).fill(-1);
      for (let i = 0; i < nA; i++) {
        let best = -Infinity;
        let second = -Infinity;
        let bj = -1;
        for (let j = 0; j < nB; j++) {
          if (!near(i, j)) continue;
          const s = dot(i, j);
          if (s > best) {
            second = best;
            best = s;
            bj = j;
          } else if (s > second) second = s;
        }
        if (bj < 0 || best < opts.minSimilarity) continue;
        let mutual = true;
        for (let k = 0; k < nA; k++) if (k !== i && near(k, bj) && dot(k, bj) > best) mutual = false;
        const d1 = Math.sqrt(Math.max(0, 2 - 2 * best));
        const d2 = Math.sqrt(Math.max(0, 2 - 2 * second));
        if (mutual && (second === -Infinity || d1 < opts.ratio * d2)) m[i] = bj;
      }
      return Array.from(m);
    };
    const matcher = new GatedMatcher();
    const got = Array.from(matcher.match(a, ax, ay, nA, b, bx, by, nB, dim, 25, 200, 120, opts));
    expect(got).toEqual(brute(() => 25));
    expect(got.filter((j) => j >= 0).length).toBeGreaterThan(20);
    const got2 = Array.from(
      matcher.match(a, ax, ay, nA, b, bx, by, nB, dim, 30, 200, 120, opts, undefined, radii),
    );
    expect(got2).toEqual(brute((i) => radii[i]!));
  });
});

describe('decoder descriptors', () => {
  it('are the per-position normalised map sampled bilinearly and normalised again', () => {
    const r = rng(23);
    const inW = 64;
    const inH = 40;
    const cw = inW / 8;
    const ch = inH / 8;
    const plane = cw * ch;
    const logits = new Float32Array(65 * plane).map(() => 6 * r() - 3);
    const descriptors = new Float32Array(64 * plane).map(() => r() - 0.5);
    const reliability = new Float32Array(plane).map(() => r());
    const kp = new XFeatDecoder(inW, inH).decode({ logits, descriptors, reliability }, 128, 80);
    expect(kp.count).toBeGreaterThan(10);
    const norm = (p: number) => {
      let s = 0;
      for (let d = 0; d < 64; d++) s += descriptors[d * plane + p]! ** 2;
      return Math.sqrt(s);
    };
    for (let i = 0; i < kp.count; i++) {
      // Model-input position of the keypoint, then the cell grid (centres at +0.5).
      const fx = Math.min(Math.max(kp.x[i]! / 2 / 8 - 0.5, 0), cw - 1);
      const fy = Math.min(Math.max(kp.y[i]! / 2 / 8 - 0.5, 0), ch - 1);
      const x0 = Math.min(Math.floor(fx), cw - 2);
      const y0 = Math.min(Math.floor(fy), ch - 2);
      const ax = fx - x0;
      const ay = fy - y0;
      const corners = [
        [y0 * cw + x0, (1 - ax) * (1 - ay)],
        [y0 * cw + x0 + 1, ax * (1 - ay)],
        [(y0 + 1) * cw + x0, (1 - ax) * ay],
        [(y0 + 1) * cw + x0 + 1, ax * ay],
      ] as const;
      const v = Array.from({ length: 64 }, (_, d) =>
        corners.reduce((s, [p, wgt]) => s + (wgt * descriptors[d * plane + p]!) / norm(p), 0),
      );
      const n = Math.hypot(...v);
      for (let d = 0; d < 64; d++) expect(kp.descriptors[i * 64 + d]).toBeCloseTo(v[d]! / n, 6);
    }
  });
});
