/**
 * npx tsx bench/media/png.ts [--runs N] — time to encode a 1920×1080 16-bit RGB frame as PNG (median of N
 * runs, default 9), for each row filter and for the default ('auto', level 1); file sizes alongside.
 *
 * The frame: ../shared/gt/orbit_a/frames/frame_0001.png scaled to 1920×1080 by ffmpeg (bicubic, rgb48le:
 * a smooth picture with real 16-bit values); where ../shared is absent, a synthetic ramp with noise.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import {
  encodePng,
  encodePngAsync,
  findMediaTools,
  type PngFilter,
  type RasterImage,
} from '../../src-main/media';

const W = 1920;
const H = 1080;
const FRAME = '../shared/gt/orbit_a/frames/frame_0001.png';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function time(fn: () => unknown, runs: number): Promise<number> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

async function benchFrame(): Promise<{ image: RasterImage; source: string }> {
  if (existsSync(FRAME)) {
    const { ffmpeg } = await findMediaTools();
    const { stdout } = await promisify(execFile)(
      ffmpeg,
      [
        '-v',
        'error',
        '-i',
        FRAME,
        '-vf',
        `scale=${W}:${H}:flags=bicubic`,
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb48le',
        '-',
      ],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
    );
    const bytes = new Uint8Array(stdout);
    const data = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    return {
      image: { width: W, height: H, channels: 3, bitDepth: 16, data },
      source: `${FRAME} scaled (bicubic)`,
    };
  }
  const data = new Uint16Array(W * H * 3);
  let s = 1;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const px = Math.floor(i / 3);
    data[i] = Math.min(
      65535,
      ((px % W) * 30 + Math.floor(px / W) * 20 + (i % 3) * 4000 + (s >>> 24)) & 0xffff,
    );
  }
  return {
    image: { width: W, height: H, channels: 3, bitDepth: 16, data },
    source: 'synthetic ramp + noise',
  };
}

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 9;
const { image, source } = await benchFrame();
const rawMB = image.data.byteLength / 1e6;
console.log(`PNG encode, ${W}×${H} 16-bit RGB (${rawMB.toFixed(1)} MB raw), ${source}`);
console.log(
  `median of ${runs} runs; ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg()[0]!.toFixed(2)}`,
);
for (const filter of ['none', 'sub', 'up', 'paeth', 'auto'] as PngFilter[]) {
  const size = encodePng(image, { filter }).length;
  const ms = await time(() => encodePng(image, { filter }), runs);
  console.log(
    `  level 1, filter ${filter.padEnd(5)}  ${ms.toFixed(0).padStart(4)} ms  ${(size / 1e6).toFixed(2)} MB`,
  );
}
const ms = await time(() => encodePngAsync(image), runs);
console.log(`  encodePngAsync (defaults)  ${ms.toFixed(0).padStart(4)} ms`);
