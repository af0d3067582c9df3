/**
 * The model depth path: a monocular network gives affine-invariant inverse depth r(p) per frame (Depth
 * Anything V2 / Video Depth Anything: larger = nearer, unknown scale and shift). With triangulated sparse
 * points projected into the frame as (pixel, planar depth z) samples, the frame's inverse depth in the
 * cameras' gauge is 1/z ≈ s·r + t. We fit (s, t):
 *
 * - residuals are relative: e = (s·r + t − 1/z) · z (≈ relative depth error), so near and far points
 *   count alike;
 * - RANSAC on pairs (s > 0 required) finds the inliers, then IRLS with a Huber loss refines on them;
 * - deterministic (seeded) so a frame always aligns the same way.
 *
 * Then temporal stabilisation (stabiliseAlignments) and conversion to planar depth (alignedDepth).
 */
import type { FloatImage } from './image';
import { sampleBilinear } from './image';
import type { DepthSamples } from './sparse';

export interface ScaleShift {
  scale: number;
  shift: number;
}

export interface AlignmentFit extends ScaleShift {
  /** Samples used and inliers among them. */
  samples: number;
  inliers: number;
  /** RMS relative residual over the inliers. */
  rms: number;
  /** Median |relative residual| over all samples. */
  medianAbsResidual: number;
  ok: boolean;
}

export interface AlignOptions {
  /** RANSAC inlier threshold on |relative residual| (default 0.1). */
  inlierThreshold?: number;
  /** Huber δ for the IRLS refinement, relative residual units (default 0.03). */
  huberDelta?: number;
  iterations?: number;
  irlsIterations?: number;
  seed?: number;
  /** Fewer inlier samples than this: ok = false (default 8). */
  minInliers?: number;
}

/** Model prediction paired with target inverse depth. */
export interface AlignmentSamples {
  /** Model relative inverse depth at the sample pixels. */
  pred: Float64Array;
  /** 1/z of the sparse points. */
  target: Float64Array;
}

/** Pairs the model map with projected sparse points (bilinear on the map; points off the map dropped). */
export function alignmentSamples(pred: FloatImage, samples: DepthSamples): AlignmentSamples {
  const p = new Float64Array(samples.count);
  const t = new Float64Array(samples.count);
  let c = 0;
  for (let k = 0; k < samples.count; k++) {
    const v = sampleBilinear(pred, samples.u[k]!, samples.v[k]!);
    const z = samples.depth[k]!;
    if (!Number.isFinite(v) || !(z > 0)) continue;
    p[c] = v;
    t[c] = 1 / z;
    c++;
  }
  return { pred: p.subarray(0, c), target: t.subarray(0, c) };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Weighted LS of y·w ≈ (s·x + t)·w over the selected indices; null when degenerate. */
function weightedLine(x: Float64Array, y: Float64Array, w: Float64Array): ScaleShift | null {
  let sw = 0,
    sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w[i]!;
    if (!(wi > 0)) continue;
    const xi = x[i]!,
      yi = y[i]!;
    sw += wi;
    sx += wi * xi;
    sy += wi * yi;
    sxx += wi * xi * xi;
    sxy += wi * xi * yi;
  }
  const det = sw * sxx - sx * sx;
  if (!(sw > 0) || !(Math.abs(det) > 1e-18 * Math.max(1, sw * sxx))) return null;
  const scale = (sw * sxy - sx * sy) / det;
  const shift = (sy - scale * sx) / sw;
  return { scale, shift };
}

const relResidual = (s: number, t: number, x: number, y: number): number => (s * x + t - y) / y;

function medianAbs(a: Float64Array): number {
  if (a.length === 0) return NaN;
  const b = Float64Array.from(a, Math.abs).sort();
  return b[b.length >> 1]!;
}

