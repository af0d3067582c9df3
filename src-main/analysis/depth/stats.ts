/**
 * Per-frame depth statistics for the project database: valid fraction, median and 5th / 95th percentiles
 * (linear interpolation between order statistics, as numpy's default), min, max and mean of valid depth.
 * Valid = finite depth > 0, and the mask when given.
 */
export interface DepthStats {
  pixels: number;
  validCount: number;
  validFraction: number;
  /** NaN when no pixel is valid. */
  median: number;
  p5: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

/** q-quantile (0..1) of ascending-sorted values, linear interpolation. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = Math.min(1, Math.max(0, q)) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo]!;
  return a + (pos - lo) * (sorted[hi]! - a);
}

export function depthStats(depth: Float32Array, valid?: Uint8Array): DepthStats {
  const n = depth.length;
  if (valid && valid.length !== n) throw new RangeError('depthStats: mask size mismatch');
  const vals = new Float32Array(n);
  let c = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = depth[i]!;
    if (!(d > 0) || d === Infinity || (valid && !valid[i])) continue;
    vals[c++] = d;
    sum += d;
  }
  const s = vals.subarray(0, c).sort();
  return {
    pixels: n,
    validCount: c,
    validFraction: n ? c / n : 0,
    median: quantileSorted(s, 0.5),
    p5: quantileSorted(s, 0.05),
    p95: quantileSorted(s, 0.95),
    min: c ? s[0]! : NaN,
    max: c ? s[c - 1]! : NaN,
    mean: c ? sum / c : NaN,
  };
}
