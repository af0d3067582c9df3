import fc from 'fast-check';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesSource, readImageHeader } from '../../../src-main/media/image-header';
import { encodePng, encodePngAsync, type PngFilter, type RasterImage } from '../../../src-main/media/png';

// A reader written here from the PNG spec, independent of the encoder: chunks with a bitwise CRC-32,
// inflate, then undo each row's filter. tests/integration/media/png.test.ts reads back with libpng and ffmpeg.

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

interface Decoded extends RasterImage {
  chunks: string[];
  filters: number[];
}

function decodePng(png: Buffer): Decoded {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let ihdr: Buffer | undefined;
  let off = 8;
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const body = png.subarray(off + 8, off + 8 + len);
    expect(png.readUInt32BE(off + 8 + len), `CRC of ${type}`).toBe(
      crc32(png.subarray(off + 4, off + 8 + len)),
    );
    chunks.push(type);
    if (type === 'IHDR') ihdr = body;
    if (type === 'IDAT') idat.push(body);
    off += 12 + len;
  }
  expect(off).toBe(png.length);
  const width = ihdr!.readUInt32BE(0);
  const height = ihdr!.readUInt32BE(4);
  const bitDepth = ihdr![8] as 8 | 16;
  const channels = ({ 0: 1, 2: 3, 6: 4 } as const)[ihdr![9] as 0 | 2 | 6];
  expect([...ihdr!.subarray(10)]).toEqual([0, 0, 0]);
  const bpp = (channels * bitDepth) / 8;
  const stride = width * bpp;
  const scan = inflateSync(Buffer.concat(idat));
  expect(scan.length).toBe(height * (stride + 1));
  const raw = new Uint8Array(height * stride);
  const filters: number[] = [];
  for (let y = 0; y < height; y++) {
    const f = scan[y * (stride + 1)]!;
    filters.push(f);
    for (let i = 0; i < stride; i++) {
      const x = scan[y * (stride + 1) + 1 + i]!;
      const a = i >= bpp ? raw[y * stride + i - bpp]! : 0;
      const b = y > 0 ? raw[(y - 1) * stride + i]! : 0;
      const c = i >= bpp && y > 0 ? raw[(y - 1) * stride + i - bpp]! : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      if (pred === undefined) throw new Error(`filter type ${f}`);
      raw[y * stride + i] = (x + pred) & 0xff;
    }
  }
  const data =
    bitDepth === 8
      ? raw
      : Uint16Array.from({ length: raw.length / 2 }, (_, i) => (raw[2 * i]! << 8) | raw[2 * i + 1]!);
  return { width, height, channels, bitDepth, data, chunks, filters };
}

const arbImage: fc.Arbitrary<RasterImage> = fc
  .record({
    width: fc.integer({ min: 1, max: 40 }),
    height: fc.integer({ min: 1, max: 24 }),
    channels: fc.constantFrom(1 as const, 3 as const, 4 as const),
    bitDepth: fc.constantFrom(8 as const, 16 as const),
    kind: fc.constantFrom('noise', 'ramp', 'flat'),
    seed: fc.integer(),
  })
  .map(({ width, height, channels, bitDepth, kind, seed }) => {
    const n = width * height * channels;
    const max = bitDepth === 8 ? 255 : 65535;
    let s = seed >>> 0;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * (max + 1);
    const value = (i: number) => {
      const px = Math.floor(i / channels);
      if (kind === 'flat') return max >> 1;
      if (kind === 'ramp')
        return Math.floor((((px % width) + Math.floor(px / width) * 3) * max) / (width + height * 3));
      return Math.floor(rnd());
    };
    const data =
      bitDepth === 8
        ? Uint8Array.from({ length: n }, (_, i) => value(i))
        : Uint16Array.from({ length: n }, (_, i) => value(i));
    return { width, height, channels, bitDepth, data };
  });