export function fitScaleShift(data: AlignmentSamples, options: AlignOptions = {}): AlignmentFit {
  const { pred: x, target: y } = data;
  const n = x.length;
  const thr = options.inlierThreshold ?? 0.1;
  const delta = options.huberDelta ?? 0.03;
  const minInl = options.minInliers ?? 8;
  const fail: AlignmentFit = {
    scale: NaN,
    shift: NaN,
    samples: n,
    inliers: 0,
    rms: NaN,
    medianAbsResidual: NaN,
    ok: false,
  };
  if (n < 2) return fail;
  const rnd = mulberry32(options.seed ?? 12345);
  const iters = options.iterations ?? 200;
  let bestCount = -1;
  let bestCost = Infinity;
  let best: ScaleShift | null = null;
  for (let it = 0; it < iters; it++) {
    const i = Math.floor(rnd() * n);
    let j = Math.floor(rnd() * (n - 1));
    if (j >= i) j++;
    const dx = x[i]! - x[j]!;
    if (Math.abs(dx) < 1e-12) continue;
    const s = (y[i]! - y[j]!) / dx;
    if (!(s > 0)) continue;
    const t = y[i]! - s * x[i]!;
    let count = 0;
    let cost = 0;
    for (let k = 0; k < n; k++) {
      const e = Math.abs(relResidual(s, t, x[k]!, y[k]!));
      if (e < thr) {
        count++;
        cost += e;
      }
    }
    if (count > bestCount || (count === bestCount && cost < bestCost)) {
      bestCount = count;
      bestCost = cost;
      best = { scale: s, shift: t };
    }
  }
  if (!best) return fail;
  // IRLS with Huber weights on the relative residual, restricted to |e| < 3·thr of the current model
  const w = new Float64Array(n);
  let cur = best;
  for (let it = 0; it < (options.irlsIterations ?? 10); it++) {
    for (let k = 0; k < n; k++) {
      const yk = y[k]!;
      const e = Math.abs(relResidual(cur.scale, cur.shift, x[k]!, yk));
      const hub = e <= delta ? 1 : delta / e;
      // equation scaled by 1/y: the residual of the weighted LS is the relative residual
      w[k] = e < 3 * thr ? hub / (yk * yk) : 0;
    }
    const next = weightedLine(x, y, w);
    if (!next || !(next.scale > 0)) break;
    const change =
      Math.abs(next.scale - cur.scale) / cur.scale +
      Math.abs(next.shift - cur.shift) / (Math.abs(cur.shift) + cur.scale * 1e-3);
    cur = next;
    if (change < 1e-9) break;
  }
  const res = new Float64Array(n);
  let inl = 0;
  let ss = 0;
  for (let k = 0; k < n; k++) {
    const e = relResidual(cur.scale, cur.shift, x[k]!, y[k]!);
    res[k] = e;
    if (Math.abs(e) < thr) {
      inl++;
      ss += e * e;
    }
  }
  return {
    scale: cur.scale,
    shift: cur.shift,
    samples: n,
    inliers: inl,
    rms: inl ? Math.sqrt(ss / inl) : NaN,
    medianAbsResidual: medianAbs(res),
    ok: inl >= minInl && cur.scale > 0,
  };
}

/** Robust shift with the scale held fixed: IRLS-Huber on relative residuals (for global-scale mode). */
export function fitShiftWithScale(data: AlignmentSamples, scale: number, options: AlignOptions = {}): number {
  const { pred: x, target: y } = data;
  const n = x.length;
  if (n === 0) return NaN;
  const delta = options.huberDelta ?? 0.03;
  const thr = options.inlierThreshold ?? 0.1;
  // start at the median of (y − s x): robust to half the samples being wrong
  const d = Float64Array.from({ length: n }, (_, k) => y[k]! - scale * x[k]!).sort();
  let t = d[n >> 1]!;
  for (let it = 0; it < 20; it++) {
    let sw = 0,
      swr = 0;
    for (let k = 0; k < n; k++) {
      const yk = y[k]!;
      const e = Math.abs(relResidual(scale, t, x[k]!, yk));
      if (e >= 3 * thr) continue;
      const wk = (e <= delta ? 1 : delta / e) / (yk * yk);
      sw += wk;
      swr += wk * (yk - scale * x[k]!);
    }
    if (!(sw > 0)) break;
    const nt = swr / sw;
    if (Math.abs(nt - t) < 1e-12 * (Math.abs(t) + 1)) {
      t = nt;
      break;
    }
    t = nt;
  }
  return t;
}

