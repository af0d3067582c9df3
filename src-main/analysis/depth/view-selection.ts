/**
 * Which frames to match a reference frame against, chosen by what they add, not by how close in time they
 * are: every frame within `window` frames either side is scored by
 *
 * - **parallax**: the image motion a point at the scene depth shows between the two views, from the
 *   baseline across the reference's line of sight (a move along it counts for little: the forward part
 *   only makes parallax away from the image centre). Too little (< `minParallaxPx`) measures nothing; the
 *   score rises to `targetParallaxPx` and falls slowly beyond it (wider baselines see more occlusion and
 *   more change of appearance);
 * - **overlap**: how much of the reference view the other frame sees, from the angle between the two
 *   lines of sight against the field of view, and the change of scale for a move along it;
 * - a mild preference for frames near in time (lighting, moving subjects change with time).
 *
 * Views are taken greedily, best first, each later one discounted when its baseline points the same way
 * as one already taken (two views on opposite sides of the reference see round different occluders; two
 * on the same side add little). Ordered best first: coarse-to-fine stereo uses the first few on the
 * coarse level and the first two on the full grid. Bounded by `window`, so the cost per frame does not
 * grow with the shot.
 */
import type { Camera } from '../../../src-shared/geometry';
import { quatToMat3 } from '../../../src-shared/geometry';

export interface ViewSelectionOptions {
  /** Representative scene depth in front of the reference (the cameras' gauge). */
  sceneDepth: number;
  /** Frames considered either side (default 24). */
  window?: number;
  /** Views returned at most (default 4). */
  count?: number;
  /** Parallax (pixels of the cameras' grid) below which a view measures nothing (default 1). */
  minParallaxPx?: number;
  /** Parallax the score peaks at (default 1.5 % of the image width, ≈ 10 px at 640). */
  targetParallaxPx?: number;
}

export interface ChosenView {
  frame: number;
  /** Parallax at the scene depth, pixels. */
  parallaxPx: number;
  /** 0..1 share of the reference view seen. */
  overlap: number;
  score: number;
}

/** Scores and picks the views for frame `ref`; `cameras[j]` null where a frame has no pose. */
export function chooseViews(
  cameras: readonly (Camera | null)[],
  ref: number,
  options: ViewSelectionOptions,
): ChosenView[] {
  const rc = cameras[ref];
  if (!rc) throw new RangeError(`chooseViews: frame ${ref} has no camera`);
  if (!(options.sceneDepth > 0)) throw new RangeError(`chooseViews: scene depth ${options.sceneDepth}`);
  const window = options.window ?? 24;
  const count = options.count ?? 4;
  const k = rc.intrinsics;
  const minPx = options.minParallaxPx ?? 1;
  const target = options.targetParallaxPx ?? 0.015 * k.width;
  const f = 0.5 * (k.fx + k.fy);
  const halfFov = Math.atan2(0.5 * Math.max(k.width, k.height), f);
  const Rr = quatToMat3(rc.q); // columns: camera axes in the world
  const axisR = [Rr[2]!, Rr[5]!, Rr[8]!];
  const Z = options.sceneDepth;
  const cands: (ChosenView & { dir: [number, number] })[] = [];
  for (let j = Math.max(0, ref - window); j <= Math.min(cameras.length - 1, ref + window); j++) {
    const c = cameras[j];
    if (!c || j === ref) continue;
    const d = [c.C[0] - rc.C[0], c.C[1] - rc.C[1], c.C[2] - rc.C[2]];
    // baseline in the reference camera's axes
    const bx = Rr[0]! * d[0]! + Rr[3]! * d[1]! + Rr[6]! * d[2]!;
    const by = Rr[1]! * d[0]! + Rr[4]! * d[1]! + Rr[7]! * d[2]!;
    const bz = Rr[2]! * d[0]! + Rr[5]! * d[1]! + Rr[8]! * d[2]!;
    const across = Math.hypot(bx, by);
    // a forward move makes parallax only off-centre: about a third of the along-axis move, on average
    const parallaxPx = (f * Math.hypot(across, bz / 3)) / Z;
    if (!(parallaxPx >= minPx)) continue;
    const R = quatToMat3(c.q);
    const cosAxis = axisR[0]! * R[2]! + axisR[1]! * R[5]! + axisR[2]! * R[8]!;
    const turn = Math.acos(Math.max(-1, Math.min(1, cosAxis)));
    const scale = Math.max(1e-6, (Z - bz) / Z);
    const zoom = Math.min(scale, 1 / scale);
    // a change of scale deforms the matching windows: weigh it more than a turn
    const overlap = Math.max(0, 1 - turn / (2 * halfFov)) * Math.max(0, Math.min(1, zoom)) ** 3;
    if (overlap < 0.3) continue;
    const g = parallaxPx <= target ? parallaxPx / target : Math.sqrt(target / parallaxPx);
    const near = 1 / (1 + Math.abs(j - ref) / (2 * window));
    cands.push({ frame: j, parallaxPx, overlap, score: g * overlap * overlap * near, dir: [bx, by] });
  }
  const chosen: (ChosenView & { dir: [number, number] })[] = [];
  while (chosen.length < count) {
    let best = -1;
    let bestScore = 0;
    for (let i = 0; i < cands.length; i++) {
      const c = cands[i]!;
      if (chosen.includes(c)) continue;
      let s = c.score;
      const n = Math.hypot(c.dir[0], c.dir[1]);
      for (const o of chosen) {
        const m = Math.hypot(o.dir[0], o.dir[1]);
        if (n === 0 || m === 0) continue;
        const cos = (c.dir[0] * o.dir[0] + c.dir[1] * o.dir[1]) / (n * m);
        if (cos > 0) s *= 1 - 0.6 * cos * cos;
      }
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    if (best < 0) break;
    chosen.push(cands[best]!);
  }
  return chosen.map(({ frame, parallaxPx, overlap, score }) => ({ frame, parallaxPx, overlap, score }));
}
