import type { Camera, Pose } from './camera';
import type { DepthBuffer } from './paired-tracks';
import { quatRotate, quatToMat3 } from './quat';

/**
 * Coverage of a target view by the shot's own pixels (issue 13 item 7), before anything is rendered: the
 * source frames' depth maps forward-projected into the target camera, on a coarse grid of the target
 * image. A grid cell is covered when some source pixel lands in it; each source sample covers the cells its
 * footprint spans (how far apart neighbouring samples land), so a surface the target approaches stays
 * closed. Pixels at infinity (sky, far background: depth state "infinity") cover by rotation alone.
 * What no source frame saw — disocclusions, the area outside every source frame — stays uncovered: that is
 * where a render would have to invent content.
 */
export interface CoverageSource {
  /** The source camera, intrinsics in pixels of the depth map. */
  camera: Camera;
  width: number;
  height: number;
  /** Planar z-depth per pixel; 0 (or not finite) = no depth. */
  depth: Float32Array;
  /** 1 where the pixel is at infinity (covers by rotation only). */
  infinity?: Uint8Array;
}

export interface CoverageOptions {
  /**
   * Every `stride`-th source pixel in x and y. Default: per source, about the grid's density (its focal
   * over the grid's, at least 1): a finer sampling would land several samples in a cell, and each sample's
   * footprint closes the gaps where the target sees the surface larger.
   */
  stride?: number;
  /** Largest footprint of one sample, in grid cells (default 16: a push-in magnifies the samples apart). */
  maxFootprint?: number;
}

/**
 * The share of the target view covered (0–1) and the covered cells (`grid`: the target camera's image
 * scaled to `gridWidth` columns; cells are pixels of that scaled image).
 */
export function frameCoverage(
  target: Camera,
  sources: readonly CoverageSource[],
  gridWidth: number,
  options: CoverageOptions = {},
): { coverage: number; covered: Uint8Array; width: number; height: number } {
  const { covered, width, height } = reproject(target, sources, gridWidth, options, false);
  let n = 0;
  for (let i = 0; i < covered.length; i++) n += covered[i]!;
  return { coverage: n / covered.length, covered, width, height };
}

/**
 * The target view's depth as the shot's own pixels give it: the same reprojection as frameCoverage, each
 * cell keeping the nearest surface (planar z in the target camera; 0 where nothing lands or only sky),
 * with the intrinsics of the grid — the z-buffer the paired tracks' occlusion test reads.
 */
export function targetDepth(
  target: Camera,
  sources: readonly CoverageSource[],
  gridWidth: number,
  options: CoverageOptions = {},
): DepthBuffer {
  const { zbuf, width, height, scale } = reproject(target, sources, gridWidth, options, true);
  const k = target.intrinsics;
  return {
    intrinsics: { width, height, fx: k.fx * scale, fy: k.fy * scale, cx: k.cx * scale, cy: k.cy * scale },
    data: zbuf!,
  };
}

function reproject(
  target: Camera,
  sources: readonly CoverageSource[],
  gridWidth: number,
  options: CoverageOptions,
  withDepth: boolean,
): { covered: Uint8Array; zbuf: Float32Array | null; width: number; height: number; scale: number } {
  const kt = target.intrinsics;
  const s = gridWidth / kt.width;
  const GW = Math.max(1, Math.round(kt.width * s));
  const GH = Math.max(1, Math.round(kt.height * s));
  const fx = kt.fx * s,
    fy = kt.fy * s,
    cx = kt.cx * s,
    cy = kt.cy * s;
  const covered = new Uint8Array(GW * GH);
  const zbuf = withDepth ? new Float32Array(GW * GH) : null;
  const maxFoot = Math.max(1, options.maxFootprint ?? 16);
  const Rt = quatToMat3(target.q); // R_wc of the target
  const [tc0, tc1, tc2] = target.C;
  for (const src of sources) {
    const ks = src.camera.intrinsics;
    const stride = Math.max(
      1,
      Math.floor(options.stride ?? Math.round(Math.min(ks.fx, ks.fy) / Math.max(fx, fy))),
    );
    const Rs = quatToMat3(src.camera.q);
    const [sc0, sc1, sc2] = src.camera.C;
    // M = Rtᵀ·Rs (source camera → target camera rotation), d = Rtᵀ·(Cs − Ct)
    const M = new Float64Array(9);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        M[3 * i + j] = Rt[i]! * Rs[j]! + Rt[3 + i]! * Rs[3 + j]! + Rt[6 + i]! * Rs[6 + j]!;
    const e0 = sc0 - tc0,
      e1 = sc1 - tc1,
      e2 = sc2 - tc2;
    const d0 = Rt[0]! * e0 + Rt[3]! * e1 + Rt[6]! * e2;
    const d1 = Rt[1]! * e0 + Rt[4]! * e1 + Rt[7]! * e2;
    const d2 = Rt[2]! * e0 + Rt[5]! * e1 + Rt[8]! * e2;
    // target pixels per source pixel at equal depth
    const mag = (stride * Math.max(fx, fy)) / Math.min(ks.fx, ks.fy);
    const { width: W, height: H, depth, infinity } = src;
    const xns = new Float64Array(Math.ceil(W / stride));
    for (let x = 0, k = 0; x < W; x += stride, k++) xns[k] = (x + 0.5 - ks.cx) / ks.fx;
    for (let y = 0; y < H; y += stride) {
      const yn = (y + 0.5 - ks.cy) / ks.fy;
      const row = y * W;
      for (let x = 0, k = 0; x < W; x += stride, k++) {
        const p = row + x;
        const xn = xns[k]!;
        // the ray in the target camera's axes
        const r0 = M[0]! * xn + M[1]! * yn + M[2]!;
        const r1 = M[3]! * xn + M[4]! * yn + M[5]!;
        const r2 = M[6]! * xn + M[7]! * yn + M[8]!;
        let X0: number, X1: number, X2: number;
        let foot: number;
        const atInfinity = infinity?.[p] === 1;
        if (atInfinity) {
          X0 = r0;
          X1 = r1;
          X2 = r2;
          foot = mag;
        } else {
          const z = depth[p]!;
          if (!(z > 0 && z < Infinity)) continue;
          X0 = r0 * z + d0;
          X1 = r1 * z + d1;
          X2 = r2 * z + d2;
          foot = (mag * z) / X2;
        }
        if (!(X2 > 1e-9)) continue;
        const u = (fx * X0) / X2 + cx;
        const v = (fy * X1) / X2 + cy;
        // coverage closes every gap (ceil); a z-buffer does not grow surfaces past their edges (round)
        const f = Math.min(maxFoot, Math.max(1, withDepth ? Math.round(foot) : Math.ceil(foot)));
        const u0 = Math.floor(u - 0.5 * (f - 1));
        const v0 = Math.floor(v - 0.5 * (f - 1));
        if (u0 + f <= 0 || v0 + f <= 0 || u0 >= GW || v0 >= GH) continue;
        for (let yy = Math.max(0, v0); yy < Math.min(GH, v0 + f); yy++)
          for (let xx = Math.max(0, u0); xx < Math.min(GW, u0 + f); xx++) {
            const c = yy * GW + xx;
            covered[c] = 1;
            if (zbuf && !atInfinity && (zbuf[c] === 0 || X2 < zbuf[c]!)) zbuf[c] = X2;
          }
      }
    }
  }
  return { covered, zbuf, width: GW, height: GH, scale: s };
}

