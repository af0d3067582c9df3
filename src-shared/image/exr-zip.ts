/**
 * The byte shuffle OpenEXR's ZIP compression applies around zlib (ImfZip.cpp): split the block's bytes
 * into the even-indexed ones followed by the odd-indexed ones, then replace every byte but the first by
 * its difference from the previous one plus 128 (mod 256). Pure; `unpredictExrZip` is the exact inverse
 * (what a reader does after inflating).
 */

/** Interleave, then predictor: the bytes zlib compresses. */
export function predictExrZip(raw: Uint8Array): Uint8Array {
  const n = raw.length;
  const t = new Uint8Array(n);
  const half = (n + 1) >> 1;
  for (let i = 0, a = 0, b = half; i < n; i += 2) {
    t[a++] = raw[i]!;
    if (i + 1 < n) t[b++] = raw[i + 1]!;
  }
  for (let i = n - 1; i > 0; i--) t[i] = (t[i]! - t[i - 1]! + 384) & 0xff;
  return t;
}

/** Undo the predictor, then the interleave. */
export function unpredictExrZip(shuffled: Uint8Array): Uint8Array {
  const n = shuffled.length;
  const t = Uint8Array.from(shuffled);
  for (let i = 1; i < n; i++) t[i] = (t[i - 1]! + t[i]! - 128) & 0xff;
  const out = new Uint8Array(n);
  const half = (n + 1) >> 1;
  for (let i = 0, a = 0, b = half; i < n; i += 2) {
    out[i] = t[a++]!;
    if (i + 1 < n) out[i + 1] = t[b++]!;
  }
  return out;
}
