/**
 * Which source frames render a target frame (its window), and in which order they are looked up.
 */
import {
  coverageSources,
  frameCoverage,
  windowByCoverage,
  type Camera,
  type CoverageSource,
} from '../../src-shared/geometry';

/** Candidate frames for a window (the best by distance and angle), and the coverage grid they are ranked on. */
export const WINDOW_CANDIDATES = 12;
export const WINDOW_GRID_WIDTH = 64;
/** The share of the target view the same-moment frame must see to lead the window. */
export const PRIMARY_COVERAGE = 0.5;

export interface WindowInputs {
  cameras: readonly Camera[];
  /** Z̄ per source frame (any positive value for a rotation-only shot). */
  sceneDepths: ArrayLike<number>;
  /** A frame's depth on a coarse grid (every `stride`-th pixel decoded). */
  coarse(frame: number): Promise<CoverageSource>;
  stride: number;
}

/**
 * The window for the target camera of shot frame `frame`: first the source frame of the same moment when
 * it sees at least PRIMARY_COVERAGE of the view (then `primary`: what moves is rendered as it is at that
 * moment), else the nearest viewpoint (coverageSources: distance over scene depth plus angle); then the
 * frames that add the most of the view the first cannot see (windowByCoverage), up to `count`. Looked up
 * in that order: the first, then the rest by closeness.
 */
export async function chooseWindow(
  target: Camera,
  count: number,
  frame: number | undefined,
  inputs: WindowInputs,
): Promise<{ frames: number[]; primary: boolean }> {
  const candidates = coverageSources(
    target,
    inputs.cameras,
    inputs.sceneDepths,
    Math.max(count, WINDOW_CANDIDATES),
    1,
  );
  const loaded: CoverageSource[] = [];
  for (const f of candidates) loaded.push(await inputs.coarse(f));
  let first = 0;
  let primary = false;
  if (frame !== undefined && frame >= 0 && frame < inputs.cameras.length) {
    let i = candidates.indexOf(frame);
    const own = i >= 0 ? loaded[i]! : await inputs.coarse(frame);
    const seen = frameCoverage(target, [own], WINDOW_GRID_WIDTH, { stride: inputs.stride }).coverage;
    if (seen >= PRIMARY_COVERAGE) {
      if (i < 0) {
        candidates.push(frame);
        loaded.push(own);
        i = candidates.length - 1;
      }
      first = i;
      primary = true;
    }
  }
  const chosen = windowByCoverage(target, loaded, count, {
    gridWidth: WINDOW_GRID_WIDTH,
    stride: inputs.stride,
    first,
  });
  if (chosen.length === 0) return { frames: [], primary: false };
  // the first, then nearest viewpoint first: the least parallax, so the least harm from depth errors
  const rest = chosen.slice(1).sort((a, b) => a - b);
  return { frames: [chosen[0]!, ...rest].map((i) => candidates[i]!), primary };
}
