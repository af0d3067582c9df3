/**
 * Pixel plumbing shared by the adapters: interleaved 8-bit frames (as the decoder gives them: rgb24 or
 * rgba) to planar float, bilinear resampling (half-pixel or align-corners), edge padding, ImageNet
 * normalisation. Pure functions on typed arrays so they run in any thread.
 */

/** An 8-bit frame, interleaved (HWC), 3 (RGB) or 4 (RGBA) channels; alpha is ignored. */
export interface RgbImage {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
}

export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export function checkImage(img: RgbImage, what = 'image'): void {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width < 1 || img.height < 1) {
    throw new RangeError(`${what}: bad size ${img.width}×${img.height}`);
  }
  if (img.data.length !== img.width * img.height * img.channels) {
    throw new RangeError(
      `${what}: ${img.data.length} bytes for ${img.width}×${img.height}×${img.channels} (expected ${img.width * img.height * img.channels})`,
    );
  }
}

/** Interleaved 8-bit RGB(A) → planar float [3, H, W], each value multiplied by `scale`. */
export function toPlanar(img: RgbImage, scale = 1 / 255): Float32Array {
  const { width: w, height: h, channels: c, data } = img;
  const n = w * h;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    out[i] = data[i * c]! * scale;
    out[n + i] = data[i * c + 1]! * scale;
    out[2 * n + i] = data[i * c + 2]! * scale;
  }
  return out;
}

/**
 * Bilinear resize of planar data [C, H, W] → [C, dh, dw]. `alignCorners` maps corner pixel centres onto
 * each other (PyTorch align_corners=True, used by CoTracker); otherwise half-pixel centres (OpenCV,
 * PyTorch align_corners=False).
 */
export function resizeBilinear(
  src: Float32Array,
  channels: number,
  h: number,
  w: number,
  dh: number,
  dw: number,
  alignCorners = false,
  out: Float32Array = new Float32Array(channels * dh * dw),
  outOffset = 0,
): Float32Array {
  const map = (d: number, sn: number, dn: number) => {
    if (alignCorners) return dn > 1 ? (d * (sn - 1)) / (dn - 1) : 0;
    return Math.min(Math.max((d + 0.5) * (sn / dn) - 0.5, 0), sn - 1);
  };
  const x0 = new Int32Array(dw);
  const x1 = new Int32Array(dw);
  const fx = new Float32Array(dw);
  for (let x = 0; x < dw; x++) {
    const s = map(x, w, dw);
    const i = Math.min(Math.floor(s), w - 1);
    x0[x] = i;
    x1[x] = Math.min(i + 1, w - 1);
    fx[x] = s - i;
  }
  for (let y = 0; y < dh; y++) {
    const s = map(y, h, dh);
    const y0 = Math.min(Math.floor(s), h - 1);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = s - y0;
    for (let c = 0; c < channels; c++) {
      const base = c * h * w;
      const r0 = base + y0 * w;
      const r1 = base + y1 * w;
      const o = outOffset + c * dh * dw + y * dw;
      for (let x = 0; x < dw; x++) {
        const a = src[r0 + x0[x]!]!;
        const b = src[r0 + x1[x]!]!;
        const cc = src[r1 + x0[x]!]!;
        const d = src[r1 + x1[x]!]!;
        const f = fx[x]!;
        const top = a + (b - a) * f;
        const bot = cc + (d - cc) * f;
        out[o + x] = top + (bot - top) * fy;
      }
    }
  }
  return out;
}

/** Pads planar [C, h, w] to [C, ph, pw] by repeating the last row/column (content stays top-left). */
export function padEdge(
  src: Float32Array,
  channels: number,
  h: number,
  w: number,
  ph: number,
  pw: number,
): Float32Array {
  if (ph === h && pw === w) return src;
  const out = new Float32Array(channels * ph * pw);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < ph; y++) {
      const sy = Math.min(y, h - 1);
      const srow = c * h * w + sy * w;
      const orow = c * ph * pw + y * pw;
      out.set(src.subarray(srow, srow + w), orow);
      const last = src[srow + w - 1]!;
      for (let x = w; x < pw; x++) out[orow + x] = last;
    }
  }
  return out;
}

/** Crops planar [C, h, w] to its top-left [C, ch, cw]. */
export function cropTopLeft(
  src: Float32Array,
  channels: number,
  h: number,
  w: number,
  ch: number,
  cw: number,
): Float32Array {
  if (ch === h && cw === w) return src;
  const out = new Float32Array(channels * ch * cw);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < ch; y++) {
      const s = c * h * w + y * w;
      out.set(src.subarray(s, s + cw), c * ch * cw + y * cw);
    }
  }
  return out;
}

/** In place: (x − mean[c]) / std[c] on planar [3, H, W]. */
export function normalise(
  planar: Float32Array,
  mean: readonly number[],
  std: readonly number[],
): Float32Array {
  const n = planar.length / mean.length;
  for (let c = 0; c < mean.length; c++) {
    const m = mean[c]!;
    const s = std[c]!;
    for (let i = c * n; i < (c + 1) * n; i++) planar[i] = (planar[i]! - m) / s;
  }
  return planar;
}

export function roundUpTo(v: number, m: number): number {
  return Math.ceil(v / m) * m;
}
