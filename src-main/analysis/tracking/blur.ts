/**
 * Separable Gaussian blur with replicated borders. Used before tracking to tame aliased, staircased edges
 * (synthetic renders, sharp video): jaggies otherwise look like corners that slide along the edge.
 */
import type { GrayImage } from './image';

export function gaussianKernel(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp((-i * i) / (2 * sigma * sigma));
    k[i + r] = v;
    s += v;
  }
  for (let i = 0; i < k.length; i++) k[i] = (k[i] as number) / s;
  return k;
}

/** Blurs `src` into `dst` (may not alias `src`); `tmp` must hold width × height values. */
export function gaussianBlur(src: GrayImage, dst: GrayImage, kernel: Float32Array, tmp: Float32Array): void {
  const { width: w, height: h, data: s } = src;
  const r = (kernel.length - 1) >> 1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      if (x >= r && x < w - r) {
        for (let i = -r; i <= r; i++) acc += (kernel[i + r] as number) * (s[row + x + i] as number);
      } else {
        for (let i = -r; i <= r; i++) {
          const xi = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
          acc += (kernel[i + r] as number) * (s[row + xi] as number);
        }
      }
      tmp[row + x] = acc;
    }
  }
  const d = dst.data;
  for (let y = 0; y < h; y++) {
    if (y >= r && y < h - r) {
      // Interior rows: no clamping; same taps in the same order as below.
      const top = (y - r) * w;
      for (let x = 0; x < w; x++) {
        let acc = 0;
        for (let i = 0, q = top + x; i <= 2 * r; i++, q += w)
          acc += (kernel[i] as number) * (tmp[q] as number);
        d[y * w + x] = acc;
      }
      continue;
    }
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) {
        const yi = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
        acc += (kernel[i + r] as number) * (tmp[yi * w + x] as number);
      }
      d[y * w + x] = acc;
    }
  }
}
