import type { Pose } from './camera';
import type { Mat3 } from './mat3';
import { mulVec3 } from './mat3';
import type { Quat } from './quat';
import { nearestRotationQuat, quatMultiply, quatNormalize, quatToMat3 } from './quat';
import type { Vec3 } from './vec3';

/** A similarity transform X ↦ s·R·X + t (R as a unit quaternion [w,x,y,z]). */
export interface Sim3 {
  s: number;
  q: Quat;
  t: Vec3;
}

export const sim3Identity = (): Sim3 => ({ s: 1, q: [1, 0, 0, 0], t: [0, 0, 0] });

export function applySim3(T: Sim3, p: Vec3): Vec3 {
  const r = mulVec3(quatToMat3(T.q), p);
  return [T.s * r[0] + T.t[0], T.s * r[1] + T.t[1], T.s * r[2] + T.t[2]];
}

/** Moves a camera pose by a similarity: C ↦ s·R·C + t, R_wc ↦ R·R_wc. */
export function applySim3ToPose<P extends Pose>(T: Sim3, pose: P): P {
  return { ...pose, C: applySim3(T, pose.C), q: quatNormalize(quatMultiply(T.q, pose.q)) };
}

/**
 * Least-squares similarity taking `source` points onto `target` points (Umeyama 1991, "Least-squares
 * estimation of transformation parameters between two point patterns"): minimises Σ‖target_i − (s·R·source_i + t)‖².
 * Points are xyz interleaved. The rotation comes from Horn's quaternion method, which is always proper
 * (never a reflection); the scale is Umeyama's σ-ratio form. With `withScale = false` it is SE(3) (s = 1).
 * Throws when the source points are all (nearly) coincident: no rotation or scale is defined then.
 * `rotationPrior` (optional) is added to the cross-covariance before Horn's step: a term w·Σ R_target·R_sourceᵀ
 * makes the rotation also agree with camera orientations, which fixes the roll about the line that
 * collinear centres (a straight dolly) leave undetermined; with exact data it does not move the optimum.
 */
export function umeyama(
  source: Float64Array | readonly number[],
  target: Float64Array | readonly number[],
  withScale = true,
  rotationPrior?: Mat3,
): Sim3 {
  const n = source.length / 3;
  if (n < 1 || source.length !== target.length || !Number.isInteger(n))
    throw new RangeError('umeyama: point sets must be xyz-interleaved and of equal size');
  const ms: Vec3 = [0, 0, 0];
  const mt: Vec3 = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    ms[0] += source[3 * i]! / n;
    ms[1] += source[3 * i + 1]! / n;
    ms[2] += source[3 * i + 2]! / n;
    mt[0] += target[3 * i]! / n;
    mt[1] += target[3 * i + 1]! / n;
    mt[2] += target[3 * i + 2]! / n;
  }
  const S = new Array<number>(9).fill(0) as Mat3; // Σ (t_i − mt)(s_i − ms)ᵀ laid out for Horn: S[a][b] = Σ src_a·tgt_b
  let varS = 0;
  let varT = 0;
  for (let i = 0; i < n; i++) {
    const a: Vec3 = [source[3 * i]! - ms[0], source[3 * i + 1]! - ms[1], source[3 * i + 2]! - ms[2]];
    const b: Vec3 = [target[3 * i]! - mt[0], target[3 * i + 1]! - mt[1], target[3 * i + 2]! - mt[2]];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) S[r * 3 + c] = S[r * 3 + c]! + a[r]! * b[c]!;
    varS += a[0] * a[0] + a[1] * a[1] + a[2] * a[2];
    varT += b[0] * b[0] + b[1] * b[1] + b[2] * b[2];
  }
  if (!(varS > 1e-24 * Math.max(1, varT)))
    throw new RangeError('umeyama: source points are coincident (no translation to align)');
  // Horn's N matrix expects S_ab = Σ a_a b_b with a = source, b = target, and returns R with b ≈ R a.
  const M = transposeForHorn(S);
  if (rotationPrior) for (let k = 0; k < 9; k++) M[k] = M[k]! + rotationPrior[k]!;
  const q = nearestRotationQuat(M);
  const R = quatToMat3(q);
  let s = 1;
  if (withScale) {
    let num = 0;
    for (let i = 0; i < n; i++) {
      const a: Vec3 = [source[3 * i]! - ms[0], source[3 * i + 1]! - ms[1], source[3 * i + 2]! - ms[2]];
      const b: Vec3 = [target[3 * i]! - mt[0], target[3 * i + 1]! - mt[1], target[3 * i + 2]! - mt[2]];
      const ra = mulVec3(R, a);
      num += ra[0] * b[0] + ra[1] * b[1] + ra[2] * b[2];
    }
    s = num / varS;
  }
  const rm = mulVec3(R, ms);
  return { s, q, t: [mt[0] - s * rm[0], mt[1] - s * rm[1], mt[2] - s * rm[2]] };
}

/**
 * nearestRotationQuat(M) maximises tr(RᵀM); the best rotation for b ≈ R·a maximises Σ bᵀRa = tr(Rᵀ·Σ b aᵀ),
 * so M must be Σ b aᵀ, the transpose of S as accumulated above.
 */
function transposeForHorn(S: Mat3): Mat3 {
  return [S[0], S[3], S[6], S[1], S[4], S[7], S[2], S[5], S[8]];
}

export function sim3Inverse(T: Sim3): Sim3 {
  const qi: Quat = [T.q[0], -T.q[1], -T.q[2], -T.q[3]];
  const r = mulVec3(quatToMat3(qi), T.t);
  return { s: 1 / T.s, q: qi, t: [-r[0] / T.s, -r[1] / T.s, -r[2] / T.s] };
}
