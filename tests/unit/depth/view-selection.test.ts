/**
 * chooseViews (view-selection.ts): which frames a reference frame is matched against. Every expectation
 * below is derived by hand from the geometry (pinhole, OpenCV axes, R = quatToMat3(q) camera-to-world):
 * a sideways baseline b seen at depth Z moves a point by f·b/Z pixels, a pure rotation moves nothing
 * relative to a point at any depth (no parallax), a camera turned by more than the field of view shares
 * nothing with the reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  quatFromAxisAngle,
  quatIdentity,
  quatMultiply,
  quatToMat3,
  type Camera,
  type Quat,
  type Vec3,
} from '../../../src-shared/geometry';
import { chooseViews, type ChosenView } from '../../../src-main/analysis/depth';

// 640×360, f = 500: the long side's field of view is 2·atan(320/500) ≈ 1.139 rad ≈ 65.2°
const K = { width: 640, height: 360, fx: 500, fy: 500, cx: 320, cy: 180 };
const F = 500;
const FOV = 2 * Math.atan2(320, F);
const Z = 10;
const cam = (C: Vec3, q: Quat = quatIdentity()): Camera => ({ C, q, intrinsics: K });
const yaw = (a: number): Quat => quatFromAxisAngle([0, 1, 0], a);
const frames = (r: ChosenView[]) => r.map((v) => v.frame);

/** Sideways dolly along the camera's x axis, `pxPerFrame` pixels of parallax per frame at depth Z. */
function sideways(n: number, pxPerFrame: number): Camera[] {
  const s = (pxPerFrame * Z) / F;
  return Array.from({ length: n }, (_, j) => cam([s * j, 0, 0]));
}

describe('chooseViews: no parallax, no views', () => {
  it('a camera turning in place (pure rotation, any axis) gives no views', () => {
    const cams = Array.from({ length: 41 }, (_, j) =>
      cam([1, -2, 3], quatMultiply(yaw(0.02 * (j - 20)), quatFromAxisAngle([1, 0, 0], 0.01 * j))),
    );
    for (const ref of [0, 20, 40]) expect(chooseViews(cams, ref, { sceneDepth: Z, window: 24 })).toEqual([]);
  });

  it('a still camera gives no views', () => {
    const cams = Array.from({ length: 30 }, () => cam([0.5, 0.5, 0.5]));
    expect(chooseViews(cams, 15, { sceneDepth: Z })).toEqual([]);
  });

  it('a baseline just under minParallaxPx measures nothing; just over it, it is a view', () => {
    // frame 1 moved sideways by b: parallax f·b/Z
    const b = (0.9 * Z) / F; // 0.9 px
    const cams = [cam([0, 0, 0]), cam([b, 0, 0])];
    expect(chooseViews(cams, 0, { sceneDepth: Z, minParallaxPx: 1 })).toEqual([]);
    const got = chooseViews(cams, 0, { sceneDepth: Z, minParallaxPx: 0.8 });
    expect(frames(got)).toEqual([1]);
    expect(got[0]!.parallaxPx).toBeCloseTo(0.9, 9);
  });
});