export type StabiliseMode = 'smoothed' | 'global-scale' | 'global' | 'temporal';

export interface StabiliseOptions extends AlignOptions {
  /**
   * 'smoothed': per-frame fits passed through a Hampel filter over time (outlier or failed frames take
   * the windowed median scale and a re-fitted shift); 'global-scale' (default): one scale for the shot (median of good per-frame scales), per-frame
   * shift re-fitted then median-smoothed; 'global': one (scale, shift) from all frames' samples together
   * (for a temporally consistent video model); 'temporal': a smooth scale curve over the frames — frames
   * whose scale disagrees with their neighbours dropped (Hampel over ±scaleWindow), the rest smoothed by a
   * local linear fit of log scale over ±scaleWindow — with the per-frame shift re-fitted at that scale,
   * outliers dropped likewise and the rest smoothed by a local linear fit over ±window (what "Analyze
   * shot" uses over the whole shot; docs/depth.md).
   */
  mode?: StabiliseMode;
  /** Half-width of the temporal median window in frames ('temporal': of the shift's smoothing; default 3). */
  window?: number;
  /** 'temporal': half-width in frames of the scale's outlier test and smoothing (default 12). */
  scaleWindow?: number;
  /** 'smoothed', 'temporal': smallest |Δ log scale| treated as an outlier, whatever the MAD (default 0.05). */
  hampelMinDeviation?: number;
}

export interface StabilisedAlignment {
  /** Final (scale, shift) per frame. */
  frames: ScaleShift[];
  /** Independent per-frame fits before stabilisation. */
  perFrame: AlignmentFit[];
}

function windowMedian(v: Float64Array, ok: Uint8Array, i: number, w: number): number {
  const vals: number[] = [];
  for (let k = Math.max(0, i - w); k <= Math.min(v.length - 1, i + w); k++)
    if (ok[k] && Number.isFinite(v[k]!)) vals.push(v[k]!);
  if (vals.length === 0) return NaN;
  vals.sort((a, b) => a - b);
  return vals.length % 2
    ? vals[vals.length >> 1]!
    : 0.5 * (vals[vals.length / 2 - 1]! + vals[vals.length / 2]!);
}

/**
 * Hampel test: frame i is trusted when it is ok and |v − windowed median| ≤ max(3·1.4826·MAD, minDev(i))
 * over the ok frames within ±w.
 */
function hampelTrusted(
  v: Float64Array,
  ok: Uint8Array,
  w: number,
  minDev: (i: number) => number,
): Uint8Array {
  const T = v.length;
  const trusted = new Uint8Array(T);
  for (let i = 0; i < T; i++) {
    if (!ok[i]) continue;
    const med = windowMedian(v, ok, i, w);
    const devs: number[] = [];
    for (let k = Math.max(0, i - w); k <= Math.min(T - 1, i + w); k++)
      if (ok[k]) devs.push(Math.abs(v[k]! - med));
    devs.sort((a, b) => a - b);
    const mad = devs.length ? devs[devs.length >> 1]! : 0;
    trusted[i] = Math.abs(v[i]! - med) <= Math.max(3 * 1.4826 * mad, minDev(i)) ? 1 : 0;
  }
  return trusted;
}

/**
 * Local linear regression (LOESS, tricube weights) of v over the selected frames within ±w of frame i,
 * evaluated at i: follows a linear trend without lag (also at the ends of the shot) and leaves no steps.
 * The weighted mean when the window holds a single frame; NaN when it holds none.
 */
function localLinear(v: Float64Array, sel: Uint8Array, i: number, w: number): number {
  const h = w + 1;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    t0 = 0,
    t1 = 0;
  for (let k = Math.max(0, i - w); k <= Math.min(v.length - 1, i + w); k++) {
    if (!sel[k] || !Number.isFinite(v[k]!)) continue;
    const d = k - i;
    const u = Math.abs(d) / h;
    const wk = (1 - u * u * u) ** 3;
    s0 += wk;
    s1 += wk * d;
    s2 += wk * d * d;
    t0 += wk * v[k]!;
    t1 += wk * d * v[k]!;
  }
  if (!(s0 > 0)) return NaN;
  const det = s0 * s2 - s1 * s1;
  if (!(det > 1e-9 * s0 * Math.max(s2, 1))) return t0 / s0;
  return (s2 * t0 - s1 * t1) / det;
}

