/**
 * Descriptor matching on unit-length rows (cosine similarity = dot product): mutual nearest neighbours
 * with a ratio test on descriptor distance (‖a−b‖ = √(2−2s)). Dense form: a blocked typed-array matrix
 * product. Gated form (tracking): only pairs whose positions are within a radius are compared.
 */

export interface MatchOptions {
  /** Lowe ratio on distances: best < ratio × second best (1 disables). */
  ratio: number;
  /** Minimum cosine similarity of a match. */
  minSimilarity: number;
}

export const DEFAULT_MATCH_OPTIONS: MatchOptions = { ratio: 0.9, minSimilarity: 0.5 };

/** sim[i·nB + j] = a_i · b_j. */
export function similarityMatrix(
  a: Float32Array,
  nA: number,
  b: Float32Array,
  nB: number,
  dim: number,
  out?: Float32Array,
): Float32Array {
  const sim = out && out.length >= nA * nB ? out : new Float32Array(nA * nB);
  const BLOCK = 64;
  for (let i0 = 0; i0 < nA; i0 += BLOCK) {
    const i1 = Math.min(nA, i0 + BLOCK);
    for (let j0 = 0; j0 < nB; j0 += BLOCK) {
      const j1 = Math.min(nB, j0 + BLOCK);
      for (let i = i0; i < i1; i++) {
        const ai = i * dim;
        for (let j = j0; j < j1; j++) {
          const bj = j * dim;
          let s = 0;
          for (let d = 0; d < dim; d++) s += (a[ai + d] as number) * (b[bj + d] as number);
          sim[i * nB + j] = s;
        }
      }
    }
  }
  return sim;
}

/**
 * s0 + a[ai+from…ai+to) · b[bj+from…bj+to), accumulated strictly in order (so unrolling does not
 * change a bit): eight terms per step while they last.
 */
function dot(
  a: Float32Array,
  ai: number,
  b: Float32Array,
  bj: number,
  from: number,
  to: number,
  s0: number,
): number {
  let s = s0;
  let d = from;
  for (; d + 8 <= to; d += 8) {
    const p = ai + d;
    const q = bj + d;
    s =
      s +
      (a[p] as number) * (b[q] as number) +
      (a[p + 1] as number) * (b[q + 1] as number) +
      (a[p + 2] as number) * (b[q + 2] as number) +
      (a[p + 3] as number) * (b[q + 3] as number) +
      (a[p + 4] as number) * (b[q + 4] as number) +
      (a[p + 5] as number) * (b[q + 5] as number) +
      (a[p + 6] as number) * (b[q + 6] as number) +
      (a[p + 7] as number) * (b[q + 7] as number);
  }
  for (; d < to; d++) s += (a[ai + d] as number) * (b[bj + d] as number);
  return s;
}

/**
 * a[ai…ai+64) · b[bj…bj+64) with four independent partial sums (faster than one running sum; the
 * rounding differs from {@link dot} in the last bits).
 */
function dot64(a: Float32Array, ai: number, b: Float32Array, bj: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let d = 0; d < 64; d += 8) {
    const p = ai + d;
    const q = bj + d;
    s0 += (a[p] as number) * (b[q] as number) + (a[p + 4] as number) * (b[q + 4] as number);
    s1 += (a[p + 1] as number) * (b[q + 1] as number) + (a[p + 5] as number) * (b[q + 5] as number);
    s2 += (a[p + 2] as number) * (b[q + 2] as number) + (a[p + 6] as number) * (b[q + 6] as number);
    s3 += (a[p + 3] as number) * (b[q + 3] as number) + (a[p + 7] as number) * (b[q + 7] as number);
  }
  return s0 + s1 + (s2 + s3);
}

function passesRatio(best: number, second: number, ratio: number): boolean {
  if (ratio >= 1 || second === -Infinity) return true;
  const d1 = Math.sqrt(Math.max(0, 2 - 2 * best));
  const d2 = Math.sqrt(Math.max(0, 2 - 2 * second));
  return d1 < ratio * d2;
}

