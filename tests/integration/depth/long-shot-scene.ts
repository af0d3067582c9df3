/**
 * A long synthetic shot with exact depth, made in code (no ../shared): a room of textured planes — a back
 * wall, a floor, a box front, a slanted panel and a near post — seen by a camera that circles in front
 * of it (an ellipse across the view, a little push-in and pull-out) while looking at a fixed point. The
 * path repeats every `period` frames, so frame f and frame f + period see the same picture: the work per
 * frame late in a long shot can be compared with the work early in it like for like.
 *
 * World axes are the camera's at rest (OpenCV: x right, y down, z forward). Textures are smooth value
 * noise in each plane's own coordinates (no repeating pattern for stereo to confuse), scaled for frames
 * 160–640 pixels wide. Rendering is one ray per pixel centre; `truthDepth` is the planar z-depth there.
 * Used by tests/integration/depth/long-shot.test.ts and bench/depth/long-shot.ts.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Camera, Intrinsics, Mat3, Vec3 } from '../../../src-shared/geometry';
import {
  quatFromMat3,
  quatToMat3,
  trackToDocument,
  type CamerasDocument,
} from '../../../src-shared/geometry';
import { projectDepthFileName } from '../../../src-shared/depth-layout';
import { writePoints } from '../../../src-main/analysis/point-file';
import type { DepthFrameResult } from '../../../src-main/analysis/analysis-protocol';
import { DEPTH_CHUNK_FRAMES } from '../../../src-main/analysis/analyze-job';
import { depthStage } from '../../../src-main/analysis/depth/stages';
import { decodeFloat16, float16FromBytesLE } from '../../../src-main/analysis/depth';
import type { MediaFacts } from '../../../src-main/media/types';
import { ffmpegBin } from '../../helpers/media-fixtures';

interface Plane {
  /** n·X = d, n unit. */
  n: Vec3;
  d: number;
  /** Texture axes in the plane (world units). */
  u: Vec3;
  v: Vec3;
  /** Where the plane exists, in texture coordinates (default: everywhere). */
  bounds?: { u0: number; u1: number; v0: number; v1: number };
  /** Value-noise cell size in world units, and a seed. */
  cell: number;
  seed: number;
}

const norm = (a: Vec3): Vec3 => {
  const l = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / l, a[1] / l, a[2] / l];
};
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

const SLANT = (35 * Math.PI) / 180;
const slantN = norm([-Math.sin(SLANT), 0, Math.cos(SLANT)]);
const slantU = norm([Math.cos(SLANT), 0, Math.sin(SLANT)]);

/** The room. Floor at y = 1.6 (below the camera), back wall at z = 11. */
export const PLANES: readonly Plane[] = [
  { n: [0, 0, 1], d: 11, u: [1, 0, 0], v: [0, 1, 0], cell: 0.4, seed: 1 },
  { n: [0, 1, 0], d: 1.6, u: [1, 0, 0], v: [0, 0, 1], cell: 0.22, seed: 2 },
  // a box front on the left, 6 away
  {
    n: [0, 0, 1],
    d: 6,
    u: [1, 0, 0],
    v: [0, 1, 0],
    bounds: { u0: -3.6, u1: -1.1, v0: -0.9, v1: 1.6 },
    cell: 0.16,
    seed: 3,
  },
  // a panel turned 35° about the vertical, on the right, about 8.5 away
  {
    n: slantN,
    d: dot(slantN, [2.2, 0, 8.5]),
    u: slantU,
    v: [0, 1, 0],
    bounds: { u0: dot(slantU, [2.2, 0, 8.5]) - 1.4, u1: dot(slantU, [2.2, 0, 8.5]) + 1.4, v0: -1.6, v1: 1.6 },
    cell: 0.2,
    seed: 4,
  },
  // a near post, 3.8 away
  {
    n: [0, 0, 1],
    d: 3.8,
    u: [1, 0, 0],
    v: [0, 1, 0],
    bounds: { u0: 0.1, u1: 0.8, v0: -0.6, v1: 1.6 },
    cell: 0.07,
    seed: 6,
  },
];

