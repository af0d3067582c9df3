/**
 * Bundle adjustment: Levenberg–Marquardt over camera poses (left angle-axis increment + translation),
 * 3D points and optionally one shared focal length, with a Huber loss (IRLS weights) and the sparse Schur
 * complement on the points: the 3×3 point blocks are eliminated and the reduced camera system (6 per free
 * camera, +1 for the focal) is solved densely by Cholesky.
 *
 * Cameras are world-to-camera (X_c = R·X + t), R row-major. Observations are pixel coordinates relative
 * to the principal point (u − cx, v − cy), so the projection is f·(X_c/Z_c, Y_c/Z_c).
 */
import { choleskySolveInPlace } from './linalg';
import { mul33, rodrigues } from './rotation';

export interface BundleProblem {
  numCams: number;
  numPoints: number;
  /** 9 per camera, updated in place. */
  R: Float64Array;
  /** 3 per camera, updated in place. */
  t: Float64Array;
  /** 3 per point, updated in place. */
  X: Float64Array;
  focal: number;
  obsCam: Int32Array;
  obsPt: Int32Array;
  /** Centred pixel coordinates, 2 per observation. */
  obsXY: Float64Array;
  /** Optional per-observation mask (1 = use). */
  obsUse?: Uint8Array;
  camVar: Uint8Array;
  ptVar: Uint8Array;
  optimizeFocal?: boolean;
  /** Huber scale in pixels (default 1). */
  huberPx?: number;
  maxIterations?: number;
  signal?: AbortSignal;
}

export interface BundleReport {
  iterations: number;
  initialCost: number;
  finalCost: number;
  /** RMS reprojection error (pixels) over the used observations at the end. */
  rmsPx: number;
  focal: number;
  observations: number;
}

function projectResidual(
  R: Float64Array,
  t: Float64Array,
  X: Float64Array,
  f: number,
  c: number,
  p: number,
  ox: number,
  oy: number,
  out: Float64Array,
): boolean {
  const r = 9 * c;
  const px = X[3 * p]!,
    py = X[3 * p + 1]!,
    pz = X[3 * p + 2]!;
  const Zc = R[r + 6]! * px + R[r + 7]! * py + R[r + 8]! * pz + t[3 * c + 2]!;
  if (!(Zc > 1e-9)) return false;
  const Xc = R[r]! * px + R[r + 1]! * py + R[r + 2]! * pz + t[3 * c]!;
  const Yc = R[r + 3]! * px + R[r + 4]! * py + R[r + 5]! * pz + t[3 * c + 1]!;
  out[0] = (f * Xc) / Zc - ox;
  out[1] = (f * Yc) / Zc - oy;
  return true;
}

/** Robust cost Σρ(‖e‖) (Huber) and plain squared error sum over used observations. */
export function bundleCost(
  P: BundleProblem,
  R = P.R,
  t = P.t,
  X = P.X,
  f = P.focal,
): { cost: number; sq: number; n: number } {
  return robustCost(P.obsCam, P.obsPt, P.obsXY, P.obsUse ?? null, P.huberPx ?? 1, R, t, X, f);
}

/** {@link bundleCost} on plain arrays (one signature whatever the caller's problem object looks like). */
function robustCost(
  obsCam: Int32Array,
  obsPt: Int32Array,
  obsXY: Float64Array,
  obsUse: Uint8Array | null,
  d: number,
  R: Float64Array,
  t: Float64Array,
  X: Float64Array,
  f: number,
): { cost: number; sq: number; n: number } {
  const e = new Float64Array(2);
  let cost = 0;
  let sq = 0;
  let n = 0;
  for (let o = 0; o < obsCam.length; o++) {
    if (obsUse && !obsUse[o]) continue;
    if (!projectResidual(R, t, X, f, obsCam[o]!, obsPt[o]!, obsXY[2 * o]!, obsXY[2 * o + 1]!, e)) {
      cost += 2 * d * 1e3;
      continue;
    }
    const s = e[0]! * e[0]! + e[1]! * e[1]!;
    const r = Math.sqrt(s);
    cost += r <= d ? s : 2 * d * r - d * d;
    sq += s;
    n++;
  }
  return { cost, sq, n };
}

