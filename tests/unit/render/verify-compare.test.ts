import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applySim3,
  applySim3ToPose,
  cross,
  normalize,
  poseFromRotation,
  quatFromAxisAngle,
  quatMultiply,
  representativeDepthFromPoints,
  type Camera,
  type Intrinsics,
  type Pose,
  type Sim3,
  type Vec3,
} from '../../../src-shared/geometry';
import {
  compareWithPath,
  DEFAULT_VERIFY_THRESHOLDS,
  fillDepths,
} from '../../../src-main/render/verify-compare';
import { arbQuat, arbVec3 } from '../geometry/arb';

const K: Intrinsics = { width: 640, height: 360, fx: 500, fy: 500, cx: 320, cy: 180 };

/** A camera at C looking at `at`, world z up (OpenCV axes: x right, y down, z forward). */
function lookAt(C: Vec3, at: Vec3): Pose {
  const z = normalize([at[0] - C[0], at[1] - C[1], at[2] - C[2]]);
  const x = normalize(cross(z, [0, 0, 1]));
  const y = cross(z, x);
  return poseFromRotation(C, [x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]]);
}

interface Scene {
  cams: Camera[];
  points: Float64Array;
}

/** An arc of `n` cameras about the origin (radius r, `sweep` radians) aimed at it, and points around it. */
function orbit(n: number, r: number, sweep: number, height: number): Scene {
  const cams: Camera[] = [];
  for (let i = 0; i < n; i++) {
    const a = (sweep * i) / Math.max(1, n - 1);
    cams.push({ ...lookAt([r * Math.cos(a), r * Math.sin(a), height], [0, 0, 0]), intrinsics: K });
  }
  const pts: number[] = [];
  for (let i = 0; i < 400; i++) {
    // deterministic scatter within a box of half-size r/4 about the origin
    const u = Math.sin(i * 12.9898) * 43758.5453;
    const v = Math.sin(i * 78.233) * 12345.678;
    const w = Math.sin(i * 3.1337) * 98765.4321;
    const f = (t: number) => (t - Math.floor(t) - 0.5) * (r / 2);
    pts.push(f(u), f(v), f(w));
  }
  return { cams, points: Float64Array.from(pts) };
}

/** The scene as a solve would give it back: every pose and point moved by the similarity G. */
function inGauge(scene: Scene, G: Sim3): { poses: Pose[]; points: Float64Array } {
  const points = new Float64Array(scene.points.length);
  for (let p = 0; p < points.length; p += 3)
    points.set(applySim3(G, [scene.points[p]!, scene.points[p + 1]!, scene.points[p + 2]!]), p);
  return { poses: scene.cams.map((c) => applySim3ToPose(G, { C: c.C, q: c.q })), points };
}

const arbSim3: fc.Arbitrary<Sim3> = fc.record({
  s: fc.double({ min: 0.01, max: 100, noNaN: true }),
  q: arbQuat,
  t: arbVec3(100),
});
const arbOrbit = fc.record({
  n: fc.integer({ min: 6, max: 40 }),
  r: fc.double({ min: 0.5, max: 50, noNaN: true }),
  sweep: fc.double({ min: 0.2, max: 2, noNaN: true }),
  height: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
});

/** Z̄ of each camera: the median depth of the points it sees (what verify.ts measures on tracked points). */
const depths = (cams: readonly (Pose | null)[], points: Float64Array | null) =>
  cams.map((c) =>
    c && points ? representativeDepthFromPoints({ ...c, intrinsics: K }, points, { minPoints: 8 }) : NaN,
  );

const input = (scene: Scene, recovered: (Pose | null)[], points: Float64Array | null) => ({
  frames: scene.cams.map((_, i) => 100 + i),
  requested: scene.cams,
  recovered,
  requestedDepth: depths(scene.cams, scene.points),
  recoveredDepth: depths(recovered, points),
});

