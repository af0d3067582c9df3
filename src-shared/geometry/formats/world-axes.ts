import type { Mat3 } from '../mat3';
import { mul3, mulVec3, transpose3 } from '../mat3';
import type { Vec3 } from '../vec3';

/**
 * Which way is up in the Reshoot world being exported. Reshoot keeps each shot's world as it came (the gt
 * shots use Blender's world, Z up); DCC formats want a fixed up axis, so every conversion takes this
 * explicitly instead of guessing:
 * - 'z'  : Z up (Blender world, gt shots). Default.
 * - 'y'  : Y up already (three.js / USD / Nuke world).
 * - '-y' : Y down (an OpenCV/SfM world whose first camera was level).
 */
export type WorldUp = 'z' | 'y' | '-y';

/** Rotation taking Reshoot world coordinates to a Y-up world (x stays x). */
export function worldToYUp(up: WorldUp): Mat3 {
  if (up === 'y') return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  if (up === 'z') return [1, 0, 0, 0, 0, 1, 0, -1, 0]; // (x, y, z) → (x, z, −y)
  return [1, 0, 0, 0, -1, 0, 0, 0, -1]; // (x, y, z) → (x, −y, −z)
}

/** Rotation taking Reshoot world coordinates to a Z-up world (Blender). */
export function worldToZUp(up: WorldUp): Mat3 {
  const yUpToZUp: Mat3 = [1, 0, 0, 0, 0, -1, 0, 1, 0]; // (x, y, z) → (x, −z, y)
  return mul3(yUpToZUp, worldToYUp(up));
}

/** OpenCV camera axes (x right, y down, z forward) ↔ OpenGL/Blender/USD/Nuke camera axes (y up, −z forward). */
export const CV_TO_GL: Mat3 = [1, 0, 0, 0, -1, 0, 0, 0, -1];

/** R_wc (OpenCV camera, Reshoot world) → camera-to-world rotation of a GL-axes camera in the mapped world. */
export const glRotationFromCv = (W: Mat3, R_wc: Mat3): Mat3 => mul3(mul3(W, R_wc), CV_TO_GL);
export const cvRotationFromGl = (W: Mat3, R_gl: Mat3): Mat3 => mul3(mul3(transpose3(W), R_gl), CV_TO_GL);
export const mapPoint = (W: Mat3, p: Vec3): Vec3 => mulVec3(W, p);
export const unmapPoint = (W: Mat3, p: Vec3): Vec3 => mulVec3(transpose3(W), p);
