import { execFile, spawnSync } from 'node:child_process';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMediaTools, type MediaTools } from '../../../src-main/media';
import { encodePng, writePngAtomic, type PngFilter, type RasterImage } from '../../../src-main/media/png';
import { makeTempDir } from '../../helpers/media-fixtures';

// PNGs from encodePng read back by two real decoders, every sample compared: libpng through OpenCV
// (Debian's python3-opencv, `cv2.imread(p, cv2.IMREAD_UNCHANGED)`) and ffmpeg; ffprobe names the layout.

const run = promisify(execFile);
const PY = '/usr/bin/python3';
const hasCv2 = spawnSync(PY, ['-c', 'import cv2'], { encoding: 'utf8' }).status === 0;
const GT_FRAME = path.resolve('../shared/gt/orbit_a/frames/frame_0001.png');

const PIX_FMT = { 1: 'gray', 3: 'rgb24', 4: 'rgba' } as const;
const PIX_FMT_16 = { 1: 'gray16be', 3: 'rgb48be', 4: 'rgba64be' } as const;
/** What ffprobe reports for a layout, and the raw format we ask ffmpeg to decode it to (native order). */
const probeName = (im: RasterImage) => (im.bitDepth === 8 ? PIX_FMT : PIX_FMT_16)[im.channels];
const rawName = (im: RasterImage) => probeName(im).replace(/be$/, 'le');

/** A picture with everything filters must get right: flat runs, ramps, noise, wrap-around at the top value. */
function testImage(
  width: number,
  height: number,
  channels: 1 | 3 | 4,
  bitDepth: 8 | 16,
  seed: number,
): RasterImage {
  const max = bitDepth === 8 ? 255 : 65535;
  const data =
    bitDepth === 8 ? new Uint8Array(width * height * channels) : new Uint16Array(width * height * channels);
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        const band = Math.floor((4 * y) / height);
        const v =
          band === 0
            ? (x * 37 + c * 91) % (max + 1)
            : band === 1
              ? Math.floor(rnd() * (max + 1))
              : band === 2
                ? c === 3
                  ? max
                  : max >> 1
                : Math.floor(((x + y) / (width + height)) * max);
        data[(y * width + x) * channels + c] = v;
      }
  return { width, height, channels, bitDepth, data };
}

interface Cv2Read {
  file: string;
  dtype: string;
  shape: number[];
}

/** Reads every file with OpenCV and leaves its samples, in RGB(A) order and native byte order, at file + '.cv2'. */
async function readWithOpenCv(files: string[]): Promise<Cv2Read[]> {
  const script = `
import cv2, json, sys
out = []
for p in sys.argv[1:]:
    img = cv2.imread(p, cv2.IMREAD_UNCHANGED)
    if img is None:
        raise SystemExit('cv2 could not read ' + p)
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGRA2RGBA if img.shape[2] == 4 else cv2.COLOR_BGR2RGB)
    with open(p + '.cv2', 'wb') as f:
        f.write(img.tobytes())
    out.append({'file': p, 'dtype': str(img.dtype), 'shape': list(img.shape)})
print(json.dumps(out))
`;
  const { stdout } = await run(PY, ['-c', script, ...files], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as Cv2Read[];
}

function samplesOf(bytes: Buffer, bitDepth: 8 | 16): Uint8Array | Uint16Array {
  const copy = new Uint8Array(bytes);
  return bitDepth === 8 ? copy : new Uint16Array(copy.buffer, 0, copy.length / 2);
}

let dir: string;
let tools: MediaTools;
const cases: { file: string; image: RasterImage }[] = [];

beforeAll(async () => {
  dir = await makeTempDir('reshoot-png-');
  tools = await findMediaTools();
  const filters: PngFilter[] = ['none', 'sub', 'up', 'paeth', 'auto'];
  let seed = 1;
  for (const channels of [1, 3, 4] as const)
    for (const bitDepth of [8, 16] as const)
      for (const filter of filters) {
        const image = testImage(67, 41, channels, bitDepth, seed++);
        const file = path.join(dir, `c${channels}-b${bitDepth}-${filter}.png`);
        await writeFile(file, encodePng(image, { filter, level: seed % 10 }));
        cases.push({ file, image });
      }
  for (const [w, h] of [
    [1, 1],
    [300, 1],
    [1, 200],
  ] as const) {
    const image = testImage(w, h, 3, 16, seed++);
    const file = path.join(dir, `edge-${w}x${h}.png`);
    await writeFile(file, encodePng(image));
    cases.push({ file, image });
  }
  // A real frame, and a true 16-bit picture made from it (each sample a blend of two neighbours, ×257).
  const { stdout } = await run(
    tools.ffmpeg,
    ['-v', 'error', '-i', GT_FRAME, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  const rgb = new Uint8Array(stdout);
  const real: RasterImage = { width: 640, height: 360, channels: 3, bitDepth: 8, data: rgb };
  const blended = Uint16Array.from(rgb, (v, i) =>
    Math.round((0.3 * v + 0.7 * rgb[Math.min(rgb.length - 1, i + 3)]!) * 257),
  );
  for (const [name, image] of [
    ['real8', real],
    ['real16', { ...real, bitDepth: 16, data: blended } as RasterImage],
  ] as const) {
    const file = path.join(dir, `${name}.png`);
    await writePngAtomic(file, image);
    cases.push({ file, image });
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PNGs from encodePng, read by real decoders', () => {
  it('OpenCV (libpng) reads every sample back, at the right depth and channel count', async (ctx) => {
    if (!hasCv2) ctx.skip();
    const read = await readWithOpenCv(cases.map((c) => c.file));
    for (const [i, { file, image }] of cases.entries()) {
      const name = path.basename(file);
      expect(read[i]!.dtype, name).toBe(image.bitDepth === 8 ? 'uint8' : 'uint16');
      expect(read[i]!.shape, name).toEqual(
        image.channels === 1 ? [image.height, image.width] : [image.height, image.width, image.channels],
      );
      const got = samplesOf(await readFile(file + '.cv2'), image.bitDepth);
      expect(got.length, name).toBe(image.data.length);
      let differing = 0;
      for (let k = 0; k < got.length; k++) if (got[k] !== image.data[k]) differing++;
      expect(differing, `${name}: samples that differ`).toBe(0);
    }
  });

  it('ffprobe names the layout, and ffmpeg decodes every sample back', async () => {
    for (const { file, image } of cases) {
      const name = path.basename(file);
      const { stdout: probe } = await run(tools.ffprobe, [
        '-v',
        'error',
        '-show_streams',
        '-of',
        'json',
        file,
      ]);
      const stream = (JSON.parse(probe) as { streams: Record<string, unknown>[] }).streams[0]!;
      expect([stream.codec_name, stream.pix_fmt, stream.width, stream.height], name).toEqual([
        'png',
        probeName(image),
        image.width,
        image.height,
      ]);
      const { stdout } = await run(
        tools.ffmpeg,
        ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', rawName(image), '-'],
        { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      );
      const got = samplesOf(stdout, image.bitDepth);
      expect(got.length, name).toBe(image.data.length);
      let differing = 0;
      for (let k = 0; k < got.length; k++) if (got[k] !== image.data[k]) differing++;
      expect(differing, `${name}: samples that differ`).toBe(0);
    }
  });

  it('writePngAtomic leaves only the finished file', async () => {
    const names = (await readdir(dir)).filter((n) => n.startsWith('.'));
    expect(names).toEqual([]);
    const real = cases.find((c) => c.file.endsWith('real16.png'))!;
    expect((await readFile(real.file)).equals(encodePng(real.image))).toBe(true);
  });
});
