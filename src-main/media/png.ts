/**
 * PNG writer for rendered plates and masks: 8- or 16-bit grey, RGB or RGBA, non-interlaced, no ancillary
 * chunks. Samples are given in memory order (16-bit ones as native numbers in a Uint16Array) and written
 * big-endian as PNG requires. Built for speed: zlib level 1 by default and one row filter for the whole
 * picture, chosen by compressing a few sample bands with each (see {@link chooseFilter}).
 */
import { constants as bufferConstants } from 'node:buffer';
import { promisify } from 'node:util';
import { crc32, deflate, deflateSync } from 'node:zlib';
import { writeFileAtomic } from '../util/atomic-write';

/** A picture in memory: rows top to bottom, pixels left to right, channels interleaved (grey, RGB, RGBA). */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  bitDepth: 8 | 16;
  /** width × height × channels samples: a Uint8Array for 8 bits, a Uint16Array (native numbers) for 16. */
  data: Uint8Array | Uint16Array;
}

/** A PNG row filter (PNG spec §9.2; 'average' is not offered), or 'auto'. */
export type PngFilter = 'none' | 'sub' | 'up' | 'paeth' | 'auto';

export interface PngOptions {
  /** zlib level 0–9; default {@link DEFAULT_PNG_LEVEL}. */
  level?: number;
  /** Default 'auto'. */
  filter?: PngFilter;
}

/**
 * Level 1: on 1080p frames (8- and 16-bit) level 3 was 4–13 % smaller for 25–55 % more time, level 6
 * 8–27 % smaller for 2–4× the time.
 */
export const DEFAULT_PNG_LEVEL = 1;

/** PNG's own limit on either side, and on a chunk's length (spec §5.3, §11.2.2). */
const PNG_MAX = 2 ** 31 - 1;

type RowFilter = Exclude<PngFilter, 'auto'>;

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOUR_TYPE = { 1: 0, 3: 2, 4: 6 } as const;
const FILTER_CODE: Record<RowFilter, number> = { none: 0, sub: 1, up: 2, paeth: 4 };
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const deflateAsync = promisify(deflate);

/**
 * Encodes `image` as a complete PNG file. Throws a RangeError or TypeError that says what is wrong with
 * the image or the options.
 */
export function encodePng(image: RasterImage, options: PngOptions = {}): Buffer {
  const { ihdr, filtered, level } = preparePng(image, options);
  return assemblePng(ihdr, deflateSync(filtered, { level }));
}

/**
 * {@link encodePng} with the compression, most of the work, on a libuv worker thread, so the event loop
 * (and the next frame's rendering) goes on meanwhile. `image.data` is read before this returns its
 * promise: the caller may reuse it at once.
 */
export async function encodePngAsync(image: RasterImage, options: PngOptions = {}): Promise<Buffer> {
  const { ihdr, filtered, level } = preparePng(image, options);
  return assemblePng(ihdr, await deflateAsync(filtered, { level }));
}

/**
 * Encodes `image` (as {@link encodePngAsync}) and writes it so that readers see the old file or the new
 * one, never half of it.
 */
export async function writePngAtomic(path: string, image: RasterImage, options?: PngOptions): Promise<void> {
  await writeFileAtomic(path, await encodePngAsync(image, options));
}

interface PreparedPng {
  ihdr: Buffer;
  /** The scanlines, each a filter-type byte and the filtered row: what IDAT compresses. */
  filtered: Buffer;
  level: number;
}

