/**
 * XFeat post-processing, as upstream does it: softmax over the 65 logits per 8×8 cell, drop the dustbin,
 * unfold the 64 values to a full-input-resolution heatmap, 5×5 non-maximum suppression above a threshold,
 * score = heat × reliability (bilinear), top-k, descriptors sampled bilinearly from the L2-normalised map
 * and normalised again. Keypoints are returned in the frame's own pixels (centres at +0.5).
 */
import { expNonPositive } from '../../../../src-shared/fast-exp';
import { XFEAT_CELL, XFEAT_DESCRIPTOR_DIM, type XFeatOutputs } from './contract';

export interface DecodeOptions {
  topK: number;
  threshold: number;
  /** NMS half-size: 2 gives the upstream 5×5. */
  nmsRadius: number;
}

export const DEFAULT_DECODE_OPTIONS: DecodeOptions = { topK: 2048, threshold: 0.05, nmsRadius: 2 };

export interface Keypoints {
  count: number;
  x: Float32Array;
  y: Float32Array;
  score: Float32Array;
  /** count × 64, unit length rows. */
  descriptors: Float32Array;
}

/** Scratch for one model input size. */
export class XFeatDecoder {
  readonly inW: number;
  readonly inH: number;
  private readonly heat: Float32Array;
  private readonly normSums: Float64Array;
  /** The normalised descriptor map, position-major (see normalisedRows). */
  private readonly rows: Float64Array;
  /** Indices of the heatmap's values above the threshold (see valuesAbove), and how many. */
  private above = new Int32Array(4096);
  private aboveCount = 0;
  private readonly expScratch = new Float64Array(65);
  private nmsOut: Int32Array = new Int32Array(1024);
  private sortKeys = new Float64Array(1024);
  private scoreBuf = new Float32Array(1024);
  private orderBuf = new Int32Array(1024);
  private kpBuf: Keypoints = {
    count: 0,
    x: new Float32Array(0),
    y: new Float32Array(0),
    score: new Float32Array(0),
    descriptors: new Float32Array(0),
  };

  constructor(inW: number, inH: number) {
    this.inW = inW;
    this.inH = inH;
    this.heat = new Float32Array(inW * inH);
    this.normSums = new Float64Array((inW / XFEAT_CELL) * (inH / XFEAT_CELL));
    this.rows = new Float64Array((inW / XFEAT_CELL) * (inH / XFEAT_CELL) * XFEAT_DESCRIPTOR_DIM);
  }

  /** Full-resolution keypoint heatmap, every cell's softmax (the reference the decoding equals; tests). */
  heatmap(logits: Float32Array): Float32Array {
    const cw = this.inW / XFEAT_CELL;
    const ch = this.inH / XFEAT_CELL;
    const plane = cw * ch;
    const inW = this.inW;
    const heat = new Float32Array(this.inW * this.inH);
    const e = this.expScratch;
    for (let p = 0; p < plane; p++) {
      let max = -Infinity;
      for (let k = 0, q = p; k < 65; k++, q += plane) max = Math.max(max, logits[q] as number);
      const inv = cellExponentials(logits, p, plane, max, e);
      const o0 = ((p / cw) | 0) * 8 * inW + (p % cw) * 8;
      for (let k = 0; k < 64; k++) heat[o0 + (k >> 3) * inW + (k & 7)] = (e[k] as number) * inv;
    }
    return heat;
  }