/**
 * The fixed structure of one adjustment: the observations it uses, grouped by point (slot q holds
 * observation ptObs[q]; a point's slots are ptCount[p]…ptCount[p+1]), and its variables. The hot loops
 * are functions of their own over this one shape, so V8 optimises them early and keeps them optimised
 * (one large function was deoptimised again and again by each problem's object shape and by the paths
 * it first took late, such as the free focal: about a second of a gt shot's solve ran unoptimised).
 */
interface Layout {
  numCams: number;
  numPoints: number;
  nUsed: number;
  /** Variable cameras; the reduced system has 6 rows per variable camera, +1 for the focal (row fi). */
  ncv: number;
  nr: number;
  fi: number;
  optF: boolean;
  huber: number;
  /** Variable camera index of each camera (−1: held). */
  camIdx: Int32Array;
  ptCount: Int32Array;
  ptObs: Int32Array;
  /** Variable camera of each slot (−1: held). */
  slotCam: Int32Array;
  obsCam: Int32Array;
  obsPt: Int32Array;
  obsXY: Float64Array;
  ptVar: Uint8Array;
}

/** One linearisation: the normal equations before the points are eliminated, reused by every damping try. */
class Normal {
  /** Per slot: camera Jacobian (2×6), point Jacobian (2×3), IRLS weight, W = w·Jcᵀ·Jp (6×3). */
  readonly Jc: Float64Array;
  readonly Jp: Float64Array;
  readonly wts: Float64Array;
  readonly Wo: Float64Array;
  /** Camera blocks (upper triangles of 6×6), camera gradient (+ focal), point blocks (3×3), point gradient. */
  readonly U: Float64Array;
  readonly gc: Float64Array;
  readonly V: Float64Array;
  readonly gp: Float64Array;
  /** Focal couplings: with each camera row, with each point (its own term is linearise's value). */
  readonly Ufc: Float64Array;
  readonly Wfp: Float64Array;
  constructor(L: Layout) {
    this.Jc = new Float64Array(12 * L.nUsed);
    this.Jp = new Float64Array(6 * L.nUsed);
    this.wts = new Float64Array(L.nUsed);
    this.Wo = new Float64Array(18 * L.nUsed);
    this.U = new Float64Array(36 * Math.max(L.ncv, 1));
    this.gc = new Float64Array(L.nr);
    this.V = new Float64Array(9 * L.numPoints);
    this.gp = new Float64Array(3 * L.numPoints);
    this.Ufc = new Float64Array(L.nr);
    this.Wfp = new Float64Array(3 * L.numPoints);
  }
}

function layoutOf(P: BundleProblem): Layout {
  const nObs = P.obsCam.length;
  const optF = !!P.optimizeFocal;
  const camIdx = new Int32Array(P.numCams).fill(-1);
  let ncv = 0;
  for (let c = 0; c < P.numCams; c++) if (P.camVar[c]) camIdx[c] = ncv++;
  const fi = 6 * ncv;
  // observations used, grouped by point (CSR)
  const used = new Uint8Array(nObs);
  const ptCount = new Int32Array(P.numPoints + 1);
  for (let o = 0; o < nObs; o++) {
    if (P.obsUse && !P.obsUse[o]) continue;
    const c = P.obsCam[o]!,
      p = P.obsPt[o]!;
    if (!P.camVar[c] && !P.ptVar[p] && !optF) continue;
    used[o] = 1;
    ptCount[p + 1] = ptCount[p + 1]! + 1;
  }
  for (let p = 0; p < P.numPoints; p++) ptCount[p + 1] = ptCount[p + 1]! + ptCount[p]!;
  const nUsed = ptCount[P.numPoints]!;
  const ptObs = new Int32Array(nUsed);
  const fill = ptCount.slice(0, P.numPoints);
  for (let o = 0; o < nObs; o++) if (used[o]) ptObs[fill[P.obsPt[o]!]!++] = o;
  const slotCam = new Int32Array(nUsed);
  for (let q = 0; q < nUsed; q++) slotCam[q] = camIdx[P.obsCam[ptObs[q]!]!]!;
  return {
    numCams: P.numCams,
    numPoints: P.numPoints,
    nUsed,
    ncv,
    nr: fi + (optF ? 1 : 0),
    fi,
    optF,
    huber: P.huberPx ?? 1,
    camIdx,
    ptCount,
    ptObs,
    slotCam,
    obsCam: P.obsCam,
    obsPt: P.obsPt,
    obsXY: P.obsXY,
    ptVar: P.ptVar,
  };
}