/** Frames without a usable fit take the nearest good frame's values. */
function fillMissing(v: Float64Array): void {
  for (let i = 0; i < v.length; i++) {
    if (Number.isFinite(v[i]!)) continue;
    for (let d = 1; d < v.length; d++) {
      const a = v[i - d];
      const b = v[i + d];
      if (a !== undefined && Number.isFinite(a)) {
        v[i] = a;
        break;
      }
      if (b !== undefined && Number.isFinite(b)) {
        v[i] = b;
        break;
      }
    }
  }
}

/** One (scale, shift) from all frames' samples together. */
function globalFit(samples: readonly AlignmentSamples[], options: AlignOptions): AlignmentFit {
  let m = 0;
  for (const s of samples) m += s.pred.length;
  const pred = new Float64Array(m);
  const target = new Float64Array(m);
  let o = 0;
  for (const s of samples) {
    pred.set(s.pred, o);
    target.set(s.target, o);
    o += s.pred.length;
  }
  return fitScaleShift({ pred, target }, options);
}

export function stabiliseAlignments(
  samples: readonly AlignmentSamples[],
  options: StabiliseOptions = {},
): StabilisedAlignment {
  const T = samples.length;
  const mode = options.mode ?? 'global-scale';
  const w = options.window ?? 3;
  const perFrame = samples.map((s, i) => fitScaleShift(s, { ...options, seed: (options.seed ?? 12345) + i }));
  const ok = Uint8Array.from(perFrame, (f) => (f.ok ? 1 : 0));
  const scale = new Float64Array(T);
  const shift = new Float64Array(T);
  if (mode === 'global') {
    const g = globalFit(samples, options);
    scale.fill(g.scale);
    shift.fill(g.shift);
  } else if (mode === 'global-scale') {
    const good = perFrame
      .filter((f) => f.ok)
      .map((f) => f.scale)
      .sort((a, b) => a - b);
    const globalScale = good.length ? good[good.length >> 1]! : NaN;
    const t0 = new Float64Array(T);
    for (let i = 0; i < T; i++) {
      scale[i] = globalScale;
      t0[i] =
        Number.isFinite(globalScale) && samples[i]!.pred.length > 0
          ? fitShiftWithScale(samples[i]!, globalScale, options)
          : NaN;
    }
    const okT = Uint8Array.from(t0, (t) => (Number.isFinite(t) ? 1 : 0));
    for (let i = 0; i < T; i++) shift[i] = windowMedian(t0, okT, i, w);
    fillMissing(scale);
    fillMissing(shift);
  } else if (mode === 'temporal') {
    // Scale: per-frame log scales, outliers against their ±W neighbourhood dropped (Hampel), the rest
    // smoothed by a local linear fit over ±W (slow changes of a per-frame model's scale are followed,
    // jitter is not, and nothing steps). Shift: re-fitted per frame at that scale, outliers dropped the
    // same way (a deviation under minDev of the frame's median inverse depth is never one), the rest
    // smoothed by a local linear fit over ±w. Local linear rather than median: no lag behind a trend at
    // the ends of the shot. Frames without a trusted fit borrow from their neighbours.
    const W = options.scaleWindow ?? 12;
    const minDev = options.hampelMinDeviation ?? 0.05;
    const logS = Float64Array.from(perFrame, (f) => (f.ok ? Math.log(f.scale) : NaN));
    const trusted = hampelTrusted(logS, ok, W, () => minDev);
    if (!trusted.some((v) => v === 1)) {
      // No frame aligns on its own (too few points per frame): one fit over all frames' points.
      const g = globalFit(samples, options);
      scale.fill(g.scale);
      shift.fill(g.shift);
    } else {
      for (let i = 0; i < T; i++) scale[i] = Math.exp(localLinear(logS, trusted, i, W));
      fillMissing(scale);
      const minInl = options.minInliers ?? 8;
      const t0 = Float64Array.from(samples, (s, i) =>
        trusted[i] && s.pred.length >= minInl ? fitShiftWithScale(s, scale[i]!, options) : NaN,
      );
      const okT = Uint8Array.from(t0, (t) => (Number.isFinite(t) ? 1 : 0));
      const typical = Float64Array.from(samples, (s) => medianAbs(s.target));
      const trustedT = hampelTrusted(t0, okT, W, (i) => minDev * typical[i]!);
      for (let i = 0; i < T; i++) shift[i] = localLinear(t0, trustedT, i, w);
      fillMissing(shift);
    }
  } else {
    // Hampel filter on log(scale): a frame whose fit failed or whose scale is an outlier against its
    // temporal neighbourhood (|log s − median| > max(3·1.4826·MAD, minDev)) is not trusted: it takes the
    // windowed medians of the trusted frames' scales and shifts. Trusted frames keep their own fit (a
    // per-frame model's affine really does change from frame to frame; only unreliable fits are replaced).
    const logS = Float64Array.from(perFrame, (f) => (f.ok ? Math.log(f.scale) : NaN));
    const minDev = options.hampelMinDeviation ?? 0.05;
    const trusted = hampelTrusted(logS, ok, w, () => minDev);
    const rawShift = Float64Array.from(perFrame, (f) => f.shift);
    for (let i = 0; i < T; i++) {
      if (trusted[i]) {
        scale[i] = perFrame[i]!.scale;
        shift[i] = perFrame[i]!.shift;
      } else {
        scale[i] = Math.exp(windowMedian(logS, trusted, i, w));
        shift[i] = windowMedian(rawShift, trusted, i, w);
      }
    }
    fillMissing(scale);
    fillMissing(shift);
  }
  return { frames: Array.from({ length: T }, (_, i) => ({ scale: scale[i]!, shift: shift[i]! })), perFrame };
}

