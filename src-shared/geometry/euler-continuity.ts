import type { EulerOrder } from './euler';
import { EULER_ORDERS, eulerWithFirstAngle, mat3ToEuler, middleAxis, outerAxes } from './euler';
import type { Mat3 } from './mat3';

/**
 * Euler angles for a whole camera path, continuous from frame to frame, so a DCC that interpolates each
 * angle on its own (Nuke, Blender, any .chan reader) moves the camera the way it moved.
 *
 * One rotation has many Euler triples: every angle ± 2π, and the twin (α + π, π − β, γ + π) (α, β, γ the
 * angles about order[0], order[1], order[2]). A per-frame conversion picks one by its own rule (middle
 * angle in [−90°, 90°], the others in (−180°, 180°]), so a pan through 180° jumps by 360° and a tilt over
 * 90° flips all three angles. Here each frame takes the triple nearest the frame before.
 *
 * At gimbal lock (middle angle ±90°) only the sum or difference of the outer angles is fixed; the frame
 * keeps the previous first angle and puts the change in the last one. Near the lock the outer angles
 * change fast for a small rotation whatever is done: that is what the rotation order is chosen against
 * (chooseEulerOrder).
 */
export type EulerAngles = [number, number, number];

/** Below this cos(middle angle) the outer angles are not separable in double precision. */
const LOCK_COS = 1e-9;

const TWO_PI = 2 * Math.PI;

/** `x` plus the multiple of 2π that brings it within π of `near`. */
export function unwrapAngle(x: number, near: number): number {
  return x + TWO_PI * Math.round((near - x) / TWO_PI);
}

/** The other Euler triple of the same rotation: (α + π, π − β, γ + π) about order[0], order[1], order[2]. */
export function eulerTwin(e: EulerAngles, order: EulerOrder): EulerAngles {
  const [a, c] = outerAxes(order);
  const b = middleAxis(order);
  const t: EulerAngles = [e[0], e[1], e[2]];
  t[a] = e[a]! + Math.PI;
  t[b] = Math.PI - e[b]!;
  t[c] = e[c]! + Math.PI;
  return t;
}

const distance = (x: EulerAngles, y: EulerAngles): number =>
  Math.max(Math.abs(x[0] - y[0]), Math.abs(x[1] - y[1]), Math.abs(x[2] - y[2]));

const unwrapAll = (e: EulerAngles, near: EulerAngles): EulerAngles => [
  unwrapAngle(e[0], near[0]),
  unwrapAngle(e[1], near[1]),
  unwrapAngle(e[2], near[2]),
];

/** The Euler triple of `m` (in `order`) nearest `previous`: unwrapped, the nearer of the twins. */
export function eulerNear(m: Mat3, order: EulerOrder, previous: EulerAngles): EulerAngles {
  const b = middleAxis(order);
  let e: EulerAngles = mat3ToEuler(m, order);
  if (Math.abs(Math.cos(e[b]!)) < LOCK_COS) e = eulerWithFirstAngle(m, order, previous[outerAxes(order)[0]]!);
  const one = unwrapAll(e, previous);
  const two = unwrapAll(eulerTwin(e, order), previous);
  return distance(two, previous) < distance(one, previous) ? two : one;
}

/**
 * Continuous Euler angles (radians, [rx, ry, rz] by axis) for a sequence of rotation matrices in frame
 * order. The first frame takes the usual triple (middle angle in [−90°, 90°]); each later one the triple
 * nearest the frame before. Every triple rebuilds its matrix (eulerToMat3).
 */
export function continuousEuler(rotations: readonly Mat3[], order: EulerOrder): EulerAngles[] {
  const out: EulerAngles[] = [];
  for (const m of rotations) {
    const prev = out[out.length - 1];
    out.push(prev ? eulerNear(m, order, prev) : mat3ToEuler(m, order));
  }
  return out;
}

/**
 * How far (radians) the middle angle of `order` stays from ±90° over the rotations: the smallest
 * 90° − |middle angle|. 0 means the path passes through gimbal lock in that order.
 */
export function gimbalMargin(rotations: readonly Mat3[], order: EulerOrder): number {
  const b = middleAxis(order);
  let margin = Math.PI / 2;
  for (const m of rotations) margin = Math.min(margin, Math.PI / 2 - Math.abs(mat3ToEuler(m, order)[b]!));
  return margin;
}

/** Nuke's Camera default: roll, then tilt, then pan (the middle angle is the tilt). */
export const NUKE_DEFAULT_ORDER: EulerOrder = 'ZXY';
/** A preferred order is kept while its middle angle stays at least this far from ±90° (radians). */
export const SAFE_GIMBAL_MARGIN = (30 * Math.PI) / 180;

/**
 * The rotation order for a path: `preferred` (Nuke's ZXY unless told) while its middle angle stays at
 * least `safeMargin` from ±90° over the whole path, else the order whose middle angle stays farthest from
 * ±90° (ties: the first in EULER_ORDERS). Returns the order and its margin (radians).
 */
export function chooseEulerOrder(
  rotations: readonly Mat3[],
  preferred: EulerOrder = NUKE_DEFAULT_ORDER,
  safeMargin: number = SAFE_GIMBAL_MARGIN,
): { order: EulerOrder; margin: number } {
  const kept = gimbalMargin(rotations, preferred);
  if (kept >= safeMargin) return { order: preferred, margin: kept };
  let best = { order: preferred, margin: kept };
  for (const order of EULER_ORDERS) {
    const margin = gimbalMargin(rotations, order);
    if (margin > best.margin + 1e-12) best = { order, margin };
  }
  return best;
}
