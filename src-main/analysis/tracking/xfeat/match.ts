/**
 * Descriptor matching on unit-length rows (cosine similarity = dot product): mutual nearest neighbours
 * with a ratio test on descriptor distance (‖a−b‖ = √(2−2s)). Dense form: a blocked typed-array matrix
 * product. Gated form (tracking): only pairs whose positions are within a radius are compared.
 */
import { PointGrid } from '../point-grid';

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
  const o = { ...DEFAULT_MATCH_OPTIONS, ...options };
  const grid = new PointGrid(width, height, Math.max(4, radius / 2), Math.max(16, nB));
  for (let j = 0; j < nB; j++) grid.add(bx[j] as number, by[j] as number);
  const bestOfB = new Int32Array(nB).fill(-1);
  const bestSimOfB = new Float32Array(nB).fill(-Infinity);
  const bestOfA = new Int32Array(nA).fill(-1);
  const bestSimOfA = new Float32Array(nA).fill(-Infinity);
  const secondOfA = new Float32Array(nA).fill(-Infinity);
  const near = new Int32Array(1024);
  for (let i = 0; i < nA; i++) {
    const m = grid.query(ax[i] as number, ay[i] as number, radius, near);
    const ai = i * dim;
    for (let q = 0; q < m; q++) {
      const j = near[q] as number;
      const bj = j * dim;
      const s = dot(a, ai, b, bj, 0, dim, 0);
      if (s > (bestSimOfA[i] as number)) {
        secondOfA[i] = bestSimOfA[i] as number;
        bestSimOfA[i] = s;
        bestOfA[i] = j;
      } else if (s > (secondOfA[i] as number)) secondOfA[i] = s;
      if (s > (bestSimOfB[j] as number)) {
        bestSimOfB[j] = s;
        bestOfB[j] = i;
      }
    }
  }
  const match = new Int32Array(nA).fill(-1);
  for (let i = 0; i < nA; i++) {
    const j = bestOfA[i] as number;
    const s = bestSimOfA[i] as number;
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
