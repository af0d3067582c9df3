/**
 * Absolute pose from 2D–3D correspondences: P3P (Grunert's quartic, as reviewed by Haralick et al. 1994),
 * RANSAC over it, and Levenberg–Marquardt refinement of the pose on the inliers (Huber loss).
 * Image points are normalised (K⁻¹·pixel); the pose is world-to-camera X_c = R·X + t.
 */
import { quatToMat3, umeyama } from '../../../src-shared/geometry';
import { choleskySolveInPlace, realRoots } from './linalg';
import { Rng, ransacIterations } from './random';
import { mul33, rodrigues } from './rotation';

export interface AbsolutePose {
  R: Float64Array;
  t: Float64Array;
}

/** Up to four poses from three correspondences (world X[9], normalised x[6]). */
export function p3p(X: ArrayLike<number>, x: ArrayLike<number>): AbsolutePose[] {
  const f: number[][] = [];
  for (let i = 0; i < 3; i++) {
    const a = x[2 * i]!,
      b = x[2 * i + 1]!;
    const n = Math.hypot(a, b, 1);
    f.push([a / n, b / n, 1 / n]);
  }
  const P = [0, 1, 2].map((i) => [X[3 * i]!, X[3 * i + 1]!, X[3 * i + 2]!]);
  const d = (u: number[], v: number[]) => Math.hypot(u[0]! - v[0]!, u[1]! - v[1]!, u[2]! - v[2]!);
  const dt = (u: number[], v: number[]) => u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!;
  const a = d(P[1]!, P[2]!),
    b = d(P[0]!, P[2]!),
    c = d(P[0]!, P[1]!);
  if (a < 1e-12 || b < 1e-12 || c < 1e-12) return [];
  const ca = dt(f[1]!, f[2]!),
    cb = dt(f[0]!, f[2]!),
    cg = dt(f[0]!, f[1]!);
  const a2 = a * a,
    b2 = b * b,
    c2 = c * c;
  const p = (a2 - c2) / b2; // (a² − c²)/b²
  const q = (a2 + c2) / b2;
  const A4 = (p - 1) ** 2 - ((4 * c2) / b2) * ca * ca;
  const A3 = 4 * (p * (1 - p) * cb - (1 - q) * ca * cg + 2 * (c2 / b2) * ca * ca * cb);
  const A2 =
    2 *
    (p * p -
      1 +
      2 * p * p * cb * cb +
      2 * ((b2 - c2) / b2) * ca * ca -
      4 * q * ca * cb * cg +
      2 * ((b2 - a2) / b2) * cg * cg);
  const A1 = 4 * (-p * (1 + p) * cb + ((2 * a2) / b2) * cg * cg * cb - (1 - q) * ca * cg);
  const A0 = (1 + p) ** 2 - ((4 * a2) / b2) * cg * cg;
  const out: AbsolutePose[] = [];
  for (const v of realRoots([A0, A1, A2, A3, A4])) {
    if (!(v > 0)) continue;
    const den = 2 * (cg - v * ca);
    if (Math.abs(den) < 1e-12) continue;
    const u = ((p - 1) * v * v - 2 * p * cb * v + 1 + p) / den;
    if (!(u > 0)) continue;
    const s1sq = c2 / (1 + u * u - 2 * u * cg);
    if (!(s1sq > 0)) continue;
    const s1 = Math.sqrt(s1sq);
    const s = [s1, u * s1, v * s1];
    const cam = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) cam[3 * i + k] = s[i]! * f[i]![k]!;
    try {
      const T = umeyama(Float64Array.from(X as ArrayLike<number>).subarray(0, 9), cam, false);
      const R = Float64Array.from(quatToMat3(T.q));
      out.push({ R, t: Float64Array.from(T.t) });
    } catch {
      /* degenerate */
    }
  }
  return out;
}

