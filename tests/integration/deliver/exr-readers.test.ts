import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeExr, type ExrChannel } from '../../../src-main/deliver/exr';
import { toFloat16Bits, fromFloat16Bits } from '../../../src-main/analysis/depth/float16';
import { makeTempDir } from '../../helpers/media-fixtures';
import { blenderDepth, exrheader, hasBlender, hasCv2, opencvRead } from './exr-tools';

// encodeExr's files read by the programs users have: exrheader (the OpenEXR library's own reader),
// OpenCV and Blender. 70 rows make five ZIP blocks, the last one short.

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('reshoot-exr-');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const W = 48;
const H = 70;
const ramp = (f: (x: number, y: number) => number) =>
  Float32Array.from({ length: W * H }, (_, i) => f(i % W, Math.floor(i / W)));
const asHalf = (v: number) => fromFloat16Bits(toFloat16Bits(v));

const rgba: ExrChannel[] = [
  { name: 'R', type: 'half', data: ramp((x, y) => x / W + y * 0.01) },
  { name: 'G', type: 'half', data: ramp((x, y) => Math.sin(x * 0.3 + y) * 3) },
  { name: 'B', type: 'float', data: ramp((x, y) => 1e-3 * (x + 1) * (y + 1)) },
  { name: 'A', type: 'half', data: ramp((x) => (x % 2 === 0 ? 1 : 0)) },
  { name: 'Z', type: 'float', data: ramp((x, y) => 2.5 + x * 0.125 + y * 0.0625) },
];

describe('OpenEXR files read by exrheader', () => {
  for (const compression of ['zip', 'none'] as const) {
    it(`${compression}: channels, types, compression, windows and the optional attributes`, async () => {
      const file = path.join(dir, `header-${compression}.exr`);
      await writeFile(
        file,
        encodeExr(W, H, rgba, {
          compression,
          timeCode: { timecode: '10:20:30;12', fps: { num: 30000, den: 1001 } },
          framesPerSecond: { num: 30000, den: 1001 },
          chromaticities: 'bt709',
          comments: 'Reshoot test',
        }),
      );
      const text = await exrheader(file);
      expect(text).toMatch(/file format version: 2, flags 0x0/);
      expect(text).toMatch(
        /channels \(type chlist\):\s+A, 16-bit floating-point, sampling 1 1\s+B, 32-bit floating-point, sampling 1 1\s+G, 16-bit floating-point, sampling 1 1\s+R, 16-bit floating-point, sampling 1 1\s+Z, 32-bit floating-point, sampling 1 1/,
      );
      expect(text).toMatch(
        compression === 'zip'
          ? /compression \(type compression\): zip, multi-scanline blocks/
          : /compression \(type compression\): none/,
      );
      expect(text).toMatch(/dataWindow \(type box2i\): \(0 0\) - \(47 69\)/);
      expect(text).toMatch(/displayWindow \(type box2i\): \(0 0\) - \(47 69\)/);
      expect(text).toMatch(/framesPerSecond \(type rational\): 30000\/1001/);
      expect(text).toMatch(
        /timeCode \(type timecode\):\s+time 10:20:30:12\s+drop frame 1, color frame 0, field\/phase 0/,
      );
      expect(text).toMatch(
        /chromaticities \(type chromaticities\):\s+red\s+\(0\.64 0\.33\)\s+green \(0\.3 0\.6\)\s+blue\s+\(0\.15 0\.06\)\s+white \(0\.3127 0\.329\)/,
      );
      expect(text).toMatch(/comments \(type string\): "Reshoot test"/);
    });
  }

  it('a non-drop 25 fps timecode has the drop-frame flag clear', async () => {
    const file = path.join(dir, 'tc25.exr');
    await writeFile(
      file,
      encodeExr(2, 2, [{ name: 'Y', type: 'half', data: new Float32Array(4) }], {
        timeCode: { timecode: '23:59:59:24', fps: { num: 25, den: 1 } },
        framesPerSecond: { num: 25, den: 1 },
      }),
    );
    const text = await exrheader(file);
    expect(text).toMatch(/time 23:59:59:24\s+drop frame 0/);
    expect(text).toMatch(/framesPerSecond \(type rational\): 25\/1/);
  });
});

describe('OpenEXR pixels read by OpenCV (R, G, B, A)', () => {
  for (const compression of ['zip', 'none'] as const)
    it(`${compression}: every R, G, B, A sample as written (half as rounded, float exact)`, async (ctx) => {
      if (!hasCv2) ctx.skip();
      const file = path.join(dir, `pixels-${compression}.exr`);
      await writeFile(file, encodeExr(W, H, rgba, { compression }));
      const im = await opencvRead(file);
      expect(im.shape).toEqual([H, W, 4]);
      expect(im.dtype).toBe('float32');
      const [R, G, B, A] = ['R', 'G', 'B', 'A'].map((n) => rgba.find((c) => c.name === n)!);
      for (let i = 0; i < W * H; i++) {
        expect(im.data[4 * i]).toBe(B!.data[i]);
        expect(im.data[4 * i + 1]).toBe(asHalf(G!.data[i]!));
        expect(im.data[4 * i + 2]).toBe(asHalf(R!.data[i]!));
        expect(im.data[4 * i + 3]).toBe(asHalf(A!.data[i]!));
      }
    });
});

describe('OpenEXR Z read by Blender (compositor Image node, Depth socket)', () => {
  it('every Z sample as written', { timeout: 60_000 }, async (ctx) => {
    if (!hasBlender || !hasCv2) ctx.skip();
    const file = path.join(dir, 'depth.exr');
    const Z = rgba.find((c) => c.name === 'Z')!;
    await writeFile(
      file,
      encodeExr(W, H, [Z, { name: 'validity', type: 'half', data: ramp(() => 1) }], { compression: 'zip' }),
    );
    const got = await blenderDepth(file, dir);
    expect(got.length).toBe(W * H);
    expect([...got]).toEqual([...Z.data]);
  });
});
