/**
 * Ground-truth inputs for the render benchmarks: a `../shared/gt` shot's true cameras, frames and depth
 * as reprojection sources, and a target shot's cameras and true frames. Benchmarks only (product code
 * never reads ../shared).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { quatFromMat3, scaleIntrinsics, type Camera, type Mat3 } from '../../src-shared/geometry';
import type { PlateSource } from '../../src-main/render/reproject';

export const GT_DIR = path.resolve(import.meta.dirname, '../../../shared/gt');

interface CamerasDoc {
  width: number;
  height: number;
  K: number[][];
  depth_width: number;
  depth_height: number;
  frames: { index: number; C: [number, number, number]; R_wc: number[][]; depth_file: string }[];
}

export interface GtShot {
  cameras: Camera[];
  width: number;
  height: number;
  /** RGB 16 bits per channel, one per frame. */
  frames: Uint16Array[];
  depthWidth: number;
  depthHeight: number;
  /** Planar z per depth pixel, 0 = sky. */
  depths: Float32Array[];
}

/** A GT shot, its frames decoded (scaled to `scale` × its size when given, bicubic). */
export function loadGtShot(name: string, scale = 1): GtShot {
  const dir = path.join(GT_DIR, name);
  const doc = JSON.parse(readFileSync(path.join(dir, 'cameras.json'), 'utf8')) as CamerasDoc;
  const K = doc.K;
  const W = Math.round(doc.width * scale),
    H = Math.round(doc.height * scale);
  const cameras: Camera[] = doc.frames.map((f) => ({
    C: f.C,
    q: quatFromMat3(f.R_wc.flat() as unknown as Mat3),
    intrinsics: scaleIntrinsics(
      { width: doc.width, height: doc.height, fx: K[0]![0]!, fy: K[1]![1]!, cx: K[0]![2]!, cy: K[1]![2]! },
      scale,
    ),
  }));
  const raw = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      path.join(dir, 'frames', 'frame_%04d.png'),
      ...(scale !== 1 ? ['-vf', `scale=${W}:${H}:flags=bicubic`] : []),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb48le',
      '-',
    ],
    { maxBuffer: 2 ** 31 - 1 },
  );
  const all = new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2);
  const n = W * H * 3;
  const frames = doc.frames.map((_, i) => all.subarray(i * n, (i + 1) * n));
  const depths = doc.frames.map((f) => {
    const b = readFileSync(path.join(dir, f.depth_file));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  });
  return {
    cameras,
    width: W,
    height: H,
    frames,
    depthWidth: doc.depth_width,
    depthHeight: doc.depth_height,
    depths,
  };
}

/**
 * Frame `i` of a GT shot as a reprojection source: its true depth (resampled, nearest, to
 * `depthWidth` × `depthHeight` when given), sky (depth 0) at infinity.
 */
export function gtSource(shot: GtShot, i: number, depthWidth?: number, depthHeight?: number): PlateSource {
  const dW = depthWidth ?? shot.depthWidth,
    dH = depthHeight ?? shot.depthHeight;
  const src = shot.depths[i]!;
  const depth = new Float32Array(dW * dH);
  const infinity = new Uint8Array(dW * dH);
  for (let y = 0; y < dH; y++) {
    const sy = Math.min(shot.depthHeight - 1, Math.floor(((y + 0.5) * shot.depthHeight) / dH));
    for (let x = 0; x < dW; x++) {
      const sx = Math.min(shot.depthWidth - 1, Math.floor(((x + 0.5) * shot.depthWidth) / dW));
      const z = src[sy * shot.depthWidth + sx]!;
      depth[y * dW + x] = z;
      if (z === 0) infinity[y * dW + x] = 1;
    }
  }
  return {
    camera: shot.cameras[i]!,
    width: shot.width,
    height: shot.height,
    colour: shot.frames[i]!,
    depthWidth: dW,
    depthHeight: dH,
    depth,
    infinity,
  };
}
