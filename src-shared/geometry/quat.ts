import type { Mat3 } from './mat3';
import { symmetricEigen } from './eigen';
import type { Vec3 } from './vec3';

/**
 * Unit quaternion, layout [w, x, y, z] (scalar first, Hamilton product), everywhere in Reshoot.
 * q and −q are the same rotation; functions that compare or interpolate take the shortest arc.
 */
export type Quat = [number, number, number, number];

export const quatIdentity = (): Quat => [1, 0, 0, 0];

export function quatNormalize(q: Quat): Quat {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  if (!(n > 0)) throw new RangeError('quatNormalize: zero quaternion');
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

export const quatConjugate = (q: Quat): Quat => [q[0], -q[1], -q[2], -q[3]];
export const quatDot = (a: Quat, b: Quat): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
export const quatNegate = (q: Quat): Quat => [-q[0], -q[1], -q[2], -q[3]];

/** Hamilton product a ⊗ b: the rotation b followed by a (as matrices, R(a)·R(b)). */
export const quatMultiply = (a: Quat, b: Quat): Quat => [
  a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
  a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
  a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
  a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0],
];

export function quatToMat3(q: Quat): Mat3 {
  const [w, x, y, z] = q;
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  ];
}

/** Rotation matrix → unit quaternion (Shepperd's method), with w ≥ 0. */
export function quatFromMat3(m: Mat3): Quat {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = m;
  const tr = m00 + m11 + m22;
  let q: Quat;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    q = [0.25 * s, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s];
  } else if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    q = [(m21 - m12) / s, 0.25 * s, (m01 + m10) / s, (m02 + m20) / s];
  } else if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    q = [(m02 - m20) / s, (m01 + m10) / s, 0.25 * s, (m12 + m21) / s];
  } else {
    const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
    q = [(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, 0.25 * s];
  }
  q = quatNormalize(q);
  return q[0] < 0 ? quatNegate(q) : q;
}

/**
 * The rotation nearest to an arbitrary 3×3 matrix M in the sense of maximising tr(Rᵀ M) (Horn 1987,
 * "Closed-form solution of absolute orientation using unit quaternions"): always proper (det +1).
 */
export function nearestRotationQuat(m: Mat3): Quat {
  const [sxx, sxy, sxz, syx, syy, syz, szx, szy, szz] = m;
  const n = new Float64Array([
    sxx + syy + szz,
    szy - syz,
    sxz - szx,
    syx - sxy,
    szy - syz,
    sxx - syy - szz,
    sxy + syx,
    szx + sxz,
    sxz - szx,
    sxy + syx,
    -sxx + syy - szz,
    syz + szy,
    syx - sxy,
    szx + sxz,
    syz + szy,
    -sxx - syy + szz,
  ]);
  const { vectors } = symmetricEigen(n, 4);
  const q: Quat = [vectors[12]!, vectors[13]!, vectors[14]!, vectors[15]!];
  const u = quatNormalize(q);
  return u[0] < 0 ? quatNegate(u) : u;
}

export function quatRotate(q: Quat, v: Vec3): Vec3 {
  const [w, x, y, z] = q;
  // t = 2 (q_v × v); v' = v + w t + q_v × t
  const tx = 2 * (y * v[2] - z * v[1]);
  const ty = 2 * (z * v[0] - x * v[2]);
  const tz = 2 * (x * v[1] - y * v[0]);
  return [
    v[0] + w * tx + (y * tz - z * ty),
    v[1] + w * ty + (z * tx - x * tz),
    v[2] + w * tz + (x * ty - y * tx),
  ];
}

export function quatFromAxisAngle(axis: Vec3, angle: number): Quat {
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  if (!(n > 0)) return quatIdentity();
  const s = Math.sin(angle / 2) / n;
  return [Math.cos(angle / 2), axis[0] * s, axis[1] * s, axis[2] * s];
}

/** Geodesic angle between two rotations in radians, in [0, π]; sign of q ignored. */
export function quatAngle(a: Quat, b: Quat): number {
  // 2·atan2(|vec(a⁻¹b)|, |w|) is accurate near 0 where 2·acos(|a·b|) is not, and ignores the sign of q.
  const r = quatMultiply(quatConjugate(a), b);
  return 2 * Math.atan2(Math.hypot(r[1], r[2], r[3]), Math.abs(r[0]));
}

/** Rotation vector (axis·angle) of a unit quaternion, shortest arc. */
export function quatLog(q: Quat): Vec3 {
  const u = q[0] < 0 ? quatNegate(q) : q;
  const s = Math.hypot(u[1], u[2], u[3]);
  if (s < 1e-12) return [2 * u[1], 2 * u[2], 2 * u[3]];
  const angle = 2 * Math.atan2(s, u[0]);
  return [(u[1] / s) * angle, (u[2] / s) * angle, (u[3] / s) * angle];
}

/** Inverse of quatLog: rotation vector → unit quaternion. */
export function quatExp(v: Vec3): Quat {
  const angle = Math.hypot(v[0], v[1], v[2]);
  if (angle < 1e-12) return quatNormalize([1, v[0] / 2, v[1] / 2, v[2] / 2]);
  const s = Math.sin(angle / 2) / angle;
  return [Math.cos(angle / 2), v[0] * s, v[1] * s, v[2] * s];
}

/** Spherical linear interpolation along the shortest arc; slerp(a, b, 0) = a and slerp(a, b, 1) = ±b exactly. */
export function quatSlerp(a: Quat, b0: Quat, t: number): Quat {
  if (t === 0) return [...a];
  let b = b0;
  let d = quatDot(a, b);
  if (d < 0) {
    b = quatNegate(b);
    d = -d;
  }
  if (t === 1) return [...b];
  if (d > 0.9995) {
    // Close rotations (the steps between neighbouring frames): acos loses digits here, so take the arc
    // as a·exp(t·log(a⁻¹b)), exact to rounding (a normalised lerp is not: it bends the speed along it).
    const v = quatLog(quatMultiply(quatConjugate(a), b));
    return quatMultiply(a, quatExp([v[0] * t, v[1] * t, v[2] * t]));
  }
  const theta = Math.acos(d);
  const s = Math.sin(theta);
  const wa = Math.sin((1 - t) * theta) / s;
  const wb = Math.sin(t * theta) / s;
  return [wa * a[0] + wb * b[0], wa * a[1] + wb * b[1], wa * a[2] + wb * b[2], wa * a[3] + wb * b[3]];
}
