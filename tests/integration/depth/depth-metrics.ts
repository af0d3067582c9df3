/**
 * Pure metric functions for dense depth against ground truth (typed arrays in, numbers out; no I/O), used by
 * bench/depth/gt-eval.ts and unit-tested in tests/unit/depth/depth-metrics.test.ts.
 *
 * Conventions: maps are row-major, top row first; pixel (x, y)'s centre is at (x + 0.5, y + 0.5) (SPEC §2);
 * depth is planar z along the optical axis; gt depth 0 = sky. The gt grid is the coarse one (320×180 for the
 * ../shared/gt shots); an estimate's grid must be an integer multiple k of it (k = 1 at 320×180, 2 at 640×360).
 *
 * Definitions (all of them on the gt grid unless said otherwise):
 * - Grid reduction (blockReduce): a gt pixel takes its k×k block of the estimate; it is set only if every
 *   pixel of the block is set with depth > 0; its depth is 1 / mean(1 / d) over the block (mean inverse depth).
 * - Gt upsampling (upsampleGt), for scoring at the estimate's own grid: bilinear interpolation of the gt's
 *   inverse depth (exact for planes) at the estimate pixel's centre; valid only where every gt neighbour with
 *   non-zero weight is non-sky and max/min of them ≤ 1.05 (so at k = 1 it is the gt itself). Outside the span
 *   of gt pixel centres the border pixel is repeated.
 * - Smooth sampling (sampleDepth): a map read at a continuous position the same way (bilinear in inverse
 *   depth when its non-zero-weight neighbours are all valid and within 5 %), else, if asked, the nearest pixel
 *   (the one the position falls in) when that pixel is valid, else NaN.
 * - AbsRel: mean over scored pixels of |s·d − gt| / gt; within-5 %: share of them with that < 0.05.
 * - Temporal consistency (temporalConsistency): for each gt pixel p of frame i with gt > 0, "mutually visible"
 *   iff its gt point (gt cameras) lands inside frame i+1 in front of the camera and its z there agrees within
 *   1 % with frame i+1's gt sampled there (smooth sampling, nearest fallback). Over those, "covered" iff the
 *   estimate of i is valid at p, its point (estimated depth, the estimator's cameras) lands inside frame i+1 in
 *   front of the camera and frame i+1's estimate, smooth-sampled there (nearest fallback), is valid. The
 *   disagreement of a covered pixel is |z_proj − d_{i+1}| / d_{i+1}: scale-free (depth and cameras in the same
 *   gauge). Coverage = covered / mutually visible.
 * - Edge band (discontinuityBand): the discontinuity pixels are both pixels of every 4-neighbour pair whose gt
 *   depths differ by a ratio > 1.15 or of which exactly one is sky (those that are not sky); the band is every
 *   non-sky pixel within Chebyshev distance 2 of a discontinuity pixel (so 3 pixels each side of a step edge).
 * - Sky and infinity (skyInfinity), at the estimate's grid: each estimate pixel belongs to the gt pixel that
 *   contains it; state bytes as src-shared/depth-layout.ts (DepthState in the low 2 bits, 3 = infinity).
 */
import { quatToMat3, type Camera } from '../../../src-shared/geometry';

const INFINITY_STATE = 3;
/** Bilinear weights below this count as zero (a position on a pixel centre reads that pixel alone). */
const W_EPS = 1e-9;

/** The integer factor k between an estimate's grid and the gt grid; throws unless est = k × gt exactly. */
export function gridFactor(estWidth: number, estHeight: number, gtWidth: number, gtHeight: number): number {
  const k = estWidth / gtWidth;
  if (!Number.isInteger(k) || k < 1 || estHeight !== k * gtHeight)
    throw new RangeError(
      `estimate ${estWidth}×${estHeight} is not an integer multiple of gt ${gtWidth}×${gtHeight}`,
    );
  return k;
}

/**
 * Estimate (W×H, mask) → the grid W/k × H/k: a coarse pixel is set iff its k×k block is all set with depth > 0;
 * its depth is the block's mean inverse depth, inverted.
 */
