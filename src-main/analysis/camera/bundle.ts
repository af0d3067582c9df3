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
  const d = P.huberPx ?? 1;
  const e = new Float64Array(2);
  let cost = 0;
  let sq = 0;
  let n = 0;
  for (let o = 0; o < P.obsCam.length; o++) {
    if (P.obsUse && !P.obsUse[o]) continue;
    if (!projectResidual(R, t, X, f, P.obsCam[o]!, P.obsPt[o]!, P.obsXY[2 * o]!, P.obsXY[2 * o + 1]!, e)) {
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

export function bundleAdjust(P: BundleProblem): BundleReport {
  const nObs = P.obsCam.length;
  const huber = P.huberPx ?? 1;
  const maxIt = P.maxIterations ?? 30;
  const optF = !!P.optimizeFocal;
  // variable camera blocks
  const camIdx = new Int32Array(P.numCams).fill(-1);
  let ncv = 0;
  for (let c = 0; c < P.numCams; c++) if (P.camVar[c]) camIdx[c] = ncv++;
  const fi = 6 * ncv;
  const nr = fi + (optF ? 1 : 0);
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
  // the used observations in that order: slot q holds ptObs[q]; everything per observation is stored by
  // slot, so a point's observations lie one after another
  const fill = ptCount.slice(0, P.numPoints);
  for (let o = 0; o < nObs; o++) if (used[o]) ptObs[fill[P.obsPt[o]!]!++] = o;
  // the variable camera of each slot (−1: held)
  const slotCam = new Int32Array(nUsed);
  for (let q = 0; q < nUsed; q++) slotCam[q] = camIdx[P.obsCam[ptObs[q]!]!]!;

  // per slot: camera Jacobian (2×6), point Jacobian (2×3), IRLS weight
  const Jc = new Float64Array(12 * nUsed);
  const Jp = new Float64Array(6 * nUsed);
  const wts = new Float64Array(nUsed);
  const U = new Float64Array(36 * Math.max(ncv, 1));
  const gc = new Float64Array(nr);
  const V = new Float64Array(9 * P.numPoints);
  const gp = new Float64Array(3 * P.numPoints);
  const Vinv = new Float64Array(9 * P.numPoints);
  const S = new Float64Array(nr * nr);
  const rhs = new Float64Array(nr);
  const Y = new Float64Array(18 * nUsed); // W·V⁻¹ per slot (6×3)
  // W_o = w·Jcᵀ·Jp per slot (6×3): fixed for a linearisation, used by every damping try and every pair
  const Wo = new Float64Array(18 * nUsed);
  const Yf = new Float64Array(3);

  let lambda = 1e-4;
  let cur = bundleCost(P).cost;
  const initialCost = cur;
  let it = 0;
  const Rn = new Float64Array(P.R.length);
  const tn = new Float64Array(P.t.length);
  const Xn = new Float64Array(P.X.length);
  const dR = new Float64Array(9);
  const tmp9 = new Float64Array(9);
  const dp = new Float64Array(3);

  for (; it < maxIt; it++) {
    if (P.signal?.aborted) break;
    // linearise
    U.fill(0);
    gc.fill(0);
    V.fill(0);
    gp.fill(0);
    let Uff = 0;
    const Ufc = new Float64Array(nr);
    const Wfp = new Float64Array(3 * P.numPoints);
    // in slot order: a point's observations one after another
    for (let q = 0; q < nUsed; q++) {
      const o = ptObs[q]!;
      const c = P.obsCam[o]!,
        p = P.obsPt[o]!;
      const r = 9 * c;
      const R = P.R;
      const px = P.X[3 * p]!,
        py = P.X[3 * p + 1]!,
        pz = P.X[3 * p + 2]!;
      const rx = R[r]! * px + R[r + 1]! * py + R[r + 2]! * pz;
      const ry = R[r + 3]! * px + R[r + 4]! * py + R[r + 5]! * pz;
      const rz = R[r + 6]! * px + R[r + 7]! * py + R[r + 8]! * pz;
      const Xc = rx + P.t[3 * c]!,
        Yc = ry + P.t[3 * c + 1]!,
        Zc = rz + P.t[3 * c + 2]!;
      const slot = 18 * q;
      if (!(Zc > 1e-9)) {
        wts[q] = 0;
        Wo.fill(0, slot, slot + 18);
        continue;
      }
      const iz = 1 / Zc;
      const x = Xc * iz,
        y = Yc * iz;
      const f = P.focal;
      const ex = f * x - P.obsXY[2 * o]!,
        ey = f * y - P.obsXY[2 * o + 1]!;
      const nrm = Math.hypot(ex, ey);
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
      if (P.ptVar[p]) {
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
    let accepted = false;
    for (let tries = 0; tries < 8 && !accepted; tries++) {
      // reduced camera system
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
      for (let p = 0; p < P.numPoints; p++) {
        if (!P.ptVar[p]) continue;
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
          for (let b = 0; b < 3; b++)
            Yf[b] = w0 * Vinv[Q + b]! + w1 * Vinv[Q + 3 + b]! + w2 * Vinv[Q + 6 + b]!;
          rhs[fi] = rhs[fi]! + Yf[0]! * g0 + Yf[1]! * g1 + Yf[2]! * g2;
          S[fi * nr + fi] = S[fi * nr + fi]! - (Yf[0]! * w0 + Yf[1]! * w1 + Yf[2]! * w2);
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
        // S[ka, kb] −= Y_a·W_bᵀ over the point's pairs of variable cameras (upper triangle, ka ≤ kb)
        for (let qa = o0; qa < o1; qa++) {
          const ka = slotCam[qa]!;
          if (ka < 0) continue;
          const ya = 18 * qa;
          for (let qb = o0; qb < o1; qb++) {
            const kb = slotCam[qb]!;
            if (kb < ka) continue;
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
            const same = ka === kb;
            for (let a = 0; a < 6; a++) {
              const y0 = Y[ya + 3 * a]!,
                y1 = Y[ya + 3 * a + 1]!,
                y2 = Y[ya + 3 * a + 2]!;
              const row = (6 * ka + a) * nr + 6 * kb;
              // on a diagonal block only b ≥ a (the rest is mirrored below)
              if (!same || a === 0) S[row] = S[row]! - (y0 * W00 + y1 * W01 + y2 * W02);
              if (!same || a <= 1) S[row + 1] = S[row + 1]! - (y0 * W10 + y1 * W11 + y2 * W12);
              if (!same || a <= 2) S[row + 2] = S[row + 2]! - (y0 * W20 + y1 * W21 + y2 * W22);
              if (!same || a <= 3) S[row + 3] = S[row + 3]! - (y0 * W30 + y1 * W31 + y2 * W32);
              if (!same || a <= 4) S[row + 4] = S[row + 4]! - (y0 * W40 + y1 * W41 + y2 * W42);
              S[row + 5] = S[row + 5]! - (y0 * W50 + y1 * W51 + y2 * W52);
            }
          }
        }
      }
      for (let i = 0; i < nr; i++) for (let j = 0; j < i; j++) S[i * nr + j] = S[j * nr + i]!;
      const dc = Float64Array.from(rhs);
      if (nr > 0 && !choleskySolveInPlace(S, dc, nr)) {
        lambda *= 10;
        continue;
      }
      // apply
      Rn.set(P.R);
      tn.set(P.t);
      Xn.set(P.X);
      for (let c = 0; c < P.numCams; c++) {
        const k = camIdx[c]!;
        if (k < 0) continue;
        rodrigues(dc[6 * k]!, dc[6 * k + 1]!, dc[6 * k + 2]!, dR);
        mul33(dR, P.R.subarray(9 * c, 9 * c + 9), tmp9);
        Rn.set(tmp9, 9 * c);
        tn[3 * c] = P.t[3 * c]! + dc[6 * k + 3]!;
        tn[3 * c + 1] = P.t[3 * c + 1]! + dc[6 * k + 4]!;
        tn[3 * c + 2] = P.t[3 * c + 2]! + dc[6 * k + 5]!;
      }
      const df = optF ? dc[fi]! : 0;
      for (let p = 0; p < P.numPoints; p++) {
        if (!P.ptVar[p]) continue;
        const o0 = ptCount[p]!,
          o1 = ptCount[p + 1]!;
        if (o1 === o0) continue;
        // δp = V⁻¹(−g_p − Σ W_oᵀ·δc − Wfpᵀ·δf)
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
        dp[0] = Vinv[Q]! * b0 + Vinv[Q + 1]! * b1 + Vinv[Q + 2]! * b2;
        dp[1] = Vinv[Q + 3]! * b0 + Vinv[Q + 4]! * b1 + Vinv[Q + 5]! * b2;
        dp[2] = Vinv[Q + 6]! * b0 + Vinv[Q + 7]! * b1 + Vinv[Q + 8]! * b2;
        Xn[3 * p] = P.X[3 * p]! + dp[0]!;
        Xn[3 * p + 1] = P.X[3 * p + 1]! + dp[1]!;
        Xn[3 * p + 2] = P.X[3 * p + 2]! + dp[2]!;
      }
      const fn = P.focal + df;
      const c = fn > 0 ? bundleCost(P, Rn, tn, Xn, fn).cost : Infinity;
      if (c < cur) {
        P.R.set(Rn);
        P.t.set(tn);
        P.X.set(Xn);
        P.focal = fn;
        const rel = (cur - c) / (cur || 1);
        cur = c;
        lambda = Math.max(lambda / 5, 1e-12);
        accepted = true;
        if (rel < 1e-7) it = maxIt; // converged
      } else lambda *= 10;
    }
    if (!accepted) break;
  }
  const fin = bundleCost(P);
  return {
    iterations: Math.min(it, maxIt),
    initialCost,
    finalCost: fin.cost,
    rmsPx: fin.n ? Math.sqrt(fin.sq / fin.n) : NaN,
    focal: P.focal,
    observations: fin.n,
  };
}
