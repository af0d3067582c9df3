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
import { sweepGeometry } from './homography';

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
  /**
   * Per reference pixel, the relative depth error allowed instead of maxRelDepthError (e.g. from how well
   * the baselines constrain depth there: a far pixel seen with short baselines is only known to a few %).
   */
  relTolerance?: Float32Array;
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
  const relTol = options.relTolerance;
  const tolPx = options.maxReprojErrorPx ?? 1;
  const tolPx2 = tolPx * tolPx;
  const minAgree = options.minAgree ?? 1;
  const { width: W, height: H } = ref;
  const n = W * H;
  const agree = new Uint8Array(n);
  const sumRho = new Float64Array(n);
  const cnt = new Uint8Array(n);
  const kr = ref.camera.intrinsics;
  const refDepth = ref.depth;
  const refValid = ref.valid;
  for (let i = 0; i < n; i++) {
    const z = refDepth[i]!;
    if (z > 0 && (!refValid || refValid[i])) {
      sumRho[i] = 1 / z;
      cnt[i] = 1;
    }
  }
  for (const nb of neighbours) {
    const kn = nb.camera.intrinsics;
    // X_n = Rnᵀ (Rr X_r + Cr − Cn) = M X_r + t ;  X_r = Mᵀ (X_n − t)
    const { R: M, t } = sweepGeometry(ref.camera, nb.camera);
    const t0 = t[0]!,
      t1 = t[1]!,
      t2 = t[2]!;
    const NW = nb.width;
    const NH = nb.height;
    const nbValid = nb.valid;
    const nbDepth = nb.depth;
    const m0 = M[0]!,
      m1 = M[1]!,
      m2 = M[2]!,
      m3 = M[3]!,
      m4 = M[4]!,
      m5 = M[5]!,
      m6 = M[6]!,
      m7 = M[7]!,
      m8 = M[8]!;
    const nfx = kn.fx,
      nfy = kn.fy,
      ncx = kn.cx,
      ncy = kn.cy;
    const rfx = kr.fx,
      rfy = kr.fy,
      rcx = kr.cx,
      rcy = kr.cy;
    const tolHi = 1 + tolD;
    // the neighbour's inverse depth, for the bilinear lookup (0 where it has none)
    const nbRho = new Float32Array(NW * NH);
    for (let j = 0; j < nbRho.length; j++) {
      const d = nbDepth[j]!;
      nbRho[j] = d > 0 && (!nbValid || nbValid[j]) ? 1 / d : 0;
    }
    const irfx = 1 / rfx,
      irfy = 1 / rfy,
      infx = 1 / nfx,
      infy = 1 / nfy;
    for (let y = 0; y < H; y++) {
      const yn = (y + 0.5 - rcy) * irfy;
      const row = y * W;
      for (let x = 0; x < W; x++) {
        const i = row + x;
        if (cnt[i] === 0) continue;
        const z = refDepth[i]!;
        const xn = (x + 0.5 - rcx) * irfx;
        const X0 = xn * z,
          X1 = yn * z;
        const P2 = m6 * X0 + m7 * X1 + m8 * z + t2;
        if (!(P2 > 0)) continue;
        const iP2 = 1 / P2;
        const u = nfx * (m0 * X0 + m1 * X1 + m2 * z + t0) * iP2 + ncx;
        const v = nfy * (m3 * X0 + m4 * X1 + m5 * z + t1) * iP2 + ncy;
        // neighbour depth at (u, v): bilinear in inverse depth when the four surrounding pixels are valid
        // and agree within the tolerance, else the nearest pixel
        const fx = u - 0.5;
        const fy = v - 0.5;
        if (!(fx > -0.5 && fy > -0.5 && fx < NW - 0.5 && fy < NH - 0.5)) continue;
        let zn: number;
        let x0 = fx < 0 ? 0 : fx | 0;
        let y0 = fy < 0 ? 0 : fy | 0;
        if (x0 > NW - 2) x0 = NW - 2;
        if (y0 > NH - 2) y0 = NH - 2;
        const j00 = y0 * NW + x0;
        const ra = nbRho[j00]!,
          rb = nbRho[j00 + 1]!,
          rc = nbRho[j00 + NW]!,
          rd = nbRho[j00 + NW + 1]!;
        // all four valid (ρ > 0) and within the tolerance: ρmax ≤ (1 + tol) ρmin
        let rmin = ra < rb ? ra : rb;
        if (rc < rmin) rmin = rc;
        if (rd < rmin) rmin = rd;
        let rmax = ra > rb ? ra : rb;
        if (rc > rmax) rmax = rc;
        if (rd > rmax) rmax = rd;
        if (rmin > 0 && rmax <= tolHi * rmin) {
          let ax = fx - x0;
          let ay = fy - y0;
          ax = ax < 0 ? 0 : ax > 1 ? 1 : ax;
          ay = ay < 0 ? 0 : ay > 1 ? 1 : ay;
          zn = 1 / ((1 - ay) * ((1 - ax) * ra + ax * rb) + ay * ((1 - ax) * rc + ax * rd));
        } else {
          let ui = u < 0 ? 0 : u | 0;
          let vi = v < 0 ? 0 : v | 0;
          if (ui > NW - 1) ui = NW - 1;
          if (vi > NH - 1) vi = NH - 1;
          const j = vi * NW + ui;
          if (nbValid && !nbValid[j]) continue;
          zn = nbDepth[j]!;
        }
        if (!(zn > 0)) continue;
        const dz = P2 - zn;
        const tol = relTol ? relTol[i]! : tolD;
        if (dz > tol * zn || -dz > tol * zn) continue;
        // the neighbour's point at (u, v) back into the reference
        const Q0 = (u - ncx) * infx * zn - t0;
        const Q1 = (v - ncy) * infy * zn - t1;
        const Q2 = zn - t2;
        const R2 = m2 * Q0 + m5 * Q1 + m8 * Q2;
        if (!(R2 > 0)) continue;
        // the reprojection error times R2 (> 0), so no division: ‖e‖ > tol ⇔ ‖e·R2‖ > tol·R2
        const ex = rfx * (m0 * Q0 + m3 * Q1 + m6 * Q2) + (rcx - (x + 0.5)) * R2;
        const ey = rfy * (m1 * Q0 + m4 * Q1 + m7 * Q2) + (rcy - (y + 0.5)) * R2;
        if (ex * ex + ey * ey > tolPx2 * R2 * R2) continue;
        agree[i] = agree[i]! + 1;
        // the neighbour's depth as a point on the reference ray: s·X_r has neighbour depth zn when
        // s = (zn − t2) / (P2 − t2); its inverse depth 1 / (z·s), kept when s is within (0.5, 2)
        const den = P2 - t2;
        if (Math.abs(den) > 1e-6 * zn) {
          const rz = den / (z * (zn - t2));
          const si = z * rz;
          if (si > 0.5 && si < 2) {
            sumRho[i] = sumRho[i]! + rz;
            cnt[i] = cnt[i]! + 1;
          }
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