describe('chooseViews: sideways translation at constant speed', () => {
  // 1 px of parallax per frame at the scene depth: the target (10 px) is 10 frames away either side
  const cams = sideways(61, 1);
  const opts = { sceneDepth: Z, window: 24, count: 4, targetParallaxPx: 10 };

  it('the first two views are at the target parallax, one each side of the reference', () => {
    const got = chooseViews(cams, 30, opts);
    expect(got).toHaveLength(4);
    expect(new Set(frames(got.slice(0, 2)))).toEqual(new Set([20, 40]));
    for (const v of got.slice(0, 2)) expect(v.parallaxPx).toBeCloseTo(10, 6);
    // next: one frame further out each side (11 px beats 9 px: the score falls slowly beyond the target),
    // again one each side because a second view on a side already covered is discounted
    expect(new Set(frames(got.slice(2)))).toEqual(new Set([19, 41]));
    const side = (f: number) => Math.sign(f - 30);
    expect(side(got[0]!.frame)).toBe(-side(got[1]!.frame));
    expect(side(got[2]!.frame)).toBe(-side(got[3]!.frame));
    for (const v of got) {
      expect(v.overlap).toBeCloseTo(1, 9); // same orientation, no move along the axis
      expect(v.parallaxPx).toBeCloseTo(Math.abs(v.frame - 30), 6);
    }
  });

  it('the default target is about 1.5 % of the image width (≈ 9.6 px at 640): still 10 frames away', () => {
    const got = chooseViews(cams, 30, { sceneDepth: Z, window: 24 });
    expect(new Set(frames(got.slice(0, 2)))).toEqual(new Set([20, 40]));
  });

  it('parallax scales with 1/sceneDepth: twice as deep, the target is twice as many frames away', () => {
    const got = chooseViews(cams, 30, { ...opts, sceneDepth: 2 * Z });
    expect(new Set(frames(got.slice(0, 2)))).toEqual(new Set([10, 50]));
    for (const v of got.slice(0, 2)) expect(v.parallaxPx).toBeCloseTo(10, 6);
  });

  it('with only one side (the first frame of the shot) the views are all after it', () => {
    const got = chooseViews(cams, 0, opts);
    expect(got.length).toBe(4);
    expect(got[0]!.frame).toBe(10);
    for (const v of got) expect(v.frame).toBeGreaterThan(0);
  });

  it('greedy: a view on the uncovered side beats a better one on a side already covered', () => {
    // before the reference (frames 0..30) the camera moves at 0.5 px/frame, after it at 1 px/frame:
    // right: 10 frames → 10 px, score 1·1/(1 + 10/48) ≈ 0.828 (the best);
    // left: 20 frames → 10 px, score 1/(1 + 20/48) ≈ 0.706;
    // right 11 frames: √(10/11)/(1 + 11/48) ≈ 0.776 raw, but × (1 − 0.6) on the covered side ≈ 0.31 < 0.706
    const s1 = Z / F;
    const cams2 = Array.from({ length: 61 }, (_, j) =>
      cam([j <= 30 ? 0.5 * s1 * j : s1 * (15 + (j - 30)), 0, 0]),
    );
    const got = chooseViews(cams2, 30, { ...opts, window: 24 });
    expect(frames(got).slice(0, 3)).toEqual([40, 10, 41]);
    expect(got[0]!.parallaxPx).toBeCloseTo(10, 6);
    expect(got[1]!.parallaxPx).toBeCloseTo(10, 6);
    expect(got[2]!.parallaxPx).toBeCloseTo(11, 6);
    // the raw scores are not in the order taken: the second view scores below the third on its own
    expect(got[1]!.score).toBeLessThan(got[2]!.score);
    expect(got[3]!.frame).toBeLessThan(30);
  });
});

describe('chooseViews: bounds', () => {
  it('never beyond `window` frames and never the reference; the window edge itself is allowed', () => {
    // slow camera (0.6 px/frame, target 30 px): the score still rises at the window's edge, so the best
    // views are there
    const cams = sideways(101, 0.6);
    for (const window of [3, 8, 24]) {
      const got = chooseViews(cams, 50, { sceneDepth: Z, window, count: 100, targetParallaxPx: 30 });
      // every frame within the window but the nearest either side (0.6 px < minParallaxPx)
      expect(got.length).toBe(2 * (window - 1));
      expect(new Set(frames(got.slice(0, 2)))).toEqual(new Set([50 - window, 50 + window]));
      for (const v of got) {
        expect(Math.abs(v.frame - 50)).toBeLessThanOrEqual(window);
        expect(v.frame).not.toBe(50);
      }
    }
  });

  it('never a frame without a camera: the next best takes its place', () => {
    const cams: (Camera | null)[] = sideways(61, 1);
    cams[20] = null;
    cams[40] = null;
    cams[29] = null;
    const got = chooseViews(cams, 30, {
      sceneDepth: Z,
      window: 24,
      count: 60,
      targetParallaxPx: 10,
      minParallaxPx: 0.5,
    });
    expect(frames(got)).not.toContain(20);
    expect(frames(got)).not.toContain(40);
    expect(frames(got)).not.toContain(29);
    expect(new Set(frames(got.slice(0, 2)))).toEqual(new Set([19, 41]));
    // every other frame within the window is a candidate (parallax ≥ 1 px > minParallaxPx)
    expect(got.length).toBe(48 - 3);
  });

  it('count: at most `count` views, and a smaller count is a prefix of a larger one (the greedy order)', () => {
    const cams = sideways(61, 0.7);
    const all = chooseViews(cams, 25, { sceneDepth: Z, window: 24, count: 48, targetParallaxPx: 10 });
    expect(all.length).toBeGreaterThan(8);
    for (let count = 0; count <= 8; count++) {
      const got = chooseViews(cams, 25, { sceneDepth: Z, window: 24, count, targetParallaxPx: 10 });
      expect(got).toHaveLength(count);
      expect(got).toEqual(all.slice(0, count));
    }
    // the default count is 4
    expect(chooseViews(cams, 25, { sceneDepth: Z, window: 24, targetParallaxPx: 10 })).toEqual(
      all.slice(0, 4),
    );
  });
});

