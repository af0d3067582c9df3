/**
 * What the "Analyze shot" stages share in their worker: a source camera scaled to a depth grid (its
 * width and height given, as the grid's height is rounded to even; no distortion on the grid).
 */
import type { Camera } from '../../src-shared/geometry';

/** The camera with its intrinsics scaled to an image s times the size. */
export function scaled(c: Camera, s: number, width: number, height: number): Camera {
  const k = c.intrinsics;
  return { ...c, intrinsics: { width, height, fx: k.fx * s, fy: k.fy * s, cx: k.cx * s, cy: k.cy * s } };
}