export function blockReduce(
  depth: Float32Array,
  mask: Uint8Array,
  width: number,
  height: number,
  k: number,
): { depth: Float32Array; valid: Uint8Array; width: number; height: number } {
  const w = width / k;
  const h = height / k;
  if (!Number.isInteger(w) || !Number.isInteger(h))
    throw new RangeError('blockReduce: size not a multiple of k');
  const outD = new Float32Array(w * h);
  const outV = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let inv = 0;
      let ok = true;
      for (let dy = 0; dy < k && ok; dy++)
        for (let dx = 0; dx < k; dx++) {
          const i = (y * k + dy) * width + x * k + dx;
          const d = depth[i]!;
          if (!mask[i] || !(d > 0) || !Number.isFinite(d)) {
            ok = false;
            break;
          }
          inv += 1 / d;
        }
      if (!ok) continue;
      outV[y * w + x] = 1;
      outD[y * w + x] = (k * k) / inv;
    }
  return { depth: outD, valid: outV, width: w, height: h };
}

/**
 * A depth map read at continuous position (u, v) (pixel centres at +0.5): bilinear in inverse depth when the
 * neighbours with non-zero weight are all valid (valid flag set, or null = depth > 0) and within `smoothTol`
 * of each other (max/min ≤ 1 + smoothTol); otherwise, with `nearestFallback`, the depth of the pixel the
 * position falls in if valid; otherwise NaN. Positions outside [0, W) × [0, H) give NaN.
 */
export function sampleDepth(
  depth: Float32Array,
  valid: Uint8Array | null,
  width: number,
  height: number,
  u: number,
  v: number,
  smoothTol = 0.05,
  nearestFallback = true,
): number {
  if (!(u >= 0 && v >= 0 && u < width && v < height)) return NaN;
  const fx = u - 0.5;
  const fy = v - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const ax = fx - x0;
  const ay = fy - y0;
  const cx0 = Math.max(0, Math.min(width - 1, x0));
  const cx1 = Math.max(0, Math.min(width - 1, x0 + 1));
  const cy0 = Math.max(0, Math.min(height - 1, y0));
  const cy1 = Math.max(0, Math.min(height - 1, y0 + 1));
  const wts = [(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay];
  const idx = [cy0 * width + cx0, cy0 * width + cx1, cy1 * width + cx0, cy1 * width + cx1];
  let inv = 0;
  let wsum = 0;
  let lo = Infinity;
  let hi = 0;
  let smooth = true;
  for (let n = 0; n < 4; n++) {
    if (wts[n]! <= W_EPS) continue;
    const i = idx[n]!;
    const d = depth[i]!;
    if ((valid && !valid[i]) || !(d > 0) || !Number.isFinite(d)) {
      smooth = false;
      break;
    }
    lo = Math.min(lo, d);
    hi = Math.max(hi, d);
    inv += wts[n]! / d;
    wsum += wts[n]!;
  }
  if (smooth && wsum > 0 && hi <= lo * (1 + smoothTol)) return wsum / inv;
  if (!nearestFallback) return NaN;
  const i = Math.floor(v) * width + Math.floor(u);
  const d = depth[i]!;
  return (!valid || valid[i]) && d > 0 && Number.isFinite(d) ? d : NaN;
}

/**
 * Gt (gtW×gtH, 0 = sky) → the estimate's grid k× finer: bilinear in inverse depth where the gt neighbours
 * with non-zero weight are all non-sky and within `smoothTol` of each other; elsewhere invalid (depth 0).
 */
export function upsampleGt(
  gt: Float32Array,
  gtWidth: number,
  gtHeight: number,
  k: number,
  smoothTol = 0.05,
): { depth: Float32Array; valid: Uint8Array; width: number; height: number } {
  const W = gtWidth * k;
  const H = gtHeight * k;
  const depth = new Float32Array(W * H);
  const valid = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      // clamp the position to the span of gt pixel centres: the border pixel repeats
      const u = Math.max(0.5, Math.min(gtWidth - 0.5, (x + 0.5) / k));
      const v = Math.max(0.5, Math.min(gtHeight - 0.5, (y + 0.5) / k));
      const d = sampleDepth(gt, null, gtWidth, gtHeight, u, v, smoothTol, false);
      if (d > 0) {
        depth[y * W + x] = d;
        valid[y * W + x] = 1;
      }
    }
  return { depth, valid, width: W, height: H };
}

export interface AbsRelStats {
  /** Pixels with gt > 0 (and gtValid set, when given). */
  gtPixels: number;
  /** Of those, pixels whose estimate is valid with depth > 0. */
  validPixels: number;
  /** Sum of |s·d − gt| / gt over the valid ones. */
  sum: number;
  /** Of the valid ones, those with |s·d − gt| / gt < 0.05. */
  within5: number;
}

