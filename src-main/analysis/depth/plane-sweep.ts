/**
 * Multi-view plane-sweep stereo (the no-model depth path). For one reference frame and a few neighbouring
 * frames with known cameras:
 *
 * 1. D fronto-parallel planes in the reference camera, uniform in inverse depth between 1/maxDepth and
 *    1/minDepth (uniform in ρ ≈ uniform in image disparity).
 * 2. For each plane and neighbour: warp the neighbour into the reference grid through the plane homography
 *    (affine in ρ, see homography.ts), then NCC over (2r+1)² windows from box sums (running sums: O(1) per
 *    pixel whatever the window). Cost = 1 − NCC; a window that leaves the neighbour's frame gives no
 *    measurement (cost 1 = uncorrelated).
 * 3. Visibility-aware aggregation: the mean of the k best neighbour costs (occluded or out-of-frame views
 *    drop out instead of spoiling the match).
 * 4. Optional edge-aware cost filtering of each plane's aggregated cost (guided filter, guide = reference).
 * 5. Winner-take-all over planes, streamed (no cost volume is kept), then parabola subpixel refinement in ρ.
 *
 * Output: planar z-depth (the cameras' gauge), the winning cost, a photometric confidence and validity
 * (textured, well-matched, not at the ends of the sweep) and the parallax per unit inverse depth (pixels
 * per 1/m) that tells how well depth is constrained by the baselines at each pixel.
 */
import type { Camera } from '../../../src-shared/geometry';
import { boxCount, boxMean, boxSum } from './box-filter';
import { sweepGeometry, type SweepGeometry } from './homography';
import type { FloatImage } from './image';
import { NO_MEASUREMENT_COST, parabolaMinimum, parabolaOffset } from './ncc';

export interface StereoView {
  image: FloatImage;
  /** Camera with intrinsics in pixels of `image` (pinhole, no distortion). */
  camera: Camera;
}

export interface PlaneSweepOptions {
  /** Nearest and farthest planar depth swept (the cameras' gauge). */
  minDepth: number;
  maxDepth: number;
  /** Number of planes D (default 64). */
  planes?: number;
  /** NCC window radius r: (2r+1)² windows (default 4 → 9×9). */
  windowRadius?: number;
  /** Aggregate the mean of the k lowest neighbour costs (default ⌈N/2⌉). */
  bestK?: number;
  /** Edge-aware filtering of each plane's aggregated cost (default 'guided'). */
  costFilter?: 'none' | 'guided';
  guidedRadius?: number;
  guidedEps?: number;
  /** Reference windows with a standard deviation below this (image units, 0..1) are "no texture". */
  minTextureStd?: number;
  /** Best aggregated cost above this is not a match (default 0.6, i.e. NCC < 0.4). */
  maxCost?: number;
  signal?: AbortSignal;
}

export interface PlaneSweepResult {
  width: number;
  height: number;
  /** Planar z-depth; 0 where the pixel has no estimate at all. */
  depth: Float32Array;
  /** Winning aggregated cost (1 − NCC), subpixel-interpolated. */
  cost: Float32Array;
  /** Photometric confidence in 0..1: (1 − cost), 0 where invalid. */
  confidence: Float32Array;
  /** 1 where textured, matched (cost ≤ maxCost) and the minimum is inside the sweep. */
  valid: Uint8Array;
  /** Largest image motion per unit inverse depth over the neighbours at the estimate (px per 1/unit). */
  parallax: Float32Array;
  /** Inverse depths of the planes swept. */
  planes: Float64Array;
  /** 1 where the reference window has texture (std ≥ minTextureStd). */
  textured: Uint8Array;
}

export const DEFAULT_PLANES = 64;
export const DEFAULT_WINDOW_RADIUS = 4;

/** Reusable per-size buffers, so a worker can sweep frame after frame without allocating. */
export class SweepBuffers {
  readonly n: number;
  readonly warped: Float32Array;
  readonly mask: Float32Array;
  readonly tmp: Float32Array;
  readonly agg: Float32Array;
  readonly f1: Float32Array;
  readonly f2: Float32Array;
  readonly f3: Float32Array;
  /** Column sums of the NCC windows (nccCost): W, W², I·W and the mask. */
  readonly colW: Float64Array;
  readonly colWW: Float64Array;
  readonly colIW: Float64Array;
  readonly colM: Float64Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    const n = width * height;
    this.n = n;
    const mk = () => new Float32Array(n);
    this.warped = mk();
    this.mask = mk();
    this.tmp = mk();
    this.agg = mk();
    this.f1 = mk();
    this.f2 = mk();
    this.f3 = mk();
    this.colW = new Float64Array(width);
    this.colWW = new Float64Array(width);
    this.colIW = new Float64Array(width);
    this.colM = new Float64Array(width);
  }
}

