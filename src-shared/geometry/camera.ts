import type { Intrinsics } from './intrinsics';
import { distortPixel, undistortPixel } from './intrinsics';
import type { Mat3 } from './mat3';
import { mulTVec3, mulVec3 } from './mat3';
import type { Quat } from './quat';
import { quatFromMat3, quatNormalize, quatToMat3 } from './quat';
import type { Vec3 } from './vec3';

/**
 * A camera at one instant (SPEC §2): OpenCV axes (x right, y down, z forward); pose stored camera-to-world as
 * centre C (world) and unit quaternion R_wc ([w,x,y,z]). X_w = R_wc·X_c + C and X_c = R_wcᵀ·(X_w − C).
 */
export interface Pose {
  C: Vec3;
  q: Quat;
}

export interface Camera extends Pose {
  intrinsics: Intrinsics;
}

export const poseRotation = (p: Pose): Mat3 => quatToMat3(p.q);

export function poseFromRotation(C: Vec3, R_wc: Mat3): Pose {
  return { C: [...C], q: quatFromMat3(R_wc) };
}

/** World-to-camera in COLMAP form: X_c = R_cw·X_w + t_cw with R_cw = R_wcᵀ, t_cw = −R_cw·C. */
export function worldToCameraRt(p: Pose): { R_cw: Mat3; t_cw: Vec3 } {
  const R = quatToMat3(p.q);
  const R_cw: Mat3 = [R[0], R[3], R[6], R[1], R[4], R[7], R[2], R[5], R[8]];
  const t = mulVec3(R_cw, p.C);
  return { R_cw, t_cw: [-t[0], -t[1], -t[2]] };
}

export function poseFromWorldToCamera(R_cw: Mat3, t_cw: Vec3): Pose {
  // C = −R_cwᵀ t
  const c = mulTVec3(R_cw, t_cw);
  return {
    C: [-c[0], -c[1], -c[2]],
    q: quatNormalize(
      quatFromMat3([R_cw[0], R_cw[3], R_cw[6], R_cw[1], R_cw[4], R_cw[7], R_cw[2], R_cw[5], R_cw[8]]),
    ),
  };
}

export const worldToCamera = (p: Pose, Xw: Vec3): Vec3 =>
  mulTVec3(quatToMat3(p.q), [Xw[0] - p.C[0], Xw[1] - p.C[1], Xw[2] - p.C[2]]);

export function cameraToWorld(p: Pose, Xc: Vec3): Vec3 {
  const r = mulVec3(quatToMat3(p.q), Xc);
  return [r[0] + p.C[0], r[1] + p.C[1], r[2] + p.C[2]];
}

export interface Projection {
  u: number;
  v: number;
  /** z-depth along the optical axis (camera z); ≤ 0 means behind the camera. */
  depth: number;
}

/** World point → pixel (distorted if the intrinsics carry distortion) and its z-depth. */
export function projectPoint(cam: Camera, Xw: Vec3): Projection {
  const Xc = worldToCamera(cam, Xw);
  const k = cam.intrinsics;
  const u = (k.fx * Xc[0]) / Xc[2] + k.cx;
  const v = (k.fy * Xc[1]) / Xc[2] + k.cy;
  const [ud, vd] = distortPixel(k, u, v);
  return { u: ud, v: vd, depth: Xc[2] };
}

/** Pixel (u, v) and z-depth → world point (undistorting first when the intrinsics carry distortion). */
export function backprojectPixel(cam: Camera, u: number, v: number, depth: number): Vec3 {
  const k = cam.intrinsics;
  const [uu, vu] = undistortPixel(k, u, v);
  return cameraToWorld(cam, [((uu - k.cx) / k.fx) * depth, ((vu - k.cy) / k.fy) * depth, depth]);
}

/**
 * Projects n world points (xyz interleaved) in one pass. Writes uv (2n) and depth (n); points behind the
 * camera get depth ≤ 0 and NaN uv. Pinhole only: distortion is applied per point when present.
 */
export function projectPoints(
  cam: Camera,
  points: Float64Array | Float32Array,
  outUV: Float64Array | Float32Array = new Float64Array((points.length / 3) * 2),
  outDepth: Float64Array | Float32Array = new Float64Array(points.length / 3),
): { uv: Float64Array | Float32Array; depth: Float64Array | Float32Array } {
  const R = quatToMat3(cam.q);
  const { fx, fy, cx, cy } = cam.intrinsics;
  const [c0, c1, c2] = cam.C;
  const n = points.length / 3;
  for (let i = 0; i < n; i++) {
    const dx = points[3 * i]! - c0;
    const dy = points[3 * i + 1]! - c1;
    const dz = points[3 * i + 2]! - c2;
    const x = R[0] * dx + R[3] * dy + R[6] * dz;
    const y = R[1] * dx + R[4] * dy + R[7] * dz;
    const z = R[2] * dx + R[5] * dy + R[8] * dz;
    outDepth[i] = z;
    if (z > 0) {
      let u = (fx * x) / z + cx;
      let v = (fy * y) / z + cy;
      if (cam.intrinsics.distortion) [u, v] = distortPixel(cam.intrinsics, u, v);
      outUV[2 * i] = u;
      outUV[2 * i + 1] = v;
    } else {
      outUV[2 * i] = NaN;
      outUV[2 * i + 1] = NaN;
    }
  }
  return { uv: outUV, depth: outDepth };
}

/** Back-projects n pixels (uv interleaved) with z-depths to world points (xyz interleaved). */
export function backprojectPixels(
  cam: Camera,
  uv: Float64Array | Float32Array,
  depth: Float64Array | Float32Array,
  out: Float64Array | Float32Array = new Float64Array(depth.length * 3),
): Float64Array | Float32Array {
  const R = quatToMat3(cam.q);
  const k = cam.intrinsics;
  const n = depth.length;
  for (let i = 0; i < n; i++) {
    let u = uv[2 * i]!;
    let v = uv[2 * i + 1]!;
    if (k.distortion) [u, v] = undistortPixel(k, u, v);
    const z = depth[i]!;
    const x = ((u - k.cx) / k.fx) * z;
    const y = ((v - k.cy) / k.fy) * z;
    out[3 * i] = R[0] * x + R[1] * y + R[2] * z + cam.C[0];
    out[3 * i + 1] = R[3] * x + R[4] * y + R[5] * z + cam.C[1];
    out[3 * i + 2] = R[6] * x + R[7] * y + R[8] * z + cam.C[2];
  }
  return out;
}

/** One camera per frame of a shot (or of a target path), frame rate as a rational (SPEC §2). */
export interface CameraFrame {
  index: number;
  camera: Camera;
  /** Image file name for formats that carry one (COLMAP images.txt, cameras.json "file"). */
  file?: string;
}

export interface CameraTrack {
  fps: [number, number];
  frames: CameraFrame[];
}