export interface AlignedDepth {
  /** Planar z-depth in the cameras' gauge; 0 where invalid. */
  depth: Float32Array;
  /** 1 where the aligned inverse depth is positive and the depth within maxDepth. */
  valid: Uint8Array;
  /**
   * 1 where the fit puts the pixel at or beyond infinity (aligned inverse depth ≤ 0: sky, far
   * background): a direction, not a distance. Such pixels are invalid too.
   */
  infinity: Uint8Array;
}

/**
 * depth = 1 / (s·r + t). Invalid (0) where s·r + t ≤ 1/maxDepth (sky and anything the fit puts at or
 * beyond infinity; default maxDepth: Infinity, i.e. only non-positive inverse depth is invalid).
 */
export function alignedDepth(
  pred: Float32Array,
  ss: ScaleShift,
  maxDepth = Infinity,
  out?: AlignedDepth,
): AlignedDepth {
  const n = pred.length;
  const depth = out?.depth ?? new Float32Array(n);
  const valid = out?.valid ?? new Uint8Array(n);
  const infinity = out?.infinity ?? new Uint8Array(n);
  const minInv = maxDepth === Infinity ? 1e-9 : 1 / maxDepth;
  for (let i = 0; i < n; i++) {
    const inv = ss.scale * pred[i]! + ss.shift;
    if (inv > minInv && Number.isFinite(inv)) {
      depth[i] = 1 / inv;
      valid[i] = 1;
      infinity[i] = 0;
    } else {
      depth[i] = 0;
      valid[i] = 0;
      infinity[i] = inv <= 0 ? 1 : 0;
    }
  }
  return { depth, valid, infinity };
}

/**
 * How far a frame's own fit can be trusted, 0..1: the share of its sparse points that fit, less as
 * their residual nears the inlier threshold. Null for a frame without a fit of its own (too few points:
 * it borrows its neighbours' scale and shift).
 */
export function alignmentConfidence(fit: AlignmentFit, options: AlignOptions = {}): number | null {
  if (!fit.ok || !(fit.samples > 0)) return null;
  const thr = options.inlierThreshold ?? 0.1;
  const share = fit.inliers / fit.samples;
  const residual = Number.isFinite(fit.rms) ? Math.max(0, 1 - fit.rms / thr) : 0;
  return Math.min(1, Math.max(0, share * residual));
}
