/**
 * e^x for x ≤ 0, a few times faster than Math.exp in V8 (a softmax over tens of thousands of logits per
 * frame spends most of its time there) and within a few units in the last place of it.
 *
 * Tang's table method: x = (64·m + j)·ln2/64 + r with |r| ≤ ln2/128, so e^x = 2^m · 2^(j/64) · e^r,
 * with 2^m and 2^(j/64) from tables and e^r from its Taylor polynomial to r⁵ (truncation error below
 * 4·10⁻¹⁷). ln2/64 is split into a head with trailing zero bits (k·head is exact) and a tail. Below
 * −708 (where the result leaves the normal range) and for x > 0 it defers to Math.exp.
 */
const STEPS = 64;
const FRACTION = Float64Array.from({ length: STEPS }, (_, j) => 2 ** (j / STEPS));
/** 2^m for m = −1024 … 0, at index m + 1024. */
const POWER = Float64Array.from({ length: 1025 }, (_, i) => 2 ** (i - 1024));
const INV_STEP = STEPS / Math.LN2;
// fdlibm's ln2 head (32 significant bits) and tail, divided by 64 (exact: a power of two).
const STEP_HI = 6.9314718036912381649e-1 / STEPS;
const STEP_LO = 1.9082149292705877e-10 / STEPS;

export function expNonPositive(x: number): number {
  if (!(x <= 0 && x >= -708)) return Math.exp(x);
  // Nearest integer (x·64/ln2 ≥ −65,400 fits an int32; truncation after −0.5 rounds a negative value).
  const k = (x * INV_STEP - 0.5) | 0;
  const r = x - k * STEP_HI - k * STEP_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  // k ≤ 0: k & 63 is the non-negative remainder and k >> 6 the floor of k / 64.
  return (FRACTION[k & (STEPS - 1)] as number) * (POWER[(k >> 6) + 1024] as number) * p;
}
