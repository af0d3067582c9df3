/**
 * The fundamental matrix between two frames from pixel correspondences, without a focal: Hartley's
 * normalised 8-point algorithm (rank 2 enforced) inside RANSAC, scored by the Sampson distance in pixels.
 * Used where the focal is not known yet (finding moving tracks before the solve).
 */
import { sampsonSq } from './essential';
import { nullVector, svd3 } from './linalg';
import { Rng, ransacIterations } from './random';

/** Similarity taking points to centroid 0 and mean distance √2 (Hartley 1997); 3×3 row-major. */
function normaliser(x: Float64Array, ids: ArrayLike<number>, n: number): Float64Array {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[2 * ids[i]!]!;
    my += x[2 * ids[i]! + 1]!;
  }
  mx /= n;
  my /= n;
  let d = 0;
  for (let i = 0; i < n; i++) d += Math.hypot(x[2 * ids[i]!]! - mx, x[2 * ids[i]! + 1]! - my);
  const s = d > 0 ? (Math.SQRT2 * n) / d : 1;
  return Float64Array.of(s, 0, -s * mx, 0, s, -s * my, 0, 0, 1);
}

/** F from ≥ 8 correspondences (x2ᵀ·F·x1 = 0), rank 2; null when degenerate. */
export function fundamentalEightPoint(
  x1: Float64Array,
  x2: Float64Array,
  ids: ArrayLike<number>,
  n: number,
): Float64Array | null {
  if (n < 8) return null;
  const N1 = normaliser(x1, ids, n);
  const N2 = normaliser(x2, ids, n);
  const A = new Float64Array(9 * n);
  for (let i = 0; i < n; i++) {
    const j = ids[i]!;
    const u1 = N1[0]! * x1[2 * j]! + N1[2]!;
    const v1 = N1[4]! * x1[2 * j + 1]! + N1[5]!;
    const u2 = N2[0]! * x2[2 * j]! + N2[2]!;
    const v2 = N2[4]! * x2[2 * j + 1]! + N2[5]!;
    A.set([u2 * u1, u2 * v1, u2, v2 * u1, v2 * v1, v2, u1, v1, 1], 9 * i);
  }
  const f = nullVector(A, n, 9);
  if (!f.every(Number.isFinite)) return null;
  // rank 2: zero the smallest singular value
  const { U, s, V } = svd3(f);
  const Fn = new Float64Array(9);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++)
      Fn[3 * r + c] = U[3 * r]! * s[0]! * V[3 * c]! + U[3 * r + 1]! * s[1]! * V[3 * c + 1]!;
  // denormalise: F = N2ᵀ·Fn·N1
  const tmp = new Float64Array(9);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) {
      let v = 0;
      for (let k = 0; k < 3; k++) v += Fn[3 * r + k]! * N1[3 * k + c]!;
      tmp[3 * r + c] = v;
    }
  const F = new Float64Array(9);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) {
      let v = 0;
      for (let k = 0; k < 3; k++) v += N2[3 * k + r]! * tmp[3 * k + c]!;
      F[3 * r + c] = v;
    }
  let norm = 0;
  for (let i = 0; i < 9; i++) norm += F[i]! * F[i]!;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) return null;
  for (let i = 0; i < 9; i++) F[i] = F[i]! / norm;
  return F;
}

export interface FundamentalFit {
  F: Float64Array;
  inliers: Uint8Array;
  numInliers: number;
}

/**
 * 8-point RANSAC (MSAC scoring), then a least-squares refit on the inliers (kept when it keeps at least as
 * many). `thresholdPx` bounds the Sampson distance.
 */
export function ransacFundamental(
  x1: Float64Array,
  x2: Float64Array,
  opts: { thresholdPx: number; maxIterations?: number; rng?: Rng },
): FundamentalFit | null {
  const n = x1.length / 2;
  if (n < 8) return null;
  const rng = opts.rng ?? new Rng(7);
  const th2 = opts.thresholdPx * opts.thresholdPx;
  const maxIt = opts.maxIterations ?? 300;
  const idx = new Int32Array(8);
  let best: Float64Array | null = null;
  let bestCost = Infinity;
  let iters = maxIt;
  for (let it = 0; it < iters; it++) {
    rng.sample(n, 8, idx);
    const F = fundamentalEightPoint(x1, x2, idx, 8);
    if (!F) continue;
    let cost = 0;
    let count = 0;
    for (let i = 0; i < n && cost < bestCost; i++) {
      const e = sampsonSq(F, x1, x2, i);
      if (e < th2) {
        cost += e;
        count++;
      } else cost += th2;
    }
    if (cost < bestCost) {
      bestCost = cost;
      best = F;
      iters = Math.min(iters, ransacIterations(count / n, 8, 0.999, maxIt));
    }
  }
  if (!best) return null;
  const mark = (F: Float64Array) => {
    const inl = new Uint8Array(n);
    let c = 0;
    for (let i = 0; i < n; i++)
      if (sampsonSq(F, x1, x2, i) < th2) {
        inl[i] = 1;
        c++;
      }
    return { inl, c };
  };
  let { inl, c } = mark(best);
  if (c >= 8) {
    const ids = Int32Array.from({ length: n }, (_, i) => i).filter((i) => inl[i] === 1);
    const F2 = fundamentalEightPoint(x1, x2, ids, ids.length);
    if (F2) {
      const m2 = mark(F2);
      if (m2.c >= c) {
        best = F2;
        inl = m2.inl;
        c = m2.c;
      }
    }
  }
  return { F: best, inliers: inl, numInliers: c };
}
