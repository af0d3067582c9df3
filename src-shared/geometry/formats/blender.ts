import type { Camera } from '../camera';
import type { EulerOrder } from '../euler';
import { eulerToMat3, mat3ToEuler } from '../euler';
import { focalMmFromPx, focalPxFromMm } from '../intrinsics';
import { quatFromMat3, quatToMat3 } from '../quat';
import type { Quat } from '../quat';
import type { Vec3 } from '../vec3';
import type { WorldUp } from './world-axes';
import { cvRotationFromGl, glRotationFromCv, mapPoint, unmapPoint, worldToZUp } from './world-axes';

/**
 * A Blender camera object + camera data (Blender world: Z up, metres; camera looks down its local −Z with
 * local +Y up). sensor_fit is HORIZONTAL: lens (mm) and sensor width (mm) set the horizontal focal.
 * shift_x/shift_y are in units of the larger image dimension, as Blender defines them.
 */
export interface BlenderCamera {
  location: Vec3;
  rotationQuaternion: Quat;
  rotationEuler: [number, number, number];
  rotationMode: EulerOrder;
  lensMm: number;
  sensorWidthMm: number;
  sensorFit: 'HORIZONTAL';
  shiftX: number;
  shiftY: number;
  resolutionX: number;
  resolutionY: number;
}

export interface BlenderOptions {
  worldUp?: WorldUp;
  sensorWidthMm?: number;
  rotationMode?: EulerOrder;
}

export function toBlenderCamera(cam: Camera, opts: BlenderOptions = {}): BlenderCamera {
  const k = cam.intrinsics;
  if (Math.abs(k.fx - k.fy) > 1e-9 * k.fx)
    throw new RangeError('Blender export needs square pixels (fx = fy)');
  const W = worldToZUp(opts.worldUp ?? 'z');
  const sensorWidthMm = opts.sensorWidthMm ?? 36;
  const rotationMode = opts.rotationMode ?? 'XYZ';
  const R = glRotationFromCv(W, quatToMat3(cam.q));
  const big = Math.max(k.width, k.height);
  return {
    location: mapPoint(W, cam.C),
    rotationQuaternion: quatFromMat3(R),
    rotationEuler: mat3ToEuler(R, rotationMode),
    rotationMode,
    lensMm: focalMmFromPx(k.fx, sensorWidthMm, k.width),
    sensorWidthMm,
    sensorFit: 'HORIZONTAL',
    shiftX: (k.cx - k.width / 2) / -big,
    shiftY: (k.cy - k.height / 2) / big,
    resolutionX: k.width,
    resolutionY: k.height,
  };
}

/** Inverse of toBlenderCamera; uses rotationEuler (with rotationMode), as an imported Blender scene would. */
export function fromBlenderCamera(b: BlenderCamera, opts: Pick<BlenderOptions, 'worldUp'> = {}): Camera {
  const W = worldToZUp(opts.worldUp ?? 'z');
  const R_wc = cvRotationFromGl(W, eulerToMat3(b.rotationEuler, b.rotationMode));
  const f = focalPxFromMm(b.lensMm, b.sensorWidthMm, b.resolutionX);
  const big = Math.max(b.resolutionX, b.resolutionY);
  return {
    C: unmapPoint(W, b.location),
    q: quatFromMat3(R_wc),
    intrinsics: {
      width: b.resolutionX,
      height: b.resolutionY,
      fx: f,
      fy: f,
      cx: b.resolutionX / 2 - b.shiftX * big,
      cy: b.resolutionY / 2 + b.shiftY * big,
    },
  };
}