function hash(i: number, j: number, seed: number): number {
  let h = (Math.imul(i, 374761393) + Math.imul(j, 668265263) + Math.imul(seed, 2147483647)) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

function valueNoise(x: number, y: number, seed: number): number {
  const i = Math.floor(x);
  const j = Math.floor(y);
  let fx = x - i;
  let fy = y - j;
  fx = fx * fx * (3 - 2 * fx);
  fy = fy * fy * (3 - 2 * fy);
  const a = hash(i, j, seed);
  const b = hash(i + 1, j, seed);
  const c = hash(i, j + 1, seed);
  const d = hash(i + 1, j + 1, seed);
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}

/** 0..1: two octaves of value noise plus a faint large-scale shading. */
function textureAt(p: Plane, s: number, t: number): number {
  const x = s / p.cell;
  const y = t / p.cell;
  return (
    0.12 +
    0.5 * valueNoise(x, y, p.seed) +
    0.28 * valueNoise(2.3 * x + 17.1, 2.3 * y - 5.3, p.seed + 100) +
    0.1 * (0.5 + 0.5 * Math.sin(0.2 * x + 0.3 * y))
  );
}

export interface LongShot {
  width: number;
  height: number;
  frames: number;
  /** Frames per lap of the camera path. */
  period: number;
  intrinsics: Intrinsics;
  camera(frame: number): Camera;
}

export function longShot(width: number, height: number, frames: number, period = 256): LongShot {
  // 60° across
  const f = width / (2 * Math.tan(Math.PI / 6));
  const intrinsics: Intrinsics = { width, height, fx: f, fy: f, cx: width / 2, cy: height / 2 };
  const target: Vec3 = [0.2, 0.3, 8];
  return {
    width,
    height,
    frames,
    period,
    intrinsics,
    camera(frame: number): Camera {
      const th = (2 * Math.PI * frame) / period;
      const C: Vec3 = [1.8 * Math.cos(th), -0.1 + 0.4 * Math.sin(th), 0.3 * Math.sin(2 * th)];
      const z = norm([target[0] - C[0], target[1] - C[1], target[2] - C[2]]);
      const x = norm(cross([0, 1, 0], z));
      const y = cross(z, x);
      // camera-to-world: the camera's axes as columns
      const R: Mat3 = [x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]];
      return { C, q: quatFromMat3(R), intrinsics: { ...intrinsics } };
    },
  };
}

/** The nearest plane hit by the ray C + t·dir (t > 0), or null. */
function hit(C: Vec3, dir: Vec3): { t: number; plane: Plane; s: number; u: number } | null {
  let best: { t: number; plane: Plane; s: number; u: number } | null = null;
  for (const p of PLANES) {
    const den = dot(p.n, dir);
    if (Math.abs(den) < 1e-9) continue;
    const t = (p.d - dot(p.n, C)) / den;
    if (!(t > 1e-6) || (best && t >= best.t)) continue;
    const X: Vec3 = [C[0] + t * dir[0], C[1] + t * dir[1], C[2] + t * dir[2]];
    const s = dot(p.u, X);
    const u = dot(p.v, X);
    const b = p.bounds;
    if (b && (s < b.u0 || s > b.u1 || u < b.v0 || u > b.v1)) continue;
    best = { t, plane: p, s, u };
  }
  return best;
}

/**
 * Frame `frame` as 8-bit RGB (a grey picture with a slight tint per plane) and, when asked, its planar
 * depth at every pixel centre.
 */
