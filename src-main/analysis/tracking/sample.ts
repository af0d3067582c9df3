/**
 * Bilinear sampling. Positions are in the +0.5 pixel-centre convention; outside the image the border
 * pixel is repeated (clamp), which keeps windows near the edge defined — callers decide separately
 * whether a point is too close to the border to be trusted.
 */
import type { GrayImage } from './image';

export function sampleBilinear(img: GrayImage, x: number, y: number): number {
  const { width: w, height: h, data } = img;
  let fx = x - 0.5;
  let fy = y - 0.5;
  if (fx < 0) fx = 0;
  else if (fx > w - 1) fx = w - 1;
  if (fy < 0) fy = 0;
  else if (fy > h - 1) fy = h - 1;
  const x0 = Math.min(Math.floor(fx), w - 2 < 0 ? 0 : w - 2);
  const y0 = Math.min(Math.floor(fy), h - 2 < 0 ? 0 : h - 2);
  const ax = fx - x0;
  const ay = fy - y0;
  const x1 = x0 + 1 < w ? x0 + 1 : x0;
  const r0 = y0 * w;
  const r1 = (y0 + 1 < h ? y0 + 1 : y0) * w;
  const a = data[r0 + x0] as number;
  const b = data[r0 + x1] as number;
  const c = data[r1 + x0] as number;
  const d = data[r1 + x1] as number;
  return a + ax * (b - a) + ay * (c - a + ax * (d - c - b + a));
}

/**
 * Samples a (2·half+1)² window centred on (cx, cy) into `out` (row-major). All window pixels share one
 * fractional offset, so the four weights are computed once; rows/columns outside the image are clamped.
 */
export function sampleWindow(img: GrayImage, cx: number, cy: number, half: number, out: Float32Array): void {
  const { width: w, height: h, data } = img;
  const fx = cx - 0.5 - half;
  const fy = cy - 0.5 - half;
  const ix = Math.floor(fx);
  const iy = Math.floor(fy);
  const ax = fx - ix;
  const ay = fy - iy;
  const w00 = (1 - ax) * (1 - ay);
  const w10 = ax * (1 - ay);
  const w01 = (1 - ax) * ay;
  const w11 = ax * ay;
  const n = 2 * half + 1;
  const inside = ix >= 0 && iy >= 0 && ix + n < w && iy + n < h;
  let k = 0;
  if (inside) {
    for (let r = 0; r < n; r++) {
      let p = (iy + r) * w + ix;
      for (let c = 0; c < n; c++, p++) {
        out[k++] =
          w00 * (data[p] as number) +
          w10 * (data[p + 1] as number) +
          w01 * (data[p + w] as number) +
          w11 * (data[p + w + 1] as number);
      }
    }
    return;
  }
  for (let r = 0; r < n; r++) {
    const y0 = clamp(iy + r, h);
    const y1 = clamp(iy + r + 1, h);
    for (let c = 0; c < n; c++) {
      const x0 = clamp(ix + c, w);
      const x1 = clamp(ix + c + 1, w);
      out[k++] =
        w00 * (data[y0 * w + x0] as number) +
        w10 * (data[y0 * w + x1] as number) +
        w01 * (data[y1 * w + x0] as number) +
        w11 * (data[y1 * w + x1] as number);
    }
  }
}

function clamp(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}
