import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cameraToRaxels,
  deleteKeyframe,
  evaluatePath,
  fitPath,
  insertKeyframe,
  moveKeyframe,
  pairTracks,
  quatAngle,
  quatFromAxisAngle,
  raxelRoundTrip,
  raxelsToCamera,
  retimePath,
  samplePath,
  TRACK_FLAGS,
  type Camera,
  type CameraPath,
  type Keyframe,
} from '../../../src-shared/geometry';
import { arbQuat, arbSquareCamera, arbVec3, cameraDiff } from './arb';

/** Deterministic Gaussian noise (Box–Muller on a small LCG) so the noise tests are reproducible. */
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (1664525 * s + 1013904223) >>> 0) + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('raxels (Plücker maps)', () => {
  it('camera → raxels → camera recovers the camera (centre, rotation, focal)', () => {
    fc.assert(
      fc.property(arbSquareCamera, (cam0) => {
        const cam: Camera = { ...cam0, intrinsics: { ...cam0.intrinsics, fy: cam0.intrinsics.fx * 1.02 } };
        const back = raxelRoundTrip(cam, 16, 12);
        const d = cameraDiff(back, cam);
        expect(d.centre).toBeLessThan(1e-4 * (1 + Math.hypot(...cam.C)));
        expect(d.angle).toBeLessThan(1e-6);
        expect(Math.abs(back.intrinsics.fx / cam.intrinsics.fx - 1)).toBeLessThan(1e-6);
        expect(Math.abs(back.intrinsics.fy / cam.intrinsics.fy - 1)).toBeLessThan(1e-6);
      }),
      { numRuns: 60 },
    );
  });
  it('stores unit d and m = C × d, channel-major', () => {
    const cam: Camera = {
      C: [1, 2, 3],
      q: [1, 0, 0, 0],
      intrinsics: { width: 64, height: 64, fx: 64, fy: 64, cx: 32, cy: 32 },
    };
    const map = cameraToRaxels(cam, 2, 2);
    const hw = 4;
    const d: [number, number, number] = [map.data[0]!, map.data[hw]!, map.data[2 * hw]!];
    expect(Math.hypot(...d)).toBeCloseTo(1, 6);
    expect(map.data[3 * hw]).toBeCloseTo(2 * d[2] - 3 * d[1], 5);
  });
  it('degrades gracefully with noise (error grows with the noise level)', () => {
    const cam: Camera = {
      C: [2, -1, 5],
      q: quatFromAxisAngle([0.3, 1, 0.2], 0.7),
      intrinsics: { width: 640, height: 360, fx: 500, fy: 500, cx: 320, cy: 180 },
    };
    const clean = cameraToRaxels(cam, 64, 64);
    const errs = [0.001, 0.01].map((sigma) => {
      const g = gaussian(7);
      const data = clean.data.map((v) => v + sigma * g());
      const back = raxelsToCamera({ ...clean, data }, { imageWidth: 640, imageHeight: 360 });
      return { ...cameraDiff(back, cam), f: Math.abs(back.intrinsics.fx / 500 - 1) };
    });
    // σ = 0.001 on unit directions (≈ 0.06°): sub-centimetre centre, < 0.05° rotation, < 1 % focal.
    expect(errs[0]!.centre).toBeLessThan(0.02);
    expect((errs[0]!.angle * 180) / Math.PI).toBeLessThan(0.05);
    expect(errs[0]!.f).toBeLessThan(0.01);
    // σ = 0.01 (≈ 0.6°): still within a few per cent / tenths of a degree.
    expect(errs[1]!.centre).toBeLessThan(0.2);
    expect((errs[1]!.angle * 180) / Math.PI).toBeLessThan(0.5);
    expect(errs[1]!.f).toBeLessThan(0.05);
  });
});

describe('paired tracks (Track2View)', () => {
  const K = { width: 100, height: 100, fx: 100, fy: 100, cx: 50, cy: 50 };
  const src: Camera = { C: [0, 0, 0], q: [1, 0, 0, 0], intrinsics: K };
  const flat = (z: number) => ({
    intrinsics: { ...K, width: 50, height: 50, fx: 50, fy: 50, cx: 25, cy: 25 },
    data: new Float32Array(2500).fill(z),
  });
  it('lifts with depth and re-projects: identity target gives the source positions', () => {
    const xy = new Float32Array([50, 50, 10, 90]);
    const pt = pairTracks(
      { numTracks: 2, numFrames: 1, xy, visible: new Uint8Array([1, 1]) },
      [src],
      () => flat(4),
      [src],
      () => flat(4),
    );
    expect(pt.targetXY[0]).toBeCloseTo(50, 4);
    expect(pt.targetXY[3]).toBeCloseTo(90, 4);
    expect(pt.targetDepth[0]).toBeCloseTo(4, 5);
    expect(pt.flags[0]).toBe(TRACK_FLAGS.targetVisible);
  });
  it('flags behind, out of frame and occluded points', () => {
    const xy = new Float32Array([50, 50]);
    const tracks = { numTracks: 1, numFrames: 1, xy, visible: new Uint8Array([1]) };
    const behind: Camera = { ...src, C: [0, 0, 10] };
    expect(pairTracks(tracks, [src], () => flat(4), [behind]).flags[0]).toBe(TRACK_FLAGS.sourceVisible);
    const aside: Camera = { ...src, C: [10, 0, 0] };
    expect(pairTracks(tracks, [src], () => flat(4), [aside]).flags[0]).toBe(
      TRACK_FLAGS.sourceVisible | TRACK_FLAGS.inFront,
    );
    // an occluder at depth 2 in front of the point at depth 4
    expect(
      pairTracks(
        tracks,
        [src],
        () => flat(4),
        [src],
        () => flat(2),
      ).flags[0],
    ).toBe(TRACK_FLAGS.sourceVisible | TRACK_FLAGS.inFront | TRACK_FLAGS.inFrame);
    // within the 2 % tolerance: visible
    expect(
      pairTracks(
        tracks,
        [src],
        () => flat(4),
        [src],
        () => flat(3.95),
      ).flags[0],
    ).toBe(TRACK_FLAGS.targetVisible);
    // invisible in the source or no depth: nothing lifted
    expect(
      pairTracks({ ...tracks, visible: new Uint8Array([0]) }, [src], () => flat(4), [src]).flags[0],
    ).toBe(0);
    expect(pairTracks(tracks, [src], () => flat(0), [src]).flags[0]).toBe(0);
  });
});

