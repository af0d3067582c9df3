/**
 * Small dense linear algebra over Float64Array (row-major) for the camera solver: Gaussian elimination,
 * Cholesky, null vectors, 3×3 SVD through the symmetric eigen-solver, characteristic polynomials and real
 * polynomial roots. Sizes here are tiny (≤ 20) except the reduced camera system in bundle adjustment,
 * which goes through {@link choleskySolveInPlace}.
 */
import { symmetricEigen } from '../../../src-shared/geometry';

/** Solves A·X = B in place for X (A n×n, B n×m, both row-major); partial pivoting. Returns false if singular. */
export function gaussSolve(A: Float64Array, B: Float64Array, n: number, m: number): boolean {
  for (let c = 0; c < n; c++) {
    let p = c;
    let best = Math.abs(A[c * n + c]!);
    for (let r = c + 1; r < n; r++) {
      const v = Math.abs(A[r * n + c]!);
      if (v > best) {
        best = v;
        p = r;
      }
    }
    if (!(best > 1e-300)) return false;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        const t = A[c * n + k]!;
        A[c * n + k] = A[p * n + k]!;
        A[p * n + k] = t;
      }
      for (let k = 0; k < m; k++) {
        const t = B[c * m + k]!;
        B[c * m + k] = B[p * m + k]!;
        B[p * m + k] = t;
      }
    }
    const inv = 1 / A[c * n + c]!;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r * n + c]! * inv;
      if (f === 0) continue;
      for (let k = c; k < n; k++) A[r * n + k] = A[r * n + k]! - f * A[c * n + k]!;
      for (let k = 0; k < m; k++) B[r * m + k] = B[r * m + k]! - f * B[c * m + k]!;
    }
  }
  for (let r = 0; r < n; r++) {
    const inv = 1 / A[r * n + r]!;
    for (let k = 0; k < m; k++) B[r * m + k] = B[r * m + k]! * inv;
  }
  return true;
}

/** Σ A[i0 + k]·A[j0 + k] for k < len, in four interleaved sums (independent adds pipeline). */
function dotRows(A: Float64Array, i0: number, j0: number, len: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += A[i0 + k]! * A[j0 + k]!;
    s1 += A[i0 + k + 1]! * A[j0 + k + 1]!;
    s2 += A[i0 + k + 2]! * A[j0 + k + 2]!;
    s3 += A[i0 + k + 3]! * A[j0 + k + 3]!;
  }
  for (; k < len; k++) s0 += A[i0 + k]! * A[j0 + k]!;
  return s0 + s1 + s2 + s3;
}

/**
 * Solves the symmetric positive definite system A·x = b in place (x overwrites b). False if not SPD.
 * Reads the lower triangle of A (row-major) and leaves its Cholesky factor there.
 */
export function choleskySolveInPlace(A: Float64Array, b: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    const s = A[rj + j]! - dotRows(A, rj, rj, j);
    if (!(s > 0)) return false;
    const d = Math.sqrt(s);
    A[rj + j] = d;
    const inv = 1 / d;
    let i = j + 1;
    // four rows at a time: each element of row j loaded once for all four
    for (; i + 3 < n; i += 4) {
      const r0 = i * n,
        r1 = r0 + n,
        r2 = r1 + n,
        r3 = r2 + n;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let k = 0; k < j; k++) {
        const a = A[rj + k]!;
        s0 += A[r0 + k]! * a;
        s1 += A[r1 + k]! * a;
        s2 += A[r2 + k]! * a;
        s3 += A[r3 + k]! * a;
      }
      A[r0 + j] = (A[r0 + j]! - s0) * inv;
      A[r1 + j] = (A[r1 + j]! - s1) * inv;
      A[r2 + j] = (A[r2 + j]! - s2) * inv;
      A[r3 + j] = (A[r3 + j]! - s3) * inv;
    }
    for (; i < n; i++) {
      const ri = i * n;
      A[ri + j] = (A[ri + j]! - dotRows(A, ri, rj, j)) * inv;
    }
  }
  for (let i = 0; i < n; i++) {
    let t = b[i]!;
    for (let k = 0; k < i; k++) t -= A[i * n + k]! * b[k]!;
    b[i] = t / A[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let t = b[i]!;
    for (let k = i + 1; k < n; k++) t -= A[k * n + i]! * b[k]!;
    b[i] = t / A[i * n + i]!;
  }
  return true;
}

/**
 * Eigen-decomposition of AᵀA for an r×c matrix A: right singular vectors (rows of `vectors`, ascending
 * singular values) and squared singular values. Good enough for the well-scaled small systems here.
 */
