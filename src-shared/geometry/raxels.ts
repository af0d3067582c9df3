import type { Camera } from './camera';
import { symmetricEigen } from './eigen';
import type { Mat3 } from './mat3';
import { solve3 } from './mat3';
import { nearestRotationQuat, quatToMat3 } from './quat';
import type { Vec3 } from './vec3';

/**
 * Raxels (SPEC §5): a camera as a dense map of Plücker rays, one per cell of an h × w grid laid over the
 * image. Cell (r, c) samples the image point ((c + 0.5)·W/w, (r + 0.5)·H/h) — the cell centre, with
 * Reshoot's pixel-centre convention — and stores d = unit world direction of its ray and m = C × d.
 * Layout: Float32Array, channel-major [dx, dy, dz, mx, my, mz] × h × w (index ch·h·w + r·w + c).
 */
export interface RaxelMap {
  width: number;
  height: number;
  data: Float32Array;
}

export function cameraToRaxels(cam: Camera, gridWidth: number, gridHeight: number): RaxelMap {
  const { width: W, height: H, fx, fy, cx, cy } = cam.intrinsics;
  const R = quatToMat3(cam.q);
  const [C0, C1, C2] = cam.C;
  const hw = gridWidth * gridHeight;
  const data = new Float32Array(6 * hw);
  for (let r = 0; r < gridHeight; r++) {
    const y = (((r + 0.5) * H) / gridHeight - cy) / fy;
    for (let c = 0; c < gridWidth; c++) {
      const x = (((c + 0.5) * W) / gridWidth - cx) / fx;
      let dx = R[0] * x + R[1] * y + R[2];
      let dy = R[3] * x + R[4] * y + R[5];
      let dz = R[6] * x + R[7] * y + R[8];
      const n = Math.hypot(dx, dy, dz);
      dx /= n;
      dy /= n;
      dz /= n;
      const i = r * gridWidth + c;
      data[i] = dx;
      data[hw + i] = dy;
      data[2 * hw + i] = dz;
      data[3 * hw + i] = C1 * dz - C2 * dy;
      data[4 * hw + i] = C2 * dx - C0 * dz;
      data[5 * hw + i] = C0 * dy - C1 * dx;
    }
  }
  return { width: gridWidth, height: gridHeight, data };
}

export interface RaxelCameraOptions {
  /** Image size the map was made for (needed to turn grid cells into pixels). */
  imageWidth: number;
  imageHeight: number;
  /** Principal point; defaults to the image centre. */
  cx?: number;
  cy?: number;
}

/**
 * Recovers a camera from a raxel map by least squares (SPEC §5):
 * 1. centre: C minimising Σ‖C × d − m‖², i.e. (Σ ‖d‖²I − d dᵀ)·C = Σ d × m (3×3 normal equations);
 * 2. rotation and focal: every ray satisfies d ∝ R·diag(1/fx, 1/fy, 1)·[u − cx, v − cy, 1]ᵀ = Q·x̃; Q is found
 *    by the linear DLT d × (Q x̃) = 0 (smallest eigenvector of the 9×9 normal matrix, pixel offsets scaled
 *    by 1/W for conditioning), then fx, fy from the column norms of Q and R as the rotation nearest to
 *    Q·diag(fx, fy, 1) (Horn). Directions need not be unit (they are normalised here), so noisy maps work.
 */
