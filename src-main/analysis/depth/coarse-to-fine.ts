/**
 * Coarse-to-fine multi-view stereo: the plane sweep of plane-sweep.ts run only on a small pyramid level,
 * then refined level by level up to the full grid with a handful of per-pixel hypotheses instead of
 * every plane again. Costs per pixel at the full grid ≈ 7 hypotheses × 2 views instead of 64 planes × 6
 * views, which is what makes 640-pixel depth affordable on a laptop CPU (docs/BENCHMARKS.md, "Dense depth").
 *
 * 1. Pyramid: 2×2 box averages (exactly the image through K/2, see image.ts) down to a coarse level whose
 *    long side is ≤ `coarseLongSide` (160 for a 640-pixel frame).
 * 2. Coarse level: a fronto-parallel plane sweep over inverse depth ρ ∈ [0, 1/minDepth], uniform in ρ (so
 *    uniform in image motion), the plane ρ = 0 being infinity; all given views, mean of the best half,
 *    guided cost filtering, winner-take-all with parabola sub-plane refinement.
 * 3. Each finer level: every pixel starts from its parent's ρ. Hypotheses are *surfaces*, not planes: a
 *    per-pixel ρ map warps each view (so a window straddling a depth edge warps each side by its own
 *    depth), scored by the same box-filtered NCC. First the parent's map and that map shifted by two
 *    pixels left/right/up/down (PatchMatch-style propagation: a pixel whose parent lay across a depth
 *    edge takes its neighbour's surface), then the winner ± k steps of half the previous level's step,
 *    with a parabola through the best three.
 * 4. Validity as in plane-sweep.ts (textured, matched, minimum inside the range); a textured, matched
 *    pixel whose parallax against infinity is under INFINITY_PARALLAX_PX is at **infinity**: the views
 *    agree on it with no measurable parallax (sky texture, far background).
 *
 * Nothing holds a cost volume: each hypothesis is scored and folded into the running best.
 */
import { scaleIntrinsics, type Camera } from '../../../src-shared/geometry';
import { sweepGeometry, type SweepGeometry } from './homography';
import { stereoKernels, WasmScorer } from './stereo-kernels';
import { downsample2x, type FloatImage } from './image';
import { NO_MEASUREMENT_COST, parabolaMinimum, parabolaOffset } from './ncc';
import {
  PlaneWinner,
  computeParallax,
  warpSurface,
  guideStats,
  guidedFilterInPlace,
  nccCost,
  refStats,
  SweepBuffers,
  type PlaneSweepResult,
  type StereoView,
} from './plane-sweep';

export interface CoarseToFineOptions {
  /** Nearest planar depth to sweep (the cameras' gauge); the far end is always infinity. */
  minDepth: number;
  /** Long side of the coarsest level (default 160). */
  coarseLongSide?: number;
  /** Planes of the coarse sweep (default: enough for ≤ 2 px of image motion per plane, 16..48). */
  coarsePlanes?: number;
  /** Views used on the coarse level (the first N of `neighbours`, default 3). */
  coarseViews?: number;
  /** Views used on the intermediate levels (default 3) and on the full grid (default 2). */
  midViews?: number;
  fineViews?: number;
  /**
   * NCC window radius on the coarse level (default 3), the intermediate ones (default 5) and the full
   * grid (default 9: about the 9×9 window at half size that stereo used before, so as much of the frame
   * counts as textured).
   */
  coarseWindowRadius?: number;
  windowRadius?: number;
  fineWindowRadius?: number;
  /** Try the neighbours' surfaces (propagation) on the full grid too (default false: below it only). */
  fineShifts?: boolean;
  /** Image motion per coarse plane, in coarse pixels, for the widest view (default 2). */
  coarsePixelsPerPlane?: number;
  /** Refinement steps each side of the winning surface (default 2 below the full grid, 1 on it). */
  refineSteps?: number;
  fineRefineSteps?: number;
  /** Reference windows with a standard deviation below this (image units, 0..1) are "no texture". */
  minTextureStd?: number;
  /** Best aggregated cost above this is not a match (default 0.6, i.e. NCC < 0.4). */
  maxCost?: number;
  /**
   * Which kernels score the hypotheses (default 'wasm': native/stereo/kernels.ts, WebAssembly SIMD;
   * 'typescript': the reference functions of plane-sweep.ts). The results are the same bit for bit.
   */
  kernels?: 'wasm' | 'typescript';
  signal?: AbortSignal;
}