/** Squared normalised reprojection error of point i under (R, t); Infinity when behind the camera. */
export function poseErrorSq(
  R: ArrayLike<number>,
  t: ArrayLike<number>,
  X: ArrayLike<number>,
  x: ArrayLike<number>,
  i: number,
): number {
  const px = X[3 * i]!,
    py = X[3 * i + 1]!,
    pz = X[3 * i + 2]!;
  const Zc = R[6]! * px + R[7]! * py + R[8]! * pz + t[2]!;
  if (!(Zc > 1e-9)) return Infinity;
  const Xc = R[0]! * px + R[1]! * py + R[2]! * pz + t[0]!;
  const Yc = R[3]! * px + R[4]! * py + R[5]! * pz + t[1]!;
  const ex = Xc / Zc - x[2 * i]!;
  const ey = Yc / Zc - x[2 * i + 1]!;
  return ex * ex + ey * ey;
}

export interface PnpResult extends AbsolutePose {
  inliers: Uint8Array;
  numInliers: number;
}

/** P3P-RANSAC (MSAC scoring) then LM refinement on the inliers; `threshold` in normalised units. */
export function ransacPnp(
  X: Float64Array,
  x: Float64Array,
  opts: { threshold: number; maxIterations?: number; confidence?: number; rng?: Rng; prior?: AbsolutePose },
): PnpResult | null {
  const n = x.length / 2;
  if (n < 4) return null;
  const rng = opts.rng ?? new Rng(2);
  const th2 = opts.threshold * opts.threshold;
  const maxIt = opts.maxIterations ?? 300;
  const conf = opts.confidence ?? 0.999;
  const idx = new Int32Array(3);
  const sX = new Float64Array(9);
  const sx = new Float64Array(6);
  let best: AbsolutePose | null = null;
  let bestCost = Infinity;
  const score = (h: AbsolutePose): number => {
    let cost = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const e = poseErrorSq(h.R, h.t, X, x, i);
      if (e < th2) {
        cost += e;
        count++;
      } else cost += th2;
      if (cost >= bestCost) return -1;
    }
    bestCost = cost;
    best = h;
    return count;
  };
  let iters = maxIt;
  if (opts.prior) {
    const c = score(opts.prior);
    if (c > 0) iters = Math.min(iters, ransacIterations(c / n, 3, conf, maxIt));
  }
  for (let it = 0; it < iters; it++) {
    rng.sample(n, 3, idx);
    for (let k = 0; k < 3; k++) {
      const j = idx[k]!;
      sX[3 * k] = X[3 * j]!;
      sX[3 * k + 1] = X[3 * j + 1]!;
      sX[3 * k + 2] = X[3 * j + 2]!;
      sx[2 * k] = x[2 * j]!;
      sx[2 * k + 1] = x[2 * j + 1]!;
    }
    for (const h of p3p(sX, sx)) {
      const c = score(h);
      if (c > 0) iters = Math.min(iters, ransacIterations(c / n, 3, conf, maxIt));
    }
  }
  if (!best) return null;
  const b = best as AbsolutePose;
  let inliers = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (poseErrorSq(b.R, b.t, X, x, i) < th2) inliers[i] = 1;
  const refined = refinePose(X, x, inliers, b, opts.threshold);
  inliers = new Uint8Array(n);
  let num = 0;
  for (let i = 0; i < n; i++)
    if (poseErrorSq(refined.R, refined.t, X, x, i) < th2) {
      inliers[i] = 1;
      num++;
    }
  return { ...refined, inliers, numInliers: num };
}

/**
 * Levenberg–Marquardt on a camera pose (left-multiplied angle-axis increment + translation), points fixed,
 * Huber loss with scale `huber` (normalised units), over the masked correspondences.
 */