/** Inverse depths of D planes, uniform between 1/maxDepth and 1/minDepth (ascending). */
export function sweepPlanes(minDepth: number, maxDepth: number, planes: number): Float64Array {
  if (!(minDepth > 0 && maxDepth > minDepth))
    throw new RangeError(`sweep range: need 0 < minDepth < maxDepth, got ${minDepth}, ${maxDepth}`);
  if (!(planes >= 3)) throw new RangeError('sweep: at least 3 planes');
  const lo = 1 / maxDepth;
  const hi = 1 / minDepth;
  const out = new Float64Array(planes);
  for (let k = 0; k < planes; k++) out[k] = lo + ((hi - lo) * k) / (planes - 1);
  return out;
}

/**
 * Warps neighbour image `src` through plane ρ of geometry `g` into the reference grid (W×H).
 * mask = 1 where the sample is inside the neighbour frame and in front of it.
 */
export function warpPlane(
  src: FloatImage,
  g: SweepGeometry,
  rho: number,
  width: number,
  height: number,
  out: Float32Array,
  mask: Float32Array,
): void {
  warpSurface(src, g, null, rho, width, height, out, mask);
}

/**
 * Warps `src` into the reference grid through a per-pixel inverse depth surface ρ(p) + delta (ρ null: the
 * plane ρ = delta): the sample for pixel p is at (A p + (ρ(p) + delta) b) projected. mask = 1 where
 * inside the view and in front.
 */
export function warpSurface(
  src: FloatImage,
  g: SweepGeometry,
  rho: Float32Array | null,
  delta: number,
  width: number,
  height: number,
  out: Float32Array,
  mask: Float32Array,
): void {
  const A = g.A;
  const a0 = A[0]!,
    a1 = A[1]!,
    a2 = A[2]!,
    a3 = A[3]!,
    a4 = A[4]!,
    a5 = A[5]!,
    a6 = A[6]!,
    a7 = A[7]!,
    a8 = A[8]!;
  const b0 = g.b[0]!,
    b1 = g.b[1]!,
    b2 = g.b[2]!;
  const sw = src.width;
  const xmax = sw - 1;
  const ymax = src.height - 1;
  const s = src.data;
  for (let y = 0; y < height; y++) {
    const v = y + 0.5;
    const r0 = a1 * v + a2;
    const r1 = a4 * v + a5;
    const r2 = a7 * v + a8;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const u = x + 0.5;
      const p = row + x;
      const q = rho === null ? delta : rho[p]! + delta;
      const w = a6 * u + r2 + q * b2;
      const iw = 1 / w;
      const fx = (a0 * u + r0 + q * b0) * iw - 0.5;
      const fy = (a3 * u + r1 + q * b1) * iw - 0.5;
      if (!(w > 0 && fx >= 0 && fy >= 0 && fx <= xmax && fy <= ymax)) {
        out[p] = 0;
        mask[p] = 0;
        continue;
      }
      let x0 = fx | 0;
      let y0 = fy | 0;
      if (x0 >= xmax) x0 = xmax - 1;
      if (y0 >= ymax) y0 = ymax - 1;
      const ax = fx - x0;
      const ay = fy - y0;
      const i = y0 * sw + x0;
      const q00 = s[i]!;
      const q10 = s[i + 1]!;
      const q01 = s[i + sw]!;
      const q11 = s[i + sw + 1]!;
      out[p] = q00 + ax * (q10 - q00) + ay * (q01 - q00 + ax * (q00 - q10 - q01 + q11));
      mask[p] = 1;
    }
  }
}

/** Reference-window statistics reused for every plane and neighbour. */
export interface RefStats {
  count: Float32Array;
  sI: Float32Array;
  /** Σ(I − mean)² over the window. */
  varSum: Float32Array;
  textured: Uint8Array;
}

export function refStats(ref: FloatImage, r: number, minStd: number, buf: SweepBuffers): RefStats {
  const { width: W, height: H } = ref;
  const n = W * H;
  const count = boxCount(W, H, r);
  const sI = boxSum(ref.data, W, H, r, new Float32Array(n), buf.tmp);
  const sq = new Float32Array(n);
  for (let i = 0; i < n; i++) sq[i] = ref.data[i]! * ref.data[i]!;
  const sII = boxSum(sq, W, H, r, new Float32Array(n), buf.tmp);
  const varSum = new Float32Array(n);
  const textured = new Uint8Array(n);
  const minVar = minStd * minStd;
  for (let i = 0; i < n; i++) {
    const c = count[i]!;
    const v = sII[i]! - (sI[i]! * sI[i]!) / c;
    varSum[i] = v > 0 ? v : 0;
    textured[i] = v > minVar * c ? 1 : 0;
  }
  return { count, sI, varSum, textured };
}

