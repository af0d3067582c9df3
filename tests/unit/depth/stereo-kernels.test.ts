import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quatIdentity, type Camera } from '../../../src-shared/geometry';
import {
  aggregateSeen,
  coarseToFineSweep,
  nccCost,
  refStats,
  stereoKernels,
  SweepBuffers,
  sweepGeometry,
  warpSurface,
  WasmScorer,
  type FloatImage,
} from '../../../src-main/analysis/depth';
import { intrinsics, render, type ScenePlane } from './synthetic-scene';

/** A random texture with structure at several scales, some flat patches and a dark border strip. */
function texture(W: number, H: number, seed: number): FloatImage {
  let s = seed >>> 0 || 1;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const data = new Float32Array(W * H);
  const a = rnd() * 0.3,
    b = rnd() * 0.2;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const flat = x > W * 0.6 && x < W * 0.7 && y < H * 0.4;
      data[y * W + x] = flat
        ? 0.5
        : 0.5 + 0.3 * Math.sin(a * x + b * y) * Math.cos(0.05 * x) + 0.2 * (rnd() - 0.5);
    }
  return { width: W, height: H, data };
}

const cam = (x: number, y: number, K: Camera['intrinsics']): Camera => ({
  C: [x, y, 0],
  q: quatIdentity(),
  intrinsics: K,
});

/** The TypeScript reference of one score: warp, NCC per view, aggregation over the views that saw. */
function referenceScore(
  ref: FloatImage,
  views: { image: FloatImage; geometry: ReturnType<typeof sweepGeometry> }[],
  rho: Float32Array,
  delta: number,
  r: number,
  k: number,
) {
  const buf = new SweepBuffers(ref.width, ref.height);
  const st = refStats(ref, r, 0.004, buf);
  const costs = views.map((v) => {
    warpSurface(v.image, v.geometry, rho, delta, ref.width, ref.height, buf.warped, buf.mask);
    const c = new Float32Array(ref.width * ref.height);
    nccCost(ref, st, r, buf, c);
    return c;
  });
  const agg = new Float32Array(ref.width * ref.height);
  aggregateSeen(costs, k, agg);
  return { st, costs, agg };
}

describe('WebAssembly stereo kernels', () => {
  const kernels = stereoKernels();

  it('load in Node (WebAssembly SIMD)', () => {
    expect(kernels).not.toBeNull();
  });

  it('score exactly as the TypeScript reference: warp, NCC and aggregation, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 41 }),
        fc.integer({ min: 8, max: 29 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0, max: 0.8, noNaN: true }),
        (W, H, r, N, seed, delta) => {
          const K = intrinsics(W, H, W * 0.9);
          const ref = texture(W, H, seed);
          const views = Array.from({ length: N }, (_, j) => {
            const c = cam(0.2 * (j + 1) * (j % 2 ? -1 : 1), 0.03 * j, K);
            return { image: texture(W, H, seed + 7 * (j + 1)), geometry: sweepGeometry(cam(0, 0, K), c) };
          });
          const rho = new Float32Array(W * H);
          for (let i = 0; i < rho.length; i++) rho[i] = 0.3 + 0.2 * Math.sin(i * 0.37 + seed);
          const k = Math.max(1, Math.ceil(N / 2));
          const want = referenceScore(ref, views, rho, delta, r, k);
          const scorer = new WasmScorer(kernels!, ref, views, want.st, r, k);
          const agg = new Float32Array(W * H);
          scorer.score(rho, delta, agg);
          expect(scorer.costs()).toEqual(want.costs);
          expect(agg).toEqual(want.agg);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a scorer whose memory another scorer took over uploads its data again', () => {
    const W = 24,
      H = 16;
    const K = intrinsics(W, H, 20);
    const mkScorer = (seed: number) => {
      const ref = texture(W, H, seed);
      const views = [
        { image: texture(W, H, seed + 1), geometry: sweepGeometry(cam(0, 0, K), cam(0.3, 0, K)) },
      ];
      const want = referenceScore(ref, views, new Float32Array(W * H), 0.2, 2, 1);
      return { scorer: new WasmScorer(kernels!, ref, views, want.st, 2, 1), want };
    };
    const a = mkScorer(11);
    const b = mkScorer(99);
    const out = new Float32Array(W * H);
    a.scorer.score(new Float32Array(W * H), 0.2, out);
    expect(out).toEqual(a.want.agg);
    b.scorer.score(new Float32Array(W * H), 0.2, out);
    expect(out).toEqual(b.want.agg);
    a.scorer.score(new Float32Array(W * H), 0.2, out);
    expect(out).toEqual(a.want.agg);
  });

  it('refuse frames of different sizes and surfaces of the wrong size', () => {
    const K = intrinsics(16, 16, 14);
    const ref = texture(16, 16, 1);
    const g = sweepGeometry(cam(0, 0, K), cam(0.2, 0, K));
    const st = refStats(ref, 2, 0.004, new SweepBuffers(16, 16));
    expect(
      () => new WasmScorer(kernels!, ref, [{ image: texture(16, 12, 2), geometry: g }], st, 2, 1),
    ).toThrow(/different sizes/);
    const s = new WasmScorer(kernels!, ref, [{ image: texture(16, 16, 2), geometry: g }], st, 2, 1);
    expect(() => s.score(new Float32Array(10), 0, new Float32Array(256))).toThrow(/wrong size/);
  });

  it('coarse-to-fine stereo gives the same depth with either kernels', () => {
    const W = 192,
      H = 128;
    const K = intrinsics(W, H, 160);
    const planes: ScenePlane[] = [
      { z: 6, phase: 0 },
      { z: 3, xMax: -0.3, phase: 1.3 },
    ];
    const refCam = cam(0, 0, K);
    const views = [cam(0.3, -0.02, K), cam(-0.3, 0.02, K), cam(0.15, 0.01, K)].map((c) => ({
      camera: c,
      image: render(c, planes).image,
    }));
    const opts = {
      minDepth: 2,
      coarseLongSide: 48,
      coarseWindowRadius: 2,
      windowRadius: 3,
      fineWindowRadius: 3,
    };
    const ref = { camera: refCam, image: render(refCam, planes).image };
    const a = coarseToFineSweep(ref, views, { ...opts, kernels: 'wasm' });
    const b = coarseToFineSweep(ref, views, { ...opts, kernels: 'typescript' });
    expect(a.depth).toEqual(b.depth);
    expect(a.cost).toEqual(b.cost);
    expect(a.valid).toEqual(b.valid);
    expect(a.infinity).toEqual(b.infinity);
  });
});
