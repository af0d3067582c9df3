/**
 * IEEE 754 binary16 ("half") encode/decode for depth maps kept in cache/: float32 → uint16 with
 * round-to-nearest, ties-to-even (subnormals, ±0, ±Inf, NaN handled; overflow → ±Inf as in IEEE), and
 * uint16 → float32 exactly (through a 64 K-entry table). Half keeps 11 significant bits: relative error
 * ≤ 2⁻¹¹ ≈ 0.05 % for normal values (6.1e-5 … 65504), ample for depth in any sane gauge.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** One float → half bits. */
export function toFloat16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return mant ? sign | 0x7e00 | (mant >>> 13) : sign | 0x7c00;
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (exp === 0) return sign; // float32 zero/subnormal (< 2⁻¹²⁶): far below half's range
    mant |= 0x800000;
    const shift = 14 - e;
    if (shift > 24) return sign;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++;
  return sign | h;
}

let table: Float32Array | undefined;

function halfToFloatSlow(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

function decodeTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = halfToFloatSlow(h);
  }
  return table;
}

/** The float of every half bit pattern (65,536 entries, made once): for decoding only some samples. */
export function float16Table(): Float32Array {
  return decodeTable();
}

/** Half bits → float. */
export function fromFloat16Bits(h: number): number {
  return decodeTable()[h & 0xffff]!;
}

/** Float32 array → half bits (round to nearest even). */
export function encodeFloat16(
  src: ArrayLike<number>,
  out: Uint16Array = new Uint16Array(src.length),
): Uint16Array {
  if (out.length < src.length) throw new RangeError('encodeFloat16: output too small');
  for (let i = 0; i < src.length; i++) out[i] = toFloat16Bits(src[i]!);
  return out;
}

/** Half bits → float32 array. */
export function decodeFloat16(
  src: Uint16Array,
  out: Float32Array = new Float32Array(src.length),
): Float32Array {
  if (out.length < src.length) throw new RangeError('decodeFloat16: output too small');
  const t = decodeTable();
  for (let i = 0; i < src.length; i++) out[i] = t[src[i]!]!;
  return out;
}

/** Half bits as little-endian bytes (for files / BLOBs), independent of the host's byte order. */
export function float16ToBytesLE(h: Uint16Array): Uint8Array {
  const out = new Uint8Array(h.length * 2);
  for (let i = 0; i < h.length; i++) {
    const v = h[i]!;
    out[2 * i] = v & 0xff;
    out[2 * i + 1] = v >>> 8;
  }
  return out;
}

export function float16FromBytesLE(bytes: Uint8Array): Uint16Array {
  if (bytes.length % 2) throw new RangeError('float16FromBytesLE: odd byte count');
  const out = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  return out;
}
