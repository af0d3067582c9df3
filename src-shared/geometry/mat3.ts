import type { Vec3 } from './vec3';

/** 3×3 matrix, row-major: [m00, m01, m02, m10, m11, m12, m20, m21, m22]. Acts on column vectors (M·v). */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export const identity3 = (): Mat3 => [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function mat3FromRows(rows: readonly (readonly number[])[]): Mat3 {
  const m: number[] = [];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m.push(rows[r]?.[c] ?? NaN);
  return m as Mat3;
}

export const mat3ToRows = (m: Mat3): number[][] => [
  [m[0], m[1], m[2]],
  [m[3], m[4], m[5]],
  [m[6], m[7], m[8]],
];

export const transpose3 = (m: Mat3): Mat3 => [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]];

export function mul3(a: Mat3, b: Mat3): Mat3 {
  const r = new Array<number>(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      r[i * 3 + j] = a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[3 + j]! + a[i * 3 + 2]! * b[6 + j]!;
    }
  }
  return r as Mat3;
}

export const mulVec3 = (m: Mat3, v: Vec3): Vec3 => [
  m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
  m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
  m[6] * v[0] + m[7] * v[1] + m[8] * v[2],
];

/** Mᵀ·v without forming the transpose. */
export const mulTVec3 = (m: Mat3, v: Vec3): Vec3 => [
  m[0] * v[0] + m[3] * v[1] + m[6] * v[2],
  m[1] * v[0] + m[4] * v[1] + m[7] * v[2],
  m[2] * v[0] + m[5] * v[1] + m[8] * v[2],
];

export const det3 = (m: Mat3): number =>
  m[0] * (m[4] * m[8] - m[5] * m[7]) -
  m[1] * (m[3] * m[8] - m[5] * m[6]) +
  m[2] * (m[3] * m[7] - m[4] * m[6]);

/** Solves A·x = b (A 3×3) by Cramer's rule; throws when A is singular to working precision. */
export function solve3(a: Mat3, b: Vec3): Vec3 {
  const d = det3(a);
  const scaleA = Math.max(...a.map(Math.abs));
  if (!(Math.abs(d) > 1e-14 * scaleA ** 3)) throw new RangeError('solve3: singular system');
  const col = (i: number): Mat3 => {
    const m = a.slice() as Mat3;
    m[i] = b[0];
    m[3 + i] = b[1];
    m[6 + i] = b[2];
    return m;
  };
  return [det3(col(0)) / d, det3(col(1)) / d, det3(col(2)) / d];
}

/** Largest |RᵀR − I| entry and the determinant: how far a matrix is from a rotation. */
export function rotationDefect(m: Mat3): { orthoError: number; det: number } {
  const p = mul3(transpose3(m), m);
  let e = 0;
  for (let i = 0; i < 9; i++) e = Math.max(e, Math.abs(p[i]! - (i % 4 === 0 ? 1 : 0)));
  return { orthoError: e, det: det3(m) };
}
