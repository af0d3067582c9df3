/**
 * Edge-aware hole filling. Invalid pixels are filled front by front (breadth-first from the valid region):
 * each pixel of the next front takes the weighted mean inverse depth of its already-known 8-neighbours,
 * weights exp(−(I_p − I_q)² / 2σ²) from the reference image, so values flow along surfaces of similar
 * colour rather than across edges. Inverse depth is averaged (planes stay planes along image lines).
 * Filled pixels are flagged; they carry no measurement of their own.
 */
import type { FloatImage } from './image';

export interface FillOptions {
  /** Intensity difference scale σ (image units 0..1, default 0.05). */
  sigma?: number;
  /** Fill at most this many fronts (pixels away from known depth); default: until done. */
  maxDistance?: number;
  /**
   * Edge-aware relaxation sweeps over the filled pixels after the fronts (Gauss–Seidel on the weighted
   * Laplace equation, known pixels fixed): turns the front-by-front averages into a smooth membrane that
   * reproduces planes (inverse depth linear in the image) across a hole. Default 40.
   */
  relaxIterations?: number;
}

export interface FillResult {
  depth: Float32Array;
  /** 1 where the value was filled (not measured). */
  filled: Uint8Array;
  /** Front number (distance in pixels, 8-connected) of each filled pixel; 0 for known pixels. */
  distance: Uint16Array;
}

export function fillHoles(
  depth: Float32Array,
  known: Uint8Array,
  guide: FloatImage,
  options: FillOptions = {},
): FillResult {
  const W = guide.width;
  const H = guide.height;
  const n = W * H;
  if (depth.length !== n || known.length !== n) throw new RangeError('fillHoles: size mismatch');
  const sigma = options.sigma ?? 0.05;
  const inv2s2 = 1 / (2 * sigma * sigma);
  const maxDist = options.maxDistance ?? Infinity;
  const rho = new Float64Array(n);
  const state = new Uint8Array(n); // 1 known/filled, 0 unknown
  const out = new Float32Array(n);
  const filled = new Uint8Array(n);
  const distance = new Uint16Array(n);
  let front = new Int32Array(n);
  let frontLen = 0;
  let next = new Int32Array(n);
  const queued = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (known[i] && depth[i]! > 0) {
      state[i] = 1;
      rho[i] = 1 / depth[i]!;
      out[i] = depth[i]!;
    }
  }
  // first front: unknown pixels touching a known one
  for (let i = 0; i < n; i++) {
    if (state[i]) continue;
    const x = i % W;
    const y = (i - x) / W;
    let touch = false;
    for (let dy = -1; dy <= 1 && !touch; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx,
          yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < W && yy < H && state[yy * W + xx]) {
          touch = true;
          break;
        }
      }
    if (touch) {
      front[frontLen++] = i;
      queued[i] = 1;
    }
  }
  const I = guide.data;
  const newRho = new Float64Array(n);
  let dist = 0;
  while (frontLen > 0 && dist < maxDist) {
    dist++;
    for (let f = 0; f < frontLen; f++) {
      const i = front[f]!;
      const x = i % W;
      const y = (i - x) / W;
      const Ii = I[i]!;
      let sw = 0,
        sr = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= H) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= W) continue;
          const j = yy * W + xx;
          if (!state[j]) continue;
          const d = I[j]! - Ii;
          const w = Math.exp(-d * d * inv2s2) + 1e-6;
          sw += w;
          sr += w * rho[j]!;
        }
      }
      newRho[i] = sr / sw;
    }
    let nextLen = 0;
    for (let f = 0; f < frontLen; f++) {
      const i = front[f]!;
      state[i] = 1;
      rho[i] = newRho[i]!;
      out[i] = 1 / rho[i]!;
      filled[i] = 1;
      distance[i] = Math.min(dist, 65535);
    }
    for (let f = 0; f < frontLen; f++) {
      const i = front[f]!;
      const x = i % W;
      const y = (i - x) / W;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= H) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= W) continue;
          const j = yy * W + xx;
          if (state[j] || queued[j]) continue;
          queued[j] = 1;
          next[nextLen++] = j;
        }
      }
    }
    const t = front;
    front = next;
    next = t;
    frontLen = nextLen;
  }
  const iters = options.relaxIterations ?? 40;
  if (iters > 0) {
    const list: number[] = [];
    for (let i = 0; i < n; i++) if (filled[i]) list.push(i);
    for (let it = 0; it < iters; it++) {
      for (let f = 0; f < list.length; f++) {
        const i = list[f]!;
        const x = i % W;
        const y = (i - x) / W;
        const Ii = I[i]!;
        let sw = 0,
          sr = 0;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= H) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if ((dx === 0 && dy === 0) || xx < 0 || xx >= W) continue;
            const j = yy * W + xx;
            if (!state[j]) continue;
            const d = I[j]! - Ii;
            const w = Math.exp(-d * d * inv2s2) + 1e-6;
            sw += w;
            sr += w * rho[j]!;
          }
        }
        if (sw > 0) rho[i] = sr / sw;
      }
    }
    for (const i of list) out[i] = 1 / rho[i]!;
  }
  return { depth: out, filled, distance };
}