export function raxelsToCamera(map: RaxelMap, opts: RaxelCameraOptions): Camera {
  const { width: w, height: h, data } = map;
  const hw = w * h;
  if (data.length !== 6 * hw)
    throw new RangeError(`raxelsToCamera: expected ${6 * hw} values, found ${data.length}`);
  const W = opts.imageWidth;
  const H = opts.imageHeight;
  const cx = opts.cx ?? W / 2;
  const cy = opts.cy ?? H / 2;
  const s = 1 / W;
  const A: Mat3 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  // Normal matrix of the DLT: each ray's rows are ([d]ₓ ⊗ x̃ᵀ)·vec(Q), so AᵀA = Σ (I − ddᵀ) ⊗ (x̃x̃ᵀ) for unit d.
  // Accumulate the 6 × 6 products of the unique entries of P = I − ddᵀ and X = x̃x̃ᵀ, then expand.
  const acc = new Float64Array(36);
  const Ps = new Float64Array(6);
  const Xs = new Float64Array(6);
  for (let r = 0; r < h; r++) {
    const y = ((r + 0.5) * H) / h - cy;
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      let dx = data[i]!;
      let dy = data[hw + i]!;
      let dz = data[2 * hw + i]!;
      const n = Math.hypot(dx, dy, dz);
      if (!(n > 0)) continue;
      dx /= n;
      dy /= n;
      dz /= n;
      const mx = data[3 * hw + i]! / n;
      const my = data[4 * hw + i]! / n;
      const mz = data[5 * hw + i]! / n;
      A[0] += 1 - dx * dx;
      A[1] -= dx * dy;
      A[2] -= dx * dz;
      A[4] += 1 - dy * dy;
      A[5] -= dy * dz;
      A[8] += 1 - dz * dz;
      b0 += dy * mz - dz * my;
      b1 += dz * mx - dx * mz;
      b2 += dx * my - dy * mx;
      const xs = (((c + 0.5) * W) / w - cx) * s;
      const ys = y * s;
      // Preallocated scratch (no per-ray arrays): this loop runs once per raxel.
      Ps[0] = 1 - dx * dx;
      Ps[1] = -dx * dy;
      Ps[2] = -dx * dz;
      Ps[3] = 1 - dy * dy;
      Ps[4] = -dy * dz;
      Ps[5] = 1 - dz * dz;
      Xs[0] = xs * xs;
      Xs[1] = xs * ys;
      Xs[2] = xs;
      Xs[3] = ys * ys;
      Xs[4] = ys;
      for (let a = 0; a < 6; a++) {
        const pa = Ps[a]!;
        const o = a * 6;
        acc[o] = acc[o]! + pa * Xs[0]!;
        acc[o + 1] = acc[o + 1]! + pa * Xs[1]!;
        acc[o + 2] = acc[o + 2]! + pa * Xs[2]!;
        acc[o + 3] = acc[o + 3]! + pa * Xs[3]!;
        acc[o + 4] = acc[o + 4]! + pa * Xs[4]!;
        acc[o + 5] = acc[o + 5]! + pa;
      }
    }
  }
  const sym = [0, 1, 2, 1, 3, 4, 2, 4, 5]; // 3×3 symmetric index → unique entry
  const N = new Float64Array(81);
  for (let p = 0; p < 9; p++) {
    for (let q = 0; q < 9; q++) {
      N[p * 9 + q] = acc[sym[((p / 3) | 0) * 3 + ((q / 3) | 0)]! * 6 + sym[(p % 3) * 3 + (q % 3)]!]!;
    }
  }
  A[3] = A[1];
  A[6] = A[2];
  A[7] = A[5];
  const C: Vec3 = solve3(A, [b0, b1, b2]);
  const { vectors } = symmetricEigen(N, 9);
  const Q = Array.from(vectors.subarray(0, 9));
  // Q = λ·R·diag(1/(s·fx), 1/(s·fy), 1): columns 0 and 1 have norm λ/(s·f), column 2 norm λ.
  const col = (k: number): number => Math.hypot(Q[k]!, Q[3 + k]!, Q[6 + k]!);
  const n2 = col(2);
  const fx = n2 / (s * col(0));
  const fy = n2 / (s * col(1));
  // Sign: the optical axis column must point along the rays (d·Q₃ > 0 for the centre ray on average).
  let sign = 0;
  for (let i = 0; i < hw; i++) sign += data[i]! * Q[2]! + data[hw + i]! * Q[5]! + data[2 * hw + i]! * Q[8]!;
  const g = sign >= 0 ? 1 : -1;
  const M: Mat3 = [
    (g * Q[0]! * fx * s) / n2,
    (g * Q[1]! * fy * s) / n2,
    (g * Q[2]!) / n2,
    (g * Q[3]! * fx * s) / n2,
    (g * Q[4]! * fy * s) / n2,
    (g * Q[5]!) / n2,
    (g * Q[6]! * fx * s) / n2,
    (g * Q[7]! * fy * s) / n2,
    (g * Q[8]!) / n2,
  ];
  return { C, q: nearestRotationQuat(M), intrinsics: { width: W, height: H, fx, fy, cx, cy } };
}

/** Closed loop camera → raxels → camera, for self-consistency checks (SPEC §5). */
export function raxelRoundTrip(cam: Camera, gridWidth = 64, gridHeight = 64): Camera {
  return raxelsToCamera(cameraToRaxels(cam, gridWidth, gridHeight), {
    imageWidth: cam.intrinsics.width,
    imageHeight: cam.intrinsics.height,
    cx: cam.intrinsics.cx,
    cy: cam.intrinsics.cy,
  });
}