  /**
   * The heatmap's values above `threshold`, and only those: written into `this.heat` (every other entry
   * is 0) and their indices listed in `this.above` (cell by cell). The values are exactly the full
   * heatmap's. A cell whose 64 values provably all stay ≤ `threshold` is passed over without its
   * exponentials: heat_k = e^(l_k − max) / Σ ≤ e^(l_k − max) since Σ ≥ 1, so a cell where every
   * keypoint logit is more than −ln(threshold) below the cell's maximum (with a margin) cannot reach it.
   * Values at or below the threshold can neither be keypoints nor suppress one (NMS compares a
   * candidate only with larger or equal values), so decoding gives exactly what the full heatmap gives.
   */
  private valuesAbove(logits: Float32Array, threshold: number): number {
    const cw = this.inW / XFEAT_CELL;
    const ch = this.inH / XFEAT_CELL;
    const plane = cw * ch;
    const heat = this.heat;
    const e = this.expScratch;
    const inW = this.inW;
    // Clear the previous frame's values.
    let list = this.above;
    for (let i = 0; i < this.aboveCount; i++) heat[list[i] as number] = 0;
    this.aboveCount = 0;
    const skipBelow = threshold > 0 ? Math.log(threshold) - 1e-6 : -Infinity;
    let n = 0;
    for (let p = 0; p < plane; p++) {
      let maxK = -Infinity;
      for (let k = 0, q = p; k < 64; k++, q += plane) maxK = Math.max(maxK, logits[q] as number);
      const max = Math.max(maxK, logits[64 * plane + p] as number);
      if (maxK - max < skipBelow) continue;
      const inv = cellExponentials(logits, p, plane, max, e);
      const o0 = ((p / cw) | 0) * 8 * inW + (p % cw) * 8;
      for (let k = 0; k < 64; k++) {
        // Compared as stored (float32), as in the full heatmap.
        const v = Math.fround((e[k] as number) * inv);
        if (!(v > threshold)) continue;
        const at = o0 + (k >> 3) * inW + (k & 7);
        heat[at] = v;
        if (n === list.length) {
          const grown = new Int32Array(2 * list.length);
          grown.set(list);
          list = grown;
          this.above = list;
        }
        list[n++] = at;
      }
    }
    this.aboveCount = n;
    return n;
  }

  /**
   * Of the listed values above the threshold, those that are the maximum of their (2r+1)² neighbourhood
   * (ties: the first in raster order wins, as {@link nonMaxSuppression}), in raster order, into
   * `this.nmsOut`. Everything else in the heatmap is 0 here, at or below the threshold.
   */
  private suppress(r: number): number {
    const heat = this.heat;
    const list = this.above;
    const w = this.inW;
    const h = this.inH;
    if (this.nmsOut.length < this.aboveCount) this.nmsOut = new Int32Array(this.above.length);
    const out = this.nmsOut;
    let count = 0;
    for (let i = 0; i < this.aboveCount; i++) {
      const p = list[i] as number;
      const v = heat[p] as number;
      const y = (p / w) | 0;
      const x = p - y * w;
      const x0 = x - r < 0 ? 0 : x - r;
      const x1 = x + r >= w ? w - 1 : x + r;
      const y1 = y + r >= h ? h - 1 : y + r;
      let isMax = true;
      for (let yy = y - r < 0 ? 0 : y - r; yy <= y1 && isMax; yy++) {
        for (let q = yy * w + x0, e = yy * w + x1; q <= e; q++) {
          const u = heat[q] as number;
          if (u > v || (u === v && q < p)) {
            isMax = false;
            break;
          }
        }
      }
      if (isMax) out[count++] = p;
    }
    out.subarray(0, count).sort();
    return count;
  }

