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
  const b = axisIndex(order, 1);
  const c = axisIndex(order, 2);
  const s = parity(order);
  const at = (r: number, col: number): number => m[r * 3 + col]!;
  // First angle from the usual ratio (any value at gimbal lock: 0), the others from eulerWithFirstAngle.
  const cb = Math.hypot(at(c, b), at(c, c));
  return eulerWithFirstAngle(m, order, cb > 1e-12 ? Math.atan2(s * at(c, b), at(c, c)) : 0);
}

/** +1 for even permutations of XYZ (XYZ, YZX, ZXY), −1 for odd ones. */
function parity(order: EulerOrder): 1 | -1 {
  return (axisIndex(order, 1) - axisIndex(order, 0) + 3) % 3 === 1 ? 1 : -1;
}

/**
 * The Euler angles of `m` whose first angle (about order[0]) is `first`: the middle angle from the matrix
 * (in [−π/2, π/2]) and the last one from the residual Rc(γ) = M·Ra(α)ᵀ·Rb(β)ᵀ. They rebuild M exactly when
 * `first` is M's own first angle, and at gimbal lock (middle angle ±π/2) for ANY `first` — which is how a
 * path through the lock keeps its first angle from the frame before instead of snapping to 0.
 */
export function eulerWithFirstAngle(m: Mat3, order: EulerOrder, first: number): [number, number, number] {
  const a = axisIndex(order, 0);
  const b = axisIndex(order, 1);
  const c = axisIndex(order, 2);
  const s = parity(order);
  const at = (r: number, col: number): number => m[r * 3 + col]!;
  const out: [number, number, number] = [0, 0, 0];
  // atan2 rather than asin: asin loses half the digits near ±90° (gimbal lock).
  out[b] = Math.atan2(-s * at(c, a), Math.hypot(at(c, b), at(c, c)));
  out[a] = first;
  const Ra = axisRotation(a, out[a]);
  const Rb = axisRotation(b, out[b]);
  const Rc = mul3(m, mul3(transpose3(Ra), transpose3(Rb)));
  const p = (c + 1) % 3;
  const q = (c + 2) % 3;
  out[c] = Math.atan2(Rc[q * 3 + p]!, Rc[p * 3 + p]!);
  return out;
}

/** The middle angle's axis of `order` (0 = x, 1 = y, 2 = z): the one that must stay away from ±90°. */
export const middleAxis = (order: EulerOrder): number => axisIndex(order, 1);
/** The first and last angles' axes of `order`. */
export const outerAxes = (order: EulerOrder): [number, number] => [axisIndex(order, 0), axisIndex(order, 2)];
