/**
 * Calibrated relative pose: the 5-point essential-matrix solver (Stewénius, Engels & Nistér 2006, Gröbner
 * basis / action-matrix form), Sampson error, decomposition of E into (R, t) with the cheirality test,
 * and a RANSAC estimator. Coordinates are normalised (K⁻¹·pixel); the convention is x₂ᵀ·E·x₁ = 0 with
 * E = [t]×R and X₂ = R·X₁ + t.
 */
import {
  characteristicPolynomial,
  gaussSolve,
  realRoots,
  rightSingular,
  singularNullVector,
  svd3,
  det3,
} from './linalg';
import { Rng, ransacIterations } from './random';

// Monomials of degree ≤ 3 in (x, y, z): the 10 cubics first (ordered for the action of x), then the basis.
const MONOS: [number, number, number][] = [
  [3, 0, 0],
  [2, 1, 0],
  [1, 2, 0],
  [2, 0, 1],
  [1, 1, 1],
  [1, 0, 2],
  [0, 3, 0],
  [0, 2, 1],
  [0, 1, 2],
  [0, 0, 3],
  [2, 0, 0],
  [1, 1, 0],
  [0, 2, 0],
  [1, 0, 1],
  [0, 1, 1],
  [0, 0, 2],
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [0, 0, 0],
];
const NM = 20;
const monoIndex = new Map<number, number>();
MONOS.forEach(([a, b, c], i) => monoIndex.set(a * 16 + b * 4 + c, i));
/** PROD[i·20 + j] = index of monomial i × monomial j, or −1 when the degree exceeds 3. */
const PROD = new Int8Array(NM * NM);
for (let i = 0; i < NM; i++)
  for (let j = 0; j < NM; j++) {
    const a = MONOS[i]!;
    const b = MONOS[j]!;
    const k = monoIndex.get((a[0] + b[0]) * 16 + (a[1] + b[1]) * 4 + (a[2] + b[2]));
    PROD[i * NM + j] = k === undefined ? -1 : k;
  }
const IX = 16;
const IY = 17;
const IZ = 18;
const I1 = 19;

function pmul(a: Float64Array, b: Float64Array, out: Float64Array, sign = 1): void {
  for (let i = 0; i < NM; i++) {
    const ai = a[i]!;
    if (ai === 0) continue;
    for (let j = 0; j < NM; j++) {
      const bj = b[j]!;
      if (bj === 0) continue;
      const k = PROD[i * NM + j]!;
      if (k < 0) throw new Error('five-point: degree overflow');
      out[k] = out[k]! + sign * ai * bj;
    }
  }
}

/**
 * All essential matrices (row-major, up to 10) consistent with 5 correspondences in normalised
 * coordinates x1 = [x, y, …], x2 likewise (at least 5 points; only the first 5 are used).
 */