  /**
   * Candidate indices by descending score, ties in index order (what a stable sort gives). Non-negative
   * float32 scores order as their bit patterns, so (inverted bits, index) packs into one float64 key and
   * a plain numeric sort does it without a comparator.
   */
  private orderByScore(scores: Float32Array, n: number): Int32Array {
    if (this.orderBuf.length < n) this.orderBuf = new Int32Array(Math.max(n, 2 * this.orderBuf.length));
    const order = this.orderBuf.subarray(0, n);
    const bits = new Uint32Array(scores.buffer, scores.byteOffset, n);
    let packable = n <= 0x200000;
    for (let i = 0; i < n && packable; i++) if (!((scores[i] as number) >= 0)) packable = false;
    if (!packable) {
      const idx = Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => (scores[b] as number) - (scores[a] as number),
      );
      order.set(idx);
      return order;
    }
    if (this.sortKeys.length < n) this.sortKeys = new Float64Array(Math.max(n, 2 * this.sortKeys.length));
    const keys = this.sortKeys.subarray(0, n);
    // +0 and -0 never differ here (all scores ≥ 0 and -0 ≥ 0 is true): map -0 to +0's bits.
    for (let i = 0; i < n; i++) {
      const b = (scores[i] as number) === 0 ? 0 : (bits[i] as number);
      keys[i] = (0xffffffff - b) * 0x200000 + i;
    }
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = (keys[i] as number) % 0x200000;
    return order;
  }

  /**
   * Keypoints of one model output. With `reuse`, the returned arrays are views of the decoder's own
   * buffers and are overwritten by its next decode (the tracker uses them only within one frame).
   */
  decode(
    out: XFeatOutputs,
    frameW: number,
    frameH: number,
    options: Partial<DecodeOptions> = {},
    reuse = false,
  ): Keypoints {
    const o = { ...DEFAULT_DECODE_OPTIONS, ...options };
    const { inW, inH } = this;
    this.valuesAbove(out.logits, o.threshold);
    const heat = this.heat;
    const n = this.suppress(o.nmsRadius);
    const cands = this.nmsOut;
    const cw = inW / XFEAT_CELL;
    const ch = inH / XFEAT_CELL;
    if (this.scoreBuf.length < n) this.scoreBuf = new Float32Array(Math.max(n, 2 * this.scoreBuf.length));
    const scores = this.scoreBuf.subarray(0, n);
    for (let i = 0; i < n; i++) {
      const p = cands[i] as number;
      const x = (p % inW) + 0.5;
      const y = Math.floor(p / inW) + 0.5;
      scores[i] = (heat[p] as number) * sampleMap(out.reliability, cw, ch, 0, x / XFEAT_CELL, y / XFEAT_CELL);
    }
    const order = this.orderByScore(scores, n);
    const k = Math.min(o.topK, n);
    let kp: Keypoints;
    if (reuse) {
      if (this.kpBuf.x.length < k) {
        const cap = Math.max(k, 2 * this.kpBuf.x.length);
        this.kpBuf = {
          count: 0,
          x: new Float32Array(cap),
          y: new Float32Array(cap),
          score: new Float32Array(cap),
          descriptors: new Float32Array(cap * XFEAT_DESCRIPTOR_DIM),
        };
      }
      const b = this.kpBuf;
      kp = {
        count: k,
        x: b.x.subarray(0, k),
        y: b.y.subarray(0, k),
        score: b.score.subarray(0, k),
        descriptors: b.descriptors.subarray(0, k * XFEAT_DESCRIPTOR_DIM),
      };
    } else {
      kp = {
        count: k,
        x: new Float32Array(k),
        y: new Float32Array(k),
        score: new Float32Array(k),
        descriptors: new Float32Array(k * XFEAT_DESCRIPTOR_DIM),
      };
    }
    // The descriptor map normalised per position (as upstream does before sampling), position-major, so
    // a keypoint reads four contiguous rows of 64 instead of 64 planes.
    const table = normalisedRows(out.descriptors, cw * ch, this.normSums, this.rows);
    const sx = frameW / inW;
    const sy = frameH / inH;
    const C = XFEAT_DESCRIPTOR_DIM;
    const kx = kp.x;
    const ky = kp.y;
    const ks = kp.score;
    const kd = kp.descriptors;
    for (let i = 0; i < k; i++) {
      const c = order[i] as number;
      const p = cands[c] as number;
      const x = (p % inW) + 0.5;
      const y = Math.floor(p / inW) + 0.5;
      kx[i] = x * sx;
      ky[i] = y * sy;
      ks[i] = scores[c] as number;
      let norm = 0;
      const base = i * C;
      // Bilinear weights once per keypoint (as sampleMap computes them), then every channel.
      let fx = x / XFEAT_CELL - 0.5;
      let fy = y / XFEAT_CELL - 0.5;
      fx = fx < 0 ? 0 : fx > cw - 1 ? cw - 1 : fx;
      fy = fy < 0 ? 0 : fy > ch - 1 ? ch - 1 : fy;
      const x0 = Math.min(Math.floor(fx), Math.max(0, cw - 2));
      const y0 = Math.min(Math.floor(fy), Math.max(0, ch - 2));
      const ax = fx - x0;
      const ay = fy - y0;
      const r00 = C * (y0 * cw + x0);
      const r10 = C * (y0 * cw + Math.min(x0 + 1, cw - 1));
      const r01 = C * (Math.min(y0 + 1, ch - 1) * cw + x0);
      const r11 = C * (Math.min(y0 + 1, ch - 1) * cw + Math.min(x0 + 1, cw - 1));
      const w00 = (1 - ay) * (1 - ax);
      const w10 = (1 - ay) * ax;
      const w01 = ay * (1 - ax);
      const w11 = ay * ax;
      for (let d = 0; d < C; d++) {
        const v =
          w00 * (table[r00 + d] as number) +
          w10 * (table[r10 + d] as number) +
          w01 * (table[r01 + d] as number) +
          w11 * (table[r11 + d] as number);
        kd[base + d] = v;
        norm += v * v;
      }
      const s2 = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let d = base; d < base + C; d++) kd[d] = (kd[d] as number) * s2;
    }
    return kp;
  }
}