export interface CoarseToFineResult extends PlaneSweepResult {
  /** Inverse depth per pixel (0 = infinity). */
  rho: Float32Array;
  /** 1 where textured, matched and without measurable parallax: a direction at infinity, not a depth. */
  infinity: Uint8Array;
  /** Pyramid sizes, coarse first, the ρ step of each level and the milliseconds it took. */
  levels: { width: number; height: number; step: number; ms: number }[];
}

/**
 * A matched pixel whose parallax against infinity (its image motion between the views, relative to a
 * point at infinity) is below this many pixels is at infinity: no measurement could tell its depth from
 * infinite (twice the precision a match locates a point to).
 */
export const INFINITY_PARALLAX_PX = 0.5;
/** Stand-in depth for ρ = 0 when computing the views' image motion per unit ρ. */
const FAR = 1e12;

interface Level {
  ref: StereoView;
  views: StereoView[];
}

function scaledView(v: StereoView, image: FloatImage): StereoView {
  const s = image.width / v.image.width;
  const sy = image.height / v.image.height;
  const k = v.camera.intrinsics;
  // box averaging drops an odd last row/column: the kept area is exactly K scaled by 1/2
  const intrinsics = { ...scaleIntrinsics(k, 0.5), width: image.width, height: image.height };
  if (Math.abs(s - 0.5) > 0.01 || Math.abs(sy - 0.5) > 0.01) throw new RangeError('pyramid: not a 2× level');
  const camera: Camera = { ...v.camera, intrinsics };
  return { image, camera };
}

function pyramid(ref: StereoView, views: readonly StereoView[], longSide: number): Level[] {
  const levels: Level[] = [{ ref, views: [...views] }];
  for (;;) {
    const top = levels[0]!;
    const { width, height } = top.ref.image;
    if (Math.max(width, height) <= longSide || Math.min(width, height) < 16) break;
    levels.unshift({
      ref: scaledView(top.ref, downsample2x(top.ref.image)),
      views: top.views.map((v) => scaledView(v, downsample2x(v.image))),
    });
  }
  return levels;
}

/** Image motion (px) per unit ρ of a view pair at the image centre: how finely ρ must be sampled. */
function motionPerRho(g: SweepGeometry, W: number, H: number): number {
  const u = W / 2;
  const v = H / 2;
  const A = g.A;
  const q0 = A[0]! * u + A[1]! * v + A[2]!;
  const q1 = A[3]! * u + A[4]! * v + A[5]!;
  const q2 = A[6]! * u + A[7]! * v + A[8]!;
  const dx = (g.b[0]! * q2 - q0 * g.b[2]!) / (q2 * q2);
  const dy = (g.b[1]! * q2 - q1 * g.b[2]!) / (q2 * q2);
  return Math.hypot(dx, dy);
}

/** Scores one hypothesis surface for every view and aggregates (best-k mean) into `agg`. */
class Scorer {
  private readonly costs: Float32Array[];
  private readonly geoms: SweepGeometry[];
  private readonly st;
  private readonly wasm: WasmScorer | null;
  readonly buf: SweepBuffers;
  constructor(
    readonly level: Level,
    private readonly r: number,
    minStd: number,
    private readonly k: number,
    kernels: 'wasm' | 'typescript',
  ) {
    const { width: W, height: H } = level.ref.image;
    this.buf = new SweepBuffers(W, H);
    this.geoms = level.views.map((v) => sweepGeometry(level.ref.camera, v.camera));
    this.st = refStats(level.ref.image, r, minStd, this.buf);
    const wasm = kernels === 'wasm' ? stereoKernels() : null;
    this.wasm = wasm
      ? new WasmScorer(
          wasm,
          level.ref.image,
          level.views.map((v, j) => ({ image: v.image, geometry: this.geoms[j]! })),
          this.st,
          r,
          k,
        )
      : null;
    this.costs = this.wasm ? [] : level.views.map(() => new Float32Array(W * H));
  }
  get textured(): Uint8Array {
    return this.st.textured;
  }
  get geometries(): SweepGeometry[] {
    return this.geoms;
  }
  score(rho: Float32Array, delta: number, agg: Float32Array): void {
    if (this.wasm) {
      this.wasm.score(rho, delta, agg);
      return;
    }
    const { width: W, height: H } = this.level.ref.image;
    for (let j = 0; j < this.level.views.length; j++) {
      warpSurface(
        this.level.views[j]!.image,
        this.geoms[j]!,
        rho,
        delta,
        W,
        H,
        this.buf.warped,
        this.buf.mask,
      );
      nccCost(this.level.ref.image, this.st, this.r, this.buf, this.costs[j]!);
    }
    aggregateSeen(this.costs, this.k, agg);
  }
}