/**
 * 1 − NCC between the reference windows and the warped neighbour (in buf.warped/buf.mask) → cost.
 * Windows not entirely inside the neighbour's frame, or flat on either side, get NO_MEASUREMENT_COST.
 *
 * Column sums first: per column, the running sums of W, W², I·W and the mask over the window's rows (in
 * f64, one row added and one dropped per output row), then per row a running sum across the window's
 * columns. native/stereo/kernels.ts nccCost is the same computation in WebAssembly, bit for bit.
 */
export function nccCost(
  ref: FloatImage,
  st: RefStats,
  r: number,
  buf: SweepBuffers,
  cost: Float32Array,
): void {
  const { width: W, height: H } = ref;
  const I = ref.data;
  const w = buf.warped;
  const m = buf.mask;
  const cW = buf.colW;
  const cWW = buf.colWW;
  const cIW = buf.colIW;
  const cM = buf.colM;
  cW.fill(0);
  cWW.fill(0);
  cIW.fill(0);
  cM.fill(0);
  const columnSums = (y: number, sign: 1 | -1) => {
    const row = y * W;
    for (let x = 0; x < W; x++) {
      const v = w[row + x]!;
      if (sign > 0) {
        cW[x] = cW[x]! + v;
        cWW[x] = cWW[x]! + v * v;
        cIW[x] = cIW[x]! + v * I[row + x]!;
        cM[x] = cM[x]! + m[row + x]!;
      } else {
        cW[x] = cW[x]! - v;
        cWW[x] = cWW[x]! - v * v;
        cIW[x] = cIW[x]! - v * I[row + x]!;
        cM[x] = cM[x]! - m[row + x]!;
      }
    }
  };
  const firstY = Math.min(r, H - 1);
  for (let y = 0; y <= firstY; y++) columnSums(y, 1);
  const { count, sI, varSum, textured } = st;
  const first = Math.min(r, W - 1);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    let aW = 0,
      aWW = 0,
      aIW = 0,
      aM = 0;
    for (let x = 0; x <= first; x++) {
      aW += cW[x]!;
      aWW += cWW[x]!;
      aIW += cIW[x]!;
      aM += cM[x]!;
    }
    for (let x = 0; x < W; x++) {
      const i = row + x;
      const c = count[i]!;
      if (textured[i] === 0 || aM < c - 0.5) cost[i] = NO_MEASUREMENT_COST;
      else {
        const vw = aWW - (aW * aW) / c;
        if (!(vw > 1e-7 * c)) cost[i] = NO_MEASUREMENT_COST;
        else {
          let z = (aIW - (sI[i]! * aW) / c) / Math.sqrt(varSum[i]! * vw);
          if (z > 1) z = 1;
          else if (z < -1) z = -1;
          cost[i] = 1 - z;
        }
      }
      const add = x + r + 1;
      if (add < W) {
        aW += cW[add]!;
        aWW += cWW[add]!;
        aIW += cIW[add]!;
        aM += cM[add]!;
      }
      const sub = x - r;
      if (sub >= 0) {
        aW -= cW[sub]!;
        aWW -= cWW[sub]!;
        aIW -= cIW[sub]!;
        aM -= cM[sub]!;
      }
    }
    if (y + r + 1 < H) columnSums(y + r + 1, 1);
    if (y - r >= 0) columnSums(y - r, -1);
  }
}

/** agg[p] = mean of the k smallest of costs[·][p]. */
export function aggregateBestK(costs: Float32Array[], k: number, agg: Float32Array): void {
  const N = costs.length;
  const n = agg.length;
  const kk = Math.min(k, N);
  if (kk === 1 || kk === N) {
    // the best one, or the mean of all: no sorting
    const c0 = costs[0]!;
    if (kk === 1) {
      agg.set(c0);
      for (let j = 1; j < N; j++) {
        const c = costs[j]!;
        for (let i = 0; i < n; i++) if (c[i]! < agg[i]!) agg[i] = c[i]!;
      }
    } else {
      agg.set(c0);
      for (let j = 1; j < N; j++) {
        const c = costs[j]!;
        for (let i = 0; i < n; i++) agg[i] = agg[i]! + c[i]!;
      }
      const inv = 1 / N;
      for (let i = 0; i < n; i++) agg[i] = agg[i]! * inv;
    }
    return;
  }
  const best = new Float64Array(kk);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < N; j++) {
      const c = costs[j]![i]!;
      // insertion into the sorted list of the kk smallest
      if (m < kk) {
        let t = m++;
        while (t > 0 && best[t - 1]! > c) {
          best[t] = best[t - 1]!;
          t--;
        }
        best[t] = c;
      } else if (c < best[kk - 1]!) {
        let t = kk - 1;
        while (t > 0 && best[t - 1]! > c) {
          best[t] = best[t - 1]!;
          t--;
        }
        best[t] = c;
      }
    }
    let s = 0;
    for (let t = 0; t < kk; t++) s += best[t]!;
    agg[i] = s / kk;
  }
}

