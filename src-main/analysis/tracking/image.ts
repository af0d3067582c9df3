/**
 * Grayscale images as one Float32Array, row-major, intensities 0…255. Coordinates everywhere in tracking
 * follow the shot convention: pixel (i, j) covers [i, i+1) × [j, j+1), its centre is at (i + 0.5, j + 0.5).
 */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

export function createGray(width: number, height: number): GrayImage {
  return { width, height, data: new Float32Array(width * height) };
}

/** 8-bit gray (ffmpeg `gray`) into a float image; reuses `out` when its size matches. */
export function grayFromU8(src: Uint8Array, width: number, height: number, out?: GrayImage): GrayImage {
  const img = out && out.width === width && out.height === height ? out : createGray(width, height);
  const d = img.data;
  for (let i = 0; i < width * height; i++) d[i] = src[i] as number;
  return img;
}

/** Interleaved 8-bit RGB into luma (BT.709 weights, as the shots are tagged); reuses `out` when it fits. */
export function grayFromRgb24(src: Uint8Array, width: number, height: number, out?: GrayImage): GrayImage {
  const img = out && out.width === width && out.height === height ? out : createGray(width, height);
  const d = img.data;
  for (let i = 0, p = 0; i < width * height; i++, p += 3) {
    d[i] = 0.2126 * (src[p] as number) + 0.7152 * (src[p + 1] as number) + 0.0722 * (src[p + 2] as number);
  }
  return img;
}
