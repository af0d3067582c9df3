/**
 * Multi-view geometric consistency (the "left-right check" generalised to several views, as in COLMAP's
 * fusion): a reference pixel with depth z is back-projected, projected into a neighbour whose own depth map
 * is known, and compared there:
 *
 * - depth agreement: |z_proj − z_n| / z_n < maxRelDepthError, where z_proj is the point's depth in the
 *   neighbour and z_n the neighbour's depth at the projected position (bilinear in inverse depth where the
 *   four surrounding pixels agree, nearest pixel across depth edges);
 * - reprojection: the neighbour's point at that pixel, projected back into the reference, lands within
 *   maxReprojErrorPx of the starting pixel.
 *
 * A pixel is consistent when at least `minAgree` neighbours agree. The fused depth averages, in inverse
 * depth, the reference estimate and every agreeing neighbour's point expressed as reference depth.
 */
import type { Camera } from '../../../src-shared/geometry';
import { quatToMat3 } from '../../../src-shared/geometry';

export interface DepthView {
  camera: Camera;
  width: number;
  height: number;
  depth: Float32Array;
  /** Pixels to use (1) — e.g. the photometric mask; all pixels with depth > 0 when omitted. */
  valid?: Uint8Array;
}

export interface ConsistencyOptions {
  maxRelDepthError?: number;
  maxReprojErrorPx?: number;
  minAgree?: number;
}

export interface ConsistencyResult {
  /** Number of agreeing neighbours per pixel. */
  agree: Uint8Array;
  /** 1 where agree ≥ minAgree (and the reference pixel itself was valid). */
  valid: Uint8Array;
  /** Inverse-depth mean of the reference and agreeing neighbour depths (reference depth elsewhere). */
  fused: Float32Array;
}