describe('chooseViews: overlap', () => {
  it('a frame whose view direction turned by more than the field of view is not chosen', () => {
    // the frames at the target parallax (20 and 40) look 1.2 rad (> the 1.139 rad field of view) aside
    const cams = sideways(61, 1);
    expect(1.2).toBeGreaterThan(FOV);
    cams[20] = cam(cams[20]!.C, yaw(1.2));
    cams[40] = cam(cams[40]!.C, yaw(-1.2));
    const got = chooseViews(cams, 30, { sceneDepth: Z, window: 24, count: 60, targetParallaxPx: 10 });
    expect(frames(got)).not.toContain(20);
    expect(frames(got)).not.toContain(40);
    // a roll about the optical axis keeps the line of sight: all of the view is still seen
    const rolled = sideways(61, 1);
    rolled[20] = cam(rolled[20]!.C, quatFromAxisAngle([0, 0, 1], 1.2));
    const r = chooseViews(rolled, 30, { sceneDepth: Z, window: 24, count: 60, targetParallaxPx: 10 });
    expect(r.find((v) => v.frame === 20)?.overlap).toBeCloseTo(1, 6);
  });

  it('a small turn is kept, with less overlap than an untouched frame, and loses to it', () => {
    const cams = sideways(61, 1);
    cams[20] = cam(cams[20]!.C, yaw(0.2)); // ≈ 11°, well inside the field of view
    const got = chooseViews(cams, 30, { sceneDepth: Z, window: 24, count: 60, targetParallaxPx: 10 });
    const turned = got.find((v) => v.frame === 20)!;
    const straight = got.find((v) => v.frame === 40)!;
    expect(turned).toBeDefined();
    expect(turned.overlap).toBeGreaterThan(0.5);
    expect(turned.overlap).toBeLessThan(straight.overlap);
    expect(turned.score).toBeLessThan(straight.score);
    expect(got[0]!.frame).toBe(40);
    // overlap falls as the turn grows
    const o = [0.1, 0.3, 0.5].map((a) => {
      const c = sideways(61, 1);
      c[20] = cam(c[20]!.C, yaw(a));
      return chooseViews(c, 30, { sceneDepth: Z, window: 24, count: 60 }).find((v) => v.frame === 20)!
        .overlap;
    });
    expect(o[0]!).toBeGreaterThan(o[1]!);
    expect(o[1]!).toBeGreaterThan(o[2]!);
  });

  it('a forward move (dolly) is penalised against a sideways move of the same baseline', () => {
    // frame 0: dolly forward by b; frame 2: sideways by b; equally far in time from the reference 1.
    // b = 1.5 at Z = 10: sideways 75 px (well beyond the 10 px target: √(10/75) ≈ 0.37), forward at most
    // f·(b/3)/Z = 25 px (√(10/25) ≈ 0.63): on parallax alone the dolly would win; the 15 % change of scale
    // must lose it.
    const b = 1.5;
    for (const dir of [1, -1]) {
      const cams = [cam([0, 0, dir * b]), cam([0, 0, 0]), cam([b, 0, 0])];
      const got = chooseViews(cams, 1, { sceneDepth: Z, count: 2, targetParallaxPx: 10 });
      expect(frames(got)).toEqual([2, 0]);
      const [side, dolly] = got as [ChosenView, ChosenView];
      expect(side.parallaxPx).toBeCloseTo((F * b) / Z, 6);
      // the parallax of a forward move is less than that of the same sideways move, but not nothing
      expect(dolly.parallaxPx).toBeGreaterThan(1);
      expect(dolly.parallaxPx).toBeLessThan(side.parallaxPx);
      expect(side.overlap).toBeCloseTo(1, 9);
      expect(dolly.overlap).toBeLessThan(0.9);
      expect(dolly.score).toBeLessThan(0.8 * side.score);
    }
    // a dolly to half the scene depth halves the scale: nothing left to match
    const far = [cam([0, 0, 0.5 * Z]), cam([0, 0, 0])];
    expect(chooseViews(far, 1, { sceneDepth: Z })).toEqual([]);
  });

  it('the baseline is measured in the reference camera’s axes (a turned rig moving along its own x)', () => {
    // reference and views turned 90° about y: the camera's x axis is the world's −z; moving along world z
    // is sideways for these cameras, moving along world x is forward
    const q = yaw(Math.PI / 2);
    const s = Z / F; // 1 px per unit step sideways
    const cams = [cam([0, 0, -10 * s], q), cam([0, 0, 0], q), cam([10 * s, 0, 0], q)];
    const got = chooseViews(cams, 1, { sceneDepth: Z, count: 2, targetParallaxPx: 10 });
    expect(got[0]!.frame).toBe(0);
    expect(got[0]!.parallaxPx).toBeCloseTo(10, 6);
    expect(got[0]!.overlap).toBeCloseTo(1, 6);
    const fwd = got.find((v) => v.frame === 2);
    if (fwd) expect(fwd.parallaxPx).toBeLessThan(10);
  });
});

