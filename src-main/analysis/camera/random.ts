/** Seeded PRNG (mulberry32) and RANSAC helpers, so solves are reproducible. */
export class Rng {
  private s: number;
  constructor(seed = 0x5eed) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** k distinct indices in [0, n) into `out`. */
  sample(n: number, k: number, out: Int32Array): Int32Array {
    for (let i = 0; i < k; i++) {
      let v: number;
      let dup: boolean;
      do {
        v = this.int(n);
        dup = false;
        for (let j = 0; j < i; j++) if (out[j] === v) dup = true;
      } while (dup);
      out[i] = v;
    }
    return out;
  }
}

/** Iterations needed to draw one all-inlier sample with probability `confidence`. */
export function ransacIterations(
  inlierRatio: number,
  sampleSize: number,
  confidence: number,
  max: number,
): number {
  const w = Math.pow(Math.min(Math.max(inlierRatio, 1e-6), 1), sampleSize);
  if (w >= 1) return 1;
  // log1p: for a tiny w, log(1 − w) rounds to 0 and the count to Infinity… or, divided the other way, 1
  const n = Math.log(1 - confidence) / Math.log1p(-w);
  if (!Number.isFinite(n)) return max;
  return Math.max(1, Math.min(max, Math.ceil(n)));
}
