/**
 * The XFeat adapter's and the blur's fast paths must give bit-identical results to the straightforward
 * forms they replaced (kept here as references): tracking results, and so resume, depend on every bit.
 */
import { describe, expect, it } from 'vitest';
import {
  createGray,
  gaussianBlur,
  gaussianKernel,
  matchGated,
  nonMaxSuppression,
  lumaToXFeatInput,
  XFeatDecoder,
  type GrayImage,
} from '../../../src-main/analysis/tracking';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function refBlur(src: GrayImage, kernel: Float32Array): Float32Array {
  const { width: w, height: h, data: s } = src;
  const r = (kernel.length - 1) >> 1;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  const cl = (v: number, n: number) => (v < 0 ? 0 : v >= n ? n - 1 : v);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += kernel[i + r]! * s[y * w + cl(x + i, w)]!;
      tmp[y * w + x] = acc;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += kernel[i + r]! * tmp[cl(y + i, h) * w + x]!;
      out[y * w + x] = acc;
    }
  return out;
}

function refNms(map: Float32Array, w: number, h: number, r: number, threshold: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = map[y * w + x]!;
      if (!(v > threshold)) continue;
      let isMax = true;
      for (let dy = -r; dy <= r && isMax; dy++)
        for (let dx = -r; dx <= r; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (yy < 0 || yy >= h || xx < 0 || xx >= w || (dx === 0 && dy === 0)) continue;
          const u = map[yy * w + xx]!;
          if (u > v || (u === v && (dy < 0 || (dy === 0 && dx < 0)))) {
            isMax = false;
            break;
          }
        }
      if (isMax) out.push(y * w + x);
    }
  return out;
}

function refResize(rgb: Uint8Array, width: number, height: number, inW: number, inH: number): Float32Array {
  const plane = inW * inH;
  const dst = new Float32Array(3 * plane);
  const sx = width / inW;
  const sy = height / inH;
  for (let j = 0; j < inH; j++) {
    const fy = Math.min(Math.max((j + 0.5) * sy - 0.5, 0), height - 1);
    const y0 = Math.min(Math.floor(fy), height - 2 < 0 ? 0 : height - 2);
    const y1 = y0 + 1 < height ? y0 + 1 : y0;
    const ay = fy - y0;
    for (let i = 0; i < inW; i++) {
      const fx = Math.min(Math.max((i + 0.5) * sx - 0.5, 0), width - 1);
      const x0 = Math.min(Math.floor(fx), width - 2 < 0 ? 0 : width - 2);
      const x1 = x0 + 1 < width ? x0 + 1 : x0;
      const ax = fx - x0;
      for (let c = 0; c < 3; c++)
        dst[c * plane + j * inW + i] =
          (1 / 255) *
          ((1 - ax) * (1 - ay) * rgb[3 * (y0 * width + x0) + c]! +
            ax * (1 - ay) * rgb[3 * (y0 * width + x1) + c]! +
            (1 - ax) * ay * rgb[3 * (y1 * width + x0) + c]! +
            ax * ay * rgb[3 * (y1 * width + x1) + c]!);
    }
  }
  return dst;
}

