/**
 * An analytic scene for the renderer's tests: a textured back wall at z = 10 and a textured card at
 * z = 4 (x, y in [−0.6, 0.6]) in front of it, seen by pinhole cameras looking along +z (identity
 * orientation) from anywhere on the plane z = 0. Every image and depth map is ray-cast exactly, so the
 * truth of what each camera sees is known per pixel.
 */
import { quatIdentity, type Camera, type Quat } from '../../../src-shared/geometry';
import type { PlateSource } from '../../../src-main/render/reproject';

export const W = 96,
  H = 64;
export const K = { width: W, height: H, fx: 80, fy: 80, cx: 48, cy: 32 };
const CARD = { z: 4, half: 0.6 };
const WALL_Z = 10;

export const camAt = (x: number, y = 0, q: Quat = quatIdentity()): Camera => ({
  C: [x, y, 0],
  q,
  intrinsics: K,
});

/** Smooth colours (16-bit) of each surface at world (x, y). */
function texture(surface: 'wall' | 'card', x: number, y: number): [number, number, number] {
  const s = surface === 'wall' ? 1 : 3.1;
  return [
    Math.round(32768 + 20000 * Math.sin(0.9 * s * x + 0.3)),
    Math.round(32768 + 20000 * Math.cos(1.3 * s * y - 0.2)),
    surface === 'wall' ? 12000 : 52000,
  ];
}

/** What the ray of camera `c` (identity orientation) through pixel centre (px, py) hits: surface, depth, point. */
export function castRay(
  c: Camera,
  px: number,
  py: number,
): { surface: 'wall' | 'card'; z: number; x: number; y: number } {
  const xn = (px - K.cx) / K.fx,
    yn = (py - K.cy) / K.fy;
  const cx = c.C[0] + xn * CARD.z,
    cy = c.C[1] + yn * CARD.z;
  if (Math.abs(cx) <= CARD.half && Math.abs(cy) <= CARD.half)
    return { surface: 'card', z: CARD.z, x: cx, y: cy };
  return { surface: 'wall', z: WALL_Z, x: c.C[0] + xn * WALL_Z, y: c.C[1] + yn * WALL_Z };
}

/** A camera's exact image and depth (at the image's own resolution) as a reprojection source. */
export function sourceAt(c: Camera): PlateSource {
  const colour = new Uint16Array(W * H * 3);
  const depth = new Float32Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const hit = castRay(c, x + 0.5, y + 0.5);
      const p = y * W + x;
      depth[p] = hit.z;
      colour.set(texture(hit.surface, hit.x, hit.y), 3 * p);
    }
  return { camera: c, width: W, height: H, colour, depthWidth: W, depthHeight: H, depth, infinity: null };
}

/** The true colour a camera sees at a pixel centre. */
export function trueColour(c: Camera, px: number, py: number): [number, number, number] {
  const hit = castRay(c, px, py);
  return texture(hit.surface, hit.x, hit.y);
}

/**
 * Whether the point the target sees at pixel centre (px, py) is seen by a source camera: it projects
 * inside that camera's image and that camera's own ray there hits the same point.
 */
export function seenBySome(target: Camera, sources: readonly Camera[], px: number, py: number): boolean {
  const hit = castRay(target, px, py);
  for (const s of sources) {
    const u = K.fx * ((hit.x - s.C[0]) / hit.z) + K.cx,
      v = K.fy * ((hit.y - s.C[1]) / hit.z) + K.cy;
    if (u < 0 || v < 0 || u > W || v > H) continue;
    const back = castRay(s, u, v);
    if (back.surface === hit.surface && Math.abs(back.x - hit.x) < 1e-6 && Math.abs(back.y - hit.y) < 1e-6)
      return true;
  }
  return false;
}
