/**
 * The header of a single-part scanline OpenEXR file as bytes (OpenEXR File Layout, "Header" and
 * "Predefined Attribute Types"): magic number 20000630, version 2 with no flags, then attributes
 * `name\0 type\0 size value`, sorted by name, ended by a zero byte. Integers and floats little-endian.
 * Pure: no Node imports; the pixels and zlib live in src-main/deliver/exr.ts.
 */
import type { Rational } from '../rational';
import { parseTimecode, timecodeToFrame, nominalRate } from '../timecode';

export const EXR_MAGIC = 20000630;
/** Attribute and channel names longer than this need the "long names" flag, which we never set. */
export const EXR_MAX_NAME_BYTES = 31;

export type ExrHeaderPixelType = 'half' | 'float';
export type ExrHeaderCompression = 'none' | 'zip';

/** Pixel type codes of the chlist attribute (UINT 0, HALF 1, FLOAT 2). */
export const EXR_PIXEL_TYPE_CODE: Record<ExrHeaderPixelType, number> = { half: 1, float: 2 };
/** Compression codes (NO_COMPRESSION 0, ZIP_COMPRESSION 3: 16 scanlines per block). */
export const EXR_COMPRESSION_CODE: Record<ExrHeaderCompression, number> = { none: 0, zip: 3 };
export const EXR_LINES_PER_BLOCK: Record<ExrHeaderCompression, number> = { none: 1, zip: 16 };

/** ITU-R BT.709 / sRGB primaries and the D65 white point (x, y). */
export const BT709_CHROMATICITIES = {
  red: [0.64, 0.33],
  green: [0.3, 0.6],
  blue: [0.15, 0.06],
  white: [0.3127, 0.329],
} as const;

export interface ExrHeaderChannel {
  name: string;
  type: ExrHeaderPixelType;
}

export interface ExrHeaderFields {
  width: number;
  height: number;
  /** Sorted by name (bytewise) — the order the scanline data follows. */
  channels: readonly ExrHeaderChannel[];
  compression: ExrHeaderCompression;
  timeCode?: { timecode: string; fps: Rational };
  framesPerSecond?: Rational;
  chromaticities?: 'bt709';
  comments?: string;
}

const utf8 = new TextEncoder();