export function rightSingular(
  A: Float64Array,
  r: number,
  c: number,
): { values: Float64Array; vectors: Float64Array } {
  const M = new Float64Array(c * c);
  for (let i = 0; i < r; i++) {
    const ri = i * c;
    for (let a = 0; a < c; a++) {
      const va = A[ri + a]!;
      if (va === 0) continue;
      for (let b = a; b < c; b++) M[a * c + b] = M[a * c + b]! + va * A[ri + b]!;
    }
  }
  for (let a = 0; a < c; a++) for (let b = 0; b < a; b++) M[a * c + b] = M[b * c + a]!;
  return symmetricEigen(M, c);
}

/** Unit vector x minimising ‖A·x‖ (r×c). */
export function nullVector(A: Float64Array, r: number, c: number): Float64Array {
  const { vectors } = rightSingular(A, r, c);
  return vectors.slice(0, c);
}

/** Full SVD of a 3×3 matrix: M = U·diag(s)·Vᵀ, s descending; U, V row-major, proper or not as they come. */
export function svd3(M: ArrayLike<number>): { U: Float64Array; s: Float64Array; V: Float64Array } {
  const A = Float64Array.from({ length: 9 }, (_, i) => M[i]!);
  const { values, vectors } = rightSingular(A, 3, 3);
  // vectors rows ascending → V columns descending
  const V = new Float64Array(9);
  const s = new Float64Array(3);
  for (let k = 0; k < 3; k++) {
    const src = 2 - k;
    s[k] = Math.sqrt(Math.max(0, values[src]!));
    for (let i = 0; i < 3; i++) V[i * 3 + k] = vectors[src * 3 + i]!;
  }
  const U = new Float64Array(9);
  for (let k = 0; k < 3; k++) {
    const u0 = A[0]! * V[k]! + A[1]! * V[3 + k]! + A[2]! * V[6 + k]!;
    const u1 = A[3]! * V[k]! + A[4]! * V[3 + k]! + A[5]! * V[6 + k]!;
    const u2 = A[6]! * V[k]! + A[7]! * V[3 + k]! + A[8]! * V[6 + k]!;
    const n = Math.hypot(u0, u1, u2);
    if (n > 1e-12 * (s[0]! || 1)) {
      U[k] = u0 / n;
      U[3 + k] = u1 / n;
      U[6 + k] = u2 / n;
    } else {
      // complete with the cross product of the previous columns (only the last can degenerate here)
      const a0 = U[0]!,
        a1 = U[3]!,
        a2 = U[6]!;
      const b0 = U[1]!,
        b1 = U[4]!,
        b2 = U[7]!;
      U[k] = a1 * b2 - a2 * b1;
      U[3 + k] = a2 * b0 - a0 * b2;
      U[6 + k] = a0 * b1 - a1 * b0;
    }
  }
  return { U, s, V };
}

/** Nearest rotation matrix (row-major) to a 3×3 matrix, in the Frobenius sense. */
export function nearestRotation(M: ArrayLike<number>): Float64Array {
  const { U, V } = svd3(M);
  const R = new Float64Array(9);
  const mulUVt = (flip: number) => {
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        R[i * 3 + j] =
          U[i * 3]! * V[j * 3]! + U[i * 3 + 1]! * V[j * 3 + 1]! + flip * U[i * 3 + 2]! * V[j * 3 + 2]!;
  };
  mulUVt(1);
  if (det3(R) < 0) mulUVt(-1);
  return R;
}

export function det3(m: ArrayLike<number>): number {
  return (
    m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
    m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
    m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!)
  );
}

/**
 * Characteristic polynomial det(λI − A) of an n×n matrix, coefficients ascending (c[n] = 1). Householder
 * reduction to Hessenberg form, then the Hessenberg determinant recurrence.
 */
export function characteristicPolynomial(A0: Float64Array, n: number): Float64Array {
  const A = Float64Array.from(A0);
  const v = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let alpha = 0;
    for (let i = k + 1; i < n; i++) alpha += A[i * n + k]! ** 2;
    alpha = Math.sqrt(alpha);
    if (alpha < 1e-300) continue;
    const x0 = A[(k + 1) * n + k]!;
    if (x0 > 0) alpha = -alpha;
    v.fill(0);
    for (let i = k + 1; i < n; i++) v[i] = A[i * n + k]!;
    v[k + 1] = v[k + 1]! - alpha;
    let vn = 0;
    for (let i = k + 1; i < n; i++) vn += v[i]! ** 2;
    if (vn < 1e-300) continue;
    const beta = 2 / vn;
    // A ← (I − βvvᵀ) A (I − βvvᵀ)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k + 1; i < n; i++) s += v[i]! * A[i * n + j]!;
      s *= beta;
      for (let i = k + 1; i < n; i++) A[i * n + j] = A[i * n + j]! - s * v[i]!;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += A[i * n + j]! * v[j]!;
      s *= beta;
      for (let j = k + 1; j < n; j++) A[i * n + j] = A[i * n + j]! - s * v[j]!;
    }
  }
  // p_k(λ) = det(λI − H_k): p_k = (λ − h_kk) p_{k−1} − Σ_{i<k} h_ik (Π_{j=i+1..k} h_{j,j−1}) p_{i−1}
  const P: Float64Array[] = [Float64Array.of(1)];
  for (let k = 0; k < n; k++) {
    const pk = new Float64Array(k + 2);
    const prev = P[k]!;
    for (let d = 0; d < prev.length; d++) {
      pk[d + 1] = pk[d + 1]! + prev[d]!;
      pk[d] = pk[d]! - A[k * n + k]! * prev[d]!;
    }
    let prod = 1;
    for (let i = k - 1; i >= 0; i--) {
      prod *= A[(i + 1) * n + i]!;
      if (prod === 0) break;
      const coef = A[i * n + k]! * prod;
      const q = P[i]!;
      for (let d = 0; d < q.length; d++) pk[d] = pk[d]! - coef * q[d]!;
    }
    P.push(pk);
  }
  return P[n]!;
}

