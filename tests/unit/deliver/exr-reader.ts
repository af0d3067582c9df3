/**
 * A small OpenEXR reader for the tests, written from the OpenEXR File Layout document and independent of
 * the writer: single-part scanline files, NO_COMPRESSION and ZIP_COMPRESSION, HALF and FLOAT channels.
 */
import { inflateSync } from 'node:zlib';

export interface ReadExr {
  version: number;
  flags: number;
  /** Every attribute's type and raw value bytes, in file order. */
  attributes: { name: string; type: string; value: Buffer }[];
  channels: { name: string; type: 'half' | 'float'; pLinear: number; xSampling: number; ySampling: number }[];
  compression: number;
  width: number;
  height: number;
  /** Each channel's samples decoded to numbers (top row first). */
  pixels: Map<string, Float64Array>;
  /** Whether each block was stored compressed (dataSize below the raw size). */
  blockCompressed: boolean[];
}

/** IEEE binary16 bits → number, from the definition (no table). */
export function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m === 0 ? s * Infinity : NaN;
  return s * (1024 + m) * 2 ** (e - 25);
}

function cstr(b: Buffer, at: number): [string, number] {
  const end = b.indexOf(0, at);
  if (end < 0) throw new Error(`unterminated string at ${at}`);
  return [b.toString('utf8', at, end), end + 1];
}

/** The ZIP byte shuffle's inverse, written here again so the test does not trust the writer's module. */
function unshuffle(t: Uint8Array): Uint8Array {
  const d = Uint8Array.from(t);
  for (let i = 1; i < d.length; i++) d[i] = (d[i - 1]! + d[i]! - 128) & 0xff;
  const out = new Uint8Array(d.length);
  const half = Math.ceil(d.length / 2);
  for (let i = 0; i < d.length; i++) out[i] = i % 2 === 0 ? d[i / 2]! : d[half + (i - 1) / 2]!;
  return out;
}

export function readExr(file: Buffer): ReadExr {
  if (file.readInt32LE(0) !== 20000630) throw new Error('not an OpenEXR file (magic)');
  const version = file[4]!;
  const flags = file.readUIntLE(5, 3);
  let at = 8;
  const attributes: ReadExr['attributes'] = [];
  for (;;) {
    if (file[at] === 0) {
      at += 1;
      break;
    }
    const [name, a1] = cstr(file, at);
    const [type, a2] = cstr(file, a1);
    const size = file.readInt32LE(a2);
    attributes.push({ name, type, value: file.subarray(a2 + 4, a2 + 4 + size) });
    at = a2 + 4 + size;
  }
  const attr = (n: string) => {
    const a = attributes.find((x) => x.name === n);
    if (!a) throw new Error(`missing attribute ${n}`);
    return a.value;
  };
  const channels: ReadExr['channels'] = [];
  const cl = attr('channels');
  for (let p = 0; cl[p] !== 0;) {
    const [name, q] = cstr(cl, p);
    const code = cl.readInt32LE(q);
    if (code !== 1 && code !== 2) throw new Error(`channel ${name}: pixel type ${code}`);
    channels.push({
      name,
      type: code === 1 ? 'half' : 'float',
      pLinear: cl[q + 4]!,
      xSampling: cl.readInt32LE(q + 8),
      ySampling: cl.readInt32LE(q + 12),
    });
    p = q + 16;
  }
  const compression = attr('compression')[0]!;
  const dw = attr('dataWindow');
  const width = dw.readInt32LE(8) - dw.readInt32LE(0) + 1;
  const height = dw.readInt32LE(12) - dw.readInt32LE(4) + 1;
  const lines = compression === 3 ? 16 : compression === 0 ? 1 : NaN;
  if (Number.isNaN(lines)) throw new Error(`compression ${compression} not supported by the test reader`);
  const blocks = Math.ceil(height / lines);
  const pixels = new Map(channels.map((c) => [c.name, new Float64Array(width * height)]));
  const blockCompressed: boolean[] = [];
  const lineBytes = channels.reduce((s, c) => s + width * (c.type === 'half' ? 2 : 4), 0);
  for (let b = 0; b < blocks; b++) {
    const off = Number(file.readBigUInt64LE(at + 8 * b));
    const y0 = file.readInt32LE(off);
    const size = file.readInt32LE(off + 4);
    const nLines = Math.min(lines, height - y0);
    const rawSize = lineBytes * nLines;
    let data: Uint8Array = file.subarray(off + 8, off + 8 + size);
    blockCompressed.push(size < rawSize);
    if (size < rawSize) data = unshuffle(inflateSync(data));
    if (data.length !== rawSize) throw new Error(`block ${b}: ${data.length} bytes, expected ${rawSize}`);
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let o = 0;
    for (let y = y0; y < y0 + nLines; y++) {
      for (const c of channels) {
        const px = pixels.get(c.name)!;
        for (let x = 0; x < width; x++) {
          if (c.type === 'half') {
            px[y * width + x] = halfToNumber(dv.getUint16(o, true));
            o += 2;
          } else {
            px[y * width + x] = dv.getFloat32(o, true);
            o += 4;
          }
        }
      }
    }
  }
  return { version, flags, attributes, channels, compression, width, height, pixels, blockCompressed };
}
