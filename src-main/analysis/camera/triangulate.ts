/**
 * Triangulation from several calibrated views (linear DLT in normalised coordinates, then a few
 * Gauss–Newton steps on the reprojection error), with the angle and reprojection checks the solver uses.
 * Cameras are world-to-camera: X_c = R·X + t, R row-major in R[9·cam…], t in t[3·cam…].
 */
import { nullVector } from './linalg';

/**
 * Linear triangulation of one point seen by `m` cameras (indices in `cams`) at normalised coordinates
 * `xn` (2m). Returns false when the system is degenerate or the point is at infinity.
 */
export function triangulateDlt(
  R: Float64Array,
  t: Float64Array,
  cams: ArrayLike<number>,
  xn: ArrayLike<number>,
  m: number,
  out: Float64Array,
  o = 0,
): boolean {
  const A = new Float64Array(2 * m * 4);
  for (let k = 0; k < m; k++) {
    const c = cams[k]!;
    const r = 9 * c;
    const x = xn[2 * k]!;
    const y = xn[2 * k + 1]!;
    // x·(row3) − row1, y·(row3) − row2 of P = [R | t]
    for (let j = 0; j < 3; j++) {
      A[8 * k + j] = x * R[r + 6 + j]! - R[r + j]!;
      A[8 * k + 4 + j] = y * R[r + 6 + j]! - R[r + 3 + j]!;
    }
    A[8 * k + 3] = x * t[3 * c + 2]! - t[3 * c]!;
    A[8 * k + 7] = y * t[3 * c + 2]! - t[3 * c + 1]!;
  }
  const v = nullVector(A, 2 * m, 4);
  const w = v[3]!;
  if (Math.abs(w) < 1e-12) return false;
  out[o] = v[0]! / w;
  out[o + 1] = v[1]! / w;
  out[o + 2] = v[2]! / w;
  return Number.isFinite(out[o]!) && Number.isFinite(out[o + 1]!) && Number.isFinite(out[o + 2]!);
}

/** Gauss–Newton refinement of one point's normalised reprojection error (cameras fixed). */
export function refinePoint(
  R: Float64Array,
  t: Float64Array,
  cams: ArrayLike<number>,
  xn: ArrayLike<number>,
  m: number,
  X: Float64Array,
  o = 0,
  iterations = 3,
): void {
  for (let it = 0; it < iterations; it++) {
    let h00 = 0,
      h01 = 0,
      h02 = 0,
      h11 = 0,
      h12 = 0,
      h22 = 0,
      g0 = 0,
      g1 = 0,
      g2 = 0;
    for (let k = 0; k < m; k++) {
      const c = cams[k]!;
      const r = 9 * c;
      const px = X[o]!,
        py = X[o + 1]!,
        pz = X[o + 2]!;
      const Xc = R[r]! * px + R[r + 1]! * py + R[r + 2]! * pz + t[3 * c]!;
      const Yc = R[r + 3]! * px + R[r + 4]! * py + R[r + 5]! * pz + t[3 * c + 1]!;
      const Zc = R[r + 6]! * px + R[r + 7]! * py + R[r + 8]! * pz + t[3 * c + 2]!;
      if (!(Zc > 1e-9)) return;
      const iz = 1 / Zc;
      const ex = Xc * iz - xn[2 * k]!;
      const ey = Yc * iz - xn[2 * k + 1]!;
      // d(x)/dX = (R0 − x R2)/Z, d(y)/dX = (R1 − y R2)/Z
      const xx = Xc * iz,
        yy = Yc * iz;
      const a0 = (R[r]! - xx * R[r + 6]!) * iz,
        a1 = (R[r + 1]! - xx * R[r + 7]!) * iz,
        a2 = (R[r + 2]! - xx * R[r + 8]!) * iz;
      const b0 = (R[r + 3]! - yy * R[r + 6]!) * iz,
        b1 = (R[r + 4]! - yy * R[r + 7]!) * iz,
        b2 = (R[r + 5]! - yy * R[r + 8]!) * iz;
      h00 += a0 * a0 + b0 * b0;
      h01 += a0 * a1 + b0 * b1;
      h02 += a0 * a2 + b0 * b2;
      h11 += a1 * a1 + b1 * b1;
      h12 += a1 * a2 + b1 * b2;
      h22 += a2 * a2 + b2 * b2;
      g0 += a0 * ex + b0 * ey;
      g1 += a1 * ex + b1 * ey;
      g2 += a2 * ex + b2 * ey;
    }
    // solve H·d = −g (3×3 by Cramer)
    const c00 = h11 * h22 - h12 * h12,
      c01 = h02 * h12 - h01 * h22,
      c02 = h01 * h12 - h02 * h11;
    const det = h00 * c00 + h01 * c01 + h02 * c02;
    if (!(Math.abs(det) > 1e-30)) return;
    const c11 = h00 * h22 - h02 * h02,
      c12 = h01 * h02 - h00 * h12,
      c22 = h00 * h11 - h01 * h01;
    const d0 = -(c00 * g0 + c01 * g1 + c02 * g2) / det;
    const d1 = -(c01 * g0 + c11 * g1 + c12 * g2) / det;
    const d2 = -(c02 * g0 + c12 * g1 + c22 * g2) / det;
    X[o] = X[o]! + d0;
    X[o + 1] = X[o + 1]! + d1;
    X[o + 2] = X[o + 2]! + d2;
  }
}

