/**
 * Normalised cross-correlation from window sums. With n samples, S_a = Σa, S_b = Σb, S_aa, S_bb, S_ab:
 *   NCC = (S_ab − S_a S_b / n) / sqrt((S_aa − S_a²/n)(S_bb − S_b²/n)).
 * Matching cost is 1 − NCC ∈ [0, 2]. A window whose variance is (near) zero on either side has no defined
 * NCC: the caller treats it as "no measurement".
 */

/** Cost assigned when a neighbour gives no measurement (window leaves its frame, flat patch): NCC = 0. */
export const NO_MEASUREMENT_COST = 1;

/** NCC from sums; NaN when a variance is below `minVar` (per-sample variance). */
export function nccFromSums(
  n: number,
  sa: number,
  sb: number,
  saa: number,
  sbb: number,
  sab: number,
  minVar = 1e-8,
): number {
  const va = saa - (sa * sa) / n;
  const vb = sbb - (sb * sb) / n;
  if (!(va > minVar * n && vb > minVar * n)) return NaN;
  const c = (sab - (sa * sb) / n) / Math.sqrt(va * vb);
  return c > 1 ? 1 : c < -1 ? -1 : c;
}

/** NCC of two equally long sample vectors (reference implementation for tests and the naive sweep). */
export function ncc(a: ArrayLike<number>, b: ArrayLike<number>, minVar = 1e-8): number {
  let sa = 0,
    sb = 0,
    saa = 0,
    sbb = 0,
    sab = 0;
  const n = a.length;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  return nccFromSums(n, sa, sb, saa, sbb, sab, minVar);
}

/**
 * Parabola through (−1, c0), (0, c1), (1, c2): offset of its vertex in [−0.5, 0.5] (0 when the three
 * costs are not convex, i.e. the middle one is not a strict minimum of a parabola).
 */
export function parabolaOffset(c0: number, c1: number, c2: number): number {
  const den = c0 - 2 * c1 + c2;
  if (!(den > 1e-12)) return 0;
  const o = (0.5 * (c0 - c2)) / den;
  return o > 0.5 ? 0.5 : o < -0.5 ? -0.5 : o;
}

/** The cost at the vertex of the parabola through three equally spaced costs (c1 itself if not convex). */
export function parabolaMinimum(c0: number, c1: number, c2: number): number {
  const den = c0 - 2 * c1 + c2;
  return den > 1e-12 ? c1 - (0.125 * (c0 - c2) * (c0 - c2)) / den : c1;
}
