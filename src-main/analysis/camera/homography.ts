/**
 * Homography (4-point DLT + RANSAC), the pure-rotation model (bearing Procrustes/Kabsch + RANSAC) and
 * Torr's GRIC for choosing between a homography and an essential matrix. All coordinates are normalised
 * (K⁻¹·pixel); errors convert to pixels by multiplying by the focal length.
 */
import { nullVector, nearestRotation } from './linalg';
import { Rng, ransacIterations } from './random';
import { sampsonSq } from './essential';

/** H (row-major) with x₂ ~ H·x₁ from ≥ 4 correspondences (least squares DLT on the first n). */
export function homographyDlt(
  x1: ArrayLike<number>,
  x2: ArrayLike<number>,
  n: number,
  idx?: ArrayLike<number>,
): Float64Array | null {
  const A = new Float64Array(2 * n * 9);
  for (let k = 0; k < n; k++) {
    const i = idx ? idx[k]! : k;
    const a = x1[2 * i]!,
      b = x1[2 * i + 1]!,
      c = x2[2 * i]!,
      d = x2[2 * i + 1]!;
    A.set([a, b, 1, 0, 0, 0, -c * a, -c * b, -c], 18 * k);
    A.set([0, 0, 0, a, b, 1, -d * a, -d * b, -d], 18 * k + 9);
  }
  const h = nullVector(A, 2 * n, 9);
  if (!h.every(Number.isFinite) || Math.abs(h[8]!) < 1e-12) return null;
  const s = 1 / h[8]!;
  for (let k = 0; k < 9; k++) h[k] = h[k]! * s;
  return h;
}

/** Symmetric transfer error (squared, summed over both images) of correspondence i. */
export function homographyErrorSq(
  H: ArrayLike<number>,
  Hinv: ArrayLike<number>,
  x1: ArrayLike<number>,
  x2: ArrayLike<number>,
  i: number,
): number {
  const a = x1[2 * i]!,
    b = x1[2 * i + 1]!,
    c = x2[2 * i]!,
    d = x2[2 * i + 1]!;
  const w = H[6]! * a + H[7]! * b + H[8]!;
  const u = (H[0]! * a + H[1]! * b + H[2]!) / w - c;
  const v = (H[3]! * a + H[4]! * b + H[5]!) / w - d;
  const w2 = Hinv[6]! * c + Hinv[7]! * d + Hinv[8]!;
  const u2 = (Hinv[0]! * c + Hinv[1]! * d + Hinv[2]!) / w2 - a;
  const v2 = (Hinv[3]! * c + Hinv[4]! * d + Hinv[5]!) / w2 - b;
  const e = u * u + v * v + u2 * u2 + v2 * v2;
  return Number.isFinite(e) ? e : Infinity;
}

export function invert3(m: ArrayLike<number>): Float64Array {
  const a = m[0]!,
    b = m[1]!,
    c = m[2]!,
    d = m[3]!,
    e = m[4]!,
    f = m[5]!,
    g = m[6]!,
    h = m[7]!,
    i = m[8]!;
  const A = e * i - f * h,
    B = -(d * i - f * g),
    C = d * h - e * g;
  const det = a * A + b * B + c * C;
  const s = 1 / det;
  return Float64Array.of(
    A * s,
    -(b * i - c * h) * s,
    (b * f - c * e) * s,
    B * s,
    (a * i - c * g) * s,
    -(a * f - c * d) * s,
    C * s,
    -(a * h - b * g) * s,
    (a * e - b * d) * s,
  );
}

export interface HomographyFit {
  H: Float64Array;
  inliers: Uint8Array;
  numInliers: number;
}

/** 4-point RANSAC then a least-squares refit on the inliers. `threshold` bounds the symmetric transfer error. */
export function ransacHomography(
  x1: Float64Array,
  x2: Float64Array,
  opts: { threshold: number; maxIterations?: number; rng?: Rng },
): HomographyFit | null {
  const n = x1.length / 2;
  if (n < 4) return null;
  const rng = opts.rng ?? new Rng(3);
  const th2 = 2 * opts.threshold * opts.threshold;
  const maxIt = opts.maxIterations ?? 300;
  const idx = new Int32Array(4);
  let best: Float64Array | null = null;
  let bestCount = -1;
  let iters = maxIt;
  for (let it = 0; it < iters; it++) {
    rng.sample(n, 4, idx);
    const H = homographyDlt(x1, x2, 4, idx);
    if (!H) continue;
    const Hi = invert3(H);
    let count = 0;
    for (let i = 0; i < n; i++) if (homographyErrorSq(H, Hi, x1, x2, i) < th2) count++;
    if (count > bestCount) {
      bestCount = count;
      best = H;
      iters = Math.min(iters, ransacIterations(count / n, 4, 0.999, maxIt));
    }
  }
  if (!best) return null;
  const mark = (H: Float64Array) => {
    const Hi = invert3(H);
    const inl = new Uint8Array(n);
    let c = 0;
    for (let i = 0; i < n; i++)
      if (homographyErrorSq(H, Hi, x1, x2, i) < th2) {
        inl[i] = 1;
        c++;
      }
    return { inl, c };
  };
  let { inl, c } = mark(best);
  if (c >= 4) {
    const ids = Int32Array.from({ length: n }, (_, i) => i).filter((i) => inl[i] === 1);
    const H2 = homographyDlt(x1, x2, ids.length, ids);
    if (H2) {
      const m2 = mark(H2);
      if (m2.c >= c) {
        best = H2;
        inl = m2.inl;
        c = m2.c;
      }
    }
  }
  return { H: best, inliers: inl, numInliers: c };
}