/** Guided filter (He et al.) of `p` in place, guide statistics precomputed. */
export interface GuideStats {
  r: number;
  eps: number;
  count: Float32Array;
  meanI: Float32Array;
  varI: Float32Array;
}

export function guideStats(I: FloatImage, r: number, eps: number, buf: SweepBuffers): GuideStats {
  const { width: W, height: H } = I;
  const n = W * H;
  const count = boxCount(W, H, r);
  const meanI = boxMean(I.data, W, H, r, new Float32Array(n), buf.tmp, count);
  const sq = new Float32Array(n);
  for (let i = 0; i < n; i++) sq[i] = I.data[i]! * I.data[i]!;
  const varI = boxMean(sq, W, H, r, new Float32Array(n), buf.tmp, count);
  for (let i = 0; i < n; i++) varI[i] = Math.max(0, varI[i]! - meanI[i]! * meanI[i]!);
  return { r, eps, count, meanI, varI };
}

export function guidedFilterInPlace(I: FloatImage, g: GuideStats, p: Float32Array, buf: SweepBuffers): void {
  const { width: W, height: H } = I;
  const n = W * H;
  const meanP = buf.f1;
  const meanIP = buf.f2;
  const prod = buf.f3;
  for (let i = 0; i < n; i++) prod[i] = I.data[i]! * p[i]!;
  boxMean(p, W, H, g.r, meanP, buf.tmp, g.count);
  boxMean(prod, W, H, g.r, meanIP, buf.tmp, g.count);
  // a → meanIP, b → meanP (in place)
  for (let i = 0; i < n; i++) {
    const a = (meanIP[i]! - g.meanI[i]! * meanP[i]!) / (g.varI[i]! + g.eps);
    meanIP[i] = a;
    meanP[i] = meanP[i]! - a * g.meanI[i]!;
  }
  boxMean(meanIP, W, H, g.r, prod, buf.tmp, g.count);
  boxMean(meanP, W, H, g.r, meanIP, buf.tmp, g.count);
  for (let i = 0; i < n; i++) p[i] = prod[i]! * I.data[i]! + meanIP[i]!;
}

/**
 * Winner-take-all over planes, streamed (no cost volume): per pixel the lowest cost so far, its plane,
 * and the costs of the planes either side of it (for the parabola through the three).
 */
export class PlaneWinner {
  readonly best: Float32Array;
  readonly bestIdx: Int32Array;
  readonly left: Float32Array;
  readonly right: Float32Array;
  private readonly prev: Float32Array;
  constructor(n: number) {
    this.best = new Float32Array(n).fill(Infinity);
    this.bestIdx = new Int32Array(n).fill(-1);
    this.left = new Float32Array(n);
    this.right = new Float32Array(n);
    this.prev = new Float32Array(n);
  }
  /** Folds in plane d's costs (planes in order 0, 1, 2, …). */
  fold(agg: Float32Array, d: number): void {
    const { best, bestIdx, left, right, prev } = this;
    for (let i = 0; i < agg.length; i++) {
      const c = agg[i]!;
      if (bestIdx[i] === d - 1) right[i] = c;
      if (c < best[i]!) {
        best[i] = c;
        bestIdx[i] = d;
        left[i] = d > 0 ? prev[i]! : NaN;
      }
      prev[i] = c;
    }
  }
}