function preparePng(image: RasterImage, options: PngOptions): PreparedPng {
  checkImage(image);
  const { width, height, channels, bitDepth, data } = image;
  const level = options.level ?? DEFAULT_PNG_LEVEL;
  if (!Number.isInteger(level) || level < 0 || level > 9)
    throw new RangeError(`PNG level must be a whole number from 0 to 9, not ${level}`);
  const filter = options.filter ?? 'auto';
  if (filter !== 'auto' && !Object.hasOwn(FILTER_CODE, filter))
    throw new RangeError(`Unknown PNG filter "${String(filter)}" (none, sub, up, paeth or auto)`);

  const bpp = channels * (bitDepth / 8);
  const stride = width * bpp;
  const filteredBytes = height * (stride + 1);
  if (filteredBytes > bufferConstants.MAX_LENGTH)
    throw new RangeError(`A ${width}×${height} ${bitDepth}-bit PNG is larger than one buffer can hold`);

  const raw = bigEndianBytes(data, bitDepth);
  const rowFilter = filter === 'auto' ? chooseFilter(raw, height, stride, bpp, level) : filter;
  const filtered = Buffer.allocUnsafe(filteredBytes);
  filterRows(rowFilter, raw, 0, height, stride, bpp, filtered);

  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = COLOUR_TYPE[channels];
  // Bytes 10–12 (compression 0 = deflate, filter method 0, interlace 0) stay zero.
  return { ihdr, filtered, level };
}

function checkImage(image: RasterImage): void {
  const { width, height, channels, bitDepth, data } = image;
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const)
    if (!Number.isInteger(v) || v < 1 || v > PNG_MAX)
      throw new RangeError(`PNG ${name} must be a whole number from 1 to ${PNG_MAX}, not ${v}`);
  if (channels !== 1 && channels !== 3 && channels !== 4)
    throw new RangeError(`PNG channels must be 1 (grey), 3 (RGB) or 4 (RGBA), not ${String(channels)}`);
  if (bitDepth !== 8 && bitDepth !== 16)
    throw new RangeError(`PNG bit depth must be 8 or 16, not ${String(bitDepth)}`);
  const ok = bitDepth === 8 ? data instanceof Uint8Array : data instanceof Uint16Array;
  if (!ok)
    throw new TypeError(
      `${bitDepth}-bit PNG samples must be a ${bitDepth === 8 ? 'Uint8Array' : 'Uint16Array'}, not ${
        (data as object | null)?.constructor?.name ?? String(data)
      }`,
    );
  const samples = width * height * channels;
  if (data.length !== samples)
    throw new RangeError(
      `PNG data holds ${data.length} samples; ${width}×${height} with ${channels} channel(s) needs ${samples}`,
    );
}

/** The samples as PNG stores them: 8-bit ones as they are, 16-bit ones big-endian (a copy, swapped natively). */
function bigEndianBytes(data: Uint8Array | Uint16Array, bitDepth: 8 | 16): Uint8Array {
  if (bitDepth === 8) return data as Uint8Array;
  const bytes = Buffer.allocUnsafe(data.byteLength);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return LITTLE_ENDIAN ? bytes.swap16() : bytes;
}

/** Rows per sample band, and bands, that {@link chooseFilter} compresses. */
const BAND_ROWS = 8;
const BANDS = 4;
/** Paeth must beat the others by this share of the size: in TypeScript it costs about 3× sub or up. */
const PAETH_MARGIN = 0.05;

/**
 * The filter for the whole picture: the one whose output deflates smallest, at the level in use, over a
 * few bands of consecutive rows spread down the picture (32 rows, 3 % of a 1080p frame). Measured because
 * the usual per-row guess (least sum of absolute differences, PNG spec §12.8) costs more than the sample
 * and never picks 'none', which on fine texture can be the smallest: deflate finds repeats that a filter
 * hides (8-bit ground-truth frames stored as 16-bit: 'none' 12 % smaller than 'sub'), while smooth
 * pictures want sub, up or paeth.
 */