export function fivePoint(x1: ArrayLike<number>, x2: ArrayLike<number>): Float64Array[] {
  const Q = new Float64Array(5 * 9);
  for (let i = 0; i < 5; i++) {
    const a = x1[2 * i]!,
      b = x1[2 * i + 1]!,
      c = x2[2 * i]!,
      d = x2[2 * i + 1]!;
    Q.set([c * a, c * b, c, d * a, d * b, d, a, b, 1], i * 9);
  }
  const { vectors } = rightSingular(Q, 5, 9);
  const X = vectors.subarray(0, 9),
    Y = vectors.subarray(9, 18),
    Z = vectors.subarray(18, 27),
    W = vectors.subarray(27, 36);
  // E entries as linear polynomials
  const E: Float64Array[] = [];
  for (let k = 0; k < 9; k++) {
    const p = new Float64Array(NM);
    p[IX] = X[k]!;
    p[IY] = Y[k]!;
    p[IZ] = Z[k]!;
    p[I1] = W[k]!;
    E.push(p);
  }
  const e = (i: number, j: number) => E[i * 3 + j]!;
  // EEᵀ (quadratic)
  const EEt: Float64Array[] = [];
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      const p = new Float64Array(NM);
      for (let k = 0; k < 3; k++) pmul(e(i, k), e(j, k), p);
      EEt.push(p);
    }
  const tr = new Float64Array(NM);
  for (let k = 0; k < NM; k++) tr[k] = EEt[0]![k]! + EEt[4]![k]! + EEt[8]![k]!;
  const C = new Float64Array(10 * NM);
  // 9 trace constraints: 2·EEᵀE − tr(EEᵀ)·E
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      const row = new Float64Array(NM);
      for (let k = 0; k < 3; k++) pmul(EEt[i * 3 + k]!, e(k, j), row, 2);
      pmul(tr, e(i, j), row, -1);
      C.set(row, (i * 3 + j) * NM);
    }
  // det(E)
  const det = new Float64Array(NM);
  const minor = (a: number, b: number, c: number, d: number) => {
    const p = new Float64Array(NM);
    pmul(E[a]!, E[b]!, p);
    pmul(E[c]!, E[d]!, p, -1);
    return p;
  };
  pmul(E[0]!, minor(4, 8, 5, 7), det);
  pmul(E[1]!, minor(5, 6, 3, 8), det);
  pmul(E[2]!, minor(3, 7, 4, 6), det);
  C.set(det, 9 * NM);
  // [C1 | C2] → B = C1⁻¹ C2
  const C1 = new Float64Array(100);
  const B = new Float64Array(100);
  for (let r = 0; r < 10; r++)
    for (let c = 0; c < 10; c++) {
      C1[r * 10 + c] = C[r * NM + c]!;
      B[r * 10 + c] = C[r * NM + 10 + c]!;
    }
  if (!gaussSolve(C1, B, 10, 10)) return [];
  const At = new Float64Array(100);
  for (let k = 0; k < 6; k++) for (let c = 0; c < 10; c++) At[k * 10 + c] = -B[k * 10 + c]!;
  At[6 * 10 + 0] = 1;
  At[7 * 10 + 1] = 1;
  At[8 * 10 + 3] = 1;
  At[9 * 10 + 6] = 1;
  const roots = realRoots(characteristicPolynomial(At, 10));
  const out: Float64Array[] = [];
  const M = new Float64Array(100);
  for (const lam of roots) {
    M.set(At);
    for (let i = 0; i < 10; i++) M[i * 11] = M[i * 11]! - lam;
    const v = singularNullVector(M, 10);
    if (Math.abs(v[9]!) < 1e-12) continue;
    const x = v[6]! / v[9]!,
      y = v[7]! / v[9]!,
      z = v[8]! / v[9]!;
    const Em = new Float64Array(9);
    let n = 0;
    for (let k = 0; k < 9; k++) {
      Em[k] = x * X[k]! + y * Y[k]! + z * Z[k]! + W[k]!;
      n += Em[k]! ** 2;
    }
    n = Math.sqrt(n);
    if (!(n > 0) || !Number.isFinite(n)) continue;
    for (let k = 0; k < 9; k++) Em[k] = Em[k]! / n;
    out.push(Em);
  }
  return out;
}

/** Squared Sampson distance of correspondence i (normalised units). */
export function sampsonSq(
  E: ArrayLike<number>,
  x1: ArrayLike<number>,
  x2: ArrayLike<number>,
  i: number,
): number {
  const a = x1[2 * i]!,
    b = x1[2 * i + 1]!,
    c = x2[2 * i]!,
    d = x2[2 * i + 1]!;
  const Ex0 = E[0]! * a + E[1]! * b + E[2]!;
  const Ex1 = E[3]! * a + E[4]! * b + E[5]!;
  const Ex2 = E[6]! * a + E[7]! * b + E[8]!;
  const Etx0 = E[0]! * c + E[3]! * d + E[6]!;
  const Etx1 = E[1]! * c + E[4]! * d + E[7]!;
  const r = c * Ex0 + d * Ex1 + Ex2;
  const den = Ex0 * Ex0 + Ex1 * Ex1 + Etx0 * Etx0 + Etx1 * Etx1;
  return den > 0 ? (r * r) / den : Infinity;
}

export interface RelativePose {
  /** X₂ = R·X₁ + t, R row-major, ‖t‖ = 1. */
  R: Float64Array;
  t: Float64Array;
  E: Float64Array;
  inliers: Uint8Array;
  numInliers: number;
  /** Inliers that triangulate in front of both cameras. */
  numInFront: number;
}

/** Depths (z₁, z₂) of the midpoint triangulation of one correspondence under (R, t); NaN if parallel rays. */
function depthsOf(
  R: ArrayLike<number>,
  t: ArrayLike<number>,
  a: number,
  b: number,
  c: number,
  d: number,
): [number, number] {
  // z1·R·[a,b,1] + t = z2·[c,d,1] → least squares in (z1, z2)
  const r0 = R[0]! * a + R[1]! * b + R[2]!;
  const r1 = R[3]! * a + R[4]! * b + R[5]!;
  const r2 = R[6]! * a + R[7]! * b + R[8]!;
  // [r, −f2]·[z1; z2] = −t
  const f0 = c,
    f1 = d,
    f2 = 1;
  const A11 = r0 * r0 + r1 * r1 + r2 * r2;
  const A12 = -(r0 * f0 + r1 * f1 + r2 * f2);
  const A22 = f0 * f0 + f1 * f1 + f2 * f2;
  const b1 = -(r0 * t[0]! + r1 * t[1]! + r2 * t[2]!);
  const b2 = f0 * t[0]! + f1 * t[1]! + f2 * t[2]!;
  const det = A11 * A22 - A12 * A12;
  if (Math.abs(det) < 1e-14 * A11 * A22) return [NaN, NaN];
  return [(A22 * b1 - A12 * b2) / det, (A11 * b2 - A12 * b1) / det];
}