/**
 * Jacobians, IRLS weights and the normal equations' blocks at (R, t, X, f), in slot order; returns the
 * focal's own term (Σ w·(x² + y²), when the focal is free).
 */
function linearise(
  L: Layout,
  N: Normal,
  R: Float64Array,
  t: Float64Array,
  X: Float64Array,
  f: number,
): number {
  const { nUsed, fi, optF, huber, camIdx, ptObs, obsCam, obsPt, obsXY, ptVar } = L;
  const { Jc, Jp, wts, Wo, U, gc, V, gp, Ufc, Wfp } = N;
  U.fill(0);
  gc.fill(0);
  V.fill(0);
  gp.fill(0);
  Ufc.fill(0);
  Wfp.fill(0);
  let Uff = 0;
  for (let q = 0; q < nUsed; q++) {
    const o = ptObs[q]!;
    const c = obsCam[o]!,
      p = obsPt[o]!;
    const r = 9 * c;
    const px = X[3 * p]!,
      py = X[3 * p + 1]!,
      pz = X[3 * p + 2]!;
    const rx = R[r]! * px + R[r + 1]! * py + R[r + 2]! * pz;
    const ry = R[r + 3]! * px + R[r + 4]! * py + R[r + 5]! * pz;
    const rz = R[r + 6]! * px + R[r + 7]! * py + R[r + 8]! * pz;
    const Xc = rx + t[3 * c]!,
      Yc = ry + t[3 * c + 1]!,
      Zc = rz + t[3 * c + 2]!;
    const slot = 18 * q;
    if (!(Zc > 1e-9)) {
      wts[q] = 0;
      Wo.fill(0, slot, slot + 18);
      continue;
    }
    const iz = 1 / Zc;
    const x = Xc * iz,
      y = Yc * iz;
    const ex = f * x - obsXY[2 * o]!,
      ey = f * y - obsXY[2 * o + 1]!;
    const nrm = Math.sqrt(ex * ex + ey * ey);
    const w = nrm <= huber ? 1 : huber / nrm;
    wts[q] = w;
    const du0 = f * iz,
      du2 = -f * x * iz,
      dv1 = f * iz,
      dv2 = -f * y * iz;
    const J = 12 * q;
    // camera: dXc/dω = −[RX]×, dXc/dt = I
    Jc[J] = du2 * ry;
    Jc[J + 1] = du0 * rz - du2 * rx;
    Jc[J + 2] = -du0 * ry;
    Jc[J + 3] = du0;
    Jc[J + 4] = 0;
    Jc[J + 5] = du2;
    Jc[J + 6] = -dv1 * rz + dv2 * ry;
    Jc[J + 7] = -dv2 * rx;
    Jc[J + 8] = dv1 * rx;
    Jc[J + 9] = 0;
    Jc[J + 10] = dv1;
    Jc[J + 11] = dv2;
    // point: d/dX = (d/dXc)·R
    const K = 6 * q;
    for (let j = 0; j < 3; j++) {
      Jp[K + j] = du0 * R[r + j]! + du2 * R[r + 6 + j]!;
      Jp[K + 3 + j] = dv1 * R[r + 3 + j]! + dv2 * R[r + 6 + j]!;
    }
    for (let a = 0; a < 6; a++) {
      const ja = Jc[J + a]! * w,
        jb = Jc[J + 6 + a]! * w;
      const wo = slot + 3 * a;
      Wo[wo] = ja * Jp[K]! + jb * Jp[K + 3]!;
      Wo[wo + 1] = ja * Jp[K + 1]! + jb * Jp[K + 4]!;
      Wo[wo + 2] = ja * Jp[K + 2]! + jb * Jp[K + 5]!;
    }
    const k = camIdx[c]!;
    if (k >= 0) {
      const B = 36 * k;
      for (let a = 0; a < 6; a++) {
        const ja = w * Jc[J + a]!,
          jb = w * Jc[J + 6 + a]!;
        gc[6 * k + a] = gc[6 * k + a]! + (ja * ex + jb * ey);
        for (let b = a; b < 6; b++)
          U[B + a * 6 + b] = U[B + a * 6 + b]! + (ja * Jc[J + b]! + jb * Jc[J + 6 + b]!);
      }
      if (optF)
        for (let a = 0; a < 6; a++)
          Ufc[6 * k + a] = Ufc[6 * k + a]! + w * (Jc[J + a]! * x + Jc[J + 6 + a]! * y);
    }
    if (optF) {
      Uff += w * (x * x + y * y);
      gc[fi] = gc[fi]! + w * (x * ex + y * ey);
    }
    if (ptVar[p]) {
      const Q = 9 * p;
      for (let a = 0; a < 3; a++) {
        const ja = Jp[K + a]!,
          jb = Jp[K + 3 + a]!;
        gp[3 * p + a] = gp[3 * p + a]! + w * (ja * ex + jb * ey);
        for (let b = a; b < 3; b++)
          V[Q + a * 3 + b] = V[Q + a * 3 + b]! + w * (ja * Jp[K + b]! + jb * Jp[K + 3 + b]!);
        if (optF) Wfp[3 * p + a] = Wfp[3 * p + a]! + w * (x * ja + y * jb);
      }
    }
  }
  return Uff;
}

