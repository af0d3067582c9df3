/**
 * XFeat post-processing, as upstream does it: softmax over the 65 logits per 8×8 cell, drop the dustbin,
 * unfold the 64 values to a full-input-resolution heatmap, 5×5 non-maximum suppression above a threshold,
 * score = heat × reliability (bilinear), top-k, descriptors sampled bilinearly from the L2-normalised map
 * and normalised again. Keypoints are returned in the frame's own pixels (centres at +0.5).
 */
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
  private readonly normDesc: Float32Array;

  constructor(inW: number, inH: number) {
    this.inW = inW;
    this.inH = inH;
    this.heat = new Float32Array(inW * inH);
    this.normDesc = new Float32Array(XFEAT_DESCRIPTOR_DIM * (inW / XFEAT_CELL) * (inH / XFEAT_CELL));
  }

  /** Full-resolution keypoint heatmap (exposed for tests). */
  heatmap(logits: Float32Array): Float32Array {
    const cw = this.inW / XFEAT_CELL;
    const ch = this.inH / XFEAT_CELL;
    const plane = cw * ch;
    const heat = this.heat;
    for (let cy = 0; cy < ch; cy++) {
      for (let cx = 0; cx < cw; cx++) {
        const p = cy * cw + cx;
        let max = -Infinity;
        for (let k = 0; k < 65; k++) max = Math.max(max, logits[k * plane + p] as number);
        let sum = 0;
        for (let k = 0; k < 65; k++) sum += Math.exp((logits[k * plane + p] as number) - max);
        const inv = 1 / sum;
        for (let k = 0; k < 64; k++) {
          const r = k >> 3;
          const c = k & 7;
          heat[(cy * 8 + r) * this.inW + cx * 8 + c] =
            Math.exp((logits[k * plane + p] as number) - max) * inv;
        }
      }
    }
    return heat;
  }

  decode(out: XFeatOutputs, frameW: number, frameH: number, options: Partial<DecodeOptions> = {}): Keypoints {
    const o = { ...DEFAULT_DECODE_OPTIONS, ...options };
    const { inW, inH } = this;
    const heat = this.heatmap(out.logits);
    const cands = nonMaxSuppression(heat, inW, inH, o.nmsRadius, o.threshold);
    const cw = inW / XFEAT_CELL;
    const ch = inH / XFEAT_CELL;
    const n = cands.length;
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const p = cands[i] as number;
      const x = (p % inW) + 0.5;
      const y = Math.floor(p / inW) + 0.5;
      scores[i] = (heat[p] as number) * sampleMap(out.reliability, cw, ch, 0, x / XFEAT_CELL, y / XFEAT_CELL);
    }
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => (scores[b] as number) - (scores[a] as number),
    );
    const k = Math.min(o.topK, n);
    const kp: Keypoints = {
      count: k,
      x: new Float32Array(k),
      y: new Float32Array(k),
      score: new Float32Array(k),
      descriptors: new Float32Array(k * XFEAT_DESCRIPTOR_DIM),
    };
    normaliseDescriptorMap(out.descriptors, cw * ch, this.normDesc);
    const sx = frameW / inW;
    const sy = frameH / inH;
    for (let i = 0; i < k; i++) {
      const c = order[i] as number;
      const p = cands[c] as number;
      const x = (p % inW) + 0.5;
      const y = Math.floor(p / inW) + 0.5;
      kp.x[i] = x * sx;
      kp.y[i] = y * sy;
      kp.score[i] = scores[c] as number;
      let norm = 0;
      const base = i * XFEAT_DESCRIPTOR_DIM;
      // Bilinear weights once per keypoint (as sampleMap computes them), then every channel.
      let fx = x / XFEAT_CELL - 0.5;
      let fy = y / XFEAT_CELL - 0.5;
      fx = fx < 0 ? 0 : fx > cw - 1 ? cw - 1 : fx;
      fy = fy < 0 ? 0 : fy > ch - 1 ? ch - 1 : fy;
      const x0 = Math.min(Math.floor(fx), Math.max(0, cw - 2));
      const y0 = Math.min(Math.floor(fy), Math.max(0, ch - 2));
      const ax = fx - x0;
      const ay = fy - y0;
      const p00 = y0 * cw + x0;
      const p10 = y0 * cw + Math.min(x0 + 1, cw - 1);
      const p01 = Math.min(y0 + 1, ch - 1) * cw + x0;
      const p11 = Math.min(y0 + 1, ch - 1) * cw + Math.min(x0 + 1, cw - 1);
      const plane = cw * ch;
      const nd = this.normDesc;
      for (let d = 0, o = 0; d < XFEAT_DESCRIPTOR_DIM; d++, o += plane) {
        const v =
          (1 - ay) * ((1 - ax) * (nd[o + p00] as number) + ax * (nd[o + p10] as number)) +
          ay * ((1 - ax) * (nd[o + p01] as number) + ax * (nd[o + p11] as number));
        kp.descriptors[base + d] = v;
        norm += v * v;
      }
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let d = 0; d < XFEAT_DESCRIPTOR_DIM; d++)
        kp.descriptors[base + d] = (kp.descriptors[base + d] as number) * inv;
    }
    return kp;
  }
}

/** Indices of pixels that are the maximum of their (2r+1)² neighbourhood and above `threshold`. */
export function nonMaxSuppression(
  map: Float32Array,
  w: number,
  h: number,
  r: number,
  threshold: number,
): Int32Array {
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = map[y * w + x] as number;
      if (!(v > threshold)) continue;
      let isMax = true;
      for (let dy = -r; dy <= r && isMax; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -r; dx <= r; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w || (dx === 0 && dy === 0)) continue;
          const u = map[yy * w + xx] as number;
          // Ties: the first in raster order wins, so a plateau yields one point.
          if (u > v || (u === v && (dy < 0 || (dy === 0 && dx < 0)))) {
            isMax = false;
            break;
          }
        }
      }
      if (isMax) out.push(y * w + x);
    }
  }
  return Int32Array.from(out);
}

/** L2-normalises each position's channel vector of a [C, plane] map. */
function normaliseDescriptorMap(src: Float32Array, plane: number, dst: Float32Array): void {
  for (let p = 0; p < plane; p++) {
    let s = 0;
    for (let d = 0; d < XFEAT_DESCRIPTOR_DIM; d++) s += (src[d * plane + p] as number) ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < XFEAT_DESCRIPTOR_DIM; d++) dst[d * plane + p] = (src[d * plane + p] as number) * inv;
  }
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