const kf = (frame: number, x: number, angle: number, focalPx: number): Keyframe => ({
  frame,
  position: [x, x * x * 0.1, 0],
  orientation: quatFromAxisAngle([0, 1, 0], angle),
  focalPx,
});

describe('camera paths', () => {
  const arbPath: fc.Arbitrary<CameraPath> = fc
    .array(
      fc.tuple(
        fc.integer({ min: 1, max: 30 }),
        arbVec3(10),
        arbQuat,
        fc.double({ min: 100, max: 3000, noNaN: true }),
        fc.constantFrom('linear', 'ease-in', 'ease-out', 'ease-in-out' as const),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((ks) => {
      let f = 0;
      return {
        keyframes: ks.map(([df, position, orientation, focalPx, easing]) => ({
          frame: (f += df),
          position,
          orientation,
          focalPx,
          easing,
        })),
      };
    });
  it('passes through every keyframe exactly', () => {
    fc.assert(
      fc.property(arbPath, (path) => {
        for (const k of path.keyframes) {
          const v = evaluatePath(path, k.frame);
          expect(v.position).toEqual(k.position);
          expect(quatAngle(v.orientation, k.orientation)).toBeLessThan(1e-7);
          expect(v.focalPx).toBe(k.focalPx);
        }
      }),
    );
  });
  it('is continuous between keyframes and takes the short arc', () => {
    const path = {
      keyframes: [
        kf(0, 0, 0, 500),
        kf(10, 1, 0.2, 800),
        { ...kf(20, 3, 0.5, 500), orientation: quatFromAxisAngle([0, -1, 0], -0.5 + 0) },
      ],
    };
    path.keyframes[2]!.orientation = path.keyframes[2]!.orientation.map((x) => -x) as [
      number,
      number,
      number,
      number,
    ];
    const s = samplePath(path, 0, 20);
    for (let i = 1; i < s.length; i++) {
      expect(quatAngle(s[i]!.orientation, s[i - 1]!.orientation)).toBeLessThan(0.1);
      expect(
        Math.hypot(s[i]!.position[0] - s[i - 1]!.position[0], s[i]!.position[1] - s[i - 1]!.position[1]),
      ).toBeLessThan(0.5);
    }
    // focal in log space: halfway between 500 and 800 is √(500·800)
    expect(evaluatePath({ keyframes: [kf(0, 0, 0, 500), kf(10, 1, 0, 800)] }, 5).focalPx).toBeCloseTo(
      Math.sqrt(500 * 800),
      9,
    );
  });
  it('edits: insert keeps the value, delete/move/retime behave', () => {
    const path = { keyframes: [kf(0, 0, 0, 500), kf(10, 1, 0.2, 800), kf(20, 3, 0.5, 500)] };
    const before = evaluatePath(path, 13);
    const ins = insertKeyframe(path, 13);
    expect(ins.keyframes.map((k) => k.frame)).toEqual([0, 10, 13, 20]);
    expect(evaluatePath(ins, 13).position).toEqual(before.position);
    expect(deleteKeyframe(ins, 2).keyframes.map((k) => k.frame)).toEqual([0, 10, 20]);
    expect(moveKeyframe(path, 1, 12).keyframes[1]!.frame).toBe(12);
    expect(() => moveKeyframe(path, 1, 20)).toThrow(/outside the neighbouring keyframes/);
    const rt = retimePath(path, 100, 140);
    expect(rt.keyframes.map((k) => k.frame)).toEqual([100, 120, 140]);
    expect(evaluatePath(rt, 130).position).toEqual(evaluatePath(path, 15).position);
  });
  it('smooths a noisy per-frame trajectory into few keyframes within tolerance', () => {
    const truth = {
      keyframes: [kf(0, 0, 0, 500), kf(40, 2, 0.3, 600), kf(80, 5, 0.1, 550), kf(119, 6, -0.2, 500)],
    };
    const g = gaussian(3);
    const noisy = samplePath(truth, 0, 119).map((s) => ({
      ...s,
      position: [s.position[0] + 0.003 * g(), s.position[1] + 0.003 * g(), s.position[2] + 0.003 * g()] as [
        number,
        number,
        number,
      ],
    }));
    const { path, maxError } = fitPath(noisy, { position: 0.03, rotationDeg: 0.5, focalRel: 0.01 });
    expect(maxError).toBeLessThanOrEqual(1);
    expect(path.keyframes.length).toBeLessThan(20);
    expect(path.keyframes.length).toBeGreaterThanOrEqual(2);
  });
});
