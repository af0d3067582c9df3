/**
 * A shot for the model depth path (test helper, not a test): the first frames of ../shared/gt/orbit_a at
 * the depth grid (320×180), whose red channel the Depth Anything V2 contract graph (output = red) turns
 * into an affine inverse depth of the ground truth, red = 20 + 300·k(f)/z (sky: 10, below the affine zero:
 * the fit puts it beyond infinity, as a real model's can put sky), while green and blue
 * keep the plate's texture (for the tracker). k(f) = e^(DRIFT·(f − 10)) is the "model's" scale, drifting
 * by 2 % a frame as a per-image monocular model's does over a shot: a scale shared per chunk of 8 frames
 * steps where the chunks meet, a whole-shot stabilisation follows it smoothly.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { GT_ROOT, loadGtDepth, loadGtDepthShot } from '../depth/gt-depth-data';

export const SCENE_W = 320;
export const SCENE_H = 180;
export const DRIFT = 0.02;
export const modelScale = (f: number): number => Math.exp(DRIFT * (f - 10));
export const gtShot = loadGtDepthShot('orbit_a');

function ffmpeg(args: string[], input?: Uint8Array): Buffer {
  const r = spawnSync('ffmpeg', ['-v', 'error', ...args], { input, maxBuffer: 1 << 30 });
  expect(r.status, r.stderr?.toString()).toBe(0);
  return r.stdout;
}

/** Writes frames 0…frames−1 as `dir/plate.0000.png`… and returns the first frame's path. */
export function writeModelScene(dir: string, frames: number): string {
  const N = SCENE_W * SCENE_H;
  const plate = ffmpeg([
    '-i',
    join(GT_ROOT, 'orbit_a', 'frames', 'frame_%04d.png'),
    '-frames:v',
    String(frames),
    '-vf',
    `scale=${SCENE_W}:${SCENE_H}:flags=area`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-',
  ]);
  expect(plate.length).toBe(frames * N * 3);
  const raw = new Uint8Array(frames * N * 3);
  for (let f = 0; f < frames; f++) {
    const gt = loadGtDepth(gtShot, f);
    const k = modelScale(f);
    for (let i = 0; i < N; i++) {
      const o = 3 * (f * N + i);
      raw[o] = Math.round(Math.min(255, gt[i]! > 0 ? 20 + (300 * k) / gt[i]! : 10));
      raw[o + 1] = plate[o + 1]!;
      raw[o + 2] = plate[o + 2]!;
    }
  }
  mkdirSync(dir, { recursive: true });
  ffmpeg(
    [
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${SCENE_W}x${SCENE_H}`,
      '-i',
      '-',
      join(dir, 'plate.%04d.png'),
    ],
    raw,
  );
  return join(dir, readdirSync(dir).sort()[0]!);
}

/**
 * Median of depth / true depth over the pixels valid in both: the frame's scale error (1 = right), which
 * must not step from one frame to the next.
 */
export function scaleRatio(depth: Float32Array, frame: number): number {
  const gt = loadGtDepth(gtShot, frame);
  const r: number[] = [];
  for (let i = 0; i < gt.length; i++) if (gt[i]! > 0 && depth[i]! > 0) r.push(depth[i]! / gt[i]!);
  r.sort((a, b) => a - b);
  return r[r.length >> 1]!;
}

/** Mean |depth − true| / true over the pixels valid in both, and the share of non-sky pixels valid. */
export function absRel(depth: Float32Array, frame: number): { absRel: number; valid: number } {
  const gt = loadGtDepth(gtShot, frame);
  let n = 0;
  let nonSky = 0;
  let rel = 0;
  for (let i = 0; i < gt.length; i++) {
    if (!(gt[i]! > 0)) continue;
    nonSky++;
    if (!(depth[i]! > 0)) continue;
    n++;
    rel += Math.abs(depth[i]! - gt[i]!) / gt[i]!;
  }
  return { absRel: rel / n, valid: n / nonSky };
}
