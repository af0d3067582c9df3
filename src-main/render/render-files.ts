/**
 * Where a render version keeps its frames: `renders/<shot id>/<path id>/v001/` in the project, with
 * `frame_0001.png` (RGB, 16 bits per channel), `mask_0001.png` (8-bit: 255 seen, 128 filled, 0 empty) and
 * `depth_0001.f32` (the target depth: raw little-endian float32 on the geometry grid, row-major, top row
 * first; planar z, +Infinity at infinity, 0 where nothing is known). Files are numbered from 1 for shot
 * frame 0, like a delivered image sequence.
 */
import { join } from 'node:path';
import type { Project } from '../store';

export const versionName = (version: number): string => `v${String(version).padStart(3, '0')}`;

export function renderDir(project: Project, shotId: number, pathId: number, version: number): string {
  return join(project.paths.renders, String(shotId), String(pathId), versionName(version));
}

const num = (frame: number): string => String(frame + 1).padStart(4, '0');

export const frameFileName = (frame: number): string => `frame_${num(frame)}.png`;
export const maskFileName = (frame: number): string => `mask_${num(frame)}.png`;
export const depthFileName = (frame: number): string => `depth_${num(frame)}.f32`;

/** The three files of a rendered frame, in `dir`. */
export function frameFiles(dir: string, frame: number): { colour: string; mask: string; depth: string } {
  return {
    colour: join(dir, frameFileName(frame)),
    mask: join(dir, maskFileName(frame)),
    depth: join(dir, depthFileName(frame)),
  };
}