/**
 * agg[p] = mean of the k lowest costs among the views that measured p. A view whose window leaves its
 * frame (or is flat) gives NO_MEASUREMENT_COST: it did not see the pixel, so it is left out rather than
 * counted as a mismatch — near the frame's edges of a push-in only the views from behind see at all.
 * With no view measuring, NO_MEASUREMENT_COST.
 */
export function aggregateSeen(costs: readonly Float32Array[], k: number, agg: Float32Array): void {
  const N = costs.length;
  const n = agg.length;
  const best = new Float64Array(N);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < N; j++) {
      const c = costs[j]![i]!;
      if (c === NO_MEASUREMENT_COST) continue;
      // insertion into the sorted list of the seen costs
      let t = m++;
      while (t > 0 && best[t - 1]! > c) {
        best[t] = best[t - 1]!;
        t--;
      }
      best[t] = c;
    }
    if (m === 0) {
      agg[i] = NO_MEASUREMENT_COST;
      continue;
    }
    const kk = m < k ? m : k;
    let s = 0;
    for (let t = 0; t < kk; t++) s += best[t]!;
    agg[i] = s / kk;
  }
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

/** The coarse sweep: per pixel the best ρ (sub-plane), its cost; planes uniform in ρ from 0 (infinity). */
function coarseSweep(
  level: Level,
  rhoMax: number,
  planes: number,
  r: number,
  minStd: number,
  kernels: 'wasm' | 'typescript',
  signal: AbortSignal | undefined,
): { rho: Float32Array; cost: Float32Array; step: number } {
  const { width: W, height: H } = level.ref.image;
  const n = W * H;
  const k = Math.max(1, Math.ceil(level.views.length / 2));
  const scorer = new Scorer(level, r, minStd, k, kernels);
  const buf = scorer.buf;
  const gs = guideStats(level.ref.image, 2, 1e-3, buf);
  const step = rhoMax / (planes - 1);
  const surface = new Float32Array(n);
  const agg = new Float32Array(n);
  const winner = new PlaneWinner(n);
  const { best, bestIdx, left, right } = winner;
  for (let d = 0; d < planes; d++) {
    checkAbort(signal);
    scorer.score(surface, d * step, agg);
    guidedFilterInPlace(level.ref.image, gs, agg, buf);
    winner.fold(agg, d);
  }
  const rho = new Float32Array(n);
  const cost = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const b = bestIdx[i]!;
    let q = b * step;
    let c = best[i]!;
    if (b > 0 && b < planes - 1) {
      const c0 = left[i]!;
      const c2 = right[i]!;
      q += parabolaOffset(c0, c, c2) * step;
      c = parabolaMinimum(c0, c, c2);
    }
    rho[i] = q;
    cost[i] = c;
  }
  return { rho, cost, step };
}

/** ρ of the parent pixel (x>>1, y>>1) for every pixel of a W×H level. */
function upsampleParent(rho: Float32Array, w: number, h: number, W: number, H: number): Float32Array {
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const py = Math.min(h - 1, y >> 1);
    for (let x = 0; x < W; x++) out[y * W + x] = rho[py * w + Math.min(w - 1, x >> 1)]!;
  }
  return out;
}

