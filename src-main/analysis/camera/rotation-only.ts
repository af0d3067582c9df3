/**
 * The camera of a shot that only rotates (tripod pan/tilt, nodal): per-frame rotations from bearing
 * correspondences (2-point RANSAC + Kabsch) chained through keyframes, and, when the focal is unknown, the
 * focal that makes the correspondences most consistent with a pure rotation (a strong constraint).
 */
import { ransacRotation } from './homography';
import { Rng } from './random';
import { mul33 } from './rotation';
import type { TrackView } from './tracks';

export interface RotationTrack {
  ok: boolean;
  reason?: string;
  /** World-to-camera rotations, 9 per frame (world = the first frame's camera). */
  R: Float64Array;
  registered: Uint8Array;
  rmsPx: number;
  inlierFraction: number;
  /** Tracks inconsistent with the rotation (moving objects). */
  dynamic: Uint8Array;
}

/**
 * Rotations of frames first…last (default: the whole shot), chained from `first` (identity). With
 * `stopAtGap`, a frame too few tracks join to the chain ends it (registered up to the frame before, `ok`
 * when at least two frames are) instead of failing.
 */
export function solveRotationOnly(
  view: TrackView,
  cx: number,
  cy: number,
  focal: number,
  thresholdPx: number,
  range: { first: number; last: number; exclude?: Uint8Array; stopAtGap?: boolean } = {
    first: 0,
    last: view.T - 1,
  },
): RotationTrack {
  const T = view.T;
  const R = new Float64Array(9 * T);
  const registered = new Uint8Array(T);
  const dynamic = new Uint8Array(view.N);
  const votes = new Int32Array(view.N);
  const seen = new Int32Array(view.N);
  const { first, last } = range;
  R.set([1, 0, 0, 0, 1, 0, 0, 0, 1], 9 * first);
  registered[first] = 1;
  const rng = new Rng(5);
  let key = first;
  let se = 0;
  let n = 0;
  let minInl = 1;
  const ended = () => ({
    ok: true,
    R,
    registered,
    rmsPx: n ? Math.sqrt(se / n) : NaN,
    inlierFraction: minInl,
    dynamic,
  });
  for (let t = first + 1; t <= last; t++) {
    let pc = view.pair(key, t, cx, cy, focal, range.exclude);
    if (pc.ids.length < 0.5 * view.countIn(key) && key !== t - 1) {
      key = t - 1;
      pc = view.pair(key, t, cx, cy, focal, range.exclude);
    }
    if (pc.ids.length < 8 && range.stopAtGap && t > first + 1) return ended();
    if (pc.ids.length < 8)
      return {
        ok: false,
        reason: `too few tracks between frames ${key} and ${t}`,
        R,
        registered,
        rmsPx: NaN,
        inlierFraction: 0,
        dynamic,
      };
    const fit = ransacRotation(pc.x1, pc.x2, { threshold: thresholdPx / focal, rng });
    if (!fit)
      return {
        ok: false,
        reason: `no rotation fits frames ${key}–${t}`,
        R,
        registered,
        rmsPx: NaN,
        inlierFraction: 0,
        dynamic,
      };
    R.set(mul33(fit.R, R.subarray(9 * key, 9 * key + 9)), 9 * t);
    registered[t] = 1;
    se += fit.rms * fit.rms * fit.numInliers * focal * focal;
    n += fit.numInliers;
    minInl = Math.min(minInl, fit.numInliers / pc.ids.length);
    pc.ids.forEach((k, i) => {
      seen[k] = seen[k]! + 1;
      if (!fit.inliers[i]) votes[k] = votes[k]! + 1;
    });
  }
  for (let k = 0; k < view.N; k++) if (seen[k]! > 0 && votes[k]! > 0.5 * seen[k]!) dynamic[k] = 1;
  return ended();
}

/**
 * Focal that best explains a pure rotation: for the frame pair with the most rotation, minimise the robust
 * rotation-fit error over log f (coarse grid, then parabola refinement).
 */
export function focalFromRotation(
  view: TrackView,
  cx: number,
  cy: number,
  thresholdPx: number,
  width: number,
): number {
  const T = view.T;
  // pair: first frame with the farthest frame still sharing ≥ 30 tracks
  let b = T - 1;
  while (b > 1 && view.pair(0, b, cx, cy, 1).ids.length < 30) b--;
  const cost = (f: number): number => {
    const pc = view.pair(0, b, cx, cy, f);
    const fit = ransacRotation(pc.x1, pc.x2, { threshold: (4 * thresholdPx) / f, rng: new Rng(8) });
    if (!fit) return Infinity;
    let s = 0;
    const th2 = (4 * thresholdPx) ** 2;
    for (let i = 0; i < pc.ids.length; i++) {
      const a = pc.x1[2 * i]!,
        bb = pc.x1[2 * i + 1]!;
      const Rm = fit.R;
      const X = Rm[0]! * a + Rm[1]! * bb + Rm[2]!,
        Y = Rm[3]! * a + Rm[4]! * bb + Rm[5]!,
        Z = Rm[6]! * a + Rm[7]! * bb + Rm[8]!;
      const e = ((X / Z - pc.x2[2 * i]!) ** 2 + (Y / Z - pc.x2[2 * i + 1]!) ** 2) * f * f;
      s += Math.min(e, th2);
    }
    return s;
  };
  return searchLogFocal(cost, width);
}

/** Minimise cost(f) over log f: an hFOV grid from 20° to 110°, then two rounds of parabola refinement. */
export function searchLogFocal(
  cost: (f: number) => number,
  width: number,
  centre?: number,
  steps: readonly number[] = [0.06, 0.02, 0.006],
): number {
  let best = centre ?? 0;
  let bestC = Infinity;
  if (centre === undefined) {
    for (let fov = 20; fov <= 110; fov += 7.5) {
      const f = width / (2 * Math.tan((fov * Math.PI) / 360));
      const c = cost(f);
      if (c < bestC) {
        bestC = c;
        best = f;
      }
    }
  }
  for (const step of steps) {
    const ls = [-2, -1, 0, 1, 2].map((k) => Math.log(best) + k * step);
    const cs = ls.map((l) => cost(Math.exp(l)));
    let i = 0;
    for (let k = 1; k < 5; k++) if (cs[k]! < cs[i]!) i = k;
    const j = Math.min(3, Math.max(1, i));
    const y0 = cs[j - 1]!,
      y1 = cs[j]!,
      y2 = cs[j + 1]!;
    const den = y0 - 2 * y1 + y2;
    let l = ls[j]!;
    if (den > 0 && Number.isFinite(den)) l += (0.5 * step * (y0 - y2)) / den;
    l = Math.min(ls[4]!, Math.max(ls[0]!, l));
    best = Math.exp(l);
  }
  return best;
}
