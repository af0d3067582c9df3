import { symmetricEigen } from './eigen';
import { quatConjugate, quatFromAxisAngle, quatMultiply, quatNormalize, quatRotate, type Quat } from './quat';
import type { Vec3 } from './vec3';

/**
 * Orienting a shot's scene (issue 13 item 2), as camera trackers let you (Blender's Set Floor, Nuke
 * CameraTracker's ground plane): a solved camera's world is its first camera's frame, so "up" is arbitrary
 * until the floor is known. An orientation is the floor plane's normal (the scene's up, unit, in the shot's
 * world) and an origin point on it; presets and the angle editor use the up, exports will use both.
 */
export interface SceneOrientation {
  up: Vec3;
  origin: Vec3;
  /** How it was set: fitted to the cloud, from three picked points, or the up kept and a new origin. */
  method: 'auto-floor' | 'three-points' | 'origin';
}

export class OrientationError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'OrientationError';
  }
}

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const norm = (a: Vec3) => Math.hypot(a[0], a[1], a[2]);
const unit = (a: Vec3): Vec3 => {
  const n = norm(a);
  return [a[0] / n, a[1] / n, a[2] / n];
};
const finite3 = (a: unknown): a is Vec3 =>
  Array.isArray(a) && a.length === 3 && a.every((x) => typeof x === 'number' && Number.isFinite(x));

/** The floor through three points, its up on the side of `upHint` (the cameras' up); origin: the first point. */
export function orientationFromPoints(points: readonly [Vec3, Vec3, Vec3], upHint: Vec3): SceneOrientation {
  if (!points.every(finite3)) throw new OrientationError('the three floor points must be finite');
  const [a, b, c] = points;
  const n = cross(sub(b, a), sub(c, a));
  const scale = Math.max(norm(sub(b, a)), norm(sub(c, a)), norm(sub(c, b)));
  if (!(norm(n) > 1e-9 * scale * scale) || !(scale > 0))
    throw new OrientationError('the three floor points are in a line: pick three that span the floor');
  const up = unit(n);
  return { up: dot(up, upHint) < 0 ? [-up[0], -up[1], -up[2]] : up, origin: [...a], method: 'three-points' };
}

export interface FloorFitOptions {
  /** Largest angle between the floor's normal and the cameras' up (degrees, default 40). */
  maxTiltDeg?: number;
  /** Inlier distance as a fraction of the cloud's median distance from the cameras (default 0.01). */
  inlierFraction?: number;
  iterations?: number;
  seed?: number;
  /** Fewest inliers, as a share of the points, for a floor to count (default 0.05). */
  minShare?: number;
}

/**
 * The dominant ground plane of a point cloud, robustly (RANSAC over planes whose normal is within
 * `maxTiltDeg` of the cameras' up and which lie below the cameras, then least squares on the inliers).
 * Its origin is the point of the floor under the cameras' centroid. Null when no such plane holds
 * `minShare` of the points (then the user picks three points).
 */
