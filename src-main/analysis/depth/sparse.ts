/**
 * Sparse 3D points (triangulated by the camera solver) as depth samples in one frame: projected into the
 * camera, kept when in front and inside the image. Used for the sweep range, to anchor dense depth
 * (seeds for hole filling, agreement statistics) and as the targets of the monocular alignment.
 */
import type { Camera } from '../../../src-shared/geometry';
import { projectPoints } from '../../../src-shared/geometry';

export interface DepthSamples {
  /** Pixel positions (continuous, centres at +0.5). */
  u: Float64Array;
  v: Float64Array;
  /** Planar z-depth in the camera. */
  depth: Float64Array;
  /** Index into the input point list. */
  point: Int32Array;
  count: number;
}

/**
 * Projects world points (xyz interleaved) into `camera` (intrinsics in pixels of the target grid).
 * Keeps points with depth > 0 inside [0, width) × [0, height).
 */
export function projectSparsePoints(camera: Camera, points: Float64Array | Float32Array): DepthSamples {
  const m = points.length / 3;
  const { uv, depth } = projectPoints(camera, points);
  const W = camera.intrinsics.width;
  const H = camera.intrinsics.height;
  const u = new Float64Array(m),
    v = new Float64Array(m),
    z = new Float64Array(m);
  const idx = new Int32Array(m);
  let c = 0;
  for (let i = 0; i < m; i++) {
    const zz = depth[i]!;
    const x = uv[2 * i]!;
    const y = uv[2 * i + 1]!;
    if (!(zz > 0) || !(x >= 0 && y >= 0 && x < W && y < H)) continue;
    u[c] = x;
    v[c] = y;
    z[c] = zz;
    idx[c] = i;
    c++;
  }
  return {
    u: u.subarray(0, c),
    v: v.subarray(0, c),
    depth: z.subarray(0, c),
    point: idx.subarray(0, c),
    count: c,
  };
}

/**
 * Sweep range from sparse depths: the [lowPct, highPct] percentiles widened by `margin` (depth / margin,
 * depth · margin). Defaults 1 %, 99 %, 1.5×. Throws when there are fewer than `minSamples` (default 8).
 */
export function depthRangeFromSamples(
  depths: ArrayLike<number>,
  options: { lowPct?: number; highPct?: number; margin?: number; minSamples?: number } = {},
): { minDepth: number; maxDepth: number } {
  const vals: number[] = [];
  for (let i = 0; i < depths.length; i++) {
    const d = depths[i]!;
    if (d > 0 && Number.isFinite(d)) vals.push(d);
  }
  if (vals.length < (options.minSamples ?? 8))
    throw new RangeError(`depth range: ${vals.length} sparse samples, need ${options.minSamples ?? 8}`);
  vals.sort((a, b) => a - b);
  const at = (p: number) =>
    vals[Math.min(vals.length - 1, Math.max(0, Math.round((p / 100) * (vals.length - 1))))]!;
  const margin = options.margin ?? 1.5;
  return { minDepth: at(options.lowPct ?? 1) / margin, maxDepth: at(options.highPct ?? 99) * margin };
}

export interface AnchorReport {
  /** Samples on a valid dense pixel. */
  compared: number;
  /** Median of sample depth / dense depth on those (≈ 1 when dense depth and points share the gauge). */
  medianRatio: number;
  /** Share of compared samples within `tolerance` (relative). */
  agreeing: number;
  /** Samples written as seeds into invalid pixels. */
  seeded: number;
}

/**
 * Densification from sparse points: writes each sample's depth into invalid pixels (marks them known, so
 * hole filling grows from them) and reports the agreement on valid pixels. Mutates depth and known.
 */
export function anchorToSparse(
  depth: Float32Array,
  known: Uint8Array,
  width: number,
  samples: DepthSamples,
  tolerance = 0.05,
): AnchorReport {
  const ratios: number[] = [];
  let agreeing = 0;
  let seeded = 0;
  for (let s = 0; s < samples.count; s++) {
    const i = Math.floor(samples.v[s]!) * width + Math.floor(samples.u[s]!);
    const z = samples.depth[s]!;
    if (known[i] && depth[i]! > 0) {
      const r = z / depth[i]!;
      ratios.push(r);
      if (Math.abs(r - 1) <= tolerance) agreeing++;
    } else {
      depth[i] = z;
      known[i] = 1;
      seeded++;
    }
  }
  ratios.sort((a, b) => a - b);
  return {
    compared: ratios.length,
    medianRatio: ratios.length ? ratios[ratios.length >> 1]! : NaN,
    agreeing: ratios.length ? agreeing / ratios.length : 0,
    seeded,
  };
}
