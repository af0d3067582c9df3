import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quatIdentity, type Camera } from '../../../src-shared/geometry';
import {
  aggregateSeen,
  coarseToFineSweep,
  NO_MEASUREMENT_COST,
  planeSweep,
  sweepGeometry,
  warpPlane,
  warpSurface,
} from '../../../src-main/analysis/depth';
import { intrinsics, render, type ScenePlane } from './synthetic-scene';

const W = 192,
  H = 128,
  F = 160;
const K = intrinsics(W, H, F);
const mk = (x: number, y = 0, z = 0): Camera => ({ C: [x, y, z], q: quatIdentity(), intrinsics: K });

// far textured wall at z = 6; a near textured board (x < −0.3) at z = 3
const planes: ScenePlane[] = [
  { z: 6, phase: 0 },
  { z: 3, xMax: -0.3, phase: 1.3 },
];
const refCam = mk(0, 0);
const ref = render(refCam, planes);
const views = [mk(0.3, -0.02), mk(-0.3, 0.02), mk(0.15, 0.01), mk(-0.15, -0.01)].map((c) => ({
  camera: c,
  image: render(c, planes).image,
}));

const SMALL = { coarseWindowRadius: 2, windowRadius: 3, fineWindowRadius: 3 };

function relErrors(depth: Float32Array, valid: Uint8Array, truth: Float32Array): number[] {
  const e: number[] = [];
  for (let i = 0; i < depth.length; i++)
    if (valid[i] && truth[i]! > 0) e.push(Math.abs(depth[i]! - truth[i]!) / truth[i]!);
  return e.sort((a, b) => a - b);
}

describe('coarse-to-fine stereo', () => {
  const res = coarseToFineSweep({ image: ref.image, camera: refCam }, views, {
    minDepth: 2,
    coarseLongSide: 48,
    // windows for a 192-pixel frame (the defaults are for 640)
    ...SMALL,
  });

  it('runs on a pyramid down to the coarse size, refining each level at half the step', () => {
    expect(res.levels.map((l) => l.width)).toEqual([48, 96, 192]);
    expect(res.levels[1]!.step).toBeCloseTo(res.levels[0]!.step / 2, 12);
    expect(res.levels[2]!.step).toBeCloseTo(res.levels[0]!.step / 4, 12);
    // the coarse sweep reaches infinity: its first plane is ρ = 0
    expect(res.planes[0]).toBe(0);
  });

  it('recovers both planes (median error < 1 %, most pixels valid) and no false infinity', () => {
    const e = relErrors(res.depth, res.valid, ref.depth);
    expect(e.length).toBeGreaterThan(0.75 * W * H);
    expect(e[e.length >> 1]!).toBeLessThan(0.01);
    expect(e[Math.floor(0.9 * e.length)]!).toBeLessThan(0.05);
    expect(res.infinity.reduce((a, v) => a + v, 0)).toBe(0);
  });

  it('agrees with the full plane sweep at the full grid (the reference) on most pixels, nearly as precise', () => {
    const full = planeSweep({ image: ref.image, camera: refCam }, views, {
      minDepth: 2,
      maxDepth: 12,
      planes: 64,
      windowRadius: 4,
    });
    let both = 0;
    let same = 0;
    for (let i = 0; i < W * H; i++) {
      if (!full.valid[i] || !res.valid[i]) continue;
      both++;
      if (Math.abs(full.depth[i]! - res.depth[i]!) <= 0.02 * full.depth[i]!) same++;
    }
    expect(both).toBeGreaterThan(0.7 * W * H);
    expect(same / both).toBeGreaterThan(0.85);
    // a handful of hypotheses instead of every plane: close to the reference's precision
    const mine = relErrors(res.depth, res.valid, ref.depth);
    const theirs = relErrors(full.depth, full.valid, ref.depth);
    expect(mine[Math.floor(0.9 * mine.length)]!).toBeLessThan(
      Math.max(0.02, 3 * theirs[Math.floor(0.9 * theirs.length)]!),
    );
  });

  it('marks a textured background too far for any parallax as at infinity, not as a depth', () => {
    const far: ScenePlane[] = [
      // texture in world units of 10⁶: about 25 px a period at this distance, the same in every view
      { z: 1e7, phase: 0.4, scale: 1e-6 },
      { z: 3, xMax: -0.3, phase: 1.3 },
    ];
    const r = coarseToFineSweep(
      { image: render(refCam, far).image, camera: refCam },
      views.map((v) => ({ camera: v.camera, image: render(v.camera, far).image })),
      { minDepth: 2, coarseLongSide: 48, ...SMALL },
    );
    const truth = render(refCam, far).depth;
    let farPx = 0;
    let farInf = 0;
    let farFinite = 0;
    let nearPx = 0;
    let nearInf = 0;
    for (let i = 0; i < W * H; i++) {
      if (truth[i]! > 1e6) {
        farPx++;
        if (r.infinity[i]) farInf++;
        if (r.valid[i]) farFinite++;
      } else {
        nearPx++;
        if (r.infinity[i]) nearInf++;
      }
    }
    expect(farInf / farPx).toBeGreaterThan(0.9);
    // what is left is along the board's edge, where a window straddles the board and the far plane
    expect(farFinite / farPx).toBeLessThan(0.03);
    expect(nearInf / nearPx).toBeLessThan(0.01);
  });

  it('warps a constant surface exactly like the plane it is', () => {
    const g = sweepGeometry(refCam, views[0]!.camera);
    const a = new Float32Array(W * H);
    const am = new Float32Array(W * H);
    const b = new Float32Array(W * H);
    const bm = new Float32Array(W * H);
    warpPlane(views[0]!.image, g, 0.2, W, H, a, am);
    warpSurface(views[0]!.image, g, new Float32Array(W * H).fill(0.15), 0.05, W, H, b, bm);
    let maxDiff = 0;
    for (let i = 0; i < W * H; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThan(1e-6);
    expect(Array.from(bm)).toEqual(Array.from(am));
  });
});

describe('cost aggregation over the views that saw a pixel', () => {
  it('is the mean of the k lowest costs of the views that measured it; none measured → no measurement', () => {
    const cost = fc.oneof(fc.constant(NO_MEASUREMENT_COST), fc.float({ min: 0, max: 2, noNaN: true }));
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((N) =>
            fc.tuple(
              fc.array(fc.array(cost, { minLength: 7, maxLength: 7 }), { minLength: N, maxLength: N }),
              fc.integer({ min: 1, max: N }),
            ),
          ),
        ([rows, k]) => {
          const costs = rows.map((r) => Float32Array.from(r));
          const agg = new Float32Array(7);
          aggregateSeen(costs, k, agg);
          for (let p = 0; p < 7; p++) {
            const seen = costs
              .map((c) => c[p]!)
              .filter((c) => c !== NO_MEASUREMENT_COST)
              .sort((a, b) => a - b);
            const want = seen.length
              ? seen.slice(0, k).reduce((a, c) => a + c, 0) / Math.min(k, seen.length)
              : NO_MEASUREMENT_COST;
            expect(agg[p]).toBeCloseTo(want, 5);
          }
        },
      ),
    );
  });
});