/**
 * The reduced camera system at damping λ: S = U* − Σ_p W_p·V_p*⁻¹·W_pᵀ and rhs = −g_c + Σ_p W_p·V_p*⁻¹·g_p
 * (the damped point blocks' inverses left in Vinv, Y = W·V*⁻¹ per slot), S symmetric in full.
 */
function reduce(
  L: Layout,
  N: Normal,
  Uff: number,
  lambda: number,
  Vinv: Float64Array,
  Y: Float64Array,
  S: Float64Array,
  rhs: Float64Array,
): void {
  const { ncv, nr, fi, optF } = L;
  const { U, gc, Ufc } = N;
  S.fill(0);
  for (let k = 0; k < ncv; k++)
    for (let a = 0; a < 6; a++)
      for (let b = a; b < 6; b++) {
        let v = U[36 * k + a * 6 + b]!;
        if (a === b) v = v * (1 + lambda) + 1e-9;
        S[(6 * k + a) * nr + 6 * k + b] = v;
      }
  if (optF) {
    S[fi * nr + fi] = Uff * (1 + lambda) + 1e-9;
    for (let j = 0; j < fi; j++) S[j * nr + fi] = Ufc[j]!;
  }
  for (let j = 0; j < nr; j++) rhs[j] = -gc[j]!;
  eliminatePoints(L, N, lambda, Vinv, Y, S, rhs);
  mirrorUpper(S, nr);
}

/**
 * The points' part of {@link reduce}. Its loop is the hot one: in a function of its own, nothing after
 * it waits for type feedback when V8 compiles the loop on stack (the call after it was deoptimised on
 * nearly every adjustment).
 */