/** `rho` shifted by (dx, dy) pixels (clamped at the border): pixel p takes the surface of p − (dx, dy). */
function shifted(
  rho: Float32Array,
  W: number,
  H: number,
  dx: number,
  dy: number,
  out: Float32Array,
): Float32Array {
  for (let y = 0; y < H; y++) {
    const sy = Math.min(H - 1, Math.max(0, y - dy));
    for (let x = 0; x < W; x++) out[y * W + x] = rho[sy * W + Math.min(W - 1, Math.max(0, x - dx))]!;
  }
  return out;
}

/** One refinement level: propagation among the parent surfaces, then ± steps around the winner. */
function refineLevel(
  level: Level,
  base: Float32Array,
  step: number,
  steps: number,
  r: number,
  minStd: number,
  rhoMax: number,
  shifts: boolean,
  kernels: 'wasm' | 'typescript',
  signal: AbortSignal | undefined,
): { rho: Float32Array; cost: Float32Array; scorer: Scorer } {
  const { width: W, height: H } = level.ref.image;
  const n = W * H;
  const k = Math.max(1, Math.ceil(level.views.length / 2));
  const scorer = new Scorer(level, r, minStd, k, kernels);
  const agg = new Float32Array(n);
  const best = new Float32Array(n).fill(Infinity);
  const win = base.slice();
  const cand = new Float32Array(n);
  // 1. propagation: the parent's surface or a neighbour's (2 px away)
  const moves = shifts
    ? ([
        [0, 0],
        [2, 0],
        [-2, 0],
        [0, 2],
        [0, -2],
      ] as const)
    : ([[0, 0]] as const);
  for (const [dx, dy] of moves) {
    checkAbort(signal);
    const hyp = dx === 0 && dy === 0 ? base : shifted(base, W, H, dx, dy, cand);
    scorer.score(hyp, 0, agg);
    for (let i = 0; i < n; i++) {
      if (agg[i]! < best[i]!) {
        best[i] = agg[i]!;
        win[i] = hyp[i]!;
      }
    }
  }
  // 2. ± steps around the winning surface; keep the costs next to the best for the parabola
  const bestOff = new Int8Array(n);
  const costAt = Array.from({ length: 2 * steps + 1 }, () => new Float32Array(n));
  costAt[steps]!.set(best);
  for (let o = -steps; o <= steps; o++) {
    if (o === 0) continue;
    checkAbort(signal);
    scorer.score(win, o * step, costAt[o + steps]!);
    const c = costAt[o + steps]!;
    for (let i = 0; i < n; i++) {
      if (c[i]! < best[i]!) {
        best[i] = c[i]!;
        bestOff[i] = o;
      }
    }
  }
  const rho = new Float32Array(n);
  const cost = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const o = bestOff[i]!;
    let q = win[i]! + o * step;
    let c = best[i]!;
    if (o > -steps && o < steps) {
      const c0 = costAt[o - 1 + steps]![i]!;
      const c2 = costAt[o + 1 + steps]![i]!;
      q += parabolaOffset(c0, c, c2) * step;
      c = parabolaMinimum(c0, c, c2);
    }
    rho[i] = q < 0 ? 0 : q > rhoMax ? rhoMax : q;
    cost[i] = c;
  }
  return { rho, cost, scorer };
}

