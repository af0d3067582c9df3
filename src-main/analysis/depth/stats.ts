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

/**
 * Rearranges `a[lo..hi]` so that a[k] is the value of rank k (everything before it ≤, after it ≥):
 * Hoare's selection with a median-of-three pivot, O(n) on average.
 */
function selectRank(a: Float32Array, k: number, lo = 0, hi = a.length - 1): void {
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three as the pivot
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * q-quantile of unsorted values (rearranged in place), the same value quantileSorted gives on the sorted
 * array: the order statistics at the two ranks around q·(n − 1), interpolated.
 */
export function quantileSelect(vals: Float32Array, q: number): number {
  const n = vals.length;
  if (n === 0) return NaN;
  const pos = Math.min(1, Math.max(0, q)) * (n - 1);
  const lo = Math.floor(pos);
  selectRank(vals, lo);
  const a = vals[lo]!;
  if (lo + 1 >= n || pos === lo) return a;
  // rank lo + 1: the smallest of what lies above rank lo
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if (vals[i]! < b) b = vals[i]!;
  return a + (pos - lo) * (b - a);
}

export function depthStats(depth: Float32Array, valid?: Uint8Array): DepthStats {
  const n = depth.length;
  if (valid && valid.length !== n) throw new RangeError('depthStats: mask size mismatch');
  const vals = new Float32Array(n);
  let c = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const d = depth[i]!;
    if (!(d > 0) || d === Infinity || (valid && !valid[i])) continue;
    vals[c++] = d;
    sum += d;
    if (d < min) min = d;
    if (d > max) max = d;
  }
  // selection instead of a full sort: three order statistics of up to a few hundred thousand values
  const s = vals.subarray(0, c);
  return {
    pixels: n,
    validCount: c,
    validFraction: n ? c / n : 0,
    median: quantileSelect(s, 0.5),
    p5: quantileSelect(s, 0.05),
    p95: quantileSelect(s, 0.95),
    min: c ? min : NaN,
    max: c ? max : NaN,
    mean: c ? sum / c : NaN,
  };
}