/** Mutual nearest neighbours over a similarity matrix: match[i] = j, or −1. */
export function mutualNearest(
  sim: Float32Array,
  nA: number,
  nB: number,
  options: Partial<MatchOptions> = {},
): Int32Array {
  const o = { ...DEFAULT_MATCH_OPTIONS, ...options };
  const bestOfB = new Int32Array(nB).fill(-1);
  const bestSimOfB = new Float32Array(nB).fill(-Infinity);
  for (let i = 0; i < nA; i++) {
    for (let j = 0; j < nB; j++) {
      const s = sim[i * nB + j] as number;
      if (s > (bestSimOfB[j] as number)) {
        bestSimOfB[j] = s;
        bestOfB[j] = i;
      }
    }
  }
  const match = new Int32Array(nA).fill(-1);
  for (let i = 0; i < nA; i++) {
    let best = -Infinity;
    let second = -Infinity;
    let bj = -1;
    for (let j = 0; j < nB; j++) {
      const s = sim[i * nB + j] as number;
      if (s > best) {
        second = best;
        best = s;
        bj = j;
      } else if (s > second) second = s;
    }
    if (bj >= 0 && bestOfB[bj] === i && best >= o.minSimilarity && passesRatio(best, second, o.ratio))
      match[i] = bj;
  }
  return match;
}

export function matchDescriptors(
  a: Float32Array,
  nA: number,
  b: Float32Array,
  nB: number,
  dim: number,
  options: Partial<MatchOptions> = {},
): Int32Array {
  return mutualNearest(similarityMatrix(a, nA, b, nB, dim), nA, nB, options);
}

/**
 * Gated mutual nearest neighbours: A's points (predicted positions) only compete for B's points within
 * `radius`. match[i] = j or −1; similarity of the match in `matchSim`.
 */
export function matchGated(
  a: Float32Array,
  ax: Float32Array,
  ay: Float32Array,
  nA: number,
  b: Float32Array,
  bx: Float32Array,
  by: Float32Array,
  nB: number,
  dim: number,
  radius: number,
  width: number,
  height: number,
  options: Partial<MatchOptions> = {},
  matchSim?: Float32Array,
): Int32Array {
  return new GatedMatcher().match(
    a,
    ax,
    ay,
    nA,
    b,
    bx,
    by,
    nB,
    dim,
    radius,
    width,
    height,
    options,
    matchSim,
  );
}

/**
 * {@link matchGated} with its buffers kept between calls (the tracker matches every frame); optionally
 * with a radius per A point (`radii`, each ≤ `radius`). B's points
 * are binned into square cells of side `radius` (counting sort), so a query reads the B points of at
 * most three cell rows, each a contiguous run. A's points visit candidates in cell-row order, then in
 * B's index order within a row's run; ties keep the first visited.
 */
export class GatedMatcher {
  private cellStart = new Int32Array(0);
  private cursor = new Int32Array(0);
  private sorted = new Int32Array(0);
  private sx = new Float32Array(0);
  private sy = new Float32Array(0);
  private cellOf = new Int32Array(0);
  private bestOfB = new Int32Array(0);
  private bestSimOfB = new Float32Array(0);
  private bestOfA = new Int32Array(0);
  private bestSimOfA = new Float32Array(0);
  private secondOfA = new Float32Array(0);
  private out = new Int32Array(0);