/**
 * Torr's GRIC (Torr 1998): Σ min(e²/σ², λ₃(r − d)) + λ₁·d·n + λ₂·k with r = 4, λ₁ = ln 4, λ₂ = ln 4n,
 * λ₃ = 2; d = 3, k = 5 for an essential matrix and d = 2, k = 8 for a homography. `errSq` are squared
 * errors in pixels²: Sampson distances for E (one-image units) and half the symmetric transfer for H.
 */
export function gric(errSq: ArrayLike<number>, sigma: number, d: number, k: number): number {
  const n = errSq.length;
  const r = 4;
  const cap = 2 * (r - d);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.min(errSq[i]! / (sigma * sigma), cap);
  return s + Math.log(r) * d * n + Math.log(r * n) * k;
}

/** GRIC of E and H on the same correspondences (normalised coordinates, errors scaled by focal). */
export function gricEssentialVsHomography(
  E: ArrayLike<number>,
  H: ArrayLike<number>,
  x1: Float64Array,
  x2: Float64Array,
  focal: number,
  sigmaPx: number,
): { gricE: number; gricH: number } {
  const n = x1.length / 2;
  const eE = new Float64Array(n);
  const eH = new Float64Array(n);
  const Hi = invert3(H);
  const f2 = focal * focal;
  for (let i = 0; i < n; i++) {
    eE[i] = sampsonSq(E, x1, x2, i) * f2;
    eH[i] = 0.5 * homographyErrorSq(H, Hi, x1, x2, i) * f2;
  }
  return { gricE: gric(eE, sigmaPx, 3, 5), gricH: gric(eH, sigmaPx, 2, 8) };
}

/** Unit bearing of a normalised point into out[o…]. */
function bearing(x: ArrayLike<number>, i: number, out: Float64Array, o: number): void {
  const a = x[2 * i]!,
    b = x[2 * i + 1]!;
  const n = Math.hypot(a, b, 1);
  out[o] = a / n;
  out[o + 1] = b / n;
  out[o + 2] = 1 / n;
}

/** Rotation R (row-major) minimising Σ‖b₂ − R·b₁‖² over the indexed bearings (Kabsch). */
export function rotationFromBearings(
  x1: ArrayLike<number>,
  x2: ArrayLike<number>,
  idx: ArrayLike<number>,
  m: number,
): Float64Array {
  const M = new Float64Array(9);
  const b1 = new Float64Array(3);
  const b2 = new Float64Array(3);
  for (let k = 0; k < m; k++) {
    const i = idx[k]!;
    bearing(x1, i, b1, 0);
    bearing(x2, i, b2, 0);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) M[r * 3 + c] = M[r * 3 + c]! + b2[r]! * b1[c]!;
  }
  return nearestRotation(M);
}

/** Squared angular-ish error (normalised-plane distance) of x₂ vs R·x₁. */
export function rotationErrorSq(
  R: ArrayLike<number>,
  x1: ArrayLike<number>,
  x2: ArrayLike<number>,
  i: number,
): number {
  const a = x1[2 * i]!,
    b = x1[2 * i + 1]!;
  const X = R[0]! * a + R[1]! * b + R[2]!;
  const Y = R[3]! * a + R[4]! * b + R[5]!;
  const Z = R[6]! * a + R[7]! * b + R[8]!;
  if (!(Z > 1e-9)) return Infinity;
  const ex = X / Z - x2[2 * i]!;
  const ey = Y / Z - x2[2 * i + 1]!;
  return ex * ex + ey * ey;
}

export interface RotationFit {
  R: Float64Array;
  inliers: Uint8Array;
  numInliers: number;
  /** RMS error of the inliers, normalised units. */
  rms: number;
}

/** Pure-rotation model x₂ ~ R·x₁: 2-point RANSAC then Kabsch on the inliers. */
export function ransacRotation(
  x1: Float64Array,
  x2: Float64Array,
  opts: { threshold: number; maxIterations?: number; rng?: Rng },
): RotationFit | null {
  const n = x1.length / 2;
  if (n < 2) return null;
  const rng = opts.rng ?? new Rng(4);
  const th2 = opts.threshold * opts.threshold;
  const maxIt = opts.maxIterations ?? 200;
  const idx = new Int32Array(2);
  let best: Float64Array | null = null;
  let bestCount = -1;
  let iters = maxIt;
  for (let it = 0; it < iters; it++) {
    rng.sample(n, 2, idx);
    const R = rotationFromBearings(x1, x2, idx, 2);
    let c = 0;
    for (let i = 0; i < n; i++) if (rotationErrorSq(R, x1, x2, i) < th2) c++;
    if (c > bestCount) {
      bestCount = c;
      best = R;
      iters = Math.min(iters, ransacIterations(c / n, 2, 0.999, maxIt));
    }
  }
  if (!best) return null;
  let R = best;
  let inliers = new Uint8Array(n);
  let num = 0;
  for (let pass = 0; pass < 3; pass++) {
    inliers = new Uint8Array(n);
    num = 0;
    for (let i = 0; i < n; i++)
      if (rotationErrorSq(R, x1, x2, i) < th2) {
        inliers[i] = 1;
        num++;
      }
    if (num < 2) break;
    const ids = Int32Array.from({ length: n }, (_, i) => i).filter((i) => inliers[i] === 1);
    R = rotationFromBearings(x1, x2, ids, ids.length);
  }
  let s = 0;
  for (let i = 0; i < n; i++) if (inliers[i]) s += rotationErrorSq(R, x1, x2, i);
  return { R, inliers, numInliers: num, rms: num ? Math.sqrt(s / num) : Infinity };
}
