/** Median of the first `n` values of `values` (sorted in place: pass a scratch copy). NaN when n = 0. */
export function medianInPlace(values: Float64Array, n = values.length): number {
  if (n === 0) return NaN;
  const v = n === values.length ? values : values.subarray(0, n);
  v.sort();
  const h = n >> 1;
  return n % 2 ? v[h]! : 0.5 * (v[h - 1]! + v[h]!);
}
