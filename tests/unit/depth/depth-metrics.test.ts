/**
 * The gt-depth metrics of tests/integration/depth/depth-metrics.ts on small synthetic cases whose answers
 * are derived by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { quatIdentity, type Camera, type Intrinsics } from '../../../src-shared/geometry';
import {
  absRelStats,
  blockReduce,
  collectRatios,
  discontinuityBand,
  gridFactor,
  quantile,
  sampleDepth,
  skyInfinity,
  temporalConsistency,
  upsampleGt,
  type DepthView,
} from '../../integration/depth/depth-metrics';

describe('grid conversion', () => {
  it('gridFactor accepts integer multiples only', () => {
    expect(gridFactor(640, 360, 320, 180)).toBe(2);
    expect(gridFactor(320, 180, 320, 180)).toBe(1);
    expect(() => gridFactor(480, 270, 320, 180)).toThrow();
    expect(() => gridFactor(640, 180, 320, 180)).toThrow();
  });

  it('blockReduce: mean inverse depth of a fully valid block, invalid if any pixel of the block is not', () => {
    // 4×2 → 2×1. Block 0: depths 1, 2 / 1, 2 → mean inverse (1 + .5 + 1 + .5) / 4 = .75 → 4/3.
    // Block 1: all 3 but one pixel not valid → invalid. (An arithmetic mean would give 1.5 for block 0.)
    const depth = Float32Array.from([1, 2, 3, 3, 1, 2, 3, 3]);
    const valid = Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 0]);
    const r = blockReduce(depth, valid, 4, 2, 2);
    expect(r.width).toBe(2);
    expect(r.height).toBe(1);
    expect(r.valid[0]).toBe(1);
    expect(r.depth[0]).toBeCloseTo(4 / 3, 6);
    expect(r.valid[1]).toBe(0);
    // a valid flag with depth 0 does not count as valid
    const r2 = blockReduce(Float32Array.from([1, 1, 0, 1]), Uint8Array.from([1, 1, 1, 1]), 2, 2, 2);
    expect(r2.valid[0]).toBe(0);
    // k = 1 is the identity on valid pixels
    const r3 = blockReduce(depth, valid, 4, 2, 1);
    expect(Array.from(r3.valid)).toEqual(Array.from(valid));
    expect(Array.from(r3.depth)).toEqual([1, 2, 3, 3, 1, 2, 3, 0]);
  });

  it('upsampleGt: bilinear in inverse depth on smooth gt, invalid next to sky or a >5 % step', () => {
    // gt 3×2, inverse depth 0.50, 0.49, 0.48 along x (max/min depth 1.042 < 1.05), k = 2 → 6×4.
    const inv = [0.5, 0.49, 0.48];
    const gt = Float32Array.from([...inv, ...inv].map((a) => 1 / a));
    const up = upsampleGt(gt, 3, 2, 2);
    expect(up.width).toBe(6);
    expect(up.height).toBe(4);
    for (let y = 0; y < 4; y++) {
      const row = (x: number) => up.depth[y * 6 + x]!;
      // x = 0: centre 0.5/2 = 0.25 → clamped to the first gt centre → gt 0 = 2
      expect(row(0)).toBeCloseTo(2, 5);
      // x = 1: centre 0.75 in gt pixels → 0.25 of the way from gt 0 to gt 1: inverse .75·.5 + .25·.49 = .4975
      expect(row(1)).toBeCloseTo(1 / 0.4975, 5);
      // x = 2: centre 1.25 → 0.75 of the way: .25·.5 + .75·.49 = .4925
      expect(row(2)).toBeCloseTo(1 / 0.4925, 5);
      expect(row(5)).toBeCloseTo(1 / 0.48, 5);
    }
    expect(Array.from(up.valid).every((v) => v === 1)).toBe(true);

    // a 1.5× step between gt 1 and gt 2: est pixels 3 and 4 straddle it → invalid; 0, 1, 2, 5 valid
    const step = upsampleGt(Float32Array.from([2, 2, 3]), 3, 1, 2);
    expect(Array.from(step.valid)).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1]);
    expect(step.depth[5]).toBeCloseTo(3, 6);
    // sky in the middle: every est pixel touching gt 1 is invalid
    const sky = upsampleGt(Float32Array.from([2, 0, 2]), 3, 1, 2);
    expect(Array.from(sky.valid.subarray(0, 6))).toEqual([1, 0, 0, 0, 0, 1]);
    // k = 1: the gt itself wherever it is not sky, even beside a step (zero-weight neighbours do not count)
    const same = upsampleGt(Float32Array.from([2, 0, 3, 9]), 4, 1, 1);
    expect(Array.from(same.valid)).toEqual([1, 0, 1, 1]);
    expect(Array.from(same.depth)).toEqual([2, 0, 3, 9]);
  });

  it('sampleDepth: nearest pixel across a step when allowed, NaN outside', () => {
    const d = Float32Array.from([2, 4]);
    expect(sampleDepth(d, null, 2, 1, 0.9, 0.5)).toBe(2); // step 2 → 4 is not smooth: the pixel it is in
    expect(sampleDepth(d, null, 2, 1, 1.1, 0.5)).toBe(4);
    expect(sampleDepth(d, null, 2, 1, 0.9, 0.5, 0.05, false)).toBeNaN();
    expect(sampleDepth(d, null, 2, 1, 2.0, 0.5)).toBeNaN();
    expect(sampleDepth(d, null, 2, 1, -0.1, 0.5)).toBeNaN();
    // the valid flag is honoured: pixel 1 invalid → at 1.1 nothing
    expect(sampleDepth(d, Uint8Array.from([1, 0]), 2, 1, 1.1, 0.5)).toBeNaN();
  });
});

describe('AbsRel and global scale', () => {
  it('counts, sums and within-5 % by hand', () => {
    // gt 1, 2, 4, sky; estimate 1.1, 2, 3, 7: errors .1, 0, .25 (sky ignored) → sum .35, 1 within 5 %
    const gt = Float32Array.from([1, 2, 4, 0]);
    const d = Float32Array.from([1.1, 2, 3, 7]);
    const v = Uint8Array.from([1, 1, 1, 1]);
    const s = absRelStats(d, v, gt);
    expect(s.gtPixels).toBe(3);
    expect(s.validPixels).toBe(3);
    expect(s.sum).toBeCloseTo(0.35, 6);
    expect(s.within5).toBe(1);
    // invalid pixel 0 drops out of the valid count but not of the gt count
    const s2 = absRelStats(d, Uint8Array.from([0, 1, 1, 1]), gt);
    expect(s2.gtPixels).toBe(3);
    expect(s2.validPixels).toBe(2);
    expect(s2.sum).toBeCloseTo(0.25, 6);
    // scale 2 on half-scale estimates: .55, 1, 1.5 → errors .1, 0, .25 again
    const s3 = absRelStats(Float32Array.from([0.55, 1, 1.5, 3]), v, gt, 2);
    expect(s3.sum).toBeCloseTo(0.35, 6);
    // subset: only pixel 2
    const s4 = absRelStats(d, v, gt, 1, Uint8Array.from([0, 0, 1, 1]));
    expect(s4.gtPixels).toBe(1);
    expect(s4.sum).toBeCloseTo(0.25, 6);
  });

  it('ratios and quantiles', () => {
    const r: number[] = [];
    collectRatios(
      Float32Array.from([1, 2, 4, 1]),
      Uint8Array.from([1, 1, 0, 1]),
      Float32Array.from([2, 2, 4, 0]),
      r,
    );
    expect(r).toEqual([2, 1]);
    expect(quantile([4, 1, 3, 2], 0.5)).toBeCloseTo(2.5, 12);
    expect(quantile([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 12); // 1 + 0.9·3 = 3.7 between 3 and 4
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('edge band', () => {
  it('3 pixels each side of a step, none on a gentle ramp, sky side excluded', () => {
    const W = 10,
      H = 6;
    const step = new Float32Array(W * H).map((_, i) => (i % W < 5 ? 2 : 4));
    const band = discontinuityBand(step, W, H);
    // discontinuity pixels: columns 4 and 5; within 2 px → columns 2..7, 6 rows → 36
    expect(band.reduce((a, b) => a + b, 0)).toBe(36);
    for (let i = 0; i < W * H; i++) expect(band[i]).toBe(i % W >= 2 && i % W <= 7 ? 1 : 0);
    // ratio 1.1 per pixel < 1.15: no discontinuity
    const ramp = new Float32Array(W * H).map((_, i) => 2 * 1.1 ** (i % W));
    expect(discontinuityBand(ramp, W, H).reduce((a, b) => a + b, 0)).toBe(0);
    // ratio 1.2 per pixel > 1.15: everything
    const steep = new Float32Array(W * H).map((_, i) => 2 * 1.2 ** (i % W));
    expect(discontinuityBand(steep, W, H).reduce((a, b) => a + b, 0)).toBe(W * H);
    // right half sky: discontinuity pixels column 4 only; band = non-sky columns 2..4 → 18
    const skyed = new Float32Array(W * H).map((_, i) => (i % W < 5 ? 2 : 0));
    expect(discontinuityBand(skyed, W, H).reduce((a, b) => a + b, 0)).toBe(18);
  });
});

describe('sky and infinity', () => {
  it('counts at the estimate grid, each pixel under its gt pixel, state in the low 2 bits', () => {
    // gt 2×1: sky, 5. Estimate 4×2 (k = 2): the sky block has 3 infinity pixels, the object block 1.
    const INF = (40 << 2) | 3; // infinity with a confidence in the high bits
    const MEAS = (63 << 2) | 1;
    const state = Uint8Array.from([INF, INF, INF, MEAS, 0, INF, MEAS, MEAS]);
    // row 0: x0,x1 → gt 0 (sky), x2,x3 → gt 1; row 1 likewise
    const c = skyInfinity(state, 4, 2, Float32Array.from([0, 5]), 2, 1);
    expect(c).toEqual({ skyPixels: 4, skyInfinity: 3, nonSkyPixels: 4, falseInfinity: 1 });
    // a confidence-only byte with state measured (high bits 0b111111, low 01) is not infinity
    expect(
      skyInfinity(Uint8Array.from([(63 << 2) | 1]), 1, 1, Float32Array.from([0]), 1, 1).skyInfinity,
    ).toBe(0);
  });
});

describe('temporal consistency', () => {
  // 40×4 grid, f = 20, cx = 20, cy = 2; camera i at x = 0, camera i+1 at x = 1 (baseline 1, no rotation).
  // Scene: a wall at z = 10, and a near strip at z = 5 spanning world x ∈ [0, 1] (all heights).
  // Pixel centre u sees world x = (u − 20)/20·z + Cx. Frame i: the strip covers u ∈ [20, 24] → pixels 20..23
  // at depth 5, the rest 10. Frame i+1: the strip covers u ∈ [16, 20] → pixels 16..19 at 5.
  // From i to i+1 a point at depth z moves by −f·b/z: the wall −2 px, the strip −4 px.
  // Frame i: wall 0,1 → out of view; wall 2..17 → i+1 pixels 0..15 (wall): mutual; wall 18,19 → i+1 pixels
  // 16,17 = the strip: occluded, not mutual; strip 20..23 → 16..19 (strip): mutual; wall 24..39 → 22..37:
  // mutual. Mutual per row 16 + 4 + 16 = 36, × 4 rows = 144.
  const W = 40,
    H = 4;
  const K: Intrinsics = { width: W, height: H, fx: 20, fy: 20, cx: 20, cy: 2 };
  const cam = (x: number, k: Intrinsics = K): Camera => ({ C: [x, 0, 0], q: quatIdentity(), intrinsics: k });
  const render = (Cx: number) =>
    new Float32Array(W * H).map((_, i) => {
      const u = (i % W) + 0.5;
      const xs = ((u - 20) / 20) * 5 + Cx; // where the ray meets z = 5
      return xs >= 0 && xs <= 1 ? 5 : 10;
    });
  const gtI = render(0);
  const gtJ = render(1);
  const view = (depth: Float32Array, camera: Camera, valid: Uint8Array | null = null): DepthView => ({
    width: W,
    height: H,
    depth,
    valid,
    camera,
  });
  const gI = view(gtI, cam(0));
  const gJ = view(gtJ, cam(1));

  it('the hand-made scene renders as described', () => {
    const row = Array.from(gtI.subarray(0, W));
    expect(row.map((d, x) => (d === 5 ? x : -1)).filter((x) => x >= 0)).toEqual([20, 21, 22, 23]);
    const rowJ = Array.from(gtJ.subarray(0, W));
    expect(rowJ.map((d, x) => (d === 5 ? x : -1)).filter((x) => x >= 0)).toEqual([16, 17, 18, 19]);
  });

  it('a perfect estimate: zero disagreement, full coverage, the occluded wall excluded', () => {
    const t = temporalConsistency(view(gtI, cam(0)), view(gtJ, cam(1)), gI, gJ);
    expect(t.mutual).toBe(144);
    expect(t.covered).toBe(144);
    // without the occlusion test pixels 18, 19 would read the strip: |10 − 5|/5 = 100 %
    expect(Math.max(...t.errors)).toBeLessThan(1e-6);
  });

  it('frame i+1 estimated 2 % too near: 2 % everywhere', () => {
    // d_{i+1} = z/1.02 → |z − z/1.02| / (z/1.02) = 0.02 exactly; frame i and the cameras exact
    const t = temporalConsistency(
      view(gtI, cam(0)),
      view(
        gtJ.map((z) => z / 1.02),
        cam(1),
      ),
      gI,
      gJ,
    );
    expect(t.covered).toBe(144);
    expect(quantile(t.errors, 0.5)).toBeCloseTo(0.02, 6);
    expect(quantile(t.errors, 0.9)).toBeCloseTo(0.02, 6);
    // 2 % too far: |z − 1.02 z| / 1.02 z = 0.02/1.02
    const t2 = temporalConsistency(
      view(gtI, cam(0)),
      view(
        gtJ.map((z) => z * 1.02),
        cam(1),
      ),
      gI,
      gJ,
    );
    expect(quantile(t2.errors, 0.5)).toBeCloseTo(0.02 / 1.02, 6);
  });

  it('is scale-free: depth and baseline 3× in the estimator gauge give zero', () => {
    const t = temporalConsistency(
      view(
        gtI.map((z) => 3 * z),
        cam(0),
      ),
      view(
        gtJ.map((z) => 3 * z),
        cam(3),
      ),
      gI,
      gJ,
    );
    expect(t.covered).toBe(144);
    expect(Math.max(...t.errors)).toBeLessThan(1e-6);
    // whereas the same 3× depth with the true baseline shifts points by a third of their parallax: near the
    // strip they land on the other surface (wall pixel 17 reads the strip: |30 − 15| / 15 = 1)
    const bad = temporalConsistency(
      view(
        gtI.map((z) => 3 * z),
        cam(0),
      ),
      view(
        gtJ.map((z) => 3 * z),
        cam(1),
      ),
      gI,
      gJ,
    );
    expect(Math.max(...bad.errors)).toBeGreaterThan(0.5);
  });

  it('coverage counts invalid estimates in either frame', () => {
    // frame i invalid at columns 30..39: all mutual (wall, 10 per row) → covered 144 − 40 = 104
    const vI = new Uint8Array(W * H).map((_, i) => (i % W >= 30 ? 0 : 1));
    const t = temporalConsistency(view(gtI, cam(0), vI), view(gtJ, cam(1)), gI, gJ);
    expect(t.mutual).toBe(144);
    expect(t.covered).toBe(104);
    // frame i+1 invalid at columns 0..9: frame i pixels 2..11 land there → 10 per row lost → 104
    const vJ = new Uint8Array(W * H).map((_, i) => (i % W < 10 ? 0 : 1));
    const t2 = temporalConsistency(view(gtI, cam(0)), view(gtJ, cam(1), vJ), gI, gJ);
    expect(t2.covered).toBe(104);
    // sky in frame i (gt 0) at columns 24..39 → 16 wall pixels per row not counted: mutual 144 − 64 = 80
    const skyI = gtI.map((z, i) => (i % W >= 24 ? 0 : z));
    const t3 = temporalConsistency(view(gtI, cam(0)), view(gtJ, cam(1)), view(skyI, cam(0)), gJ);
    expect(t3.mutual).toBe(80);
  });

  it('a wrong depth in frame i shows as disagreement at the landing pixel', () => {
    // the strip estimated at 4 instead of 5 in frame i: it lands at −20/4 = −5 px instead of −4, on the
    // strip of i+1 (pixels 15..18 for 20..23: 15 is the wall at 10, 16..18 the strip at 5).
    // z_proj = 4 → strip: |4 − 5|/5 = 0.2 (3 px per row), wall: |4 − 10|/10 = 0.6 (1 px per row).
    const est = gtI.map((z) => (z === 5 ? 4 : z));
    const t = temporalConsistency(view(est, cam(0)), view(gtJ, cam(1)), gI, gJ);
    expect(t.covered).toBe(144);
    const big = Array.from(t.errors).filter((e) => e > 1e-6);
    expect(big.length).toBe(16);
    expect(big.filter((e) => Math.abs(e - 0.2) < 1e-6).length).toBe(12);
    expect(big.filter((e) => Math.abs(e - 0.6) < 1e-6).length).toBe(4);
  });
});