export function renderFrame(shot: LongShot, frame: number, depth?: Float32Array): Uint8Array {
  const cam = shot.camera(frame);
  const { width: W, height: H, fx, fy, cx, cy } = cam.intrinsics;
  const R = quatToMat3(cam.q);
  const rgb = new Uint8Array(3 * W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const a = (x + 0.5 - cx) / fx;
      const b = (y + 0.5 - cy) / fy;
      // the camera ray (a, b, 1) in the world: its t is the planar depth
      const dir: Vec3 = [R[0] * a + R[1] * b + R[2], R[3] * a + R[4] * b + R[5], R[6] * a + R[7] * b + R[8]];
      const h = hit(cam.C, dir);
      const p = y * W + x;
      if (depth) depth[p] = h ? h.t : 0;
      const g = h ? textureAt(h.plane, h.s, h.u) : 0;
      const tint = h ? (h.plane.seed % 3) - 1 : 0;
      rgb[3 * p] = Math.max(0, Math.min(255, Math.round(255 * g + 6 * tint)));
      rgb[3 * p + 1] = Math.max(0, Math.min(255, Math.round(255 * g)));
      rgb[3 * p + 2] = Math.max(0, Math.min(255, Math.round(255 * g - 6 * tint)));
    }
  return rgb;
}

/** The planar depth of frame `frame` at every pixel centre of its own grid. */
export function truthDepth(shot: LongShot, frame: number): Float32Array {
  const d = new Float32Array(shot.width * shot.height);
  renderFrame(shot, frame, d);
  return d;
}

/** The camera document the analysis would have: every frame posed, at the shot's size. */
export function camerasDocument(shot: LongShot, fps: [number, number] = [24, 1]): CamerasDocument {
  return trackToDocument({
    fps,
    frames: Array.from({ length: shot.frames }, (_, index) => ({ index, camera: shot.camera(index) })),
  });
}

/**
 * Sparse points as the camera solve would leave them: surface points seen from every 8th frame of the
 * whole shot (so a longer shot has more, as a solve's would) at pseudo-random pixels (exact, no noise),
 * written as the analysis' point file.
 */
export async function writeSparsePoints(shot: LongShot, file: string, perFrame = 40): Promise<number> {
  const xyz: number[] = [];
  for (let f = 0; f < shot.frames; f += 8) {
    const cam = shot.camera(f);
    const R = quatToMat3(cam.q);
    const k = cam.intrinsics;
    for (let n = 0; n < perFrame; n++) {
      const px = hash(f, n, 7) * k.width;
      const py = hash(f, n, 8) * k.height;
      const a = (px - k.cx) / k.fx;
      const b = (py - k.cy) / k.fy;
      const dir: Vec3 = [R[0] * a + R[1] * b + R[2], R[3] * a + R[4] * b + R[5], R[6] * a + R[7] * b + R[8]];
      const h = hit(cam.C, dir);
      if (h) xyz.push(cam.C[0] + h.t * dir[0], cam.C[1] + h.t * dir[1], cam.C[2] + h.t * dir[2]);
    }
  }
  await writePoints(file, { xyz: new Float32Array(xyz), rgb: new Uint8Array(xyz.length).fill(128) });
  return xyz.length / 3;
}

/**
 * Renders the shot and encodes it (libx264, near-lossless, 24 fps, a keyframe every 24) to `file`, the
 * frames piped to ffmpeg. One lap is rendered and sent again for every further lap (the path is
 * periodic), so a 1,000-frame shot costs one lap of rendering and no more memory than one lap.
 */
export async function encodeShot(shot: LongShot, file: string): Promise<void> {
  const lap = Array.from({ length: Math.min(shot.frames, shot.period) }, (_, f) => renderFrame(shot, f));
  const args = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${shot.width}x${shot.height}`,
    '-r',
    '24',
    '-i',
    'pipe:0',
    '-frames:v',
    String(shot.frames),
    '-c:v',
    'libx264',
    '-crf',
    '10',
    '-preset',
    'veryfast',
    '-g',
    '24',
    '-pix_fmt',
    'yuv420p',
    file,
  ];
  const child = spawn(ffmpegBin(), args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  for (let f = 0; f < shot.frames; f++) {
    if (!child.stdin.write(lap[f % lap.length]!))
      await new Promise<void>((resolve) => child.stdin.once('drain', resolve));
  }
  child.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg exited with ${code}: ${stderr.trim()}`);
}