  match(
    a: Float32Array,
    ax: Float32Array,
    ay: Float32Array,
    nA: number,
    b: Float32Array,
    bx: Float32Array,
    by: Float32Array,
    nB: number,
    dim: number,
    radius: number,
    width: number,
    height: number,
    options: Partial<MatchOptions> = {},
    matchSim?: Float32Array,
    radii?: Float32Array,
  ): Int32Array {
    const o = { ...DEFAULT_MATCH_OPTIONS, ...options };
    // `radii` (optional): A's own radii, each at most `radius`.
    const cell = Math.max(4, radius);
    const cols = Math.max(1, Math.ceil(width / cell));
    const rows = Math.max(1, Math.ceil(height / cell));
    const nc = cols * rows;
    if (this.cellStart.length < nc + 1) {
      this.cellStart = new Int32Array(nc + 1);
      this.cursor = new Int32Array(nc);
    }
    if (this.sorted.length < nB) {
      const cap = Math.max(nB, 2 * this.sorted.length);
      this.sorted = new Int32Array(cap);
      this.sx = new Float32Array(cap);
      this.sy = new Float32Array(cap);
      this.cellOf = new Int32Array(cap);
      this.bestOfB = new Int32Array(cap);
      this.bestSimOfB = new Float32Array(cap);
    }
    if (this.bestOfA.length < nA) {
      const cap = Math.max(nA, 2 * this.bestOfA.length);
      this.bestOfA = new Int32Array(cap);
      this.bestSimOfA = new Float32Array(cap);
      this.secondOfA = new Float32Array(cap);
    }
    const start = this.cellStart;
    const cellOf = this.cellOf;
    start.fill(0, 0, nc + 1);
    for (let j = 0; j < nB; j++) {
      const cx = Math.min(cols - 1, Math.max(0, Math.floor((bx[j] as number) / cell)));
      const cy = Math.min(rows - 1, Math.max(0, Math.floor((by[j] as number) / cell)));
      const c = cy * cols + cx;
      cellOf[j] = c;
      start[c + 1] = (start[c + 1] as number) + 1;
    }
    for (let c = 0; c < nc; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
    // Stable placement (B's index order within a cell).
    const cursor = this.cursor;
    for (let c = 0; c < nc; c++) cursor[c] = start[c] as number;
    const sorted = this.sorted;
    const sx = this.sx;
    const sy = this.sy;
    for (let j = 0; j < nB; j++) {
      const c = cellOf[j] as number;
      const q = cursor[c] as number;
      cursor[c] = q + 1;
      sorted[q] = j;
      sx[q] = bx[j] as number;
      sy[q] = by[j] as number;
    }
    const bestOfB = this.bestOfB;
    const bestSimOfB = this.bestSimOfB;
    bestOfB.fill(-1, 0, nB);
    bestSimOfB.fill(-Infinity, 0, nB);
    const bestOfA = this.bestOfA;
    const bestSimOfA = this.bestSimOfA;
    const secondOfA = this.secondOfA;
    for (let i = 0; i < nA; i++) {
      const x = ax[i] as number;
      const y = ay[i] as number;
      const ri = radii ? Math.min(radius, radii[i] as number) : radius;
      const r2 = ri * ri;
      const cx = Math.floor(x / cell);
      const cy = Math.floor(y / cell);
      const cx0 = Math.max(0, cx - 1);
      const cx1 = Math.min(cols - 1, cx + 1);
      let best = -Infinity;
      let second = -Infinity;
      let bj = -1;
      const ai = i * dim;
      if (cx0 <= cx1)
        for (let gy = Math.max(0, cy - 1); gy <= Math.min(rows - 1, cy + 1); gy++) {
          const q1 = start[gy * cols + cx1 + 1] as number;
          for (let q = start[gy * cols + cx0] as number; q < q1; q++) {
            const dx = (sx[q] as number) - x;
            const dy = (sy[q] as number) - y;
            if (dx * dx + dy * dy > r2) continue;
            const j = sorted[q] as number;
            const s = dim === 64 ? dot64(a, ai, b, j * dim) : dot(a, ai, b, j * dim, 0, dim, 0);
            if (s > best) {
              second = best;
              best = s;
              bj = j;
            } else if (s > second) second = s;
            if (s > (bestSimOfB[j] as number)) {
              bestSimOfB[j] = s;
              bestOfB[j] = i;
            }
          }
        }
      bestOfA[i] = bj;
      bestSimOfA[i] = best;
      secondOfA[i] = second;
    }
    if (this.out.length < nA) this.out = new Int32Array(Math.max(nA, 2 * this.out.length));
    const match = this.out.subarray(0, nA);
    for (let i = 0; i < nA; i++) {
      const j = bestOfA[i] as number;
      const s = bestSimOfA[i] as number;
      match[i] = -1;
      if (
        j >= 0 &&
        bestOfB[j] === i &&
        s >= o.minSimilarity &&
        passesRatio(s, secondOfA[i] as number, o.ratio)
      ) {
        match[i] = j;
        if (matchSim) matchSim[i] = s;
      }
    }
    return match;
  }
}
