import type { Camera, Pose } from './camera';
import { medianInPlace } from './median';
import { quatConjugate, quatMultiply, quatNormalize, quatRotate, quatToMat3 } from './quat';
import type { Vec3 } from './vec3';

/**
 * ParaScale (SPEC §3): scale-calibrated camera-motion transfer through the gauge-invariant Parallax Number
 * Π_i = ‖C_{i+1} − C_i‖ / Z̄_i.
 *
 * Gauge handling, explicitly: a reference shot's centres and depths share one unknown scale (its gauge) and
 * so do the target's; Π cancels the reference gauge, and the transferred translation Π_i·Z̄ᵗᵍᵗ_i is expressed
 * in the TARGET's gauge (the units of its depth and cameras). Nothing here converts between gauges; raw
 * transfer (`mode: 'raw'`) copies ‖ΔC‖ across gauges and is provided only as the baseline it is.
 */

/**
 * Representative depth Z̄ of a depth map: the median of valid samples (finite, > 0, and mask ≠ 0 when a
 * mask is given). `stride` subsamples rows and columns (1 = every pixel). NaN when nothing is valid.
 */
export function representativeDepth(
  depth: Float32Array | Float64Array,
  opts: { width?: number; mask?: Uint8Array; stride?: number } = {},
): number {
  const stride = Math.max(1, Math.floor(opts.stride ?? 1));
  const width = opts.width ?? depth.length;
  const height = Math.floor(depth.length / width);
  const scratch = new Float64Array(Math.ceil(width / stride) * Math.ceil(height / stride));
  let n = 0;
  for (let y = 0; y < height; y += stride) {
    for (let x = 0; x < width; x += stride) {
      const i = y * width + x;
      const z = depth[i]!;
      if (z > 0 && Number.isFinite(z) && (!opts.mask || opts.mask[i] !== 0)) scratch[n++] = z;
    }
  }
  return medianInPlace(scratch, n);
}

/**
 * Representative depth of a point set (xyz interleaved) as seen by a camera: the median z-depth of the
 * points in front of it (z > near) whose projection falls inside the image. NaN when fewer than
 * `minPoints` are seen.
 */
export function representativeDepthFromPoints(
  cam: Camera,
  points: Float32Array | Float64Array,
  opts: { near?: number; minPoints?: number; scratch?: Float64Array } = {},
): number {
  const near = opts.near ?? 1e-6;
  const R = quatToMat3(cam.q);
  const { fx, fy, cx, cy, width: W, height: H } = cam.intrinsics;
  const [c0, c1, c2] = cam.C;
  const n = points.length / 3;
  const scratch = opts.scratch && opts.scratch.length >= n ? opts.scratch : new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const dx = points[3 * i]! - c0;
    const dy = points[3 * i + 1]! - c1;
    const dz = points[3 * i + 2]! - c2;
    const z = R[2] * dx + R[5] * dy + R[8] * dz;
    if (!(z > near)) continue;
    const u = (fx * (R[0] * dx + R[3] * dy + R[6] * dz)) / z + cx;
    const v = (fy * (R[1] * dx + R[4] * dy + R[7] * dz)) / z + cy;
    if (u >= 0 && u < W && v >= 0 && v < H) scratch[m++] = z;
  }
  return m >= (opts.minPoints ?? 1) ? medianInPlace(scratch, m) : NaN;
}

/** Π_i = ‖C_{i+1} − C_i‖ / Z̄_i for i = 0 … n−2 (`depths[i]` is Z̄ at frame i). */
export function parallaxNumbers(poses: readonly Pose[], depths: ArrayLike<number>): Float64Array {
  if (depths.length < poses.length - 1)
    throw new RangeError('parallaxNumbers: need a representative depth per frame step');
  const out = new Float64Array(Math.max(0, poses.length - 1));
  for (let i = 0; i + 1 < poses.length; i++) {
    const a = poses[i]!.C;
    const b = poses[i + 1]!.C;
    const z = depths[i]!;
    if (!(z > 0))
      throw new RangeError(`parallaxNumbers: representative depth at frame ${i} is ${z}, not > 0`);
    out[i] = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]) / z;
  }
  return out;
}

/**
 * ε of the Parallax Consistency Error. Π·f is roughly the image motion in pixels of content at the
 * representative depth; ε = 1e-4 is 0.05 px at f = 500 px, far below what a viewer perceives, so pure-rotation
 * steps (Π = 0) compare as equal to steps of imperceptible parallax rather than exploding the log.
 */
export const PCE_EPSILON = 1e-4;