function evalPoly(c: ArrayLike<number>, x: number): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) s = s * x + c[i]!;
  return s;
}

/**
 * Real roots of a polynomial (coefficients ascending), by recursive isolation between the real roots of its
 * derivative and bisection/Newton inside each monotone interval. Robust for the low degrees here (≤ 10).
 */
export function realRoots(coeffs: ArrayLike<number>): number[] {
  let deg = coeffs.length - 1;
  while (deg > 0 && Math.abs(coeffs[deg]!) < 1e-300) deg--;
  if (deg <= 0) return [];
  const c = new Float64Array(deg + 1);
  const lead = coeffs[deg]!;
  for (let i = 0; i <= deg; i++) c[i] = coeffs[i]! / lead;
  if (deg === 1) return [-c[0]!];
  // Cauchy bound
  let bound = 0;
  for (let i = 0; i < deg; i++) bound = Math.max(bound, Math.abs(c[i]!));
  bound += 1;
  const d = new Float64Array(deg);
  for (let i = 1; i <= deg; i++) d[i - 1] = i * c[i]!;
  const crit = realRoots(d)
    .filter((x) => x > -bound && x < bound)
    .sort((a, b) => a - b);
  const edges = [-bound, ...crit, bound];
  const roots: number[] = [];
  for (let k = 0; k + 1 < edges.length; k++) {
    let a = edges[k]!;
    let b = edges[k + 1]!;
    let fa = evalPoly(c, a);
    const fb = evalPoly(c, b);
    if (fa === 0) {
      if (!roots.length || Math.abs(roots[roots.length - 1]! - a) > 1e-12) roots.push(a);
      continue;
    }
    if (fa * fb > 0) continue;
    for (let it = 0; it < 200 && b - a > 1e-15 * Math.max(1, Math.abs(a)); it++) {
      const m = 0.5 * (a + b);
      const fm = evalPoly(c, m);
      if (fm === 0) {
        a = b = m;
        break;
      }
      if (fa * fm < 0) b = m;
      else {
        a = m;
        fa = fm;
      }
    }
    roots.push(0.5 * (a + b));
  }
  return roots;
}

/** Null vector of a (nearly) singular n×n matrix by Gaussian elimination with full pivoting. */
export function singularNullVector(A0: Float64Array, n: number): Float64Array {
  const A = Float64Array.from(A0);
  const colPerm = Int32Array.from({ length: n }, (_, i) => i);
  let rank = 0;
  for (let c = 0; c < n - 1; c++) {
    let pr = c;
    let pc = c;
    let best = -1;
    for (let r = c; r < n; r++)
      for (let k = c; k < n; k++) {
        const v = Math.abs(A[r * n + k]!);
        if (v > best) {
          best = v;
          pr = r;
          pc = k;
        }
      }
    if (best < 1e-300) break;
    if (pr !== c)
      for (let k = 0; k < n; k++) {
        const t = A[c * n + k]!;
        A[c * n + k] = A[pr * n + k]!;
        A[pr * n + k] = t;
      }
    if (pc !== c) {
      for (let r = 0; r < n; r++) {
        const t = A[r * n + c]!;
        A[r * n + c] = A[r * n + pc]!;
        A[r * n + pc] = t;
      }
      const t = colPerm[c]!;
      colPerm[c] = colPerm[pc]!;
      colPerm[pc] = t;
    }
    const inv = 1 / A[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c]! * inv;
      if (f === 0) continue;
      for (let k = c; k < n; k++) A[r * n + k] = A[r * n + k]! - f * A[c * n + k]!;
    }
    rank++;
  }
  // back-substitute with the last (free) variable = 1
  const y = new Float64Array(n);
  y[n - 1] = 1;
  for (let r = rank - 1; r >= 0; r--) {
    let s = 0;
    for (let k = r + 1; k < n; k++) s += A[r * n + k]! * y[k]!;
    y[r] = -s / A[r * n + r]!;
  }
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[colPerm[i]!] = y[i]!;
  return x;
}