describe('Verify render: comparing a recovered camera with its path', () => {
  it('a path against itself moved by any similarity: zero RotErr, TransErr, ATE and PCE; it follows', () => {
    fc.assert(
      fc.property(arbOrbit, arbSim3, ({ n, r, sweep, height }, G) => {
        const scene = orbit(n, r, sweep, height * r);
        const rec = inGauge(scene, G);
        const c = compareWithPath(input(scene, rec.poses, rec.points));
        expect(c.verdict).toBe('follows');
        expect(c.text).toMatch(/^the plate follows the path/);
        const m = c.metrics!;
        expect(m.framesCompared).toBe(n);
        expect(m.rotErrSumDeg).toBeLessThan(1e-5 * n);
        expect(m.rotErrMaxDeg).toBeLessThan(1e-5);
        expect(m.transErrSum).toBeLessThan(1e-7 * r * n);
        expect(m.transErrMaxRel!).toBeLessThan(1e-7);
        expect(m.ateRmse).toBeLessThan(1e-7 * r);
        expect(m.pce!).toBeLessThan(1e-6);
        expect(m.alignmentScale * G.s).toBeCloseTo(1, 6);
        expect(c.spans).toEqual([]);
        expect(c.pi.requested.length).toBe(n - 1);
        c.pi.requested.forEach((p, i) => expect(c.pi.recovered[i]!).toBeCloseTo(p!, 9));
      }),
      { numRuns: 100 },
    );
  });

  it('also for a straight dolly (collinear centres) and a pan from one spot (no translation)', () => {
    fc.assert(
      fc.property(arbSim3, fc.integer({ min: 5, max: 30 }), (G, n) => {
        const dolly: Scene = {
          cams: Array.from({ length: n }, (_, i) => ({
            ...lookAt([-2 + (4 * i) / n, -8, 1], [-2 + (4 * i) / n, 0, 1]),
            intrinsics: K,
          })),
          points: orbit(2, 8, 1, 0).points,
        };
        const pan: Scene = {
          cams: Array.from({ length: n }, (_, i) => ({
            ...lookAt([0, -8, 1], [-2 + (4 * i) / n, 0, 1]),
            intrinsics: K,
          })),
          points: dolly.points,
        };
        for (const scene of [dolly, pan]) {
          const rec = inGauge(scene, G);
          const c = compareWithPath(input(scene, rec.poses, rec.points));
          expect(c.verdict, c.text).toBe('follows');
          expect(c.metrics!.rotErrMaxDeg).toBeLessThan(1e-4);
          expect(c.metrics!.transErrMaxRel!).toBeLessThan(1e-6);
          expect(c.metrics!.pce!).toBeLessThan(1e-6);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a camera turned by a constant δ about its own axis costs δ per frame: RotErr = n·δ, mean δ', () => {
    fc.assert(
      fc.property(
        arbOrbit,
        arbSim3,
        fc.double({ min: 0.05, max: 10, noNaN: true }),
        arbVec3(1).filter((v) => Math.hypot(...v) > 0.1),
        ({ n, r, sweep, height }, G, deg, axis) => {
          const scene = orbit(n, r, sweep, height * r);
          const q = quatFromAxisAngle(normalize(axis), (deg * Math.PI) / 180);
          const turned: Scene = {
            ...scene,
            cams: scene.cams.map((c) => ({ ...c, q: quatMultiply(c.q, q) })),
          };
          const rec = inGauge(turned, G);
          const c = compareWithPath(input(scene, rec.poses, rec.points));
          const m = c.metrics!;
          // exact but for the alignment's small orientation term, which a short, flat arc lets act
          expect(Math.abs(m.rotErrMeanDeg - deg)).toBeLessThan(0.01 * deg);
          expect(Math.abs(m.rotErrSumDeg - n * deg)).toBeLessThan(0.01 * n * deg);
          expect(m.transErrMaxRel!).toBeLessThan(1e-4);
          if (deg > DEFAULT_VERIFY_THRESHOLDS.rotErrFrameDeg + 0.01) {
            expect(c.verdict).toBe('deviates');
            expect(c.spans[0]).toMatchObject({ first: 100, last: 100 + n - 1, kind: 'rotation' });
            expect(c.text).toContain(
              `frames 100–${100 + n - 1} turn away from the path: RotErr up to ${m.rotErrMaxDeg.toFixed(1)}°`,
            );
          } else if (deg < DEFAULT_VERIFY_THRESHOLDS.rotErrMeanDeg - 0.01) expect(c.verdict).toBe('follows');
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a stretch of frames pushed off the path is found, with about the error put in', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 40, max: 60 }),
        fc.integer({ min: 5, max: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0.05, max: 0.2, noNaN: true }),
        arbVec3(1).filter((v) => Math.hypot(...v) > 0.1),
        arbSim3,
        (n, a, len, e, dir, G) => {
          const scene = orbit(n, 10, 1.2, 2);
          const b = a + len - 1;
          // the scene depth from these cameras (points about the origin, 10 away)
          const d = normalize(dir);
          const pushed: Scene = {
            ...scene,
            cams: scene.cams.map((c, i) =>
              i >= a && i <= b
                ? { ...c, C: [c.C[0] + 10 * e * d[0], c.C[1] + 10 * e * d[1], c.C[2] + 10 * e * d[2]] }
                : c,
            ),
          };
          const rec = inGauge(pushed, G);
          const c = compareWithPath(input(scene, rec.poses, rec.points));
          expect(c.verdict).toBe('deviates');
          // the bump is inside a stretch said to drift, and measured about as put in (Z̄ is about 10, the
          // points' median depth; the alignment leans a little towards the bump), the rest far less
          const span = c.spans.find(
            (s) => s.kind === 'translation' && s.first <= 100 + a && s.last >= 100 + b,
          )!;
          expect(span).toBeDefined();
          expect(c.text).toContain(span.text);
          for (let i = a; i <= b; i++) {
            expect(c.frames[i]!.transErrRel!).toBeGreaterThan(0.5 * e);
            expect(c.frames[i]!.transErrRel!).toBeLessThan(1.3 * e);
          }
          for (let i = 0; i < n; i++)
            if (i < a - 5 || i > b + 5) expect(c.frames[i]!.transErrRel!).toBeLessThan(0.45 * e);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a plate that drifts while its path pans on one spot: the drift, in units of the scene depth', () => {
    fc.assert(
      fc.property(arbSim3, fc.double({ min: 0.02, max: 0.2, noNaN: true }), (G, step) => {
        const n = 10;
        const points = orbit(2, 8, 1, 0).points;
        const pan: Scene = {
          cams: Array.from({ length: n }, (_, i) => ({
            ...lookAt([0, -8, 0], [-1 + (2 * i) / n, 0, 0]),
            intrinsics: K,
          })),
          points,
        };
        const drifting: Scene = {
          ...pan,
          cams: pan.cams.map((c, i) => ({ ...c, C: [step * i, -8, 0] as Vec3 })),
        };
        const rec = inGauge(drifting, G);
        const c = compareWithPath(input(pan, rec.poses, rec.points));
        expect(c.alignedBy).toBe('orientations');
        expect(c.metrics!.rotErrMaxDeg).toBeLessThan(1e-6);
        // each frame is off by its drift from the mean drift, over a scene depth of about 8
        c.frames.forEach((f, i) => {
          const want = (step * Math.abs(i - (n - 1) / 2)) / 8;
          expect(Math.abs(f.transErrRel! - want)).toBeLessThan(0.15 * want + 1e-9);
        });
        if ((step * 4.5) / 8 > 0.025) expect(c.verdict).toBe('deviates');
      }),
      { numRuns: 100 },
    );
  });

  it('a plate that moves twice as far through the same scene: aligned it matches, but PCE sees it', () => {
    const scene = orbit(30, 10, 0.6, 2);
    const c0 = scene.cams[0]!.C;
    const far: Scene = {
      ...scene,
      cams: scene.cams.map((c) => ({
        ...c,
        C: [2 * c.C[0] - c0[0], 2 * c.C[1] - c0[1], 2 * c.C[2] - c0[2]] as Vec3,
      })),
    };
    const c = compareWithPath(input(scene, far.cams, scene.points));
    // the similarity takes the path twice as long onto the path: no RotErr or TransErr
    expect(c.metrics!.rotErrMaxDeg).toBeLessThan(1e-6);
    expect(c.metrics!.transErrMaxRel!).toBeLessThan(1e-9);
    // twice the step at about the same depth (the points are 10 away, the steps small): PCE ≈ log 2
    expect(c.metrics!.pce!).toBeGreaterThan(0.6);
    expect(c.metrics!.pce!).toBeLessThan(0.8);
    expect(c.verdict).toBe('deviates');
    expect(c.text).toMatch(/the plate moves ×\d\.\d\d more than asked/);
  });

  it('frames the solve could not pose are listed; too few posed frames cannot be judged', () => {
    const scene = orbit(20, 10, 1, 1);
    const rec = inGauge(scene, { s: 2, q: [1, 0, 0, 0], t: [1, 2, 3] });
    const some = rec.poses.map((p, i) => (i >= 17 ? null : p));
    const c = compareWithPath(input(scene, some, rec.points));
    expect(c.verdict).toBe('follows');
    expect(c.metrics!.framesCompared).toBe(17);
    expect(c.spans).toEqual([expect.objectContaining({ first: 117, last: 119, kind: 'unsolved' })]);
    expect(c.text).toContain('frames 117–119 could not be solved from the plate (not checked)');
    expect(c.pi.requested.slice(16)).toEqual([null, null, null]);
    const few = rec.poses.map((p, i) => (i < 10 ? p : null));
    const u = compareWithPath(input(scene, few, rec.points));
    expect(u.verdict).toBe('unverifiable');
    expect(u.metrics).toBeNull();
    expect(u.text).toBe(
      "could not verify: the plate's camera was solved in 10 of 20 frames (at least 16 needed)",
    );
  });

  it('without points Π still compares steps where the camera stands still; depth gaps take the nearest', () => {
    expect(Array.from(fillDepths([NaN, 2, NaN, NaN, 5, 0])!)).toEqual([2, 2, 2, 2, 5, 5]);
    expect(fillDepths([NaN, NaN])).toBeNull();
    // a camera recovered with no translation (a rotation-only solve) against a path that pans in place
    const scene: Scene = {
      cams: Array.from({ length: 8 }, (_, i) => ({
        ...lookAt([0, 0, 1], [Math.cos(i / 10), Math.sin(i / 10), 1]),
        intrinsics: K,
      })),
      points: new Float64Array(0),
    };
    const rec = scene.cams.map((c) => ({ C: [0, 0, 0] as Vec3, q: quatMultiply([0, 0, 0, 1], c.q) }));
    const c = compareWithPath({ ...input(scene, rec, null), requestedDepth: new Float64Array(8).fill(3) });
    expect(c.pi.recovered.every((p) => p === 0)).toBe(true);
    expect(c.verdict).toBe('follows');
    expect(c.metrics!.pce).toBe(0);
    expect(c.metrics!.rotErrMaxDeg).toBeLessThan(1e-6);
  });
});