/**
 * Parallax Consistency Error: mean_i |log((a_i + ε)/(b_i + ε))|. Zero iff the sequences are equal,
 * symmetric in (a, b); with ε = 0 a ×k error costs exactly what a ×1/k error costs (|log k|). With ε > 0 that
 * holds up to O(kε/Π): it is exact in the limit Π ≫ ε, and only Π values within a few ε of zero are damped.
 */
export function pce(a: ArrayLike<number>, b: ArrayLike<number>, epsilon = PCE_EPSILON): number {
  if (a.length !== b.length)
    throw new RangeError(`pce: sequences differ in length (${a.length} vs ${b.length})`);
  if (a.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (!(x >= 0 && y >= 0)) throw new RangeError(`pce: Π must be ≥ 0 (index ${i}: ${x}, ${y})`);
    s += Math.abs(Math.log((x + epsilon) / (y + epsilon)));
  }
  return s / a.length;
}

export interface ReferenceMotion {
  poses: readonly Pose[];
  /** Z̄ of the reference scene at each reference frame (its own gauge). */
  depths: ArrayLike<number>;
}

export interface TransferTarget {
  /** The output path's first pose (the target shot's first camera). */
  start: Pose;
  /**
   * Z̄ of the TARGET scene as seen from `pose` (e.g. representativeDepthFromPoints over the target's point
   * cloud). Called once per output frame with the pose reached so far. NaN/≤ 0 = nothing seen.
   */
  depthAt: (pose: Pose, frame: number) => number;
}

export interface TransferResult {
  poses: Pose[];
  /** Π read from the reference (length n − 1). */
  referencePi: Float64Array;
  /** Z̄ᵗᵍᵗ used at each step (length n − 1). */
  targetDepths: Float64Array;
  /** Steps where depthAt saw nothing and the previous Z̄ᵗᵍᵗ was reused. */
  fallbackSteps: number[];
}

/**
 * transfer(reference, target) — SPEC §3. Walks the frames in order from target.start: at step i the
 * reference step direction is taken in the reference camera i's frame (R_refᵢᵀ·ΔC), expressed in the current
 * output camera's frame (R_outᵢ·…), and given length Π_i·Z̄ᵗᵍᵗ_i with Z̄ᵗᵍᵗ_i = depthAt(output pose i).
 * Rotation increments ΔR_i = R_refᵢᵀR_refᵢ₊₁ (camera frame) are applied untouched: R_outᵢ₊₁ = R_outᵢ·ΔR_i.
 * mode 'raw' is the uncalibrated baseline: same directions and rotations, step length ‖ΔC_ref‖ copied.
 */
export function transfer(
  reference: ReferenceMotion,
  target: TransferTarget,
  mode: 'parascale' | 'raw' = 'parascale',
): TransferResult {
  const ref = reference.poses;
  const n = ref.length;
  const referencePi = n > 1 ? parallaxNumbers(ref, reference.depths) : new Float64Array(0);
  const targetDepths = new Float64Array(Math.max(0, n - 1));
  const fallbackSteps: number[] = [];
  const out: Pose[] = [];
  if (n === 0) return { poses: out, referencePi, targetDepths, fallbackSteps };
  let cur: Pose = { C: [...target.start.C], q: quatNormalize(target.start.q) };
  out.push(cur);
  let lastZ = NaN;
  for (let i = 0; i + 1 < n; i++) {
    const a = ref[i]!;
    const b = ref[i + 1]!;
    const qaInv = quatConjugate(a.q);
    const dWorld: Vec3 = [b.C[0] - a.C[0], b.C[1] - a.C[1], b.C[2] - a.C[2]];
    const len = Math.hypot(dWorld[0], dWorld[1], dWorld[2]);
    const dCam = quatRotate(qaInv, dWorld); // step in reference camera i's frame
    let z = NaN;
    if (mode === 'parascale') {
      z = target.depthAt(cur, i);
      if (!(z > 0 && Number.isFinite(z))) {
        if (!(lastZ > 0))
          throw new RangeError(
            `transfer: the target scene is not seen from output frame ${i} and no earlier depth exists`,
          );
        z = lastZ;
        fallbackSteps.push(i);
      }
      lastZ = z;
    }
    targetDepths[i] = z;
    const stepLen = mode === 'parascale' ? referencePi[i]! * z : len;
    const dOut = quatRotate(cur.q, dCam); // same direction, in the output camera's frame, to world
    const k = len > 0 ? stepLen / len : 0;
    const dq = quatMultiply(qaInv, b.q);
    cur = {
      C: [cur.C[0] + dOut[0] * k, cur.C[1] + dOut[1] * k, cur.C[2] + dOut[2] * k],
      q: quatNormalize(quatMultiply(cur.q, dq)),
    };
    out.push(cur);
  }
  return { poses: out, referencePi, targetDepths, fallbackSteps };
}