describe('encodePng', () => {
  it('round-trips every sample, for every layout and filter', () => {
    fc.assert(
      fc.property(
        arbImage,
        fc.constantFrom<PngFilter>('none', 'sub', 'up', 'paeth', 'auto'),
        fc.integer({ min: 0, max: 9 }),
        (image, filter, level) => {
          const got = decodePng(encodePng(image, { filter, level }));
          expect(got.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
          expect([got.width, got.height, got.channels, got.bitDepth]).toEqual([
            image.width,
            image.height,
            image.channels,
            image.bitDepth,
          ]);
          expect(got.data).toEqual(image.data);
          if (filter !== 'auto') {
            const code = { none: 0, sub: 1, up: 2, paeth: 4 }[filter];
            // The first row has no row above: up is written as none, paeth as sub.
            const first = filter === 'up' ? 0 : filter === 'paeth' ? 1 : code;
            expect(got.filters).toEqual(got.filters.map((_, y) => (y === 0 ? first : code)));
          } else expect(new Set(got.filters.slice(1)).size).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes 16-bit samples big-endian', () => {
    const png = encodePng(
      { width: 2, height: 1, channels: 1, bitDepth: 16, data: new Uint16Array([0x1234, 0xabcd]) },
      { filter: 'none', level: 0 },
    );
    const idat = png.indexOf('IDAT', 0, 'latin1');
    const scan = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    expect([...scan]).toEqual([0, 0x12, 0x34, 0xab, 0xcd]);
  });

  it('reads a subarray of a larger buffer, at an odd offset for 8 bits', () => {
    const big = new Uint16Array(1 + 3 * 4 * 3).map((_, i) => i * 1000);
    const data = big.subarray(1);
    expect(decodePng(encodePng({ width: 4, height: 3, channels: 3, bitDepth: 16, data })).data).toEqual(data);
    const bytes = new Uint8Array(7 + 12).map((_, i) => i * 13).subarray(7);
    expect(
      decodePng(encodePng({ width: 12, height: 1, channels: 1, bitDepth: 8, data: bytes })).data,
    ).toEqual(bytes);
  });

  it("is what Reshoot's own header reader calls a whole PNG of that layout", async () => {
    for (const [channels, bitDepth, layout] of [
      [1, 8, '8-bit gray'],
      [3, 16, '16-bit RGB'],
      [4, 8, '8-bit RGBA'],
    ] as const) {
      const data = bitDepth === 8 ? new Uint8Array(5 * 3 * channels) : new Uint16Array(5 * 3 * channels);
      const header = await readImageHeader(
        bytesSource(encodePng({ width: 5, height: 3, channels, bitDepth, data })),
        'png',
      );
      expect(header).toEqual({ format: 'png', width: 5, height: 3, layout });
    }
  });

  it('the async encoder writes the same bytes, and reads the data before it returns', async () => {
    const data = new Uint16Array(64 * 32 * 3).map((_, i) => (i * 2654435761) >>> 16);
    const image = { width: 64, height: 32, channels: 3, bitDepth: 16, data } as const;
    const sync = encodePng(image);
    const pending = encodePngAsync(image);
    const copy = data.slice();
    data.fill(0);
    const got = await pending;
    expect(got.equals(sync)).toBe(true);
    expect(decodePng(got).data).toEqual(copy);
  });

  it('refuses bad arguments with a reason', () => {
    const ok: RasterImage = { width: 2, height: 2, channels: 3, bitDepth: 8, data: new Uint8Array(12) };
    const bad = (patch: Partial<Record<keyof RasterImage, unknown>>, opts?: object) => () =>
      encodePng({ ...ok, ...patch } as RasterImage, opts as never);
    expect(bad({ width: 0 })).toThrow(/width must be a whole number from 1/);
    expect(bad({ width: 2.5 })).toThrow(/width/);
    expect(bad({ height: -1 })).toThrow(/height/);
    expect(bad({ height: Number.NaN })).toThrow(/height/);
    expect(bad({ width: 2 ** 31 })).toThrow(/width/);
    expect(bad({ channels: 2 })).toThrow(/channels must be 1 \(grey\), 3 \(RGB\) or 4 \(RGBA\), not 2/);
    expect(bad({ bitDepth: 12 })).toThrow(/bit depth must be 8 or 16, not 12/);
    expect(bad({ data: new Uint16Array(12) })).toThrow(
      /8-bit PNG samples must be a Uint8Array, not Uint16Array/,
    );
    expect(bad({ bitDepth: 16 })).toThrow(/16-bit PNG samples must be a Uint16Array, not Uint8Array/);
    expect(bad({ data: [1, 2, 3] })).toThrow(TypeError);
    expect(bad({ data: new Uint8Array(11) })).toThrow(/holds 11 samples; 2×2 with 3 channel\(s\) needs 12/);
    expect(bad({}, { level: 10 })).toThrow(/level must be a whole number from 0 to 9, not 10/);
    expect(bad({}, { level: -1 })).toThrow(/level/);
    expect(bad({}, { filter: 'average' })).toThrow(/Unknown PNG filter "average"/);
    expect(bad({}, { filter: 'toString' })).toThrow(/Unknown PNG filter/);
    expect(bad({})).not.toThrow();
  });
});