/** Checks `ref` against each neighbour depth map. */
export function geometricConsistency(
  ref: DepthView,
  neighbours: readonly DepthView[],
  options: ConsistencyOptions = {},
): ConsistencyResult {
  const tolD = options.maxRelDepthError ?? 0.03;
  const tolPx = options.maxReprojErrorPx ?? 1;
  const tolPx2 = tolPx * tolPx;
  const minAgree = options.minAgree ?? 1;
  const { width: W, height: H } = ref;
  const n = W * H;
  const agree = new Uint8Array(n);
  const sumRho = new Float64Array(n);
  const cnt = new Uint8Array(n);
  const Rr = quatToMat3(ref.camera.q);
  const kr = ref.camera.intrinsics;
  const Cr = ref.camera.C;
  for (let i = 0; i < n; i++) {
    const z = ref.depth[i]!;
    if (z > 0 && (!ref.valid || ref.valid[i])) {
      sumRho[i] = 1 / z;
      cnt[i] = 1;
    }
  }
  for (const nb of neighbours) {
    const Rn = quatToMat3(nb.camera.q);
    const kn = nb.camera.intrinsics;
    const Cn = nb.camera.C;
    // X_n = Rnᵀ (Rr X_r + Cr − Cn) = M X_r + t ;  X_r = Mᵀ (X_n − t)
    const M = new Float64Array(9);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++)
        M[3 * a + b] = Rn[a]! * Rr[b]! + Rn[3 + a]! * Rr[3 + b]! + Rn[6 + a]! * Rr[6 + b]!;
    const d0 = Cr[0] - Cn[0],
      d1 = Cr[1] - Cn[1],
      d2 = Cr[2] - Cn[2];
    const t0 = Rn[0]! * d0 + Rn[3]! * d1 + Rn[6]! * d2;
    const t1 = Rn[1]! * d0 + Rn[4]! * d1 + Rn[7]! * d2;
    const t2 = Rn[2]! * d0 + Rn[5]! * d1 + Rn[8]! * d2;
    const NW = nb.width;
    const NH = nb.height;
    for (let y = 0; y < H; y++) {
      const yn = (y + 0.5 - kr.cy) / kr.fy;
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (cnt[i] === 0) continue;
        const z = ref.depth[i]!;
        const xn = (x + 0.5 - kr.cx) / kr.fx;
        const X0 = xn * z,
          X1 = yn * z;
        const P0 = M[0]! * X0 + M[1]! * X1 + M[2]! * z + t0;
        const P1 = M[3]! * X0 + M[4]! * X1 + M[5]! * z + t1;
        const P2 = M[6]! * X0 + M[7]! * X1 + M[8]! * z + t2;
        if (!(P2 > 0)) continue;
        const u = (kn.fx * P0) / P2 + kn.cx;
        const v = (kn.fy * P1) / P2 + kn.cy;
        // neighbour depth at (u, v): bilinear in inverse depth when the four surrounding pixels are valid
        // and agree within the tolerance, else the nearest pixel
        const fx = u - 0.5;
        const fy = v - 0.5;
        if (!(fx > -0.5 && fy > -0.5 && fx < NW - 0.5 && fy < NH - 0.5)) continue;
        let zn: number;
        const x0 = Math.min(Math.max(Math.floor(fx), 0), NW - 2);
        const y0 = Math.min(Math.max(Math.floor(fy), 0), NH - 2);
        const j00 = y0 * NW + x0;
        const za = nb.depth[j00]!,
          zb = nb.depth[j00 + 1]!,
          zc = nb.depth[j00 + NW]!,
          zd = nb.depth[j00 + NW + 1]!;
        const ok4 =
          za > 0 &&
          zb > 0 &&
          zc > 0 &&
          zd > 0 &&
          (!nb.valid || (nb.valid[j00] && nb.valid[j00 + 1] && nb.valid[j00 + NW] && nb.valid[j00 + NW + 1]));
        if (ok4 && Math.max(za, zb, zc, zd) <= (1 + tolD) * Math.min(za, zb, zc, zd)) {
          const ax = Math.min(Math.max(fx - x0, 0), 1);
          const ay = Math.min(Math.max(fy - y0, 0), 1);
          zn = 1 / ((1 - ay) * ((1 - ax) / za + ax / zb) + ay * ((1 - ax) / zc + ax / zd));
        } else {
          const ui = Math.min(Math.max(Math.floor(u), 0), NW - 1);
          const vi = Math.min(Math.max(Math.floor(v), 0), NH - 1);
          const j = vi * NW + ui;
          if (nb.valid && !nb.valid[j]) continue;
          zn = nb.depth[j]!;
        }
        if (!(zn > 0)) continue;
        if (Math.abs(P2 - zn) > tolD * zn) continue;
        // the neighbour's point at (u, v) back into the reference
        const Q0 = ((u - kn.cx) / kn.fx) * zn - t0;
        const Q1 = ((v - kn.cy) / kn.fy) * zn - t1;
        const Q2 = zn - t2;
        const R0 = M[0]! * Q0 + M[3]! * Q1 + M[6]! * Q2;
        const R1 = M[1]! * Q0 + M[4]! * Q1 + M[7]! * Q2;
        const R2 = M[2]! * Q0 + M[5]! * Q1 + M[8]! * Q2;
        if (!(R2 > 0)) continue;
        const ex = (kr.fx * R0) / R2 + kr.cx - (x + 0.5);
        const ey = (kr.fy * R1) / R2 + kr.cy - (y + 0.5);
        if (ex * ex + ey * ey > tolPx2) continue;
        agree[i] = agree[i]! + 1;
        // the neighbour's depth as a point on the reference ray: s·X_r has neighbour depth zn when
        // s = (zn − t2) / (P2 − t2)
        const den = P2 - t2;
        const s = (zn - t2) / den;
        if (Math.abs(den) > 1e-6 * zn && s > 0.5 && s < 2) {
          sumRho[i] = sumRho[i]! + 1 / (z * s);
          cnt[i] = cnt[i]! + 1;
        }
      }
    }
  }
  const valid = new Uint8Array(n);
  const fused = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (cnt[i] === 0) continue;
    valid[i] = agree[i]! >= minAgree ? 1 : 0;
    fused[i] = cnt[i]! / sumRho[i]!;
  }
  return { agree, valid, fused };
}
