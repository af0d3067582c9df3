/**
 * Plane-sweep geometry. For a reference camera r and a neighbour n, a fronto-parallel plane z_r = 1/ρ in the
 * reference camera maps reference pixel p = (u, v, 1) to the neighbour by
 *
 *   q ∝ K_n (R_nr + t_nr e3ᵀ ρ) K_r⁻¹ p = A p + ρ b,   A = K_n R_nr K_r⁻¹,  b = K_n t_nr
 *
 * (e3ᵀ K_r⁻¹ p = 1 for a pinhole K), with R_nr = R_wc,nᵀ R_wc,r and t_nr = R_wc,nᵀ (C_r − C_n). So the
 * homography is affine in inverse depth ρ: a sweep adds ρ·b to a per-pixel constant. Pixel centres at +0.5
 * (SPEC §2); intrinsics must be those of the images being matched (distortion is not supported here:
 * undistort first).
 */
import type { Camera } from '../../../src-shared/geometry';
import { quatToMat3 } from '../../../src-shared/geometry';

/** A = K_n R_nr K_r⁻¹ (row-major 3×3) and b = K_n t_nr, plus R_nr, t_nr themselves. */
export interface SweepGeometry {
  A: Float64Array;
  b: Float64Array;
  R: Float64Array;
  t: Float64Array;
}

export function sweepGeometry(ref: Camera, nb: Camera): SweepGeometry {
  const Rr = quatToMat3(ref.q); // R_wc of the reference
  const Rn = quatToMat3(nb.q);
  // R_nr = Rnᵀ Rr
  const R = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      R[3 * i + j] = Rn[i]! * Rr[j]! + Rn[3 + i]! * Rr[3 + j]! + Rn[6 + i]! * Rr[6 + j]!;
  const d0 = ref.C[0] - nb.C[0];
  const d1 = ref.C[1] - nb.C[1];
  const d2 = ref.C[2] - nb.C[2];
  const t = new Float64Array([
    Rn[0]! * d0 + Rn[3]! * d1 + Rn[6]! * d2,
    Rn[1]! * d0 + Rn[4]! * d1 + Rn[7]! * d2,
    Rn[2]! * d0 + Rn[5]! * d1 + Rn[8]! * d2,
  ]);
  const kr = ref.intrinsics;
  const kn = nb.intrinsics;
  // K_r⁻¹ = [[1/fx, 0, -cx/fx], [0, 1/fy, -cy/fy], [0, 0, 1]]
  const Ki = [1 / kr.fx, 0, -kr.cx / kr.fx, 0, 1 / kr.fy, -kr.cy / kr.fy, 0, 0, 1];
  // M = R K_r⁻¹
  const M = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      M[3 * i + j] = R[3 * i]! * Ki[j]! + R[3 * i + 1]! * Ki[3 + j]! + R[3 * i + 2]! * Ki[6 + j]!;
  const A = new Float64Array(9);
  for (let j = 0; j < 3; j++) {
    A[j] = kn.fx * M[j]! + kn.cx * M[6 + j]!;
    A[3 + j] = kn.fy * M[3 + j]! + kn.cy * M[6 + j]!;
    A[6 + j] = M[6 + j]!;
  }
  const b = new Float64Array([kn.fx * t[0]! + kn.cx * t[2]!, kn.fy * t[1]! + kn.cy * t[2]!, t[2]!]);
  return { A, b, R, t };
}

/** The full 3×3 homography (row-major) of the plane at inverse depth ρ: H = A + ρ b e3ᵀ. */
export function planeHomography(g: SweepGeometry, invDepth: number, out = new Float64Array(9)): Float64Array {
  out.set(g.A);
  out[2] = out[2]! + invDepth * g.b[0]!;
  out[5] = out[5]! + invDepth * g.b[1]!;
  out[8] = out[8]! + invDepth * g.b[2]!;
  return out;
}

/** Applies a homography to (u, v): returns [x, y] (NaN when the point maps to or behind infinity). */
export function applyHomography(H: ArrayLike<number>, u: number, v: number): [number, number] {
  const w = H[6]! * u + H[7]! * v + H[8]!;
  if (!(w > 0)) return [NaN, NaN];
  return [(H[0]! * u + H[1]! * v + H[2]!) / w, (H[3]! * u + H[4]! * v + H[5]!) / w];
}

/**
 * Warps `src` (srcW×srcH) into a dstW×dstH grid through H (dst pixel → src position): out[p] = src(H p),
 * bilinear; `mask[p]` = 1 where the sample lies inside the area spanned by src pixel centres, else 0 and
 * out[p] = 0.
 */
export function warpHomography(
  src: Float32Array,
  srcW: number,
  srcH: number,
  H: ArrayLike<number>,
  dstW: number,
  dstH: number,
  out: Float32Array = new Float32Array(dstW * dstH),
  mask: Float32Array = new Float32Array(dstW * dstH),
): { image: Float32Array; mask: Float32Array } {
  const h0 = H[0]!,
    h1 = H[1]!,
    h2 = H[2]!,
    h3 = H[3]!,
    h4 = H[4]!,
    h5 = H[5]!,
    h6 = H[6]!,
    h7 = H[7]!,
    h8 = H[8]!;
  const xmax = srcW - 1;
  const ymax = srcH - 1;
  for (let y = 0; y < dstH; y++) {
    const v = y + 0.5;
    for (let x = 0; x < dstW; x++) {
      const u = x + 0.5;
      const p = y * dstW + x;
      const w = h6 * u + h7 * v + h8;
      const fx = (h0 * u + h1 * v + h2) / w - 0.5;
      const fy = (h3 * u + h4 * v + h5) / w - 0.5;
      if (!(w > 0 && fx >= 0 && fy >= 0 && fx <= xmax && fy <= ymax)) {
        out[p] = 0;
        mask[p] = 0;
        continue;
      }
      let x0 = fx | 0;
      let y0 = fy | 0;
      if (x0 >= xmax) x0 = xmax - 1;
      if (y0 >= ymax) y0 = ymax - 1;
      const ax = fx - x0;
      const ay = fy - y0;
      const i = y0 * srcW + x0;
      const a = src[i]!;
      const bb = src[i + 1]!;
      const c = src[i + srcW]!;
      const d = src[i + srcW + 1]!;
      out[p] = a + ax * (bb - a) + ay * (c - a + ax * (a - bb - c + d));
      mask[p] = 1;
    }
  }
  return { image: out, mask };
}
