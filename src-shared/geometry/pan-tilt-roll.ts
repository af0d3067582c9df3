import { quatFromAxisAngle, quatFromMat3, quatMultiply, quatNormalize, quatRotate, type Quat } from './quat';
import type { Vec3 } from './vec3';

/**
 * A camera's orientation as an operator says it — pan, tilt and roll in degrees — against the world's up
 * (the oriented scene's, or the solve's), for the numeric keyframe editor:
 * - pan: the heading of the camera's view in the ground plane, + = turned right, 0 = looking along the
 *   reference direction (the world's x axis made horizontal; its y axis when x is nearly vertical);
 * - tilt: the elevation of the view above the ground plane, + = up;
 * - roll: the turn about the view axis, + = the camera turns clockwise as seen from behind (the picture
 *   turns the other way), 0 = the camera's x axis level.
 * R_wc = Rot(up, −pan) · R₀ · Rx(tilt) · Rz(roll), with R₀ the level camera looking along the reference.
 */
export interface PanTiltRoll {
  pan: number;
  tilt: number;
  roll: number;
}

const DEG = Math.PI / 180;
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const unit = (v: Vec3): Vec3 => {
  const n = Math.hypot(...v);
  return [v[0] / n, v[1] / n, v[2] / n];
};

/** The level camera looking along the reference direction, as R_wc. */
function levelFrame(up: Vec3): Quat {
  const u = unit(up);
  const axis: Vec3 = Math.abs(u[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const d = dot(axis, u);
  const forward = unit([axis[0] - d * u[0], axis[1] - d * u[1], axis[2] - d * u[2]]);
  const down: Vec3 = [-u[0], -u[1], -u[2]];
  const right = cross(down, forward);
  // columns x = right, y = down, z = forward
  return quatFromMat3([
    right[0],
    down[0],
    forward[0],
    right[1],
    down[1],
    forward[1],
    right[2],
    down[2],
    forward[2],
  ]);
}

export function orientationFromPanTiltRoll(a: PanTiltRoll, up: Vec3): Quat {
  const u = unit(up);
  const q = quatMultiply(
    quatMultiply(quatFromAxisAngle(u, -a.pan * DEG), levelFrame(u)),
    quatMultiply(quatFromAxisAngle([1, 0, 0], a.tilt * DEG), quatFromAxisAngle([0, 0, 1], a.roll * DEG)),
  );
  return quatNormalize(q);
}

export function panTiltRollOf(q: Quat, up: Vec3): PanTiltRoll {
  const u = unit(up);
  const f = quatRotate(q, [0, 0, 1]);
  const tilt = Math.asin(Math.max(-1, Math.min(1, dot(f, u))));
  const l = levelFrame(u);
  const h0 = quatRotate(l, [0, 0, 1]);
  const r0 = quatRotate(l, [1, 0, 0]);
  const fh: Vec3 = [f[0] - dot(f, u) * u[0], f[1] - dot(f, u) * u[1], f[2] - dot(f, u) * u[2]];
  // straight up or down: the heading is that of the camera's up (−y) instead
  const useUp = Math.hypot(...fh) < 1e-9;
  const g = useUp ? quatRotate(q, [0, Math.sign(dot(f, u)), 0]) : fh;
  const pan = Math.atan2(dot(g, r0), dot(g, h0));
  // what remains after undoing pan and tilt is the roll about the view axis
  const rest = quatMultiply(
    quatMultiply(
      quatFromAxisAngle([1, 0, 0], -tilt),
      quatMultiply([l[0], -l[1], -l[2], -l[3]], quatFromAxisAngle(u, pan)),
    ),
    q,
  );
  const x = quatRotate(rest, [1, 0, 0]);
  const roll = Math.atan2(x[1], x[0]);
  return { pan: pan / DEG, tilt: tilt / DEG, roll: roll / DEG };
}

/** Focal length in mm for a film back `sensorWidthMm` wide imaging `imageWidthPx` pixels, and back. */
export const focalMm = (focalPx: number, sensorWidthMm: number, imageWidthPx: number) =>
  (focalPx * sensorWidthMm) / imageWidthPx;
export const focalPxFromMillimetres = (mm: number, sensorWidthMm: number, imageWidthPx: number) =>
  (mm * imageWidthPx) / sensorWidthMm;

const SNAP_COS = Math.cos((25 * Math.PI) / 180);

/**
 * The scene's up until the user orients it: the source cameras' mean up direction (−y in OpenCV camera
 * axes), snapped to a world axis when within 25° of one (a Z-up import gets +Z, a solve in the first
 * camera's frame −Y). The 3D view's orbit uses the same rule.
 */
export function sceneUp(orientations: readonly Quat[]): Vec3 {
  const m: Vec3 = [0, 0, 0];
  for (const q of orientations) {
    const u = quatRotate(q, [0, -1, 0]);
    m[0] += u[0];
    m[1] += u[1];
    m[2] += u[2];
  }
  if (!(Math.hypot(...m) > 1e-12)) return [0, 0, 1];
  const u = unit(m);
  for (let a = 0; a < 3; a++)
    if (Math.abs(u[a]!) >= SNAP_COS) {
      const s: Vec3 = [0, 0, 0];
      s[a] = Math.sign(u[a]!);
      return s;
    }
  return u;
}