function chooseFilter(
  raw: Uint8Array,
  height: number,
  stride: number,
  bpp: number,
  level: number,
): RowFilter {
  const rows = Math.min(BAND_ROWS, height);
  const bands = Math.min(BANDS, Math.ceil(height / rows));
  const starts = Array.from({ length: bands }, (_, i) =>
    bands === 1 ? 0 : Math.round((i * (height - rows)) / (bands - 1)),
  );
  const scratch = Buffer.allocUnsafe(rows * (stride + 1));
  const size = (f: RowFilter) => {
    let total = 0;
    for (const y0 of starts) {
      filterRows(f, raw, y0, y0 + rows, stride, bpp, scratch, y0);
      total += deflateSync(scratch, { level }).length;
    }
    return total;
  };
  let best: RowFilter = 'none';
  let bestSize = size('none');
  for (const f of ['sub', 'up'] as const) {
    const s = size(f);
    if (s < bestSize) [best, bestSize] = [f, s];
  }
  return size('paeth') < bestSize * (1 - PAETH_MARGIN) ? 'paeth' : best;
}

/**
 * Filters rows [y0, y1) of `raw` into `out` (a filter-type byte then the row, per row), starting at row
 * `outRow0`'s place in `out`. Row y0 − 1 of `raw`, where there is one, is the row above the first.
 */
function filterRows(
  filter: RowFilter,
  raw: Uint8Array,
  y0: number,
  y1: number,
  stride: number,
  bpp: number,
  out: Buffer,
  outRow0 = 0,
): void {
  for (let y = y0; y < y1; y++) {
    const c = y * stride; // the row
    const p = c - stride; // the row above, when y > 0
    const at = (y - outRow0) * (stride + 1);
    const o = at + 1;
    // With no row above, 'up' is 'none' and 'paeth' is 'sub' (the spec reads the missing row as zeros).
    const f: RowFilter = y > 0 ? filter : filter === 'up' ? 'none' : filter === 'paeth' ? 'sub' : filter;
    out[at] = FILTER_CODE[f];
    // Typed-array stores wrap modulo 256: the byte arithmetic the spec asks for.
    if (f === 'none') out.set(raw.subarray(c, c + stride), o);
    else if (f === 'sub') {
      for (let i = 0; i < bpp; i++) out[o + i] = raw[c + i]!;
      for (let i = bpp; i < stride; i++) out[o + i] = raw[c + i]! - raw[c + i - bpp]!;
    } else if (f === 'up') {
      for (let i = 0; i < stride; i++) out[o + i] = raw[c + i]! - raw[p + i]!;
    } else {
      for (let i = 0; i < bpp; i++) out[o + i] = raw[c + i]! - raw[p + i]!;
      for (let i = bpp; i < stride; i++) {
        const a = raw[c + i - bpp]!;
        const b = raw[p + i]!;
        const cc = raw[p + i - bpp]!;
        const pa = Math.abs(b - cc); // |p − a| with p = a + b − c
        const pb = Math.abs(a - cc);
        const pc = Math.abs(a + b - 2 * cc);
        out[o + i] = raw[c + i]! - (pa <= pb && pa <= pc ? a : pb <= pc ? b : cc);
      }
    }
  }
}

function assemblePng(ihdr: Buffer, idat: Buffer): Buffer {
  // One IDAT chunk unless the data exceeds a chunk's length field.
  const idatChunks = Math.max(1, Math.ceil(idat.length / PNG_MAX));
  const out = Buffer.allocUnsafe(SIGNATURE.length + 12 + ihdr.length + idatChunks * 12 + idat.length + 12);
  let off = SIGNATURE.copy(out, 0);
  off = writeChunk(out, off, 'IHDR', ihdr);
  for (let i = 0; i < idatChunks; i++)
    off = writeChunk(out, off, 'IDAT', idat.subarray(i * PNG_MAX, (i + 1) * PNG_MAX));
  return out.subarray(0, writeChunk(out, off, 'IEND', Buffer.alloc(0)));
}

/** Length, type, body, and the CRC-32 of type and body (spec §5.3). */
function writeChunk(out: Buffer, off: number, type: string, body: Uint8Array): number {
  out.writeUInt32BE(body.length, off);
  const typeAt = off + 4;
  out.write(type, typeAt, 'latin1');
  out.set(body, typeAt + 4);
  const end = typeAt + 4 + body.length;
  out.writeUInt32BE(crc32(out.subarray(typeAt, end)), end);
  return end + 4;
}
