/**
 * Small image helpers for dense depth: single-channel float images (row-major, top row first), pixel
 * (i, j)'s centre at (i + 0.5, j + 0.5) as everywhere in Reshoot (SPEC §2).
 */

/** A single-channel float image. */
export interface FloatImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** Rec. 709 luma of interleaved 8-bit RGB (or RGBA with `channels` 4), in 0..1. */
export function grayFromRgb(
  rgb: Uint8Array,
  width: number,
  height: number,
  channels: 3 | 4 = 3,
  out: Float32Array = new Float32Array(width * height),
): FloatImage {
  const n = width * height;
  if (rgb.length < n * channels)
    throw new RangeError(`grayFromRgb: ${rgb.length} bytes for ${width}×${height}×${channels}`);
  for (let i = 0, j = 0; i < n; i++, j += channels)
    out[i] = (0.2126 * rgb[j]! + 0.7152 * rgb[j + 1]! + 0.0722 * rgb[j + 2]!) / 255;
  return { width, height, data: out };
}

/** 8-bit gray → 0..1 float. */
export function grayFromU8(gray: Uint8Array, width: number, height: number): FloatImage {
  const n = width * height;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = gray[i]! / 255;
  return { width, height, data: out };
}

/**
 * 2×2 box average to half size (floor). With the +0.5 pixel-centre convention this is exactly the image
 * seen through intrinsics K/2 (scaleIntrinsics(k, 0.5)).
 */
export function downsample2x(img: FloatImage): FloatImage {
  const w = Math.floor(img.width / 2);
  const h = Math.floor(img.height / 2);
  const out = new Float32Array(w * h);
  const s = img.data;
  const W = img.width;
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * W;
    const r1 = r0 + W;
    for (let x = 0; x < w; x++) {
      const c = 2 * x;
      out[y * w + x] = 0.25 * (s[r0 + c]! + s[r0 + c + 1]! + s[r1 + c]! + s[r1 + c + 1]!);
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * Bilinear sample at continuous image position (x, y) (pixel centres at +0.5); NaN outside the area
 * spanned by pixel centres.
 */
export function sampleBilinear(img: FloatImage, x: number, y: number): number {
  const fx = x - 0.5;
  const fy = y - 0.5;
  const w = img.width;
  if (!(fx >= 0 && fy >= 0 && fx <= w - 1 && fy <= img.height - 1)) return NaN;
  const x0 = Math.min(Math.floor(fx), w - 2 < 0 ? 0 : w - 2);
  const y0 = Math.min(Math.floor(fy), img.height - 2 < 0 ? 0 : img.height - 2);
  const ax = fx - x0;
  const ay = fy - y0;
  const i = y0 * w + x0;
  const d = img.data;
  const x1 = w > 1 ? 1 : 0;
  const y1 = img.height > 1 ? w : 0;
  return (
    (1 - ay) * ((1 - ax) * d[i]! + ax * d[i + x1]!) + ay * ((1 - ax) * d[i + y1]! + ax * d[i + y1 + x1]!)
  );
}