/**
 * The source frames that see most of a target view: ranked by how far the target camera is from each (its
 * centre's distance over that frame's scene depth Z̄, plus the angle between their viewing directions, in
 * radians), best first, at least `minGap` frames apart so they see from different places. `count` frames
 * (default 4). A target on the source path picks its own frame first; a locked-off or anchored move picks
 * the frames near its anchor, wherever in time the target frame is.
 */
export function coverageSources(
  target: Pose,
  sources: readonly Pose[],
  sceneDepths: ArrayLike<number>,
  count = 4,
  minGap = 3,
): number[] {
  const ft = quatRotate(target.q, [0, 0, 1]);
  const scored = sources.map((s, i) => {
    const z = sceneDepths[i]!;
    const d = Math.hypot(s.C[0] - target.C[0], s.C[1] - target.C[1], s.C[2] - target.C[2]);
    const fs = quatRotate(s.q, [0, 0, 1]);
    const cos = Math.max(-1, Math.min(1, fs[0] * ft[0] + fs[1] * ft[1] + fs[2] * ft[2]));
    return { i, score: (z > 0 ? d / z : Infinity) + Math.acos(cos) };
  });
  scored.sort((a, b) => a.score - b.score || a.i - b.i);
  const out: number[] = [];
  for (const c of scored) {
    if (out.length >= count || !Number.isFinite(c.score)) break;
    if (out.every((j) => Math.abs(j - c.i) >= minGap)) out.push(c.i);
  }
  return out;
}

/**
 * A render window chosen by how much of the target view each frame sees (issue 14): from `candidates`
 * (source frames with their depth, e.g. the best few by coverageSources), greedily the frame that covers the
 * most target cells not yet covered, until `count` frames are chosen or no frame adds more than
 * `minGain` of the view. Returns indices into `candidates` in the order chosen: `first` when given (e.g.
 * the nearest viewpoint, which sees the target with the least parallax), else the one that covers the most
 * alone; the later ones fill what the earlier cannot see (disocclusions, the area outside their frames).
 */
export function windowByCoverage(
  target: Camera,
  candidates: readonly CoverageSource[],
  count: number,
  options: CoverageOptions & { gridWidth?: number; minGain?: number; first?: number } = {},
): number[] {
  const gridWidth = options.gridWidth ?? 64;
  const minGain = options.minGain ?? 0.002;
  const grids = candidates.map((c) => frameCoverage(target, [c], gridWidth, options).covered);
  const n = grids[0]?.length ?? 0;
  const union = new Uint8Array(n);
  const chosen: number[] = [];
  const first = options.first;
  if (first !== undefined && first >= 0 && first < grids.length && count > 0) {
    chosen.push(first);
    const g = grids[first]!;
    for (let c = 0; c < n; c++) if (g[c] === 1) union[c] = 1;
  }
  while (chosen.length < count) {
    let best = -1,
      bestGain = 0;
    for (let i = 0; i < grids.length; i++) {
      if (chosen.includes(i)) continue;
      const g = grids[i]!;
      let gain = 0;
      for (let c = 0; c < n; c++) if (g[c] === 1 && union[c] === 0) gain++;
      if (gain > bestGain) {
        best = i;
        bestGain = gain;
      }
    }
    if (best < 0 || bestGain <= minGain * n) break;
    chosen.push(best);
    const g = grids[best]!;
    for (let c = 0; c < n; c++) if (g[c] === 1) union[c] = 1;
  }
  return chosen;
}
