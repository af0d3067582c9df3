import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeExr, type ExrChannel } from '../../../src-main/deliver/exr';
import { toFloat16Bits } from '../../../src-main/analysis/depth/float16';
import { packExrTimecode, compareExrNames } from '../../../src-shared/image/exr-header';
import { predictExrZip, unpredictExrZip } from '../../../src-shared/image/exr-zip';
import { halfToNumber, readExr } from './exr-reader';

const f32 = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));

describe('OpenEXR header bytes', () => {
  it('starts with the magic number and version 2 with no flags, then channels as the first attribute', () => {
    const b = encodeExr(3, 2, [{ name: 'Z', type: 'float', data: new Float32Array(6) }], {
      compression: 'none',
    });
    expect([...b.subarray(0, 8)]).toEqual([0x76, 0x2f, 0x31, 0x01, 2, 0, 0, 0]);
    const name = Buffer.from('channels\0chlist\0');
    expect(b.subarray(8, 8 + name.length).equals(name)).toBe(true);
    const at = 8 + name.length;
    expect(b.readInt32LE(at)).toBe(2 + 16 + 1); // "Z\0", type, pLinear + 3 reserved, x/y sampling, end byte
    expect([...b.subarray(at + 4, at + 4 + 19)]).toEqual([
      0x5a, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0,
    ]);
  });

  it('writes the required attributes sorted by name with their values', () => {
    const r = readExr(encodeExr(5, 4, [{ name: 'Y', type: 'half', data: new Float32Array(20) }]));
    expect(r.version).toBe(2);
    expect(r.flags).toBe(0);
    expect(r.attributes.map((a) => `${a.name}:${a.type}`)).toEqual([
      'channels:chlist',
      'compression:compression',
      'dataWindow:box2i',
      'displayWindow:box2i',
      'lineOrder:lineOrder',
      'pixelAspectRatio:float',
      'screenWindowCenter:v2f',
      'screenWindowWidth:float',
    ]);
    const get = (n: string) => r.attributes.find((a) => a.name === n)!.value;
    expect(get('compression')[0]).toBe(3);
    expect([0, 4, 8, 12].map((o) => get('displayWindow').readInt32LE(o))).toEqual([0, 0, 4, 3]);
    expect(get('lineOrder')[0]).toBe(0);
    expect(get('pixelAspectRatio').readFloatLE(0)).toBe(1);
    expect(get('screenWindowWidth').readFloatLE(0)).toBe(1);
  });

  it('writes timeCode, framesPerSecond, chromaticities and comments', () => {
    const r = readExr(
      encodeExr(2, 2, [{ name: 'Z', type: 'float', data: new Float32Array(4) }], {
        timeCode: { timecode: '01:02:03;04', fps: { num: 30000, den: 1001 } },
        framesPerSecond: { num: 24000, den: 1001 },
        chromaticities: 'bt709',
        comments: 'depth ✓',
      }),
    );
    const get = (n: string) => r.attributes.find((a) => a.name === n)!;
    expect(get('timeCode').type).toBe('timecode');
    expect(get('timeCode').value.readUInt32LE(0)).toBe(0x01020344);
    expect(get('timeCode').value.readUInt32LE(4)).toBe(0);
    expect(get('framesPerSecond').type).toBe('rational');
    expect([
      get('framesPerSecond').value.readInt32LE(0),
      get('framesPerSecond').value.readUInt32LE(4),
    ]).toEqual([24000, 1001]);
    const c = get('chromaticities').value;
    expect(c.length).toBe(32);
    expect([0, 4, 8, 12, 16, 20, 24, 28].map((o) => c.readFloatLE(o))).toEqual(
      [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329].map(Math.fround),
    );
    expect(get('comments').type).toBe('string');
    expect(get('comments').value.toString('utf8')).toBe('depth ✓');
  });
});

