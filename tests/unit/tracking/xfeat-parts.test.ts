import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  nonMaxSuppression,
  mutualNearest,
  similarityMatrix,
  matchDescriptors,
  matchGated,
  XFeatDecoder,
  lumaToXFeatInput,
  assignXFeatOutputs,
} from '../../../src-main/analysis/tracking';

function unitRows(n: number, dim: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const a = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const v = rnd();
      a[i * dim + d] = v;
      norm += v * v;
    }
    for (let d = 0; d < dim; d++) a[i * dim + d] = a[i * dim + d]! / Math.sqrt(norm);
  }
  return a;
}

describe('non-maximum suppression', () => {
  it('keeps isolated peaks above the threshold, one per plateau', () => {
    const w = 12;
    const h = 10;
    const m = new Float32Array(w * h);
    m[2 * w + 2] = 0.9;
    m[2 * w + 3] = 0.5; // suppressed by its neighbour
    m[7 * w + 9] = 0.3;
    m[7 * w + 2] = 0.04; // below threshold
    m[5 * w + 6] = 0.2;
    m[5 * w + 7] = 0.2; // plateau: one survivor
    const k = Array.from(nonMaxSuppression(m, w, h, 2, 0.05));
    expect(k).toEqual([2 * w + 2, 5 * w + 6, 7 * w + 9]);
  });
});

describe('mutual nearest neighbours', () => {
  it('matches permuted noisy copies exactly (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 1e6 }), (n, seed) => {
        const dim = 64;
        const a = unitRows(n, dim, seed);
        const perm = Array.from({ length: n }, (_, i) => (i * 7 + 3) % n);
        if (new Set(perm).size !== n) return;
        const b = new Float32Array(n * dim);
        perm.forEach((p, i) => b.set(a.subarray(p * dim, p * dim + dim), i * dim));
        const m = matchDescriptors(a, n, b, n, dim, { ratio: 0.95, minSimilarity: 0.5 });
        perm.forEach((p, i) => expect(m[p]).toBe(i));
      }),
      { numRuns: 25 },
    );
  });
  it('rejects non-mutual and ambiguous pairs', () => {
    // Two A rows both closest to B0: only the closer one is mutual.
    const sim = new Float32Array([0.9, 0.1, 0.95, 0.2]); // 2×2
    expect(Array.from(mutualNearest(sim, 2, 2, { ratio: 1, minSimilarity: 0 }))).toEqual([-1, 0]);
    // Ratio test: best 0.9 vs second 0.89 is ambiguous.
    const amb = new Float32Array([0.9, 0.89]);
    expect(Array.from(mutualNearest(amb, 1, 2, { ratio: 0.8, minSimilarity: 0 }))).toEqual([-1]);
  });
  it('similarity matrix equals naive dot products', () => {
    const a = unitRows(70, 64, 1);
    const b = unitRows(65, 64, 2);
    const s = similarityMatrix(a, 70, b, 65, 64);
    let dot = 0;
    for (let d = 0; d < 64; d++) dot += a[69 * 64 + d]! * b[64 * 64 + d]!;
    expect(s[69 * 65 + 64]).toBeCloseTo(dot, 5);
  });
  it('gated matching only considers candidates within the radius', () => {
    const a = unitRows(2, 64, 5);
    const b = new Float32Array(a);
    const m = matchGated(
      a,
      new Float32Array([10, 50]),
      new Float32Array([10, 50]),
      2,
      b,
      new Float32Array([12, 90]),
      new Float32Array([10, 90]),
      2,
      64,
      8,
      100,
      100,
      { ratio: 1, minSimilarity: 0.5 },
    );
    expect(Array.from(m)).toEqual([0, -1]);
  });
});

describe('XFeat adapter pieces', () => {
  it('unfolds cell logits to an 8×8 heatmap with the dustbin dropped', () => {
    const dec = new XFeatDecoder(16, 8);
    const plane = 2;
    const logits = new Float32Array(65 * plane);
    logits[(3 * 8 + 5) * plane + 1] = 10; // cell 1, row 3, col 5
    logits[64 * plane + 0] = 10; // cell 0: dustbin wins
    const heat = dec.heatmap(logits);
    let arg = 0;
    for (let i = 0; i < heat.length; i++) if (heat[i]! > heat[arg]!) arg = i;
    expect(arg).toBe(3 * 16 + 8 + 5);
    expect(Math.max(...Array.from(heat.subarray(0, 8)))).toBeLessThan(0.01);
  });
  it('maps keypoints back to frame pixels and returns unit descriptors', () => {
    const dec = new XFeatDecoder(16, 8);
    const plane = 2;
    const logits = new Float32Array(65 * plane);
    logits[(3 * 8 + 5) * plane + 1] = 10;
    const descriptors = new Float32Array(64 * plane).fill(0.3);
    const kp = dec.decode({ logits, descriptors, reliability: new Float32Array(plane).fill(1) }, 64, 16);
    expect(kp.count).toBe(1);
    expect(kp.x[0]).toBeCloseTo((8 + 5 + 0.5) * 4, 5);
    expect(kp.y[0]).toBeCloseTo((3 + 0.5) * 2, 5);
    let n = 0;
    for (let d = 0; d < 64; d++) n += kp.descriptors[d]! ** 2;
    expect(n).toBeCloseTo(1, 5);
  });
  it('preprocesses 8-bit luma to NCHW 0…1 (the same in all 3 planes) and assigns outputs by channel count', () => {
    const luma = new Uint8Array(4 * 4);
    for (let y = 0; y < 4; y++) luma.fill(y < 2 ? 255 : 51, 4 * y, 4 * y + 4);
    const t = lumaToXFeatInput(luma, 4, 4, 2, 2);
    expect(Array.from(t).map((v) => Math.round(v * 100) / 100)).toEqual([
      1, 1, 0.2, 0.2, 1, 1, 0.2, 0.2, 1, 1, 0.2, 0.2,
    ]);
    const f = (c: number) => ({ dims: [1, c, 1, 1], data: new Float32Array(c) });
    const o = assignXFeatOutputs({ a: f(1), b: f(65), c: f(64) });
    expect([o.descriptors.length, o.logits.length, o.reliability.length]).toEqual([64, 65, 1]);
  });
});
