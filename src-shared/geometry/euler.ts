import type { Mat3 } from './mat3';
import { mul3, transpose3 } from './mat3';

/**
 * Euler angles with an explicit rotation order. The order names the axes in the order the rotations are
 * APPLIED to the object, about fixed (parent) axes: 'XYZ' rotates about X first, then Y, then Z, so
 * M = Rz·Ry·Rx. This is the meaning of Blender's rotation_mode and of Nuke's rot_order (Nuke's default
 * camera order 'ZXY' gives M = Ry·Rx·Rz: roll, then tilt, then pan). Angles are [rx, ry, rz] in radians,
 * indexed by axis, whatever the order.
 */
export type EulerOrder = 'XYZ' | 'XZY' | 'YXZ' | 'YZX' | 'ZXY' | 'ZYX';
export const EULER_ORDERS: readonly EulerOrder[] = ['XYZ', 'XZY', 'YXZ', 'YZX', 'ZXY', 'ZYX'];

function axisRotation(axis: number, a: number): Mat3 {
  const c = Math.cos(a);
  const s = Math.sin(a);
  if (axis === 0) return [1, 0, 0, 0, c, -s, 0, s, c];
  if (axis === 1) return [c, 0, s, 0, 1, 0, -s, 0, c];
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

const axisIndex = (order: EulerOrder, k: number): number => order.charCodeAt(k) - 88; // 'X' = 88

export function eulerToMat3(angles: readonly [number, number, number], order: EulerOrder): Mat3 {
  const a = axisIndex(order, 0);
  const b = axisIndex(order, 1);
  const c = axisIndex(order, 2);
  return mul3(axisRotation(c, angles[c]!), mul3(axisRotation(b, angles[b]!), axisRotation(a, angles[a]!)));
}

/** Rotation matrix → Euler angles [rx, ry, rz] (radians) for `order`; the middle angle is in [−π/2, π/2]. */
export function mat3ToEuler(m: Mat3, order: EulerOrder): [number, number, number] {
  const a = axisIndex(order, 0);
  const b = axisIndex(order, 1);
  const c = axisIndex(order, 2);
  // +1 for even permutations of XYZ (XYZ, YZX, ZXY), −1 for odd ones.
  const s = (b - a + 3) % 3 === 1 ? 1 : -1;
  const at = (r: number, col: number): number => m[r * 3 + col]!;
  const out: [number, number, number] = [0, 0, 0];
  // atan2 rather than asin: asin loses half the digits near ±90° (gimbal lock).
  const cb = Math.hypot(at(c, b), at(c, c));
  out[b] = Math.atan2(-s * at(c, a), cb);
  // First angle from the usual ratio (any value at gimbal lock), then the last one from the residual
  // Rc(γ) = M·Ra(α)ᵀ·Rb(β)ᵀ, so the three angles always rebuild M to working precision.
  out[a] = cb > 1e-12 ? Math.atan2(s * at(c, b), at(c, c)) : 0;
  const Ra = axisRotation(a, out[a]);
  const Rb = axisRotation(b, out[b]);
  const Rc = mul3(m, mul3(transpose3(Ra), transpose3(Rb)));
  const p = (c + 1) % 3;
  const q = (c + 2) % 3;
  out[c] = Math.atan2(Rc[q * 3 + p]!, Rc[p * 3 + p]!);
  return out;
}