describe('timeCode packing (TV60, SMPTE 12M)', () => {
  it('puts BCD digits and flags in their bits', () => {
    const ntsc = { num: 30000, den: 1001 };
    expect(packExrTimecode('07:32:54;18', ntsc)).toBe(0x07325458);
    expect(packExrTimecode('23:59:59:23', { num: 24, den: 1 })).toBe(0x23595923);
    expect(packExrTimecode('00:00:00:00', { num: 25, den: 1 })).toBe(0);
  });

  it('writes frame pairs above 30 fps, marking the second frame of a pair with the field/phase bit', () => {
    const r5994 = { num: 60000, den: 1001 };
    expect(packExrTimecode('00:00:01;59', r5994)).toBe((1 << 8) | 0x29 | (1 << 6) | (1 << 15));
    expect(packExrTimecode('00:00:01:58', { num: 60, den: 1 })).toBe((1 << 8) | 0x29);
  });

  it('refuses a timecode that cannot exist at the rate', () => {
    expect(() => packExrTimecode('00:00:00:25', { num: 25, den: 1 })).toThrow(/frames must be below 25/);
    expect(() => packExrTimecode('00:00:00;00', { num: 25, den: 1 })).toThrow(/drop-frame/);
    expect(() => packExrTimecode('00:01:00;00', { num: 30000, den: 1001 })).toThrow(/does not exist/);
  });
});

describe('ZIP byte shuffle', () => {
  it('is undone exactly (any length, any bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect([...unpredictExrZip(predictExrZip(bytes))]).toEqual([...bytes]);
      }),
    );
  });

  it('interleaves even then odd bytes before taking differences + 128', () => {
    expect([...predictExrZip(Uint8Array.from([10, 20, 11, 21, 12]))]).toEqual([
      10,
      (11 - 10 + 128) & 255,
      (12 - 11 + 128) & 255,
      (20 - 12 + 128) & 255,
      (21 - 20 + 128) & 255,
    ]);
  });
});

describe('half conversion', () => {
  it('round-trips every finite half and keeps NaN a NaN', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = halfToNumber(h);
      if (Number.isNaN(v)) expect(Number.isNaN(halfToNumber(toFloat16Bits(v)))).toBe(true);
      else expect(toFloat16Bits(v)).toBe(h);
    }
  });

  it('rounds halfway cases to the even neighbour and just-off-halfway ones to the nearer (subnormals too)', () => {
    for (let h = 0; h < 0x7bff; h++) {
      const a = halfToNumber(h);
      const b = halfToNumber(h + 1);
      const mid = (a + b) / 2; // exact in float32: halves have 11 significant bits
      expect(toFloat16Bits(mid)).toBe(h % 2 === 0 ? h : h + 1);
      const below = Math.fround(mid - (b - a) / 1024);
      const above = Math.fround(mid + (b - a) / 1024);
      expect(toFloat16Bits(below)).toBe(h);
      expect(toFloat16Bits(above)).toBe(h + 1);
    }
  });

  it('overflows to ±Inf at 65520 and above, underflows to ±0 at 2⁻²⁵ and below', () => {
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65519.99)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00);
    expect(toFloat16Bits(-1e30)).toBe(0xfc00);
    expect(toFloat16Bits(Infinity)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -25)).toBe(0);
    expect(toFloat16Bits(-(2 ** -25))).toBe(0x8000);
    expect(toFloat16Bits(Math.fround(2 ** -25 * 1.0001))).toBe(1);
  });

  it('gives the nearest half to any float (property)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -65504, max: 65504 }), (x) => {
        const h = toFloat16Bits(x);
        const got = halfToNumber(h);
        const err = Math.abs(got - x);
        // no other half is nearer: check both neighbours of the result
        for (const n of [h - 1, h + 1]) {
          if ((n & 0x7fff) > 0x7bff || n < 0 || n > 0xffff) continue;
          expect(err).toBeLessThanOrEqual(Math.abs(halfToNumber(n) - x));
        }
      }),
    );
  });
});