/** A full garbage collection (exposed at run time when the process was not started with --expose-gc). */
export function forcedGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** What one depth chunk cost. Bytes are the test process's JS heap plus its ArrayBuffers (shared ones too). */
export interface ChunkStats {
  index: number;
  start: number;
  count: number;
  wallMs: number;
  /** CPU time of this process over the chunk, all its threads (the depth helper's too; not ffmpeg's). */
  cpuMs: number;
  /** Heap + ArrayBuffers after a full GC before the chunk, the most seen while it ran, and after it (GC'd). */
  beforeBytes: number;
  peakBytes: number;
  retainedBytes: number;
  peakRss: number;
  frames: DepthFrameResult[];
}

const jsBytes = (m: NodeJS.MemoryUsage) => m.heapUsed + m.arrayBuffers;

/**
 * Runs the depth stage over the given chunks of a shot exactly as "Analyze shot" plans them
 * (DEPTH_CHUNK_FRAMES frames each, the last one shorter), in this process, one after the other, and
 * measures each. Depth files go to `depthDir` under the project's names (frame_00000.f16 + .state).
 */
export async function runDepthChunks(o: {
  facts: MediaFacts;
  cameras: CamerasDocument;
  pointsFile: string;
  depthDir: string;
  scratch: string;
  /** Chunk indices to run (default: all, in order). */
  chunks?: readonly number[];
  onChunk?: (s: ChunkStats) => void | Promise<void>;
}): Promise<ChunkStats[]> {
  const n = o.facts.frameCount;
  const all = Array.from({ length: Math.ceil(n / DEPTH_CHUNK_FRAMES) }, (_, i) => i);
  const gc = forcedGc();
  await mkdir(o.depthDir, { recursive: true });
  await mkdir(o.scratch, { recursive: true });
  const out: ChunkStats[] = [];
  for (const index of o.chunks ?? all) {
    const start = index * DEPTH_CHUNK_FRAMES;
    const count = Math.min(DEPTH_CHUNK_FRAMES, n - start);
    gc();
    gc();
    const before = process.memoryUsage();
    let peak = jsBytes(before);
    let peakRss = before.rss;
    const sample = () => {
      const m = process.memoryUsage();
      peak = Math.max(peak, jsBytes(m));
      peakRss = Math.max(peakRss, m.rss);
    };
    const timer = setInterval(sample, 20);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let r;
    try {
      r = await depthStage(
        {
          stage: 'depth',
          facts: o.facts,
          cameras: o.cameras,
          pointsFile: o.pointsFile,
          start,
          count,
          depthFiles: Array.from({ length: count }, (_, i) =>
            join(o.depthDir, projectDepthFileName(start + i)),
          ),
          denseEvery: 12,
          denseOut: join(o.scratch, `dense-${String(index).padStart(5, '0')}.bin`),
        },
        sample,
      );
    } finally {
      clearInterval(timer);
    }
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    sample();
    if (r.stage !== 'depth') throw new Error(`depth stage answered ${r.stage}`);
    // the helper thread's exit and its port are cleaned up after the stage returns: let that happen first
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
    gc();
    const stats: ChunkStats = {
      index,
      start,
      count,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      beforeBytes: jsBytes(before),
      peakBytes: peak,
      retainedBytes: jsBytes(process.memoryUsage()),
      peakRss,
      frames: r.frames,
    };
    out.push(stats);
    await o.onChunk?.(stats);
  }
  return out;
}

/** A written depth map (the project's .f16), decoded. */
export async function readDepthFile(depthDir: string, frame: number): Promise<Float32Array> {
  const bytes = new Uint8Array(await readFile(join(depthDir, projectDepthFileName(frame))));
  return decodeFloat16(float16FromBytesLE(bytes));
}

/** Valid pixels (depth > 0) against the truth: their count, and the sum of |z − z*| / z* over them. */
export function depthError(depth: Float32Array, truth: Float32Array): { valid: number; sumRel: number } {
  let valid = 0;
  let sumRel = 0;
  for (let p = 0; p < depth.length; p++) {
    const z = depth[p]!;
    const t = truth[p]!;
    if (!(z > 0) || !(t > 0)) continue;
    valid++;
    sumRel += Math.abs(z - t) / t;
  }
  return { valid, sumRel };
}