describe('chooseViews: errors', () => {
  const cams: (Camera | null)[] = [cam([0, 0, 0]), null, cam([1, 0, 0])];
  it('throws RangeError for a reference without a camera (null or past the end)', () => {
    expect(() => chooseViews(cams, 1, { sceneDepth: Z })).toThrow(RangeError);
    expect(() => chooseViews(cams, 3, { sceneDepth: Z })).toThrow(RangeError);
    expect(() => chooseViews(cams, -1, { sceneDepth: Z })).toThrow(RangeError);
  });
  it('throws RangeError for a non-positive or NaN scene depth', () => {
    for (const d of [0, -1, Number.NaN, -Infinity])
      expect(() => chooseViews(cams, 0, { sceneDepth: d })).toThrow(RangeError);
  });
});

describe('chooseViews: smooth random camera paths (property)', () => {
  it('no duplicates, within the window, never the reference or a frame without a camera, parallax ≥ min', () => {
    const amp = fc.double({ min: -2, max: 2, noNaN: true });
    const freq = fc.double({ min: 0.01, max: 0.3, noNaN: true });
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 2, max: 80 }),
          pos: fc.array(fc.tuple(amp, freq, fc.double({ min: 0, max: 6.3, noNaN: true })), {
            minLength: 3,
            maxLength: 3,
          }),
          rot: fc.array(fc.tuple(fc.double({ min: -0.6, max: 0.6, noNaN: true }), freq), {
            minLength: 3,
            maxLength: 3,
          }),
          nulls: fc.array(fc.nat(79), { maxLength: 10 }),
          refSeed: fc.nat(),
          window: fc.integer({ min: 1, max: 30 }),
          count: fc.integer({ min: 0, max: 8 }),
          minPx: fc.double({ min: 0.1, max: 5, noNaN: true }),
          target: fc.option(fc.double({ min: 1, max: 40, noNaN: true }), { nil: undefined }),
          depth: fc.double({ min: 0.5, max: 50, noNaN: true }),
        }),
        (p) => {
          const cams: (Camera | null)[] = Array.from({ length: p.n }, (_, j) => {
            const C = p.pos.map(([a, w, ph]) => a * Math.sin(w * j + ph)) as Vec3;
            let q = quatIdentity();
            for (const [k, [a, w]] of p.rot.entries()) {
              const axis: Vec3 = [k === 0 ? 1 : 0, k === 1 ? 1 : 0, k === 2 ? 1 : 0];
              q = quatMultiply(q, quatFromAxisAngle(axis, a * Math.sin(w * j)));
            }
            return cam(C, q);
          });
          const ref = p.refSeed % p.n;
          for (const k of p.nulls) if (k < p.n && k !== ref) cams[k] = null;
          const opts = { sceneDepth: p.depth, window: p.window, count: p.count, minParallaxPx: p.minPx };
          const got = chooseViews(
            cams,
            ref,
            p.target === undefined ? opts : { ...opts, targetParallaxPx: p.target },
          );
          expect(got.length).toBeLessThanOrEqual(p.count);
          expect(new Set(frames(got)).size).toBe(got.length);
          const rc = cams[ref]!;
          const R = quatToMat3(rc.q);
          for (const v of got) {
            expect(Math.abs(v.frame - ref)).toBeLessThanOrEqual(p.window);
            expect(v.frame).not.toBe(ref);
            const c = cams[v.frame];
            expect(c).not.toBeNull();
            expect(c).toBeDefined();
            expect(v.parallaxPx).toBeGreaterThanOrEqual(p.minPx);
            expect(v.overlap).toBeGreaterThan(0);
            expect(v.overlap).toBeLessThanOrEqual(1);
            expect(v.score).toBeGreaterThan(0);
            // parallax lies between that of the baseline's part across the line of sight and that of the
            // whole baseline taken sideways
            const d = [c!.C[0] - rc.C[0], c!.C[1] - rc.C[1], c!.C[2] - rc.C[2]];
            const along = R[2] * d[0]! + R[5] * d[1]! + R[8] * d[2]!;
            const all = Math.hypot(d[0]!, d[1]!, d[2]!);
            const across = Math.sqrt(Math.max(0, all * all - along * along));
            expect(v.parallaxPx).toBeLessThanOrEqual((F * all) / p.depth + 1e-9);
            expect(v.parallaxPx).toBeGreaterThanOrEqual((F * across) / p.depth - 1e-6);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
