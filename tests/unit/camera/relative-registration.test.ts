import { describe, expect, it } from 'vitest';
import { Rng, TrackView } from '../../../src-main/analysis/camera';
import {
  REGISTERED_BY_MOTION,
  REGISTERED_BY_ROTATION,
  registerRelative,
  type RegistrationState,
} from '../../../src-main/analysis/camera/relative-registration';
import { syntheticTracks, yawPitch, type SyntheticShot, type Vec3 } from '../../integration/camera/synthetic';

const W = 640;
const H = 360;
const opts = { cx: W / 2, cy: H / 2, thresholdPx: 1.5 };

/** Geodesic angle (degrees) between two rotations, accurate near 0. */
function angleDeg(A: ArrayLike<number>, B: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < 9; i++) e += (A[i]! - B[i]!) ** 2;
  return (2 * Math.asin(Math.min(1, Math.sqrt(e / 8))) * 180) / Math.PI;
}

const centre = (R: ArrayLike<number>, t: ArrayLike<number>): Vec3 =>
  [0, 1, 2].map((i) => -(R[i]! * t[0]! + R[3 + i]! * t[1]! + R[6 + i]! * t[2]!)) as Vec3;

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const norm = (a: Vec3) => Math.hypot(...a);
const angleBetweenDeg = (a: Vec3, b: Vec3) =>
  (Math.acos(Math.min(1, (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (norm(a) * norm(b)))) * 180) / Math.PI;

/** The registration state of a synthetic shot with frames `registered` posed exactly and the static points known. */
function exactState(shot: SyntheticShot, registered: number[], withPoints = true): RegistrationState {
  const T = shot.set.numFrames;
  const N = shot.set.numTracks;
  const R = new Float64Array(9 * T);
  const t = new Float64Array(3 * T);
  const reg = new Uint8Array(T);
  for (const f of registered) {
    const Rf = shot.R[f]!;
    const C = shot.C[f]!;
    R.set(Rf, 9 * f);
    for (let i = 0; i < 3; i++)
      t[3 * f + i] = -(Rf[3 * i]! * C[0] + Rf[3 * i + 1]! * C[1] + Rf[3 * i + 2]! * C[2]);
    reg[f] = 1;
  }
  const hasPoint = Uint8Array.from({ length: N }, (_, k) => (withPoints && shot.owner[k]! < 0 ? 1 : 0));
  return { R, t, X: Float64Array.from(shot.anchor), hasPoint, registered: reg, focal: shot.focal };
}

/** Points 5–60 ahead of the first camera, spread over its view and beyond. */
const ahead = (r: () => number): Vec3 => {
  const z = 5 + 55 * r();
  return [(r() - 0.5) * 1.6 * z, (r() - 0.5) * 0.9 * z, z];
};

/** Forward along +z at 0.3 per frame, weaving a little and turning slowly right. */
const forward = (i: number) => ({
  w: yawPitch(0.004 * i, 0.001 * i),
  C: [0.02 * i, 0.005 * i, 0.3 * i] as Vec3,
});

describe('registerRelative', () => {
  /** Registers frame 11 from frames 0–10 (dir 1) or frame 0 from frames 1–11 (dir −1); errors against the truth. */
  function forwardCase(seed: number, noisePx: number, dir: 1 | -1, withPoints = true) {
    const shot = syntheticTracks({ frames: 12, motion: forward, point: ahead, points: 300, noisePx, seed });
    const view = new TrackView(shot.set, 2);
    const fr = dir > 0 ? 11 : 0;
    const registered = Array.from({ length: 11 }, (_, i) => (dir > 0 ? i : i + 1));
    const s = exactState(shot, registered, withPoints);
    const r = registerRelative(view, s, fr, fr - dir, fr - 2 * dir, opts, new Rng(seed));
    expect(r).not.toBeNull();
    const C = centre(r!.R, r!.t);
    const nb = shot.C[fr - dir]!;
    const far = shot.C[fr - 10 * dir]!;
    const step = norm(sub(shot.C[fr]!, nb));
    return {
      r: r!,
      rotationDeg: angleDeg(r!.R, shot.R[fr]!),
      /** Direction of the last step, and of the travel from ten frames away (the reference's baseline). */
      stepDirectionDeg: angleBetweenDeg(sub(C, nb), sub(shot.C[fr]!, nb)),
      travelDirectionDeg: angleBetweenDeg(sub(C, far), sub(shot.C[fr]!, far)),
      /** Centre error in steps (a step is 0.3). */
      centreError: norm(sub(C, shot.C[fr]!)) / step,
    };
  }

  it('a camera moving forward, exact tracks: the pose to the rotation and the step from the 3D points', () => {
    for (const dir of [1, -1] as const)
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const c = forwardCase(seed, 0, dir);
        expect(c.r.kind).toBe(REGISTERED_BY_MOTION);
        expect(c.r.scaleFrom).toBe('points');
        expect(c.r.correspondences).toBeGreaterThan(100);
        expect(c.rotationDeg).toBeLessThan(0.01);
        expect(c.stepDirectionDeg).toBeLessThan(0.5);
        expect(c.centreError).toBeLessThan(0.01);
      }
  });

  it('a camera moving forward, 0.3 px noise: rotation to a fraction of a degree, the travel direction right', () => {
    // Measured over these 12 seeds: rotation error median 0.13°, worst 0.30°; direction of travel over
    // the reference's ten-frame baseline within 3.2°; centre within 0.03–0.56 of a step (median 0.15).
    // The relative pose is the best 5-point sample's (ransacEssential does not refit E on its inliers),
    // so it is well short of what 300 tracks allow; the bundle adjustments that follow refine it.
    const cases = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((seed) => forwardCase(seed, 0.3, 1));
    const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1]!;
    for (const c of cases) {
      expect(c.r.kind).toBe(REGISTERED_BY_MOTION);
      expect(c.r.scaleFrom).toBe('points');
      expect(c.rotationDeg).toBeLessThan(0.4);
      expect(c.travelDirectionDeg).toBeLessThan(4);
      expect(c.centreError).toBeLessThan(0.7);
    }
    expect(median(cases.map((c) => c.rotationDeg))).toBeLessThan(0.2);
    expect(median(cases.map((c) => c.centreError))).toBeLessThan(0.3);
  });

  it('no 3D points: the step from the speed between the two registered neighbours', () => {
    for (const dir of [1, -1] as const) {
      const c = forwardCase(5, 0, dir, false);
      expect(c.r.kind).toBe(REGISTERED_BY_MOTION);
      expect(c.r.scaleFrom).toBe('speed');
      expect(c.rotationDeg).toBeLessThan(0.01);
      expect(c.stepDirectionDeg).toBeLessThan(0.5);
      // the speed is (nearly) constant, so the length is right too
      expect(c.centreError).toBeLessThan(0.01);
    }
    // with no registered frame before the neighbour there is no speed either: not registered
    const shot = syntheticTracks({ frames: 12, motion: forward, point: ahead, points: 300, seed: 5 });
    const s = exactState(shot, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], false);
    expect(registerRelative(new TrackView(shot.set, 2), s, 11, 10, -1, opts, new Rng(5))).toBeNull();
  });

  it('a pure rotation: REGISTERED_BY_ROTATION, the orientation measured and the centre held at the neighbour’s', () => {
    const pan = (i: number) => ({ w: yawPitch(0.01 * i, 0.004 * i), C: [1, -0.5, 2] as Vec3 });
    const shot = syntheticTracks({
      frames: 12,
      motion: pan,
      point: ahead,
      points: 300,
      noisePx: 0.3,
      seed: 6,
    });
    const view = new TrackView(shot.set, 2);
    const s = exactState(shot, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const r = registerRelative(view, s, 11, 10, 9, opts, new Rng(6))!;
    expect(r.kind).toBe(REGISTERED_BY_ROTATION);
    expect(r.scaleFrom).toBe('none');
    expect(angleDeg(r.R, shot.R[11]!)).toBeLessThan(0.1);
    const C = centre(r.R, r.t);
    for (let i = 0; i < 3; i++) expect(C[i]).toBeCloseTo(shot.C[10]![i]!, 9);
  });

  it('fewer than 15 tracks shared with the neighbour: null', () => {
    const shot = syntheticTracks({
      frames: 12,
      motion: forward,
      point: ahead,
      points: 300,
      noisePx: 0.3,
      seed: 7,
    });
    const view = new TrackView(shot.set, 2);
    const s = exactState(shot, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // leave out (as moving) all but 14 of the tracks frames 10 and 11 share
    const shared = Array.from(view.tracksIn(10)).filter((k) => view.has(k, 11));
    expect(shared.length).toBeGreaterThan(100);
    const exclude = new Uint8Array(view.N);
    shared.slice(14).forEach((k) => (exclude[k] = 1));
    expect(registerRelative(view, s, 11, 10, 9, { ...opts, exclude }, new Rng(7))).toBeNull();
    // with one more it registers
    exclude[shared[14]!] = 0;
    expect(registerRelative(view, s, 11, 10, 9, { ...opts, exclude }, new Rng(7))).not.toBeNull();
    // a shot with 14 points in all
    const sparse = syntheticTracks({ frames: 12, motion: forward, point: ahead, points: 14, seed: 7 });
    const v2 = new TrackView(sparse.set, 2);
    expect(registerRelative(v2, exactState(sparse, [9, 10]), 11, 10, 9, opts, new Rng(7))).toBeNull();
  });
});
