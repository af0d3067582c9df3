import type { Camera } from '../camera';
import type { Intrinsics } from '../intrinsics';
import { fovFromFocalPx } from '../intrinsics';
import { quatFromMat3, quatToMat3 } from '../quat';
import type { Vec3 } from '../vec3';
import type { WorldUp } from './world-axes';
import { cvRotationFromGl, glRotationFromCv, mapPoint, unmapPoint, worldToYUp } from './world-axes';

/**
 * A three.js PerspectiveCamera (OpenGL axes: y up, −z forward; world Y up). `quaternion` is in three.js's
 * own layout [x, y, z, w]; `fov` is the VERTICAL field of view in degrees, as three.js defines it.
 * `projectionMatrix` is column-major (three.js Matrix4.elements / WebGL) and encodes an off-centre
 * principal point, which `fov` alone cannot.
 */
export interface ThreeCamera {
  position: Vec3;
  quaternion: [number, number, number, number];
  fov: number;
  aspect: number;
  near: number;
  far: number;
  projectionMatrix: number[];
}

export interface GlOptions {
  worldUp?: WorldUp;
  near?: number;
  far?: number;
}

/**
 * OpenGL projection (column-major) for pixel intrinsics, with Reshoot's pixel-centre convention (image
 * corner at 0, so NDC x = 2u/W − 1 and NDC y = 1 − 2v/H).
 */
export function glProjectionMatrix(k: Intrinsics, near: number, far: number): number[] {
  const { width: W, height: H, fx, fy, cx, cy } = k;
  const m = new Array<number>(16).fill(0);
  m[0] = (2 * fx) / W;
  m[5] = (2 * fy) / H;
  m[8] = 1 - (2 * cx) / W; // column 2, row 0
  m[9] = (2 * cy) / H - 1; // column 2, row 1
  m[10] = -(far + near) / (far - near);
  m[11] = -1;
  m[14] = (-2 * far * near) / (far - near);
  return m;
}

export function toThreeCamera(cam: Camera, opts: GlOptions = {}): ThreeCamera {
  const W = worldToYUp(opts.worldUp ?? 'z');
  const near = opts.near ?? 0.01;
  const far = opts.far ?? 10000;
  const q = quatFromMat3(glRotationFromCv(W, quatToMat3(cam.q)));
  const k = cam.intrinsics;
  return {
    position: mapPoint(W, cam.C),
    quaternion: [q[1], q[2], q[3], q[0]],
    fov: (fovFromFocalPx(k.fy, k.height) * 180) / Math.PI,
    aspect: k.width / k.height,
    near,
    far,
    projectionMatrix: glProjectionMatrix(k, near, far),
  };
}

/** Inverse of toThreeCamera; the image size is not in a three.js camera, so it is passed in. */
export function fromThreeCamera(t: ThreeCamera, width: number, height: number, opts: GlOptions = {}): Camera {
  const W = worldToYUp(opts.worldUp ?? 'z');
  const [x, y, z, w] = t.quaternion;
  const R_wc = cvRotationFromGl(W, quatToMat3([w, x, y, z]));
  const P = t.projectionMatrix;
  const intrinsics: Intrinsics = {
    width,
    height,
    fx: (P[0]! * width) / 2,
    fy: (P[5]! * height) / 2,
    cx: ((1 - P[8]!) * width) / 2,
    cy: ((P[9]! + 1) * height) / 2,
  };
  return { C: unmapPoint(W, t.position), q: quatFromMat3(R_wc), intrinsics };
}