/** Depth of `ref` against `neighbours` (best first: the coarse level uses the first few, the full grid the first two). */
export function coarseToFineSweep(
  ref: StereoView,
  neighbours: readonly StereoView[],
  options: CoarseToFineOptions,
): CoarseToFineResult {
  if (neighbours.length === 0) throw new RangeError('coarseToFineSweep: no neighbouring views');
  if (!(options.minDepth > 0)) throw new RangeError(`coarseToFineSweep: minDepth ${options.minDepth}`);
  for (const v of [ref, ...neighbours]) {
    if (v.image.data.length !== v.image.width * v.image.height)
      throw new RangeError('coarseToFineSweep: image size mismatch');
    if (v.image.width !== ref.image.width || v.image.height !== ref.image.height)
      throw new RangeError('coarseToFineSweep: views of different sizes');
  }
  const minStd = options.minTextureStd ?? 0.004;
  const maxCost = options.maxCost ?? 0.6;
  const signal = options.signal;
  const rhoMax = 1 / options.minDepth;
  const nCoarse = Math.min(neighbours.length, options.coarseViews ?? 3);
  const nMid = Math.min(neighbours.length, options.midViews ?? 3);
  const nFine = Math.min(neighbours.length, options.fineViews ?? 2);
  const all = pyramid(ref, neighbours.slice(0, nCoarse), options.coarseLongSide ?? 160);
  const L = all.length;
  const levelViews = (l: number): Level => ({
    ref: all[l]!.ref,
    views: all[l]!.views.slice(0, l === L - 1 ? nFine : l === 0 ? nCoarse : nMid),
  });
  // coarse planes: ≤ 2 px of motion per plane for the widest view (the next level searches ± one
  // plane around the winner), within 16..48
  const c0 = levelViews(0);
  const { width: cw, height: ch } = c0.ref.image;
  const motion = Math.max(
    ...c0.views.map((v) => motionPerRho(sweepGeometry(c0.ref.camera, v.camera), cw, ch)),
  );
  const planes =
    options.coarsePlanes ??
    Math.max(16, Math.min(48, Math.ceil((motion * rhoMax) / (options.coarsePixelsPerPlane ?? 2)) + 1));
  let t0 = performance.now();
  const kernels = options.kernels ?? 'wasm';
  const coarse = coarseSweep(c0, rhoMax, planes, options.coarseWindowRadius ?? 3, minStd, kernels, signal);
  const sizes = [{ width: cw, height: ch, step: coarse.step, ms: performance.now() - t0 }];
  let rho = coarse.rho;
  let cost = coarse.cost;
  let step = coarse.step;
  let w = cw;
  let h = ch;
  let scorer: Scorer | null = null;
  for (let l = 1; l < L; l++) {
    const lv = levelViews(l);
    const { width: W, height: H } = lv.ref.image;
    step /= 2;
    const fine = l === L - 1;
    t0 = performance.now();
    const r = refineLevel(
      lv,
      upsampleParent(rho, w, h, W, H),
      step,
      fine ? (options.fineRefineSteps ?? 1) : (options.refineSteps ?? 2),
      fine ? (options.fineWindowRadius ?? 9) : (options.windowRadius ?? 5),
      minStd,
      rhoMax,
      !fine || (options.fineShifts ?? false),
      kernels,
      signal,
    );
    rho = r.rho;
    cost = r.cost;
    scorer = r.scorer;
    w = W;
    h = H;
    sizes.push({ width: W, height: H, step, ms: performance.now() - t0 });
  }
  // a single-level pyramid (a tiny frame): the coarse sweep is the result
  const textured = scorer
    ? scorer.textured
    : refStats(ref.image, options.coarseWindowRadius ?? 3, minStd, new SweepBuffers(w, h)).textured;
  const geoms = scorer ? scorer.geometries : c0.views.map((v) => sweepGeometry(ref.camera, v.camera));
  const n = w * h;
  const depth = new Float32Array(n);
  const confidence = new Float32Array(n);
  const valid = new Uint8Array(n);
  const infinity = new Uint8Array(n);
  const nearEnd = rhoMax - 0.5 * sizes[0]!.step;
  // image motion per unit ρ at each pixel's estimate (a point at infinity: at ρ = 0)
  for (let i = 0; i < n; i++) depth[i] = rho[i]! > 0 ? 1 / rho[i]! : FAR;
  const parallax = computeParallax(w, h, depth, geoms, new Float32Array(n));
  for (let i = 0; i < n; i++) {
    const q = rho[i]!;
    if (!(q > 0)) depth[i] = 0;
    const matched = textured[i] === 1 && cost[i]! <= maxCost;
    if (!matched) continue;
    // no parallax to tell from infinity: less than INFINITY_PARALLAX_PX of image motion in any view
    if (q * parallax[i]! < INFINITY_PARALLAX_PX) infinity[i] = 1;
    else if (q < nearEnd) {
      valid[i] = 1;
      confidence[i] = Math.max(0, Math.min(1, 1 - cost[i]!));
    }
  }
  const planesRho = new Float64Array(planes);
  for (let d = 0; d < planes; d++) planesRho[d] = d * sizes[0]!.step;
  return {
    width: w,
    height: h,
    depth,
    rho,
    cost,
    confidence,
    valid,
    infinity,
    parallax,
    planes: planesRho,
    textured,
    levels: sizes,
  };
}