/** The four (R, t) factorisations of E; picks the one with most points in front of both cameras. */
export function decomposeEssential(
  E: ArrayLike<number>,
  x1: ArrayLike<number>,
  x2: ArrayLike<number>,
  mask: Uint8Array | null,
): { R: Float64Array; t: Float64Array; inFront: number } {
  const { U, V } = svd3(E);
  if (det3(U) < 0) for (let i = 0; i < 3; i++) U[i * 3 + 2] = -U[i * 3 + 2]!;
  if (det3(V) < 0) for (let i = 0; i < 3; i++) V[i * 3 + 2] = -V[i * 3 + 2]!;
  const mk = (tr: boolean) => {
    // R = U·W·Vᵀ with W = [[0,−1,0],[1,0,0],[0,0,1]] (or Wᵀ)
    const s = tr ? -1 : 1;
    const R = new Float64Array(9);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const uw0 = s * U[i * 3 + 1]!;
        const uw1 = -s * U[i * 3]!;
        const uw2 = U[i * 3 + 2]!;
        R[i * 3 + j] = uw0 * V[j * 3]! + uw1 * V[j * 3 + 1]! + uw2 * V[j * 3 + 2]!;
      }
    return R;
  };
  const Ra = mk(false);
  const Rb = mk(true);
  const tp = Float64Array.of(U[2]!, U[5]!, U[8]!);
  const tn = Float64Array.of(-U[2]!, -U[5]!, -U[8]!);
  const n = x1.length / 2;
  let best = { R: Ra, t: tp, inFront: -1 };
  for (const R of [Ra, Rb])
    for (const t of [tp, tn]) {
      let cnt = 0;
      for (let i = 0; i < n; i++) {
        if (mask && !mask[i]) continue;
        const [z1, z2] = depthsOf(R, t, x1[2 * i]!, x1[2 * i + 1]!, x2[2 * i]!, x2[2 * i + 1]!);
        if (z1 > 0 && z2 > 0) cnt++;
      }
      if (cnt > best.inFront) best = { R, t, inFront: cnt };
    }
  return best;
}

export interface RansacOptions {
  /** Inlier threshold in normalised units (pixels / focal). */
  threshold: number;
  maxIterations?: number;
  confidence?: number;
  rng?: Rng;
}

/** 5-point RANSAC (MSAC scoring) for the relative pose; null when fewer than 5 points or no model. */
export function ransacEssential(
  x1: Float64Array,
  x2: Float64Array,
  opts: RansacOptions,
): RelativePose | null {
  const n = x1.length / 2;
  if (n < 5) return null;
  const rng = opts.rng ?? new Rng(1);
  const th2 = opts.threshold * opts.threshold;
  const maxIt = opts.maxIterations ?? 500;
  const conf = opts.confidence ?? 0.999;
  const idx = new Int32Array(5);
  const s1 = new Float64Array(10);
  const s2 = new Float64Array(10);
  let bestE: Float64Array | null = null;
  let bestCost = Infinity;
  let bestCount = 0;
  let iters = maxIt;
  for (let it = 0; it < iters; it++) {
    rng.sample(n, 5, idx);
    for (let k = 0; k < 5; k++) {
      const j = idx[k]!;
      s1[2 * k] = x1[2 * j]!;
      s1[2 * k + 1] = x1[2 * j + 1]!;
      s2[2 * k] = x2[2 * j]!;
      s2[2 * k + 1] = x2[2 * j + 1]!;
    }
    for (const E of fivePoint(s1, s2)) {
      let cost = 0;
      let count = 0;
      for (let i = 0; i < n; i++) {
        const e = sampsonSq(E, x1, x2, i);
        if (e < th2) {
          cost += e;
          count++;
        } else cost += th2;
        if (cost >= bestCost) break;
      }
      if (cost < bestCost) {
        bestCost = cost;
        bestE = E;
        bestCount = count;
        iters = Math.min(iters, ransacIterations(count / n, 5, conf, maxIt));
      }
    }
  }
  if (!bestE) return null;
  const inliers = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (sampsonSq(bestE, x1, x2, i) < th2) inliers[i] = 1;
  const dec = decomposeEssential(bestE, x1, x2, inliers);
  return { R: dec.R, t: dec.t, E: bestE, inliers, numInliers: bestCount, numInFront: dec.inFront };
}

/** E = [t]×·R. */
export function essentialFromRt(R: ArrayLike<number>, t: ArrayLike<number>): Float64Array {
  const tx = [0, -t[2]!, t[1]!, t[2]!, 0, -t[0]!, -t[1]!, t[0]!, 0];
  const E = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      E[i * 3 + j] = tx[i * 3]! * R[j]! + tx[i * 3 + 1]! * R[3 + j]! + tx[i * 3 + 2]! * R[6 + j]!;
  return E;
}
