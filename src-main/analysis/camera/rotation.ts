/**
 * Rotation helpers on row-major 3×3 matrices in Float64Array: angle-axis (Rodrigues) exponential and
 * logarithm, products, and conversion to the geometry core's pose (centre + R_wc quaternion).
 */
import { quatFromMat3, quatNormalize, quatToMat3, type Mat3, type Pose } from '../../../src-shared/geometry';

export function rodrigues(wx: number, wy: number, wz: number, out = new Float64Array(9)): Float64Array {
  const th2 = wx * wx + wy * wy + wz * wz;
  let a: number;
  let b: number;
  if (th2 < 1e-16) {
    a = 1 - th2 / 6;
    b = 0.5 - th2 / 24;
  } else {
    const th = Math.sqrt(th2);
    a = Math.sin(th) / th;
    b = (1 - Math.cos(th)) / th2;
  }
  out[0] = 1 - b * (wy * wy + wz * wz);
  out[1] = -a * wz + b * wx * wy;
  out[2] = a * wy + b * wx * wz;
  out[3] = a * wz + b * wx * wy;
  out[4] = 1 - b * (wx * wx + wz * wz);
  out[5] = -a * wx + b * wy * wz;
  out[6] = -a * wy + b * wx * wz;
  out[7] = a * wx + b * wy * wz;
  out[8] = 1 - b * (wx * wx + wy * wy);
  return out;
}

/** Angle-axis vector of a rotation matrix. */
export function rotationLog(R: ArrayLike<number>): [number, number, number] {
  const c = Math.min(1, Math.max(-1, (R[0]! + R[4]! + R[8]! - 1) / 2));
  const th = Math.acos(c);
  const vx = R[7]! - R[5]!;
  const vy = R[2]! - R[6]!;
  const vz = R[3]! - R[1]!;
  if (th < 1e-7) return [vx / 2, vy / 2, vz / 2];
  if (Math.PI - th < 1e-4) {
    // near π: axis from the diagonal
    const x = Math.sqrt(Math.max(0, (R[0]! + 1) / 2));
    const y = Math.sqrt(Math.max(0, (R[4]! + 1) / 2)) * (R[1]! + R[3]! >= 0 ? 1 : -1);
    const z = Math.sqrt(Math.max(0, (R[8]! + 1) / 2)) * (R[2]! + R[6]! >= 0 ? 1 : -1);
    const n = Math.hypot(x, y, z) || 1;
    return [(th * x) / n, (th * y) / n, (th * z) / n];
  }
  const s = th / (2 * Math.sin(th));
  return [vx * s, vy * s, vz * s];
}

export function rotationAngle(R: ArrayLike<number>): number {
  return Math.acos(Math.min(1, Math.max(-1, (R[0]! + R[4]! + R[8]! - 1) / 2)));
}

export function mul33(a: ArrayLike<number>, b: ArrayLike<number>, out = new Float64Array(9)): Float64Array {
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      out[i * 3 + j] = a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[3 + j]! + a[i * 3 + 2]! * b[6 + j]!;
  return out;
}

/** aᵀ·b */
export function mulT33(a: ArrayLike<number>, b: ArrayLike<number>, out = new Float64Array(9)): Float64Array {
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      out[i * 3 + j] = a[i]! * b[j]! + a[3 + i]! * b[3 + j]! + a[6 + i]! * b[6 + j]!;
  return out;
}

export function transpose33(a: ArrayLike<number>): Float64Array {
  return Float64Array.of(a[0]!, a[3]!, a[6]!, a[1]!, a[4]!, a[7]!, a[2]!, a[5]!, a[8]!);
}

/** Pose (centre + R_wc quaternion) from world-to-camera R_cw (row-major) and t_cw. */
export function poseFromRt(R_cw: ArrayLike<number>, t: ArrayLike<number>): Pose {
  const R_wc: Mat3 = [
    R_cw[0]!,
    R_cw[3]!,
    R_cw[6]!,
    R_cw[1]!,
    R_cw[4]!,
    R_cw[7]!,
    R_cw[2]!,
    R_cw[5]!,
    R_cw[8]!,
  ];
  const C: [number, number, number] = [
    -(R_cw[0]! * t[0]! + R_cw[3]! * t[1]! + R_cw[6]! * t[2]!),
    -(R_cw[1]! * t[0]! + R_cw[4]! * t[1]! + R_cw[7]! * t[2]!),
    -(R_cw[2]! * t[0]! + R_cw[5]! * t[1]! + R_cw[8]! * t[2]!),
  ];
  return { C, q: quatNormalize(quatFromMat3(R_wc)) };
}

/** World-to-camera R_cw (row-major) and t_cw of a pose. */
export function rtFromPose(p: Pose): { R: Float64Array; t: Float64Array } {
  const Rwc = quatToMat3(p.q);
  const R = transpose33(Rwc);
  const t = Float64Array.of(
    -(R[0]! * p.C[0] + R[1]! * p.C[1] + R[2]! * p.C[2]),
    -(R[3]! * p.C[0] + R[4]! * p.C[1] + R[5]! * p.C[2]),
    -(R[6]! * p.C[0] + R[7]! * p.C[1] + R[8]! * p.C[2]),
  );
  return { R, t };
}