export function refinePose(
  X: Float64Array,
  x: Float64Array,
  mask: Uint8Array | null,
  init: AbsolutePose,
  huber: number,
  iterations = 10,
): AbsolutePose {
  let R: Float64Array = Float64Array.from(init.R);
  let t: Float64Array = Float64Array.from(init.t);
  const n = x.length / 2;
  const H = new Float64Array(36);
  const g = new Float64Array(6);
  const J = new Float64Array(12);
  const cost = (Rm: Float64Array, tm: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      if (mask && !mask[i]) continue;
      const e = poseErrorSq(Rm, tm, X, x, i);
      const r = Math.sqrt(e);
      s += r <= huber ? e : 2 * huber * r - huber * huber;
    }
    return s;
  };
  let cur = cost(R, t);
  let lambda = 1e-3;
  const dR = new Float64Array(9);
  for (let it = 0; it < iterations; it++) {
    H.fill(0);
    g.fill(0);
    for (let i = 0; i < n; i++) {
      if (mask && !mask[i]) continue;
      const px = X[3 * i]!,
        py = X[3 * i + 1]!,
        pz = X[3 * i + 2]!;
      const rx = R[0]! * px + R[1]! * py + R[2]! * pz;
      const ry = R[3]! * px + R[4]! * py + R[5]! * pz;
      const rz = R[6]! * px + R[7]! * py + R[8]! * pz;
      const Xc = rx + t[0]!,
        Yc = ry + t[1]!,
        Zc = rz + t[2]!;
      if (!(Zc > 1e-9)) continue;
      const iz = 1 / Zc;
      const u = Xc * iz,
        v = Yc * iz;
      const ex = u - x[2 * i]!,
        ey = v - x[2 * i + 1]!;
      const r = Math.hypot(ex, ey);
      const w = r <= huber ? 1 : huber / r;
      // dXc/dω = −[RX]×, dXc/dt = I; du/dXc = [iz, 0, −u·iz], dv/dXc = [0, iz, −v·iz]
      const du0 = iz,
        du2 = -u * iz,
        dv1 = iz,
        dv2 = -v * iz;
      // −[p]× = [[0, pz, −py], [−pz, 0, px], [py, −px, 0]] with p = (rx, ry, rz)
      J[0] = du2 * ry; // dω_x: du0·0 + du2·ry
      J[1] = du0 * rz + du2 * -rx;
      J[2] = du0 * -ry;
      J[3] = du0;
      J[4] = 0;
      J[5] = du2;
      J[6] = dv1 * -rz + dv2 * ry;
      J[7] = dv2 * -rx;
      J[8] = dv1 * rx;
      J[9] = 0;
      J[10] = dv1;
      J[11] = dv2;
      for (let a = 0; a < 6; a++) {
        g[a] = g[a]! + w * (J[a]! * ex + J[6 + a]! * ey);
        for (let b = a; b < 6; b++)
          H[a * 6 + b] = H[a * 6 + b]! + w * (J[a]! * J[b]! + J[6 + a]! * J[6 + b]!);
      }
    }
    for (let a = 0; a < 6; a++) for (let b = 0; b < a; b++) H[a * 6 + b] = H[b * 6 + a]!;
    let improved = false;
    for (let tries = 0; tries < 6; tries++) {
      const A = Float64Array.from(H);
      for (let a = 0; a < 6; a++) A[a * 7] = A[a * 7]! * (1 + lambda) + 1e-12;
      const d = Float64Array.from(g, (v) => -v);
      if (!choleskySolveInPlace(A, d, 6)) {
        lambda *= 10;
        continue;
      }
      rodrigues(d[0]!, d[1]!, d[2]!, dR);
      const Rn = mul33(dR, R);
      const tn = Float64Array.of(t[0]! + d[3]!, t[1]! + d[4]!, t[2]! + d[5]!);
      const c = cost(Rn, tn);
      if (c < cur) {
        R = Rn;
        t = tn;
        const rel = (cur - c) / (cur || 1);
        cur = c;
        lambda = Math.max(lambda / 10, 1e-9);
        improved = true;
        if (rel < 1e-10) return { R, t };
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  return { R, t };
}