function eliminatePoints(
  L: Layout,
  N: Normal,
  lambda: number,
  Vinv: Float64Array,
  Y: Float64Array,
  S: Float64Array,
  rhs: Float64Array,
): void {
  const { numPoints, nr, fi, optF, ptCount, slotCam, ptVar } = L;
  const { Wo, V, gp, Wfp } = N;
  for (let p = 0; p < numPoints; p++) {
    if (!ptVar[p]) continue;
    const o0 = ptCount[p]!,
      o1 = ptCount[p + 1]!;
    if (o1 === o0) continue;
    const Q = 9 * p;
    // V⁻¹ (damped)
    const a00 = V[Q]! * (1 + lambda) + 1e-12,
      a01 = V[Q + 1]!,
      a02 = V[Q + 2]!;
    const a11 = V[Q + 4]! * (1 + lambda) + 1e-12,
      a12 = V[Q + 5]!,
      a22 = V[Q + 8]! * (1 + lambda) + 1e-12;
    const c00 = a11 * a22 - a12 * a12,
      c01 = a02 * a12 - a01 * a22,
      c02 = a01 * a12 - a02 * a11;
    const det = a00 * c00 + a01 * c01 + a02 * c02;
    const id = 1 / det;
    const c11 = a00 * a22 - a02 * a02,
      c12 = a01 * a02 - a00 * a12,
      c22 = a00 * a11 - a01 * a01;
    Vinv[Q] = c00 * id;
    Vinv[Q + 1] = c01 * id;
    Vinv[Q + 2] = c02 * id;
    Vinv[Q + 3] = c01 * id;
    Vinv[Q + 4] = c11 * id;
    Vinv[Q + 5] = c12 * id;
    Vinv[Q + 6] = c02 * id;
    Vinv[Q + 7] = c12 * id;
    Vinv[Q + 8] = c22 * id;
    const g0 = gp[3 * p]!,
      g1 = gp[3 * p + 1]!,
      g2 = gp[3 * p + 2]!;
    // Y_o = W_o·V⁻¹ with W_o = w·Jcᵀ·Jp (6×3)
    const v0 = Vinv[Q]!,
      v1 = Vinv[Q + 1]!,
      v2 = Vinv[Q + 2]!,
      v4 = Vinv[Q + 4]!,
      v5 = Vinv[Q + 5]!,
      v8 = Vinv[Q + 8]!;
    for (let q = o0; q < o1; q++) {
      const k = slotCam[q]!;
      if (k < 0) continue;
      for (let a = 0; a < 6; a++) {
        const wo = 18 * q + 3 * a;
        const W0 = Wo[wo]!,
          W1 = Wo[wo + 1]!,
          W2 = Wo[wo + 2]!;
        // V⁻¹ is symmetric
        const y0 = W0 * v0 + W1 * v1 + W2 * v2,
          y1 = W0 * v1 + W1 * v4 + W2 * v5,
          y2 = W0 * v2 + W1 * v5 + W2 * v8;
        Y[wo] = y0;
        Y[wo + 1] = y1;
        Y[wo + 2] = y2;
        rhs[6 * k + a] = rhs[6 * k + a]! + y0 * g0 + y1 * g1 + y2 * g2;
      }
    }
    if (optF) {
      const w0 = Wfp[3 * p]!,
        w1 = Wfp[3 * p + 1]!,
        w2 = Wfp[3 * p + 2]!;
      const yf0 = w0 * Vinv[Q]! + w1 * Vinv[Q + 3]! + w2 * Vinv[Q + 6]!,
        yf1 = w0 * Vinv[Q + 1]! + w1 * Vinv[Q + 4]! + w2 * Vinv[Q + 7]!,
        yf2 = w0 * Vinv[Q + 2]! + w1 * Vinv[Q + 5]! + w2 * Vinv[Q + 8]!;
      rhs[fi] = rhs[fi]! + yf0 * g0 + yf1 * g1 + yf2 * g2;
      S[fi * nr + fi] = S[fi * nr + fi]! - (yf0 * w0 + yf1 * w1 + yf2 * w2);
      // with the focal column: S[ka, fi] −= Y_a·Wfpᵀ
      for (let q = o0; q < o1; q++) {
        const k = slotCam[q]!;
        if (k < 0) continue;
        for (let a = 0; a < 6; a++) {
          const yo = 18 * q + 3 * a;
          const idx = (6 * k + a) * nr + fi;
          S[idx] = S[idx]! - (Y[yo]! * w0 + Y[yo + 1]! * w1 + Y[yo + 2]! * w2);
        }
      }
    }
    eliminatePoint(o0, o1, slotCam, Y, Wo, S, nr);
  }
}

/** The lower triangle of the n×n row-major S from its upper one. */
function mirrorUpper(S: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) S[i * n + j] = S[j * n + i]!;
}

/**
 * S[ka, kb] −= Y_a·W_bᵀ over one point's pairs of observations in variable cameras (upper triangle,
 * ka ≤ kb): the inner loop of the Schur complement, with W_b held in locals and a 6×6 block written a
 * row at a time.
 */