/** Runs the sweep for `ref` against `neighbours`. */
export function planeSweep(
  ref: StereoView,
  neighbours: readonly StereoView[],
  options: PlaneSweepOptions,
  buffers?: SweepBuffers,
): PlaneSweepResult {
  const { width: W, height: H } = ref.image;
  const n = W * H;
  if (neighbours.length === 0) throw new RangeError('planeSweep: no neighbouring views');
  for (const v of [ref, ...neighbours]) {
    if (v.image.data.length !== v.image.width * v.image.height)
      throw new RangeError('planeSweep: image size mismatch');
    if (v.image.width < 2 || v.image.height < 2) throw new RangeError('planeSweep: image too small');
  }
  const D = options.planes ?? DEFAULT_PLANES;
  const r = options.windowRadius ?? DEFAULT_WINDOW_RADIUS;
  const N = neighbours.length;
  const k = Math.max(1, Math.min(N, options.bestK ?? Math.ceil(N / 2)));
  const maxCost = options.maxCost ?? 0.6;
  const buf = buffers && buffers.width === W && buffers.height === H ? buffers : new SweepBuffers(W, H);
  const planes = sweepPlanes(options.minDepth, options.maxDepth, D);
  const geoms = neighbours.map((nb) => sweepGeometry(ref.camera, nb.camera));
  const st = refStats(ref.image, r, options.minTextureStd ?? 0.004, buf);
  const filter = options.costFilter ?? 'guided';
  const gs =
    filter === 'guided'
      ? guideStats(ref.image, options.guidedRadius ?? 4, options.guidedEps ?? 1e-3, buf)
      : undefined;
  const costs = neighbours.map(() => new Float32Array(n));

  const winner = new PlaneWinner(n);
  const { best, bestIdx, left, right } = winner;
  const agg = buf.agg;

  for (let d = 0; d < D; d++) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    const rho = planes[d]!;
    for (let j = 0; j < N; j++) {
      warpPlane(neighbours[j]!.image, geoms[j]!, rho, W, H, buf.warped, buf.mask);
      nccCost(ref.image, st, r, buf, costs[j]!);
    }
    aggregateBestK(costs, k, agg);
    if (gs) guidedFilterInPlace(ref.image, gs, agg, buf);
    winner.fold(agg, d);
  }

  const depth = new Float32Array(n);
  const cost = new Float32Array(n);
  const confidence = new Float32Array(n);
  const valid = new Uint8Array(n);
  const parallax = new Float32Array(n);
  const dRho = planes[1]! - planes[0]!;
  for (let i = 0; i < n; i++) {
    const b = bestIdx[i]!;
    const c1 = best[i]!;
    let rho = planes[b]!;
    const interior = b > 0 && b < D - 1;
    if (interior) {
      const c0 = left[i]!;
      const c2 = right[i]!;
      rho += parabolaOffset(c0, c1, c2) * dRho;
      cost[i] = parabolaMinimum(c0, c1, c2);
    } else cost[i] = c1;
    depth[i] = 1 / rho;
    const ok = interior && st.textured[i] === 1 && cost[i]! <= maxCost;
    valid[i] = ok ? 1 : 0;
    confidence[i] = ok ? Math.max(0, Math.min(1, 1 - cost[i]!)) : 0;
  }
  computeParallax(W, H, depth, geoms, parallax);
  return { width: W, height: H, depth, cost, confidence, valid, parallax, planes, textured: st.textured };
}

/**
 * Image motion per unit inverse depth, |∂x/∂ρ| in pixels, at each pixel's depth: the largest over the
 * neighbours that still see the pixel. Small values mean depth is weakly constrained (near the epipole of
 * a forward move, or far away with short baselines): σ_ρ ≈ σ_px / parallax.
 */
export function computeParallax(
  W: number,
  H: number,
  depth: Float32Array,
  geoms: readonly SweepGeometry[],
  out: Float32Array,
): Float32Array {
  out.fill(0);
  for (const g of geoms) {
    const A = g.A;
    const b0 = g.b[0]!,
      b1 = g.b[1]!,
      b2 = g.b[2]!;
    for (let y = 0; y < H; y++) {
      const v = y + 0.5;
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        const z = depth[p]!;
        if (!(z > 0)) continue;
        const u = x + 0.5;
        const rho = 1 / z;
        const q0 = A[0]! * u + A[1]! * v + A[2]! + rho * b0;
        const q1 = A[3]! * u + A[4]! * v + A[5]! + rho * b1;
        const q2 = A[6]! * u + A[7]! * v + A[8]! + rho * b2;
        if (!(q2 > 0)) continue;
        const px = q0 / q2;
        const py = q1 / q2;
        if (px < 0 || py < 0 || px > W || py > H) continue;
        const dx = (b0 * q2 - q0 * b2) / (q2 * q2);
        const dy = (b1 * q2 - q1 * b2) / (q2 * q2);
        const m = Math.sqrt(dx * dx + dy * dy);
        if (m > out[p]!) out[p] = m;
      }
    }
  }
  return out;
}