/** AbsRel counts of an estimate (depth, valid) against gt after the global scale s (optionally on a pixel subset). */
export function absRelStats(
  depth: Float32Array,
  valid: Uint8Array,
  gt: Float32Array,
  scale = 1,
  subset: Uint8Array | null = null,
): AbsRelStats {
  const out: AbsRelStats = { gtPixels: 0, validPixels: 0, sum: 0, within5: 0 };
  for (let i = 0; i < gt.length; i++) {
    const g = gt[i]!;
    if (!(g > 0) || (subset && !subset[i])) continue;
    out.gtPixels++;
    const d = depth[i]!;
    if (!valid[i] || !(d > 0)) continue;
    out.validPixels++;
    const e = Math.abs(scale * d - g) / g;
    out.sum += e;
    if (e < 0.05) out.within5++;
  }
  return out;
}

/** Sums AbsRelStats (pooling pixels over frames). */
export function addStats(a: AbsRelStats, b: AbsRelStats): AbsRelStats {
  return {
    gtPixels: a.gtPixels + b.gtPixels,
    validPixels: a.validPixels + b.validPixels,
    sum: a.sum + b.sum,
    within5: a.within5 + b.within5,
  };
}

export const emptyStats = (): AbsRelStats => ({ gtPixels: 0, validPixels: 0, sum: 0, within5: 0 });

/** gt / d over the pixels where both are > 0 and the estimate is valid, appended to `out`. */
export function collectRatios(depth: Float32Array, valid: Uint8Array, gt: Float32Array, out: number[]): void {
  for (let i = 0; i < gt.length; i++) {
    const g = gt[i]!;
    const d = depth[i]!;
    if (g > 0 && valid[i] && d > 0) out.push(g / d);
  }
}

/** The q-quantile (0..1) with linear interpolation between order statistics; NaN when empty. Sorts a copy. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return s[lo]! + (pos - lo) * (s[hi]! - s[lo]!);
}

/**
 * The edge band of a gt map: non-sky pixels within Chebyshev distance `radius` of a discontinuity pixel
 * (either pixel of a 4-neighbour pair with depth ratio > `ratio`, or of a sky / non-sky pair).
 */
export function discontinuityBand(
  gt: Float32Array,
  width: number,
  height: number,
  ratio = 1.15,
  radius = 2,
): Uint8Array {
  const disc = new Uint8Array(width * height);
  const step = (a: number, b: number) => {
    const ga = gt[a]!;
    const gb = gt[b]!;
    const skyA = !(ga > 0);
    const skyB = !(gb > 0);
    if (skyA && skyB) return;
    if (skyA !== skyB || Math.max(ga, gb) > ratio * Math.min(ga, gb)) {
      if (!skyA) disc[a] = 1;
      if (!skyB) disc[b] = 1;
    }
  };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x + 1 < width) step(i, i + 1);
      if (y + 1 < height) step(i, i + width);
    }
  const band = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (!disc[y * width + x]) continue;
      for (let yy = Math.max(0, y - radius); yy <= Math.min(height - 1, y + radius); yy++)
        for (let xx = Math.max(0, x - radius); xx <= Math.min(width - 1, x + radius); xx++) {
          const j = yy * width + xx;
          if (gt[j]! > 0) band[j] = 1;
        }
    }
  return band;
}

export interface SkyInfinityCounts {
  /** Estimate pixels whose gt pixel is sky, and of those the ones marked infinity. */
  skyPixels: number;
  skyInfinity: number;
  /** Estimate pixels whose gt pixel is not sky, and of those the ones marked infinity (wrongly). */
  nonSkyPixels: number;
  falseInfinity: number;
}

/** Counts at the estimate's grid (W = k·gtW): state byte's low 2 bits = 3 means infinity. */
export function skyInfinity(
  state: Uint8Array,
  width: number,
  height: number,
  gt: Float32Array,
  gtWidth: number,
  gtHeight: number,
): SkyInfinityCounts {
  const k = gridFactor(width, height, gtWidth, gtHeight);
  const out: SkyInfinityCounts = { skyPixels: 0, skyInfinity: 0, nonSkyPixels: 0, falseInfinity: 0 };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const g = gt[Math.floor(y / k) * gtWidth + Math.floor(x / k)]!;
      const inf = (state[y * width + x]! & 3) === INFINITY_STATE;
      if (g > 0) {
        out.nonSkyPixels++;
        if (inf) out.falseInfinity++;
      } else {
        out.skyPixels++;
        if (inf) out.skyInfinity++;
      }
    }
  return out;
}