/**
 * Indices of pixels that are the maximum of their (2r+1)² neighbourhood and above `threshold`, in raster
 * order. Ties: the first in raster order wins, so a plateau yields one point.
 */
export function nonMaxSuppression(
  map: Float32Array,
  w: number,
  h: number,
  r: number,
  threshold: number,
): Int32Array {
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    const y0 = y - r < 0 ? 0 : y - r;
    const y1 = y + r >= h ? h - 1 : y + r;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const v = map[p] as number;
      if (!(v > threshold)) continue;
      const x0 = x - r < 0 ? 0 : x - r;
      const x1 = x + r >= w ? w - 1 : x + r;
      let isMax = true;
      // Rows above and the pixels before (x, y) in its row lose to an equal value; the rest must be
      // strictly smaller.
      for (let yy = y0; yy <= y1 && isMax; yy++) {
        for (let q = yy * w + x0, e = yy * w + x1; q <= e; q++) {
          if (q === p) continue;
          const u = map[q] as number;
          if (u > v || (u === v && q < p)) {
            isMax = false;
            break;
          }
        }
      }
      if (isMax) out.push(p);
    }
  }
  return Int32Array.from(out);
}

/**
 * The [C, plane] map's channel vectors, each divided by its length (a zero vector stays zero), as
 * position-major rows of C in `rows`. `sums` is scratch of `plane` entries.
 */
function normalisedRows(
  src: Float32Array,
  plane: number,
  sums: Float64Array,
  rows: Float64Array,
): Float64Array {
  const C = XFEAT_DESCRIPTOR_DIM;
  sums.fill(0, 0, plane);
  for (let d = 0, o = 0; d < C; d++, o += plane) {
    for (let p = 0; p < plane; p++) {
      const v = src[o + p] as number;
      sums[p] = (sums[p] as number) + v * v;
    }
  }
  for (let p = 0; p < plane; p++) {
    const s = sums[p] as number;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0, q = p, r = p * C; d < C; d++, q += plane, r++) rows[r] = (src[q] as number) * inv;
  }
  return rows;
}

/**
 * The softmax of cell p's 65 logits (channel-major, `plane` apart) without its division: e^(l_k − max)
 * into `e` (each exponential once; all of values ≤ 0), returning 1/Σ. The full heatmap and the decoding
 * both use it, so their values are the same bit for bit.
 */
function cellExponentials(
  logits: Float32Array,
  p: number,
  plane: number,
  max: number,
  e: Float64Array,
): number {
  let sum = 0;
  for (let k = 0, q = p; k < 65; k++, q += plane) {
    const v = expNonPositive((logits[q] as number) - max);
    e[k] = v;
    sum += v;
  }
  return 1 / sum;
}

/** Bilinear sample of channel `c` of a [C, h, w] map at (x, y) with centres at +0.5, clamped. */
function sampleMap(map: Float32Array, w: number, h: number, c: number, x: number, y: number): number {
  let fx = x - 0.5;
  let fy = y - 0.5;
  fx = fx < 0 ? 0 : fx > w - 1 ? w - 1 : fx;
  fy = fy < 0 ? 0 : fy > h - 1 ? h - 1 : fy;
  const x0 = Math.min(Math.floor(fx), Math.max(0, w - 2));
  const y0 = Math.min(Math.floor(fy), Math.max(0, h - 2));
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const b = c * w * h;
  const a00 = map[b + y0 * w + x0] as number;
  const a10 = map[b + y0 * w + x1] as number;
  const a01 = map[b + y1 * w + x0] as number;
  const a11 = map[b + y1 * w + x1] as number;
  return (1 - ay) * ((1 - ax) * a00 + ax * a10) + ay * ((1 - ax) * a01 + ax * a11);
}
