/**
 * Box sums over (2r+1)² windows clipped at the image border, by running sums (O(1) per pixel whatever r):
 * one horizontal and one vertical pass. Buffers are passed in so callers can reuse them per plane.
 */

/** out[p] = Σ src over the clipped window around p. `tmp` (same size) holds the horizontal pass. */
export function boxSum(
  src: Float32Array,
  width: number,
  height: number,
  r: number,
  out: Float32Array,
  tmp: Float32Array,
): Float32Array {
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let acc = 0;
    const first = Math.min(r, width - 1);
    for (let x = 0; x <= first; x++) acc += src[row + x]!;
    for (let x = 0; x < width; x++) {
      tmp[row + x] = acc;
      const add = x + r + 1;
      const sub = x - r;
      if (add < width) acc += src[row + add]!;
      if (sub >= 0) acc -= src[row + sub]!;
    }
  }
  for (let x = 0; x < width; x++) {
    let acc = 0;
    const first = Math.min(r, height - 1);
    for (let y = 0; y <= first; y++) acc += tmp[y * width + x]!;
    for (let y = 0; y < height; y++) {
      out[y * width + x] = acc;
      const add = y + r + 1;
      const sub = y - r;
      if (add < height) acc += tmp[add * width + x]!;
      if (sub >= 0) acc -= tmp[sub * width + x]!;
    }
  }
  return out;
}

/** Number of pixels in each clipped window (what boxSum of an all-ones image gives). */
export function boxCount(
  width: number,
  height: number,
  r: number,
  out = new Float32Array(width * height),
): Float32Array {
  for (let y = 0; y < height; y++) {
    const ny = Math.min(height - 1, y + r) - Math.max(0, y - r) + 1;
    for (let x = 0; x < width; x++)
      out[y * width + x] = ny * (Math.min(width - 1, x + r) - Math.max(0, x - r) + 1);
  }
  return out;
}

/** Box mean = boxSum / boxCount. */
export function boxMean(
  src: Float32Array,
  width: number,
  height: number,
  r: number,
  out: Float32Array,
  tmp: Float32Array,
  count: Float32Array,
): Float32Array {
  boxSum(src, width, height, r, out, tmp);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / count[i]!;
  return out;
}
