import type { Pose } from './camera';
import type { Quat } from './quat';
import { nearestRotationQuat, quatAngle, quatConjugate, quatMultiply, quatRotate, quatToMat3 } from './quat';
import type { Sim3 } from './sim3';
import { applySim3ToPose, umeyama } from './sim3';
import type { Vec3 } from './vec3';
import { distance, sub } from './vec3';

/**
 * Trajectory metrics between an ESTIMATED and a REFERENCE camera sequence (same length, frame-matched).
 * Every metric first aligns the estimate to the reference with a similarity (Sim(3), Umeyama on the
 * camera centres), because monocular cameras are only defined up to a similarity (SPEC §2, the gauge).
 * Definitions (docs/geometry.md has them with citations):
 * - ATE: RMSE of ‖Ĉ_j − C_j‖ over frames after alignment (Sturm et al. 2012, TUM RGB-D benchmark), also
 *   divided by the reference path length.
 * - RPE (Sturm et al. 2012), per frame step Δ (default 1): E_j = (P_j⁻¹P_{j+Δ})⁻¹(P̂_j⁻¹P̂_{j+Δ}) on aligned
 *   poses; translation = RMSE of ‖trans(E_j)‖, rotation = mean angle(E_j) in degrees.
 * - RotErr (CameraCtrl, He et al. 2024, eq. in §4.1; used by CamI2V, AC3D, Track2View): Σ_j arccos((tr(R̂_j R_jᵀ) − 1)/2)
 *   over frames, R = camera-to-world rotation after alignment, in DEGREES; we also give the per-frame mean.
 * - TransErr (CameraCtrl): Σ_j ‖Ĉ_j − C_j‖₂ over frames after alignment, in reference units (a SUM);
 *   per-frame mean alongside.
 */
export interface TrajectoryMetrics {
  frames: number;
  alignment: Sim3;
  ateRmse: number;
  ateRelative: number;
  pathLength: number;
  rpeStep: number;
  rpeTransRmse: number;
  rpeRotMeanDeg: number;
  rotErrSumDeg: number;
  rotErrMeanDeg: number;
  transErrSum: number;
  transErrMean: number;
}

const DEG = 180 / Math.PI;

/**
 * Similarity aligning `estimated` onto `reference`. When the reference centres are all coincident (a pure
 * rotation / nodal pan), the centres cannot fix rotation or scale: then the rotation is the chordal mean of
 * R_j·R̂_jᵀ, s = 1, and t matches the mean centre.
 */
export function alignTrajectories(
  estimated: readonly Pose[],
  reference: readonly Pose[],
  withScale = true,
): Sim3 {
  if (estimated.length !== reference.length || estimated.length === 0)
    throw new RangeError('alignTrajectories: need two non-empty sequences of equal length');
  const src = new Float64Array(estimated.length * 3);
  const dst = new Float64Array(reference.length * 3);
  estimated.forEach((p, i) => src.set(p.C, 3 * i));
  reference.forEach((p, i) => dst.set(p.C, 3 * i));
  // Orientation agreement term, weighted small against the centre term (its scale is var(reference)/n per
  // unit): it only decides what the centres cannot (rotation about the line of a straight move).
  let varRef = 0;
  const mean: Vec3 = [0, 0, 0];
  for (const p of reference)
    for (let k = 0; k < 3; k++) mean[k as 0 | 1 | 2] += p.C[k as 0 | 1 | 2] / reference.length;
  for (const p of reference)
    varRef += (p.C[0] - mean[0]) ** 2 + (p.C[1] - mean[1]) ** 2 + (p.C[2] - mean[2]) ** 2;
  const w = (1e-6 * varRef) / reference.length;
  const prior = [0, 0, 0, 0, 0, 0, 0, 0, 0] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  estimated.forEach((e, i) => {
    const d = quatToMat3(quatMultiply(reference[i]!.q, quatConjugate(e.q)));
    for (let k = 0; k < 9; k++) prior[k] = prior[k]! + w * d[k]!;
  });
  try {
    return umeyama(src, dst, withScale, prior);
  } catch {
    const M = [0, 0, 0, 0, 0, 0, 0, 0, 0] as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    estimated.forEach((e, i) => {
      const d = quatToMat3(quatMultiply(reference[i]!.q, quatConjugate(e.q)));
      for (let k = 0; k < 9; k++) M[k] = M[k]! + d[k]!;
    });
    const q = nearestRotationQuat(M);
    const n = estimated.length;
    const me: Vec3 = [0, 0, 0];
    const mr: Vec3 = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const ce = estimated[i]!.C;
      const cr = reference[i]!.C;
      me[0] += ce[0] / n;
      me[1] += ce[1] / n;
      me[2] += ce[2] / n;
      mr[0] += cr[0] / n;
      mr[1] += cr[1] / n;
      mr[2] += cr[2] / n;
    }
    const r = quatRotate(q, me);
    return { s: 1, q, t: sub(mr, r) };
  }
}

export function pathLength(poses: readonly Pose[]): number {
  let L = 0;
  for (let i = 1; i < poses.length; i++) L += distance(poses[i]!.C, poses[i - 1]!.C);
  return L;
}

/** Relative motion from pose a to pose b expressed in a's camera frame: (R_aᵀR_b, R_aᵀ(C_b − C_a)). */
function relative(a: Pose, b: Pose): { q: Quat; t: Vec3 } {
  const qa = quatConjugate(a.q);
  return { q: quatMultiply(qa, b.q), t: quatRotate(qa, sub(b.C, a.C)) };
}

export function trajectoryMetrics(
  estimated: readonly Pose[],
  reference: readonly Pose[],
  opts: { rpeStep?: number; withScale?: boolean } = {},
): TrajectoryMetrics {
  const alignment = alignTrajectories(estimated, reference, opts.withScale ?? true);
  const est = estimated.map((p) => applySim3ToPose(alignment, p));
  const n = est.length;
  let se = 0;
  let transSum = 0;
  let rotSum = 0;
  for (let j = 0; j < n; j++) {
    const d = distance(est[j]!.C, reference[j]!.C);
    se += d * d;
    transSum += d;
    rotSum += quatAngle(est[j]!.q, reference[j]!.q) * DEG;
  }
  const ateRmse = Math.sqrt(se / n);
  const L = pathLength(reference);
  const step = opts.rpeStep ?? 1;
  let rpeT = 0;
  let rpeR = 0;
  let m = 0;
  for (let j = 0; j + step < n; j++) {
    const a = relative(reference[j]!, reference[j + step]!);
    const b = relative(est[j]!, est[j + step]!);
    // E = A⁻¹B: rotation A_qᵀB_q, translation A_qᵀ(B_t − A_t)
    const qa = quatConjugate(a.q);
    const et = quatRotate(qa, sub(b.t, a.t));
    rpeT += et[0] * et[0] + et[1] * et[1] + et[2] * et[2];
    rpeR += quatAngle(a.q, b.q) * DEG;
    m++;
  }
  return {
    frames: n,
    alignment,
    ateRmse,
    ateRelative: L > 0 ? ateRmse / L : NaN,
    pathLength: L,
    rpeStep: step,
    rpeTransRmse: m ? Math.sqrt(rpeT / m) : 0,
    rpeRotMeanDeg: m ? rpeR / m : 0,
    rotErrSumDeg: rotSum,
    rotErrMeanDeg: rotSum / n,
    transErrSum: transSum,
    transErrMean: transSum / n,
  };
}
