/**
 * Per-frame coverage of a target path (issue 13 item 7): for each frame, the share of the target image the
 * shot's own pixels can fill — its stored depth maps (with their infinity states) reprojected into the
 * target camera from the source frames that see most of it (src-shared/geometry/coverage.ts). Computed on demand from
 * the depth cache; yields to the event loop between frames so the app stays responsive.
 */
import { readFile } from 'node:fs/promises';
import {
  coverageSources,
  frameCoverage,
  pathSamples,
  scaleIntrinsics,
  type Camera,
  type CoverageSource,
} from '../../src-shared/geometry';
import { DepthState, depthStateOf } from '../../src-shared/depth-layout';
import { ApiError } from '../../src-shared/api/contract';
import { float16Table } from '../analysis/depth/float16';
import { sourceCameraTrack } from '../shots';
import type { Project } from '../store';
import { contentOf, pathOr404 } from './target-paths';

/** Columns of the grid coverage is measured on (the target image scaled to this width). */
export const COVERAGE_GRID_WIDTH = 160;
/** Decoded depth maps kept while walking the frames (neighbouring frames pick overlapping sources). */
const CACHE_FRAMES = 16;

export interface PathCoverage {
  frames: { index: number; coverage: number }[];
  /** The grid it was measured on. */
  gridWidth: number;
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function pathCoverage(
  project: Project,
  pathId: number,
  options: { gridWidth?: number; signal?: AbortSignal } = {},
): Promise<PathCoverage> {
  const { path, shot } = pathOr404(project, pathId);
  const content = contentOf(shot, path);
  const depth = project.analysis.depth(shot.id);
  const track = sourceCameraTrack(project, shot.id);
  if (!depth || !track || track.frames.length !== shot.frameCount || depth.frames !== shot.frameCount)
    throw new ApiError(
      'not-found',
      `Shot '${shot.name}' has no depth and source camera for every frame yet: analyse it first.`,
    );
  const cams = [...track.frames].sort((a, b) => a.index - b.index).map((f) => f.camera);
  const k0 = cams[0]!.intrinsics;
  // Z̄ per source frame: the median of its depth map (the analysis keeps it)
  const medians = new Float64Array(shot.frameCount).fill(NaN);
  for (const f of project.analysis.depthFrames(shot.id))
    if (f.frame < medians.length) medians[f.frame] = f.median;
  const gridWidth = options.gridWidth ?? COVERAGE_GRID_WIDTH;
  // the depth maps sampled at about the coverage grid's density (every 4th pixel of a 640-wide map)
  const stride = Math.max(1, Math.round(depth.width / gridWidth));
  const cache = new Map<number, CoverageSource>();
  const source = async (f: number): Promise<CoverageSource> => {
    const hit = cache.get(f);
    if (hit) {
      cache.delete(f);
      cache.set(f, hit);
      return hit;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(project.paths.depthFrame(shot.id, f)));
    } catch {
      throw new ApiError(
        'not-found',
        `Shot '${shot.name}': the depth of frame ${f} is missing: analyse the shot again.`,
      );
    }
    const n = depth.width * depth.height;
    if (bytes.length !== 2 * n)
      throw new ApiError('internal', `Shot '${shot.name}': the depth of frame ${f} is damaged (wrong size).`);
    // only the samples coverage reads (every `stride`-th pixel in x and y) are decoded
    const W = depth.width;
    const z = new Float32Array(n);
    const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    const table = float16Table();
    const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    for (let y = 0; y < depth.height; y += stride)
      for (let x = 0, p = y * W; x < W; x += stride, p += stride) {
        const h = halves[p]!;
        z[p] = table[little ? h : ((h & 0xff) << 8) | (h >>> 8)]!;
      }
    let infinity: Uint8Array | undefined;
    try {
      const states = new Uint8Array(await readFile(project.paths.depthState(shot.id, f)));
      if (states.length === n) {
        infinity = new Uint8Array(n);
        for (let y = 0; y < depth.height; y += stride)
          for (let x = 0, p = y * W; x < W; x += stride, p += stride)
            if (depthStateOf(states[p]!) === DepthState.infinity) infinity[p] = 1;
      }
    } catch {
      // depth made before states were kept: no infinity
    }
    const c = cams[f]!;
    const camera: Camera = {
      ...c,
      intrinsics: scaleIntrinsics(c.intrinsics, depth.width / shot.width, depth.height / shot.height),
    };
    const s: CoverageSource = {
      camera,
      width: depth.width,
      height: depth.height,
      depth: z,
      ...(infinity ? { infinity } : {}),
    };
    cache.set(f, s);
    if (cache.size > CACHE_FRAMES) cache.delete(cache.keys().next().value!);
    return s;
  };
  const frames: PathCoverage['frames'] = [];
  for (const s of pathSamples(content, 0, shot.frameCount - 1)) {
    if (options.signal?.aborted) throw new ApiError('conflict', 'Coverage was cancelled.');
    const target: Camera = {
      C: s.position,
      q: s.orientation,
      intrinsics: { ...k0, fx: s.focalPx, fy: (s.focalPx * k0.fy) / k0.fx },
    };
    const sources = [];
    for (const f of coverageSources(target, cams, medians)) sources.push(await source(f));
    frames.push({
      index: s.frame,
      coverage: frameCoverage(target, sources, gridWidth, { stride }).coverage,
    });
    if (s.frame % 8 === 7) await yieldToEvents();
  }
  return { frames, gridWidth };
}
