/**
 * Registering a frame that the scene's 3D points cannot register (too few of them in view: a pan whose
 * points are too distant to triangulate, a forward drive where points leave the frame faster than new
 * ones triangulate, a stretch half covered by a subject) from its 2D motion relative to the registered
 * frame next to it:
 * - a pure rotation (the correspondences prefer a homography by GRIC and a rotation fits them): the
 *   orientation is measured, the centre is held at the neighbour's (a rotation-only frame);
 * - otherwise the essential matrix gives the rotation and the direction of travel, and the step's length
 *   comes from the 3D points the frame does see (the median of each point's own least-squares length),
 *   else from the previous step (constant speed).
 * The bundle adjustments that follow refine what the frame's observations support.
 */
import { ransacEssential } from './essential';
import { gricEssentialVsHomography, ransacHomography, ransacRotation } from './homography';
import type { Rng } from './random';
import { mul33 } from './rotation';
import type { TrackView } from './tracks';
import { cameraCentre } from './triangulate';

export const REGISTERED_BY_POINTS = 1;
export const REGISTERED_BY_ROTATION = 2;
export const REGISTERED_BY_MOTION = 3;

/** Fewer correspondences with the neighbour than this and the frame is not registered. */
const MIN_CORRESPONDENCES = 15;
/** The model must explain this share of them. */
const MIN_INLIER_SHARE = 0.6;
/** How far back (frames) the reference frame of a relative registration may be. */
const REFERENCE_SPAN = 10;

export interface RelativeRegistration {
  R: Float64Array;
  t: Float64Array;
  kind: typeof REGISTERED_BY_ROTATION | typeof REGISTERED_BY_MOTION;
  correspondences: number;
  /** How the step length was found (MOTION only). */
  scaleFrom: 'points' | 'speed' | 'none';
}

export interface RegistrationState {
  R: Float64Array;
  t: Float64Array;
  X: Float64Array;
  hasPoint: Uint8Array;
  registered: Uint8Array;
  focal: number;
}

/**
 * The pose of frame `fr` from its 2D motion relative to the registered frame `nb` (and `nb2`, the
 * registered frame before `nb` on the same side, for the speed). Null when too few tracks join them or no
 * model explains them.
 */
export function registerRelative(
  view: TrackView,
  s: RegistrationState,
  fr: number,
  nb0: number,
  nb2: number,
  o: { cx: number; cy: number; thresholdPx: number; exclude?: Uint8Array },
  rng: Rng,
): RelativeRegistration | null {
  const f = s.focal;
  // against the farthest registered frame on the neighbour's side (within REFERENCE_SPAN) that still shares
  // most of the tracks: next to each other, two frames of a moving camera look like a rotation
  let nb = nb0;
  let pc = view.pair(nb, fr, o.cx, o.cy, f, o.exclude);
  if (pc.ids.length < MIN_CORRESPONDENCES) return null;
  const dir = Math.sign(nb0 - fr);
  for (let d = 2; d <= REFERENCE_SPAN; d++) {
    const c = fr + dir * d;
    if (c < 0 || c >= view.T || !s.registered[c]) break;
    const pcc = view.pair(c, fr, o.cx, o.cy, f, o.exclude);
    if (pcc.ids.length < Math.max(MIN_CORRESPONDENCES, 0.6 * pc.ids.length)) break;
    nb = c;
    pc = pcc;
  }
  const n = pc.ids.length;
  const th = o.thresholdPx / f;
  const rel = ransacEssential(pc.x1, pc.x2, { threshold: th, rng, maxIterations: 200 });
  const hom = ransacHomography(pc.x1, pc.x2, { threshold: th, rng, maxIterations: 200 });
  const rot = ransacRotation(pc.x1, pc.x2, { threshold: th, rng, maxIterations: 200 });
  const Rnb = s.R.subarray(9 * nb, 9 * nb + 9);
  const tnb = s.t.subarray(3 * nb, 3 * nb + 3);
  const gric =
    rel && hom ? gricEssentialVsHomography(rel.E, hom.H, pc.x1, pc.x2, f, o.thresholdPx / 2) : null;
  const preferH = !rel || (gric !== null && gric.gricH <= gric.gricE);
  if (preferH && rot && rot.numInliers >= MIN_INLIER_SHARE * n) {
    const R = mul33(rot.R, Rnb);
    const C = cameraCentre(s.R, s.t, nb);
    const t = Float64Array.from(
      [0, 1, 2],
      (i) => -(R[3 * i]! * C[0] + R[3 * i + 1]! * C[1] + R[3 * i + 2]! * C[2]),
    );
    return { R, t, kind: REGISTERED_BY_ROTATION, correspondences: n, scaleFrom: 'none' };
  }
  if (!rel || rel.numInliers < MIN_INLIER_SHARE * n) return null;
  // X_fr = Rrel·(Rnb·X + tnb) + λ·trel
  const R = mul33(rel.R, Rnb);
  const base = Float64Array.from(
    [0, 1, 2],
    (i) => rel.R[3 * i]! * tnb[0]! + rel.R[3 * i + 1]! * tnb[1]! + rel.R[3 * i + 2]! * tnb[2]!,
  );
  const lambdas: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = pc.ids[i]!;
    if (!s.hasPoint[k] || !rel.inliers[i]) continue;
    // camera-frame point without the step: P = R·X + base; x ≈ (P + λd)/(P_z + λd_z)
    const P = [0, 1, 2].map(
      (r) =>
        R[3 * r]! * s.X[3 * k]! +
        R[3 * r + 1]! * s.X[3 * k + 1]! +
        R[3 * r + 2]! * s.X[3 * k + 2]! +
        base[r]!,
    );
    const u = pc.x2[2 * i]!;
    const v = pc.x2[2 * i + 1]!;
    // (P_x + λd_x) − u(P_z + λd_z) = 0, same for y: least squares in λ
    const a1 = rel.t[0]! - u * rel.t[2]!;
    const b1 = u * P[2]! - P[0]!;
    const a2 = rel.t[1]! - v * rel.t[2]!;
    const b2 = v * P[2]! - P[1]!;
    const den = a1 * a1 + a2 * a2;
    if (den > 1e-12) lambdas.push((a1 * b1 + a2 * b2) / den);
  }
  let lambda: number;
  let scaleFrom: RelativeRegistration['scaleFrom'];
  lambdas.sort((x, y) => x - y);
  if (lambdas.length >= 3 && lambdas[lambdas.length >> 1]! > 0) {
    lambda = lambdas[lambdas.length >> 1]!;
    scaleFrom = 'points';
  } else if (nb2 >= 0) {
    // the speed between the neighbour and the frame before it, over the frames from the reference
    const c1 = cameraCentre(s.R, s.t, nb0);
    const c2 = cameraCentre(s.R, s.t, nb2);
    lambda =
      (Math.hypot(c1[0] - c2[0], c1[1] - c2[1], c1[2] - c2[2]) * Math.abs(fr - nb)) / Math.abs(nb0 - nb2);
    scaleFrom = 'speed';
  } else return null;
  const t = Float64Array.from([0, 1, 2], (i) => base[i]! + lambda * rel.t[i]!);
  return { R, t, kind: REGISTERED_BY_MOTION, correspondences: n, scaleFrom };
}