/** One frame's depth on some grid with the camera (intrinsics in pixels of that grid) it is seen through. */
export interface DepthView {
  width: number;
  height: number;
  depth: Float32Array;
  /** null: depth > 0 is valid. */
  valid: Uint8Array | null;
  camera: Camera;
}

/** Maps (pixel of a, depth in a) → (u, v, z) in b: pinhole, no distortion. */
function relativeProjector(
  a: Camera,
  b: Camera,
): (u: number, v: number, d: number, out: Float64Array) => void {
  const Ra = quatToMat3(a.q);
  const Rb = quatToMat3(b.q);
  // M = Rbᵀ Ra, t = Rbᵀ (Ca − Cb)
  const M = new Float64Array(9);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++)
      M[3 * r + c] = Rb[r]! * Ra[c]! + Rb[3 + r]! * Ra[3 + c]! + Rb[6 + r]! * Ra[6 + c]!;
  const dC = [a.C[0] - b.C[0], a.C[1] - b.C[1], a.C[2] - b.C[2]] as const;
  const t = [0, 1, 2].map((r) => Rb[r]! * dC[0] + Rb[3 + r]! * dC[1] + Rb[6 + r]! * dC[2]) as [
    number,
    number,
    number,
  ];
  const ka = a.intrinsics;
  const kb = b.intrinsics;
  return (u, v, d, out) => {
    const x = ((u - ka.cx) / ka.fx) * d;
    const y = ((v - ka.cy) / ka.fy) * d;
    const X = M[0]! * x + M[1]! * y + M[2]! * d + t[0];
    const Y = M[3]! * x + M[4]! * y + M[5]! * d + t[1];
    const Z = M[6]! * x + M[7]! * y + M[8]! * d + t[2];
    out[2] = Z;
    out[0] = Z > 0 ? (kb.fx * X) / Z + kb.cx : NaN;
    out[1] = Z > 0 ? (kb.fy * Y) / Z + kb.cy : NaN;
  };
}

export interface TemporalCounts {
  /** Gt pixels of frame i mutually visible in frame i+1 by the gt test. */
  mutual: number;
  /** Of those, the ones where both estimates are valid (see the header). */
  covered: number;
  /** |z_proj − d_{i+1}| / d_{i+1} of each covered pixel. */
  errors: Float64Array;
}

/**
 * Temporal consistency of frame i's estimate against frame i+1's (definition in the header). All four views
 * on the same grid; gt views' valid is ignored (gt > 0 is valid). `gtTol`: the mutual-visibility agreement
 * (1 %); `smoothTol`: the smooth-sampling tolerance (5 %).
 */
export function temporalConsistency(
  estI: DepthView,
  estJ: DepthView,
  gtI: DepthView,
  gtJ: DepthView,
  gtTol = 0.01,
  smoothTol = 0.05,
): TemporalCounts {
  const W = gtI.width;
  const H = gtI.height;
  for (const v of [estI, estJ, gtJ])
    if (v.width !== W || v.height !== H) throw new RangeError('temporalConsistency: maps on different grids');
  const gtProj = relativeProjector(gtI.camera, gtJ.camera);
  const estProj = relativeProjector(estI.camera, estJ.camera);
  const o = new Float64Array(3);
  const errors: number[] = [];
  let mutual = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const g = gtI.depth[p]!;
      if (!(g > 0)) continue;
      gtProj(x + 0.5, y + 0.5, g, o);
      if (!(o[2]! > 0)) continue;
      const gj = sampleDepth(gtJ.depth, null, W, H, o[0]!, o[1]!, smoothTol, true);
      if (!(gj > 0) || Math.abs(o[2]! - gj) > gtTol * gj) continue;
      mutual++;
      const d = estI.depth[p]!;
      if ((estI.valid && !estI.valid[p]) || !(d > 0)) continue;
      estProj(x + 0.5, y + 0.5, d, o);
      if (!(o[2]! > 0)) continue;
      const dj = sampleDepth(estJ.depth, estJ.valid, W, H, o[0]!, o[1]!, smoothTol, true);
      if (!(dj > 0)) continue;
      errors.push(Math.abs(o[2]! - dj) / dj);
    }
  return { mutual, covered: errors.length, errors: Float64Array.from(errors) };
}
