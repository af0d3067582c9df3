/**
 * Per-frame coverage of a target path (issue 13 item 7): for each frame, the share of the target image the
 * shot's own pixels can fill — its stored depth maps (with their infinity states) reprojected into the
 * target camera from the source frames that see most of it (src-shared/geometry/coverage.ts). Computed on demand from
 * the depth cache; yields to the event loop between frames so the app stays responsive.
 */
import { frameCoverage, pathSamples } from '../../src-shared/geometry';
import { ApiError } from '../../src-shared/api/contract';
import type { Project } from '../store';
import { DepthSources } from './depth-sources';
import { contentOf, pathOr404 } from './target-paths';

/** Columns of the grid coverage is measured on (the target image scaled to this width). */
export const COVERAGE_GRID_WIDTH = 160;

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
  const gridWidth = options.gridWidth ?? COVERAGE_GRID_WIDTH;
  const sources = new DepthSources(project, shot, gridWidth);
  const frames: PathCoverage['frames'] = [];
  for (const s of pathSamples(content, 0, shot.frameCount - 1)) {
    if (options.signal?.aborted) throw new ApiError('conflict', 'Coverage was cancelled.');
    const target = sources.targetCamera(s);
    const seen = await sources.for(target);
    frames.push({
      index: s.frame,
      coverage: frameCoverage(target, seen, gridWidth, { stride: sources.stride }).coverage,
    });
    if (s.frame % 8 === 7) await yieldToEvents();
  }
  return { frames, gridWidth };
}