describe('encodeExr pixels read back', () => {
  const w = 19;
  const h = 37; // three ZIP blocks, the last one short
  const channels: ExrChannel[] = [
    { name: 'Z', type: 'float', data: f32(w * h, (i) => 0.5 + i * 0.37) },
    { name: 'validity', type: 'half', data: f32(w * h, (i) => (i % 3 === 0 ? 0 : 1)) },
    { name: 'A', type: 'half', data: f32(w * h, (i) => Math.sin(i) * 1000) },
  ];

  for (const compression of ['none', 'zip'] as const) {
    it(`${compression}: every sample equal (float exact, half as rounded), channels in name order`, () => {
      const r = readExr(encodeExr(w, h, channels, { compression }));
      expect(r.compression).toBe(compression === 'zip' ? 3 : 0);
      expect([r.width, r.height]).toEqual([w, h]);
      expect(r.channels.map((c) => [c.name, c.type, c.pLinear, c.xSampling, c.ySampling])).toEqual([
        ['A', 'half', 0, 1, 1],
        ['Z', 'float', 0, 1, 1],
        ['validity', 'half', 0, 1, 1],
      ]);
      expect([...r.pixels.get('Z')!]).toEqual([...channels[0]!.data]);
      expect([...r.pixels.get('validity')!]).toEqual([...channels[1]!.data]);
      expect([...r.pixels.get('A')!]).toEqual(
        [...channels[2]!.data].map((v) => halfToNumber(toFloat16Bits(v))),
      );
      if (compression === 'zip') expect(r.blockCompressed).toEqual([true, true, true]);
    });
  }

  it('stores a block uncompressed when zlib would make it larger (noise)', () => {
    let s = 12345;
    const noise = f32(64 * 16, () => {
      s = (s * 1103515245 + 12345) >>> 0;
      return new Float32Array(new Uint32Array([s]).buffer)[0]! || 1;
    });
    const r = readExr(encodeExr(64, 16, [{ name: 'N', type: 'float', data: noise }]));
    expect(r.blockCompressed).toEqual([false]);
    expect([...r.pixels.get('N')!]).toEqual([...noise]);
  });

  it('sorts names bytewise (upper case before lower case)', () => {
    expect(['b', 'B', 'a', 'Z', 'validity'].sort(compareExrNames)).toEqual(['B', 'Z', 'a', 'b', 'validity']);
  });
});

describe('encodeExr refuses what it cannot write', () => {
  const one = (n: number): ExrChannel[] => [{ name: 'Z', type: 'float', data: new Float32Array(n) }];
  it('sizes', () => {
    expect(() => encodeExr(0, 1, one(0))).toThrow(/width must be a whole number from 1/);
    expect(() => encodeExr(1, 0, one(0))).toThrow(/height/);
    expect(() => encodeExr(1.5, 1, one(1))).toThrow(/width/);
    expect(() => encodeExr(100000, 1, one(1))).toThrow(
      /width must be a whole number from 1 to 65536, got 100000/,
    );
  });
  it('channels', () => {
    expect(() => encodeExr(2, 2, [])).toThrow(/at least one channel/);
    expect(() => encodeExr(2, 2, one(3))).toThrow(/channel 'Z' has 3 samples for a 2×2 image \(4\)/);
    expect(() => encodeExr(1, 1, [...one(1), ...one(1)])).toThrow(/'Z' is given twice/);
    expect(() => encodeExr(1, 1, [{ name: '', type: 'half', data: new Float32Array(1) }])).toThrow(
      /is empty/,
    );
    expect(() =>
      encodeExr(1, 1, [{ name: 'x'.repeat(32), type: 'half', data: new Float32Array(1) }]),
    ).toThrow(/32 bytes long/);
    expect(() => encodeExr(1, 1, [{ name: 'Z', type: 'uint' as 'half', data: new Float32Array(1) }])).toThrow(
      /pixel type 'uint'/,
    );
  });
  it('options', () => {
    expect(() => encodeExr(1, 1, one(1), { compression: 'piz' as 'zip' })).toThrow(/compression 'piz'/);
    expect(() => encodeExr(1, 1, one(1), { framesPerSecond: { num: 24, den: 0 } })).toThrow(
      /framesPerSecond/,
    );
    expect(() =>
      encodeExr(1, 1, one(1), { timeCode: { timecode: '1:2', fps: { num: 24, den: 1 } } }),
    ).toThrow(/not a SMPTE timecode/);
  });
});