export function fitFloor(
  points: Float32Array | Float64Array,
  cameraCentres: readonly Vec3[],
  upHint: Vec3,
  options: FloorFitOptions = {},
): { orientation: SceneOrientation; inlierShare: number } | null {
  const total = Math.floor(points.length / 3);
  if (total < 3 || cameraCentres.length === 0) return null;
  const hint = unit(upHint);
  const cosMax = Math.cos(((options.maxTiltDeg ?? 40) * Math.PI) / 180);
  // at most 20,000 points, evenly spaced
  const step = Math.max(1, Math.floor(total / 20_000));
  const P: Vec3[] = [];
  for (let i = 0; i < total; i += step) {
    const p: Vec3 = [points[3 * i]!, points[3 * i + 1]!, points[3 * i + 2]!];
    if (finite3(p)) P.push(p);
  }
  const n = P.length;
  if (n < 3) return null;
  const centroid: Vec3 = [0, 0, 0];
  for (const c of cameraCentres)
    for (let k = 0; k < 3; k++) centroid[k] = centroid[k]! + c[k]! / cameraCentres.length;
  const dists = P.map((p) => norm(sub(p, centroid))).sort((a, b) => a - b);
  const tau = (options.inlierFraction ?? 0.01) * dists[n >> 1]!;
  if (!(tau > 0)) return null;
  let s = (options.seed ?? 7) >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  let best: { n: Vec3; d: number; count: number } | null = null;
  const iterations = options.iterations ?? 600;
  for (let it = 0; it < iterations; it++) {
    const a = P[Math.floor(rnd() * n)]!;
    const b = P[Math.floor(rnd() * n)]!;
    const c = P[Math.floor(rnd() * n)]!;
    const cr = cross(sub(b, a), sub(c, a));
    if (!(norm(cr) > 0)) continue;
    let normal = unit(cr);
    if (dot(normal, hint) < 0) normal = [-normal[0], -normal[1], -normal[2]];
    if (dot(normal, hint) < cosMax) continue;
    const d = dot(normal, a);
    // a floor is below the cameras
    if (!(dot(normal, centroid) - d > 2 * tau)) continue;
    let count = 0;
    for (const p of P) if (Math.abs(dot(normal, p) - d) <= tau) count++;
    if (!best || count > best.count) best = { n: normal, d, count };
  }
  if (!best || best.count < (options.minShare ?? 0.05) * n) return null;
  // least squares on the inliers: the normal is the direction of least spread
  const inliers = P.filter((p) => Math.abs(dot(best!.n, p) - best!.d) <= tau);
  const m: Vec3 = [0, 0, 0];
  for (const p of inliers) for (let k = 0; k < 3; k++) m[k] = m[k]! + p[k]! / inliers.length;
  const C = new Float64Array(9);
  for (const p of inliers) {
    const q = sub(p, m);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) C[3 * i + j] = C[3 * i + j]! + q[i]! * q[j]!;
  }
  const { vectors } = symmetricEigen(C, 3);
  let up: Vec3 = unit([vectors[0]!, vectors[1]!, vectors[2]!]);
  if (dot(up, hint) < 0) up = [-up[0], -up[1], -up[2]];
  const h = dot(up, sub(centroid, m));
  const origin: Vec3 = [centroid[0] - h * up[0], centroid[1] - h * up[1], centroid[2] - h * up[2]];
  return { orientation: { up, origin, method: 'auto-floor' }, inlierShare: inliers.length / n };
}

/** A stored orientation checked (unit up, finite origin), or null when it is not one. */
export function parseOrientation(value: unknown): SceneOrientation | null {
  if (typeof value !== 'object' || value === null) return null;
  const o = value as Record<string, unknown>;
  if (!finite3(o.up) || !finite3(o.origin)) return null;
  if (!(Math.abs(norm(o.up) - 1) < 1e-6)) return null;
  if (o.method !== 'auto-floor' && o.method !== 'three-points' && o.method !== 'origin') return null;
  return { up: [...o.up], origin: [...o.origin], method: o.method };
}

/**
 * The rigid motion that takes a shot's world to its oriented world (what exports write): the scene's up
 * becomes +Z by the smallest rotation, and the origin on the floor becomes (0, 0, 0). No scale (the gauge
 * stays the shot's). `apply` maps a camera pose; `invert` maps a pose of the oriented world back.
 */
export function orientedWorld(o: SceneOrientation): {
  apply: (p: { C: Vec3; q: Quat }) => { C: Vec3; q: Quat };
  invert: (p: { C: Vec3; q: Quat }) => { C: Vec3; q: Quat };
} {
  const up = unit(o.up);
  const z: Vec3 = [0, 0, 1];
  const c = dot(up, z);
  const axis = cross(up, z);
  const s = norm(axis);
  // the smallest rotation taking up to +Z (half a turn about X when up is −Z)
  const r: Quat =
    s < 1e-12 ? (c > 0 ? [1, 0, 0, 0] : [0, 1, 0, 0]) : quatFromAxisAngle(unit(axis), Math.atan2(s, c));
  const rInv = quatConjugate(r);
  return {
    apply: (p) => ({ C: quatRotate(r, sub(p.C, o.origin)), q: quatNormalize(quatMultiply(r, p.q)) }),
    invert: (p) => {
      const back = quatRotate(rInv, p.C);
      return {
        C: [back[0] + o.origin[0], back[1] + o.origin[1], back[2] + o.origin[2]],
        q: quatNormalize(quatMultiply(rInv, p.q)),
      };
    },
  };
}