describe('fast paths are bit-identical to the reference forms', () => {
  it('gaussian blur (interior rows without clamping)', () => {
    const r = rng(3);
    for (const [w, h, sigma] of [
      [37, 23, 1],
      [9, 5, 1],
      [16, 40, 0.7],
    ] as const) {
      const img = createGray(w, h);
      for (let i = 0; i < w * h; i++) img.data[i] = 255 * r();
      const k = gaussianKernel(sigma);
      const out = createGray(w, h);
      gaussianBlur(img, out, k, new Float32Array(w * h));
      expect(Array.from(out.data)).toEqual(Array.from(refBlur(img, k)));
    }
  });
  it('non-maximum suppression, plateaus and borders included', () => {
    const r = rng(5);
    const w = 41;
    const h = 29;
    const m = new Float32Array(w * h);
    // Quantised values make many ties.
    for (let i = 0; i < m.length; i++) m[i] = Math.round(r() * 12) / 12;
    expect(Array.from(nonMaxSuppression(m, w, h, 2, 0.05))).toEqual(refNms(m, w, h, 2, 0.05));
    expect(Array.from(nonMaxSuppression(m, w, h, 1, 0.5))).toEqual(refNms(m, w, h, 1, 0.5));
  });
  it('luma resize to the model input, down and up: the bilinear reference in each of the 3 planes', () => {
    const r = rng(7);
    for (const [w, h, iw, ih] of [
      [64, 36, 32, 24],
      [13, 7, 32, 16],
      [640, 360, 320, 224],
    ] as const) {
      const luma = new Uint8Array(w * h);
      for (let i = 0; i < luma.length; i++) luma[i] = Math.floor(256 * r());
      const got = lumaToXFeatInput(luma, w, h, iw, ih);
      // The reference on an RGB frame of that gray (R = G = B = luma); summed in another order.
      const rgb = new Uint8Array(3 * w * h).map((_, i) => luma[(i / 3) | 0]!);
      const ref = refResize(rgb, w, h, iw, ih);
      expect(got.length).toBe(ref.length);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i]! - ref[i]!));
      expect(worst).toBeLessThan(1e-6);
    }
    expect(() => lumaToXFeatInput(new Uint8Array(10), 4, 4, 2, 2)).toThrow(/wrong size/);
  });
  it('decode: skipping cells that cannot reach the threshold changes nothing', () => {
    const r = rng(11);
    const inW = 64;
    const inH = 40;
    const plane = (inW / 8) * (inH / 8);
    const logits = new Float32Array(65 * plane);
    for (let i = 0; i < logits.length; i++) logits[i] = 6 * r() - 3;
    // Half the cells dominated by the dustbin, some ties between keypoint logits.
    for (let p = 0; p < plane; p += 2) logits[64 * plane + p] = 9;
    for (let p = 1; p < plane; p += 3) logits[5 * plane + p] = logits[6 * plane + p]!;
    const descriptors = new Float32Array(64 * plane).map(() => r() - 0.5);
    const reliability = new Float32Array(plane).map(() => r());
    const dec = new XFeatDecoder(inW, inH);
    const out = { logits, descriptors, reliability };
    const kp = dec.decode(out, 128, 80, { threshold: 0.02 });
    // Reference: the full heatmap, NMS, a stable comparator sort by score.
    const heat = new XFeatDecoder(inW, inH).heatmap(logits);
    const cands = refNms(heat, inW, inH, 2, 0.02);
    expect(kp.count).toBe(cands.length);
    expect(kp.count).toBeGreaterThan(10);
    const kp2 = dec.decode(out, 128, 80, { threshold: 0.02 });
    expect(Array.from(kp2.x)).toEqual(Array.from(kp.x));
    for (let i = 1; i < kp.count; i++) expect(kp.score[i]!).toBeLessThanOrEqual(kp.score[i - 1]!);
    const seen = new Set<number>();
    for (let i = 0; i < kp.count; i++) {
      const p = Math.floor(kp.y[i]! / 2) * inW + Math.floor(kp.x[i]! / 2);
      seen.add(p);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(cands);
  });
  it('gated matching with the unrolled dot product equals plain sums', () => {
    const r = rng(13);
    const dim = 64;
    const n = 40;
    const a = new Float32Array(n * dim).map(() => r() - 0.5);
    const b = new Float32Array(n * dim).map(() => r() - 0.5);
    const ax = new Float32Array(n).map(() => 100 * r());
    const ay = new Float32Array(n).map(() => 100 * r());
    const sim = new Float32Array(n);
    const m = matchGated(
      a,
      ax,
      ay,
      n,
      b,
      ax,
      ay,
      n,
      dim,
      30,
      100,
      100,
      { ratio: 1, minSimilarity: -10 },
      sim,
    );
    for (let i = 0; i < n; i++) {
      const j = m[i]!;
      if (j < 0) continue;
      let s = 0;
      for (let d = 0; d < dim; d++) s += a[i * dim + d]! * b[j * dim + d]!;
      expect(sim[i]).toBe(Math.fround(s));
    }
  });
});
