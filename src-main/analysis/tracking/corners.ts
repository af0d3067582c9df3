/**
 * Shi–Tomasi "good features to track": the smaller eigenvalue of the structure tensor summed over a
 * (2·blockHalf+1)² block, 3×3 local maxima above a relative and an absolute threshold, strongest first,
 * at least `minDistance` from each other and from points already tracked.
 */
import type { Gradients } from './gradients';
import { PointGrid } from './point-grid';

export interface CornerOptions {
  maxCorners: number;
  /** Accept corners whose score is at least this fraction of the strongest one. */
  qualityLevel: number;
  /** Absolute floor on the score (mean min-eigenvalue per block pixel, (intensity/px)²). */
  minScore: number;
  minDistance: number;
  blockHalf: number;
  /** Pixels from the image border where no corner is taken. */
  border: number;
}

export const DEFAULT_CORNER_OPTIONS: CornerOptions = {
  maxCorners: 1000,
  qualityLevel: 0.01,
  minScore: 2,
  minDistance: 8,
  blockHalf: 2,
  border: 8,
};

export interface Corners {
  count: number;
  /** Positions, pixel centres at +0.5. */
  x: Float32Array;
  y: Float32Array;
  score: Float32Array;
}

/** Scratch kept between calls for one image size. */
export class CornerDetector {
  readonly width: number;
  readonly height: number;
  private readonly score: Float32Array;
  private readonly sxx: Float32Array;
  private readonly sxy: Float32Array;
  private readonly syy: Float32Array;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    const n = width * height;
    this.score = new Float32Array(n);
    this.sxx = new Float32Array(n);
    this.sxy = new Float32Array(n);
    this.syy = new Float32Array(n);
  }

  /** Min-eigenvalue map (mean over the block) — exposed for tests and diagnostics. */
  minEigenMap(grad: Gradients, blockHalf: number): Float32Array {
    const { width: w, height: h } = this;
    const gx = grad.gx.data;
    const gy = grad.gy.data;
    const { sxx, sxy, syy, score } = this;
    // Horizontal box sums of the products, then vertical box sums.
    const r = blockHalf;
    for (let y = 0; y < h; y++) {
      const row = y * w;
      let a = 0;
      let b = 0;
      let c = 0;
      for (let x = -r; x <= r; x++) {
        const p = row + (x < 0 ? 0 : x >= w ? w - 1 : x);
        const u = gx[p] as number;
        const v = gy[p] as number;
        a += u * u;
        b += u * v;
        c += v * v;
      }
      for (let x = 0; x < w; x++) {
        sxx[row + x] = a;
        sxy[row + x] = b;
        syy[row + x] = c;
        const po = row + (x - r < 0 ? 0 : x - r);
        const pi = row + (x + r + 1 >= w ? w - 1 : x + r + 1);
        const uo = gx[po] as number;
        const vo = gy[po] as number;
        const ui = gx[pi] as number;
        const vi = gy[pi] as number;
        a += ui * ui - uo * uo;
        b += ui * vi - uo * vo;
        c += vi * vi - vo * vo;
      }
    }
    const norm = 1 / (2 * r + 1) ** 2;
    for (let x = 0; x < w; x++) {
      let a = 0;
      let b = 0;
      let c = 0;
      for (let y = -r; y <= r; y++) {
        const p = (y < 0 ? 0 : y >= h ? h - 1 : y) * w + x;
        a += sxx[p] as number;
        b += sxy[p] as number;
        c += syy[p] as number;
      }
      for (let y = 0; y < h; y++) {
        const A = a * norm;
        const B = b * norm;
        const C = c * norm;
        score[y * w + x] = (A + C - Math.sqrt((A - C) * (A - C) + 4 * B * B)) / 2;
        const po = (y - r < 0 ? 0 : y - r) * w + x;
        const pi = (y + r + 1 >= h ? h - 1 : y + r + 1) * w + x;
        a += (sxx[pi] as number) - (sxx[po] as number);
        b += (sxy[pi] as number) - (sxy[po] as number);
        c += (syy[pi] as number) - (syy[po] as number);
      }
    }
    return score;
  }

  /**
   * Detects corners. Points in `existingX/Y` (first `existingCount`) block their surroundings, so the
   * call fills empty regions only. `mask` (optional, w×h, nonzero = allowed) restricts where to look.
   */
  detect(
    grad: Gradients,
    options: Partial<CornerOptions> = {},
    existingX?: Float32Array,
    existingY?: Float32Array,
    existingCount = 0,
  ): Corners {
    const o = { ...DEFAULT_CORNER_OPTIONS, ...options };
    const { width: w, height: h } = this;
    const score = this.minEigenMap(grad, o.blockHalf);
    let max = 0;
    for (let i = 0; i < w * h; i++) if ((score[i] as number) > max) max = score[i] as number;
    const thr = Math.max(o.minScore, o.qualityLevel * max);
    const b = Math.max(1, Math.ceil(o.border));
    // Candidates: 3×3 local maxima above threshold.
    let cand = new Int32Array(4096);
    let nc = 0;
    for (let y = b; y < h - b; y++) {
      for (let x = b; x < w - b; x++) {
        const p = y * w + x;
        const v = score[p] as number;
        if (v < thr) continue;
        if (
          v < (score[p - 1] as number) ||
          v <= (score[p + 1] as number) ||
          v < (score[p - w - 1] as number) ||
          v < (score[p - w] as number) ||
          v < (score[p - w + 1] as number) ||
          v <= (score[p + w - 1] as number) ||
          v <= (score[p + w] as number) ||
          v <= (score[p + w + 1] as number)
        )
          continue;
        if (nc === cand.length) {
          const g = new Int32Array(nc * 2);
          g.set(cand);
          cand = g;
        }
        cand[nc++] = p;
      }
    }
    const idx = Array.from(cand.subarray(0, nc));
    idx.sort((p, q) => (score[q] as number) - (score[p] as number));
    const grid = new PointGrid(w, h, Math.max(1, o.minDistance), Math.max(16, existingCount + o.maxCorners));
    for (let i = 0; i < existingCount; i++) grid.add(existingX?.[i] as number, existingY?.[i] as number);
    const out: Corners = {
      count: 0,
      x: new Float32Array(o.maxCorners),
      y: new Float32Array(o.maxCorners),
      score: new Float32Array(o.maxCorners),
    };
    for (const p of idx) {
      if (out.count >= o.maxCorners) break;
      const x = (p % w) + 0.5;
      const y = Math.floor(p / w) + 0.5;
      if (o.minDistance > 0 && grid.hasNeighbour(x, y, o.minDistance)) continue;
      grid.add(x, y);
      out.x[out.count] = x;
      out.y[out.count] = y;
      out.score[out.count] = score[p] as number;
      out.count++;
    }
    return out;
  }
}