/** Bytewise comparison of UTF-8 names: the order OpenEXR keeps channels and attributes in. */
export function compareExrNames(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Growable little-endian byte writer. */
export class ExrBytes {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): this {
    this.room(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
    return this;
  }
  i32(v: number): this {
    this.room(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }
  f32(v: number): this {
    this.room(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  /** A name ended by a zero byte. */
  cstr(s: string): this {
    return this.bytes(utf8.encode(s)).u8(0);
  }
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Why a channel or attribute name cannot be written, or null when it can. */
export function exrNameProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.includes('\0')) return 'contains a zero byte';
  const n = utf8.encode(name).length;
  if (n > EXR_MAX_NAME_BYTES) return `is ${n} bytes long (at most ${EXR_MAX_NAME_BYTES})`;
  return null;
}

function bcd(v: number): number {
  return ((Math.floor(v / 10) % 10) << 4) | (v % 10);
}

/**
 * The timecode attribute's `timeAndFlags` word in OpenEXR's TV60 packing (ImfTimeCode.h, SMPTE 12M):
 * frame units bits 0–3, frame tens 4–5, drop-frame flag 6, colour frame 7, seconds units 8–11, seconds
 * tens 12–14, field/phase 15, minutes units 16–19, minutes tens 20–22, bgf0 23, hours units 24–27, hours
 * tens 28–29, bgf1 30, bgf2 31. The frame field holds two decimal digits of at most 39, so above 30 fps
 * (50, 59.94, 60) the frame *pair* is written and the field/phase flag marks the second frame of the pair,
 * as SMPTE ST 12-1 counts high frame rates. The timecode is checked against `fps` first (frames below the
 * nominal rate, drop-frame only at 29.97/59.94, no dropped label).
 */
export function packExrTimecode(timecode: string, fps: Rational): number {
  timecodeToFrame(timecode, fps); // throws a TimecodeError naming the problem
  const p = parseTimecode(timecode);
  const high = nominalRate(fps) > 30;
  const frame = high ? p.frames >> 1 : p.frames;
  const secondOfPair = high && (p.frames & 1) === 1;
  return (
    (bcd(frame) |
      (p.dropFrame ? 1 << 6 : 0) |
      (bcd(p.seconds) << 8) |
      (secondOfPair ? 1 << 15 : 0) |
      (bcd(p.minutes) << 16) |
      (bcd(p.hours) << 24)) >>>
    0
  );
}

function attribute(out: ExrBytes, name: string, type: string, value: Uint8Array): void {
  out.cstr(name).cstr(type).i32(value.length).bytes(value);
}

function value(fill: (b: ExrBytes) => void): Uint8Array {
  const b = new ExrBytes();
  fill(b);
  return b.toBytes();
}

function checkRational(r: Rational, what: string): void {
  if (!Number.isInteger(r.num) || !Number.isInteger(r.den) || r.den <= 0 || r.num <= 0)
    throw new RangeError(`${what} must be a positive rational, got ${r.num}/${r.den}`);
  if (r.num > 0x7fffffff || r.den > 0xffffffff)
    throw new RangeError(`${what} ${r.num}/${r.den} does not fit a rational attribute (int/unsigned int)`);
}

/**
 * Magic number, version field and header (up to and including the zero byte that ends it). The caller
 * has checked the size and channel names; this checks the optional attributes' values.
 */
export function encodeExrHeader(h: ExrHeaderFields): Uint8Array {
  const attrs: [string, string, Uint8Array][] = [];
  attrs.push([
    'channels',
    'chlist',
    value((b) => {
      for (const c of h.channels) {
        // name, pixel type, pLinear, three reserved bytes, x and y sampling
        b.cstr(c.name).i32(EXR_PIXEL_TYPE_CODE[c.type]).u8(0).u8(0).u8(0).u8(0).i32(1).i32(1);
      }
      b.u8(0);
    }),
  ]);
  attrs.push(['compression', 'compression', value((b) => b.u8(EXR_COMPRESSION_CODE[h.compression]))]);
  const box = value((b) =>
    b
      .i32(0)
      .i32(0)
      .i32(h.width - 1)
      .i32(h.height - 1),
  );
  attrs.push(['dataWindow', 'box2i', box]);
  attrs.push(['displayWindow', 'box2i', box]);
  attrs.push(['lineOrder', 'lineOrder', value((b) => b.u8(0))]); // INCREASING_Y
  attrs.push(['pixelAspectRatio', 'float', value((b) => b.f32(1))]);
  attrs.push(['screenWindowCenter', 'v2f', value((b) => b.f32(0).f32(0))]);
  attrs.push(['screenWindowWidth', 'float', value((b) => b.f32(1))]);
  if (h.timeCode) {
    checkRational(h.timeCode.fps, 'timeCode frame rate');
    const word = packExrTimecode(h.timeCode.timecode, h.timeCode.fps);
    attrs.push(['timeCode', 'timecode', value((b) => b.u32(word).u32(0))]);
  }
  if (h.framesPerSecond) {
    const r = h.framesPerSecond;
    checkRational(r, 'framesPerSecond');
    attrs.push(['framesPerSecond', 'rational', value((b) => b.i32(r.num).u32(r.den))]);
  }
  if (h.chromaticities) {
    if (h.chromaticities !== 'bt709')
      throw new RangeError(`chromaticities '${String(h.chromaticities)}' unknown (only 'bt709')`);
    const c = BT709_CHROMATICITIES;
    attrs.push([
      'chromaticities',
      'chromaticities',
      value((b) => {
        for (const xy of [c.red, c.green, c.blue, c.white]) b.f32(xy[0]).f32(xy[1]);
      }),
    ]);
  }
  if (h.comments !== undefined) {
    const text = utf8.encode(h.comments);
    attrs.push(['comments', 'string', text]);
  }
  attrs.sort((a, b) => compareExrNames(a[0], b[0]));
  const out = new ExrBytes();
  out.i32(EXR_MAGIC).u8(2).u8(0).u8(0).u8(0); // version 2, single-part scanline, short names
  for (const [name, type, v] of attrs) attribute(out, name, type, v);
  out.u8(0);
  return out.toBytes();
}