function eliminatePoint(
  o0: number,
  o1: number,
  slotCam: Int32Array,
  Y: Float64Array,
  Wo: Float64Array,
  S: Float64Array,
  nr: number,
): void {
  for (let qa = o0; qa < o1; qa++) {
    const ka = slotCam[qa]!;
    if (ka < 0) continue;
    const ya = 18 * qa;
    // the diagonal block (upper triangle; mirrored below)
    {
      const d = 6 * ka * nr + 6 * ka;
      for (let a = 0; a < 6; a++) {
        const y0 = Y[ya + 3 * a]!,
          y1 = Y[ya + 3 * a + 1]!,
          y2 = Y[ya + 3 * a + 2]!;
        const row = d + a * nr;
        for (let b = a; b < 6; b++) {
          const wb = ya + 3 * b;
          S[row + b] = S[row + b]! - (y0 * Wo[wb]! + y1 * Wo[wb + 1]! + y2 * Wo[wb + 2]!);
        }
      }
    }
    for (let qb = o0; qb < o1; qb++) {
      const kb = slotCam[qb]!;
      // the pair's other order writes the transposed block; two observations of one point in one
      // camera (not made by the solve) both add to the diagonal block, whose upper half is kept
      if (kb < ka || qb === qa) continue;
      const wb = 18 * qb;
      const W00 = Wo[wb]!,
        W01 = Wo[wb + 1]!,
        W02 = Wo[wb + 2]!,
        W10 = Wo[wb + 3]!,
        W11 = Wo[wb + 4]!,
        W12 = Wo[wb + 5]!,
        W20 = Wo[wb + 6]!,
        W21 = Wo[wb + 7]!,
        W22 = Wo[wb + 8]!,
        W30 = Wo[wb + 9]!,
        W31 = Wo[wb + 10]!,
        W32 = Wo[wb + 11]!,
        W40 = Wo[wb + 12]!,
        W41 = Wo[wb + 13]!,
        W42 = Wo[wb + 14]!,
        W50 = Wo[wb + 15]!,
        W51 = Wo[wb + 16]!,
        W52 = Wo[wb + 17]!;
      let row = 6 * ka * nr + 6 * kb;
      for (let a = 0; a < 6; a++, row += nr) {
        const y0 = Y[ya + 3 * a]!,
          y1 = Y[ya + 3 * a + 1]!,
          y2 = Y[ya + 3 * a + 2]!;
        S[row] = S[row]! - (y0 * W00 + y1 * W01 + y2 * W02);
        S[row + 1] = S[row + 1]! - (y0 * W10 + y1 * W11 + y2 * W12);
        S[row + 2] = S[row + 2]! - (y0 * W20 + y1 * W21 + y2 * W22);
        S[row + 3] = S[row + 3]! - (y0 * W30 + y1 * W31 + y2 * W32);
        S[row + 4] = S[row + 4]! - (y0 * W40 + y1 * W41 + y2 * W42);
        S[row + 5] = S[row + 5]! - (y0 * W50 + y1 * W51 + y2 * W52);
      }
    }
  }
}

/** δp = V*⁻¹(−g_p − Σ W_oᵀ·δc − Wfpᵀ·δf) for every variable point: Xn = X + δp. */
function stepPoints(
  L: Layout,
  N: Normal,
  Vinv: Float64Array,
  dc: Float64Array,
  df: number,
  X: Float64Array,
  Xn: Float64Array,
): void {
  const { numPoints, optF, ptCount, slotCam, ptVar } = L;
  const { Jc, Jp, wts, gp, Wfp } = N;
  for (let p = 0; p < numPoints; p++) {
    if (!ptVar[p]) continue;
    const o0 = ptCount[p]!,
      o1 = ptCount[p + 1]!;
    if (o1 === o0) continue;
    let b0 = -gp[3 * p]!,
      b1 = -gp[3 * p + 1]!,
      b2 = -gp[3 * p + 2]!;
    for (let q = o0; q < o1; q++) {
      const k = slotCam[q]!;
      if (k < 0) continue;
      const w = wts[q]!;
      const J = 12 * q,
        K = 6 * q;
      // Jc·δc (2) then Jpᵀ·(…)
      let s0 = 0,
        s1 = 0;
      for (let a = 0; a < 6; a++) {
        s0 += Jc[J + a]! * dc[6 * k + a]!;
        s1 += Jc[J + 6 + a]! * dc[6 * k + a]!;
      }
      b0 -= w * (Jp[K]! * s0 + Jp[K + 3]! * s1);
      b1 -= w * (Jp[K + 1]! * s0 + Jp[K + 4]! * s1);
      b2 -= w * (Jp[K + 2]! * s0 + Jp[K + 5]! * s1);
    }
    if (optF) {
      b0 -= Wfp[3 * p]! * df;
      b1 -= Wfp[3 * p + 1]! * df;
      b2 -= Wfp[3 * p + 2]! * df;
    }
    const Q = 9 * p;
    Xn[3 * p] = X[3 * p]! + (Vinv[Q]! * b0 + Vinv[Q + 1]! * b1 + Vinv[Q + 2]! * b2);
    Xn[3 * p + 1] = X[3 * p + 1]! + (Vinv[Q + 3]! * b0 + Vinv[Q + 4]! * b1 + Vinv[Q + 5]! * b2);
    Xn[3 * p + 2] = X[3 * p + 2]! + (Vinv[Q + 6]! * b0 + Vinv[Q + 7]! * b1 + Vinv[Q + 8]! * b2);
  }
}