/** Camera centre of camera c: −Rᵀt. */
export function centreOf(R: Float64Array, t: Float64Array, c: number, out: Float64Array): void {
  const r = 9 * c;
  const t0 = t[3 * c]!,
    t1 = t[3 * c + 1]!,
    t2 = t[3 * c + 2]!;
  out[0] = -(R[r]! * t0 + R[r + 3]! * t1 + R[r + 6]! * t2);
  out[1] = -(R[r + 1]! * t0 + R[r + 4]! * t1 + R[r + 7]! * t2);
  out[2] = -(R[r + 2]! * t0 + R[r + 5]! * t1 + R[r + 8]! * t2);
}

/** Camera centre of camera c as a tuple. */
export function cameraCentre(R: Float64Array, t: Float64Array, c: number): [number, number, number] {
  const out = new Float64Array(3);
  centreOf(R, t, c, out);
  return [out[0]!, out[1]!, out[2]!];
}

/** Largest angle (radians) between the rays from the given camera centres to X. */
export function maxTriangulationAngle(
  R: Float64Array,
  t: Float64Array,
  cams: ArrayLike<number>,
  m: number,
  X: ArrayLike<number>,
  o = 0,
): number {
  const C = new Float64Array(3);
  const dirs = new Float64Array(3 * m);
  for (let k = 0; k < m; k++) {
    centreOf(R, t, cams[k]!, C);
    const dx = X[o]! - C[0]!,
      dy = X[o + 1]! - C[1]!,
      dz = X[o + 2]! - C[2]!;
    const n = Math.hypot(dx, dy, dz) || 1;
    dirs[3 * k] = dx / n;
    dirs[3 * k + 1] = dy / n;
    dirs[3 * k + 2] = dz / n;
  }
  let minCos = 1;
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++) {
      const c =
        dirs[3 * a]! * dirs[3 * b]! +
        dirs[3 * a + 1]! * dirs[3 * b + 1]! +
        dirs[3 * a + 2]! * dirs[3 * b + 2]!;
      if (c < minCos) minCos = c;
    }
  return Math.acos(Math.min(1, Math.max(-1, minCos)));
}

/** Squared normalised reprojection error of X in camera c (Infinity when behind it). */
export function reprojErrorSq(
  R: Float64Array,
  t: Float64Array,
  c: number,
  X: ArrayLike<number>,
  o: number,
  x: number,
  y: number,
): number {
  const r = 9 * c;
  const px = X[o]!,
    py = X[o + 1]!,
    pz = X[o + 2]!;
  const Zc = R[r + 6]! * px + R[r + 7]! * py + R[r + 8]! * pz + t[3 * c + 2]!;
  if (!(Zc > 1e-9)) return Infinity;
  const Xc = R[r]! * px + R[r + 1]! * py + R[r + 2]! * pz + t[3 * c]!;
  const Yc = R[r + 3]! * px + R[r + 4]! * py + R[r + 5]! * pz + t[3 * c + 1]!;
  const ex = Xc / Zc - x;
  const ey = Yc / Zc - y;
  return ex * ex + ey * ey;
}

/** Depth (camera z) of X in camera c. */
export function depthIn(
  R: Float64Array,
  t: Float64Array,
  c: number,
  X: ArrayLike<number>,
  o: number,
): number {
  const r = 9 * c;
  return R[r + 6]! * X[o]! + R[r + 7]! * X[o + 1]! + R[r + 8]! * X[o + 2]! + t[3 * c + 2]!;
}
