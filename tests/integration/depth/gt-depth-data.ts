/**
 * Test/bench-side loader for the synthetic ground-truth shots in ../shared/gt (product code never reads
 * them): cameras from cameras.json (geometry core), frames decoded by the media module as RGB and turned
 * into luma then 2×2 box-averaged to the depth grid (320×180, intrinsics K/2 exactly with +0.5 centres) or
 * kept at full resolution (640×360, K), and the true planar depth (float32 LE, 0 = sky; always 320×180).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  documentToTrack,
  parseCamerasJson,
  scaleIntrinsics,
  type Camera,
} from '../../../src-shared/geometry';
import { decodeFrames, probeMedia } from '../../../src-main/media';
import { downsample2x, grayFromRgb, type FloatImage } from '../../../src-main/analysis/depth';

const here = path.dirname(fileURLToPath(import.meta.url));
export const GT_ROOT = path.resolve(here, '../../../../shared/gt');

export interface GtDepthShot {
  name: string;
  dir: string;
  /** Cameras with intrinsics at the depth grid (K/2). */
  cameras: Camera[];
  /** Full-resolution cameras (K). */
  fullCameras: Camera[];
  width: number;
  height: number;
  depthFiles: string[];
  frameFiles: string[];
}

export function loadGtDepthShot(name: string): GtDepthShot {
  const dir = path.join(GT_ROOT, name);
  const raw = JSON.parse(readFileSync(path.join(dir, 'cameras.json'), 'utf8')) as {
    frames: { file: string; depth_file: string }[];
    depth_width: number;
    depth_height: number;
  };
  const doc = parseCamerasJson(raw);
  const track = documentToTrack(doc);
  const fullCameras = track.frames.map((f) => f.camera);
  const cameras = fullCameras.map((c) => ({ ...c, intrinsics: scaleIntrinsics(c.intrinsics, 0.5) }));
  return {
    name,
    dir,
    cameras,
    fullCameras,
    width: raw.depth_width,
    height: raw.depth_height,
    depthFiles: raw.frames.map((f) => f.depth_file),
    frameFiles: raw.frames.map((f) => f.file),
  };
}

export function loadGtDepth(shot: GtDepthShot, frame: number): Float32Array {
  const f = shot.depthFiles[frame];
  if (!f) throw new RangeError(`frame ${frame} not in ${shot.name}`);
  const buf = readFileSync(path.join(shot.dir, f));
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** RGB at full resolution, 8-bit interleaved. */
export async function loadGtRgb(
  shot: GtDepthShot,
  frames: readonly number[],
): Promise<Map<number, Uint8Array>> {
  const out = new Map<number, Uint8Array>();
  const f0 = shot.frameFiles[0];
  if (!f0) throw new RangeError('no frames');
  const facts = await probeMedia(path.join(shot.dir, f0));
  const sorted = [...new Set(frames)].sort((a, b) => a - b);
  // contiguous runs decode in one ffmpeg call each
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const start = sorted[i]!;
    for await (const fr of decodeFrames(facts, {
      start,
      count: sorted[j]! - start + 1,
      pixelFormat: 'rgb24',
    }))
      out.set(fr.index, new Uint8Array(fr.data));
    i = j + 1;
  }
  return out;
}

/**
 * Luma of the frames: at the depth grid (half resolution, 2×2 box average; pair with `shot.cameras`), or with
 * grid 'full' the frames as they are (640×360; pair with `shot.fullCameras`).
 */
export async function loadGtGray(
  shot: GtDepthShot,
  frames: readonly number[],
  grid: 'depth' | 'full' = 'depth',
): Promise<Map<number, FloatImage>> {
  const rgb = await loadGtRgb(shot, frames);
  const out = new Map<number, FloatImage>();
  for (const [k, v] of rgb) {
    const full = grayFromRgb(v, shot.width * 2, shot.height * 2);
    out.set(k, grid === 'full' ? full : downsample2x(full));
  }
  return out;
}

export interface DepthScore {
  /** Pixels with gt depth > 0 (not sky). */
  gtPixels: number;
  /** Of those, pixels our mask marks valid. */
  validPixels: number;
  /** validPixels / gtPixels. */
  validFraction: number;
  /** Mean |d − d_gt| / d_gt over valid pixels, as given (scale 1). */
  absRel: number;
  /** Median-ratio global scale s = median(d_gt / d) over valid pixels, and AbsRel after it. */
  scale: number;
  absRelScaled: number;
  /** Share of valid pixels with |d − gt|/gt < 0.05 / 0.10. */
  within5: number;
  within10: number;
}

export function scoreDepth(depth: Float32Array, valid: Uint8Array, gt: Float32Array): DepthScore {
  let gtPixels = 0;
  let validPixels = 0;
  let sum = 0;
  let w5 = 0;
  let w10 = 0;
  const ratios: number[] = [];
  for (let i = 0; i < gt.length; i++) {
    const g = gt[i]!;
    if (!(g > 0)) continue;
    gtPixels++;
    const d = depth[i]!;
    if (!valid[i] || !(d > 0)) continue;
    validPixels++;
    const e = Math.abs(d - g) / g;
    sum += e;
    if (e < 0.05) w5++;
    if (e < 0.1) w10++;
    ratios.push(g / d);
  }
  ratios.sort((a, b) => a - b);
  const scale = ratios.length ? ratios[ratios.length >> 1]! : NaN;
  let sumS = 0;
  for (let i = 0; i < gt.length; i++) {
    const g = gt[i]!;
    const d = depth[i]!;
    if (g > 0 && valid[i] && d > 0) sumS += Math.abs(scale * d - g) / g;
  }
  return {
    gtPixels,
    validPixels,
    validFraction: gtPixels ? validPixels / gtPixels : 0,
    absRel: validPixels ? sum / validPixels : NaN,
    scale,
    absRelScaled: validPixels ? sumS / validPixels : NaN,
    within5: validPixels ? w5 / validPixels : 0,
    within10: validPixels ? w10 / validPixels : 0,
  };
}