export function bundleAdjust(P: BundleProblem): BundleReport {
  const maxIt = P.maxIterations ?? 30;
  const L = layoutOf(P);
  const { numCams, nr, fi, optF, camIdx, obsCam, obsPt, obsXY, huber } = L;
  const obsUse = P.obsUse ?? null;
  const R = P.R,
    t = P.t,
    X = P.X;
  const N = new Normal(L);
  const Vinv = new Float64Array(9 * L.numPoints);
  const S = new Float64Array(nr * nr);
  const rhs = new Float64Array(nr);
  const dc = new Float64Array(nr);
  const Y = new Float64Array(18 * L.nUsed); // W·V⁻¹ per slot (6×3)

  let lambda = 1e-4;
  let focal = P.focal;
  let cur = robustCost(obsCam, obsPt, obsXY, obsUse, huber, R, t, X, focal).cost;
  const initialCost = cur;
  let it = 0;
  const Rn = new Float64Array(R.length);
  const tn = new Float64Array(t.length);
  const Xn = new Float64Array(X.length);
  const dR = new Float64Array(9);
  const tmp9 = new Float64Array(9);

  for (; it < maxIt; it++) {
    if (P.signal?.aborted) break;
    const Uff = linearise(L, N, R, t, X, focal);
    let accepted = false;
    for (let tries = 0; tries < 8 && !accepted; tries++) {
      reduce(L, N, Uff, lambda, Vinv, Y, S, rhs);
      dc.set(rhs);
      if (nr > 0 && !choleskySolveInPlace(S, dc, nr)) {
        lambda *= 10;
        continue;
      }
      // apply
      Rn.set(R);
      tn.set(t);
      for (let c = 0; c < numCams; c++) {
        const k = camIdx[c]!;
        if (k < 0) continue;
        rodrigues(dc[6 * k]!, dc[6 * k + 1]!, dc[6 * k + 2]!, dR);
        mul33(dR, R.subarray(9 * c, 9 * c + 9), tmp9);
        Rn.set(tmp9, 9 * c);
        tn[3 * c] = t[3 * c]! + dc[6 * k + 3]!;
        tn[3 * c + 1] = t[3 * c + 1]! + dc[6 * k + 4]!;
        tn[3 * c + 2] = t[3 * c + 2]! + dc[6 * k + 5]!;
      }
      const df = optF ? dc[fi]! : 0;
      Xn.set(X);
      stepPoints(L, N, Vinv, dc, df, X, Xn);
      const fn = focal + df;
      const c = fn > 0 ? robustCost(obsCam, obsPt, obsXY, obsUse, huber, Rn, tn, Xn, fn).cost : Infinity;
      if (c < cur) {
        R.set(Rn);
        t.set(tn);
        X.set(Xn);
        focal = fn;
        const rel = (cur - c) / (cur || 1);
        cur = c;
        lambda = Math.max(lambda / 5, 1e-12);
        accepted = true;
        if (rel < 1e-7) it = maxIt; // converged
      } else lambda *= 10;
    }
    if (!accepted) break;
  }
  P.focal = focal;
  const fin = robustCost(obsCam, obsPt, obsXY, obsUse, huber, R, t, X, focal);
  return {
    iterations: Math.min(it, maxIt),
    initialCost,
    finalCost: fin.cost,
    rmsPx: fin.n ? Math.sqrt(fin.sq / fin.n) : NaN,
    focal,
    observations: fin.n,
  };
}
