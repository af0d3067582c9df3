/**
 * A shot's stored depth maps as reprojection sources (src-shared/geometry/coverage.ts): the source camera
 * scaled to the depth grid, only the samples the reprojection reads decoded (every `stride`-th pixel in
 * x and y), infinity from the states, the last few frames kept. Shared by coverage and the paired tracks'
 * occlusion test.
 */
import { readFile } from 'node:fs/promises';
import {
  coverageSources,
  scaleIntrinsics,
  type Camera,
  type CoverageSource,
  type PathSample,
} from '../../src-shared/geometry';
import { DepthState, depthStateOf } from '../../src-shared/depth-layout';
import { ApiError } from '../../src-shared/api/contract';
import { float16Table } from '../analysis/depth/float16';
import { sourceCameraTrack } from '../shots';
import type { Project, ShotRecord } from '../store';

/** Decoded depth maps kept (neighbouring target frames pick overlapping sources). */
const CACHE_FRAMES = 16;

export class DepthSources {
  readonly cameras: Camera[];
  /** Z̄ per source frame: the median of its depth map (the analysis keeps it). */
  readonly medians: Float64Array;
  readonly stride: number;
  private readonly cache = new Map<number, CoverageSource>();
  private readonly depth: { width: number; height: number };

  /** `gridWidth`: the target grid the sources are reprojected onto (sets the sampling stride). */
  constructor(
    private readonly project: Project,
    private readonly shot: ShotRecord,
    gridWidth: number,
  ) {
    const depth = project.analysis.depth(shot.id);
    const track = sourceCameraTrack(project, shot.id);
    if (!depth || !track || track.frames.length !== shot.frameCount || depth.frames !== shot.frameCount)
      throw new ApiError(
        'not-found',
        `Shot '${shot.name}' has no depth and source camera for every frame yet: analyse it first.`,
      );
    this.depth = depth;
    this.cameras = [...track.frames].sort((a, b) => a.index - b.index).map((f) => f.camera);
    this.medians = new Float64Array(shot.frameCount).fill(NaN);
    for (const f of project.analysis.depthFrames(shot.id))
      if (f.frame < this.medians.length) this.medians[f.frame] = f.median;
    // at about the target grid's density (every 4th pixel of a 640-wide map for a 160-wide grid)
    this.stride = Math.max(1, Math.round(depth.width / gridWidth));
  }

  /** A path's camera at a frame, with the source camera's aspect and principal point. */
  targetCamera(s: PathSample): Camera {
    const k0 = this.cameras[0]!.intrinsics;
    return {
      C: s.position,
      q: s.orientation,
      intrinsics: { ...k0, fx: s.focalPx, fy: (s.focalPx * k0.fy) / k0.fx },
    };
  }

  /** The source frames that see most of `target`, loaded. */
  async for(target: Camera): Promise<CoverageSource[]> {
    const out: CoverageSource[] = [];
    for (const f of coverageSources(target, this.cameras, this.medians)) out.push(await this.source(f));
    return out;
  }

  async source(f: number): Promise<CoverageSource> {
    const hit = this.cache.get(f);
    if (hit) {
      this.cache.delete(f);
      this.cache.set(f, hit);
      return hit;
    }
    const { project, shot, stride } = this;
    const { width: W, height: H } = this.depth;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(project.paths.depthFrame(shot.id, f)));
    } catch {
      throw new ApiError(
        'not-found',
        `Shot '${shot.name}': the depth of frame ${f} is missing: analyse the shot again.`,
      );
    }
    const n = W * H;
    if (bytes.length !== 2 * n)
      throw new ApiError('internal', `Shot '${shot.name}': the depth of frame ${f} is damaged (wrong size).`);
    const z = new Float32Array(n);
    const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    const table = float16Table();
    const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    for (let y = 0; y < H; y += stride)
      for (let x = 0, p = y * W; x < W; x += stride, p += stride) {
        const h = halves[p]!;
        z[p] = table[little ? h : ((h & 0xff) << 8) | (h >>> 8)]!;
      }
    let infinity: Uint8Array | undefined;
    try {
      const states = new Uint8Array(await readFile(project.paths.depthState(shot.id, f)));
      if (states.length === n) {
        infinity = new Uint8Array(n);
        for (let y = 0; y < H; y += stride)
          for (let x = 0, p = y * W; x < W; x += stride, p += stride)
            if (depthStateOf(states[p]!) === DepthState.infinity) infinity[p] = 1;
      }
    } catch {
      // depth made before states were kept: no infinity
    }
    const c = this.cameras[f]!;
    const camera: Camera = {
      ...c,
      intrinsics: scaleIntrinsics(c.intrinsics, W / shot.width, H / shot.height),
    };
    const s: CoverageSource = { camera, width: W, height: H, depth: z, ...(infinity ? { infinity } : {}) };
    this.cache.set(f, s);
    if (this.cache.size > CACHE_FRAMES) this.cache.delete(this.cache.keys().next().value!);
    return s;
  }
}
