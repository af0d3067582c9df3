/**
 * npx tsx bench/image/metrics.ts [--runs N] — time of maskedPsnr and maskedSsim on a 1920×1080 RGB frame
 * pair (median of N runs, default 9), 8- and 16-bit, over every pixel and under a mask of about 70 %.
 *
 * The pair: ../shared/gt/orbit_a and orbit_a_target frame 1 scaled to 1920×1080 by ffmpeg (bicubic);
 * where ../shared is absent, synthetic pictures.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import { findMediaTools } from '../../src-main/media';
import { maskedPsnr, maskedSsim, type Samples } from '../../src-shared/image';

const W = 1920;
const H = 1080;
const FRAMES = [
  '../shared/gt/orbit_a/frames/frame_0001.png',
  '../shared/gt/orbit_a_target/frames/frame_0001.png',
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function time(fn: () => unknown, runs: number): number {
  fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

async function frame16(file: string, seed: number): Promise<Uint16Array> {
  if (!existsSync(file)) {
    let s = seed;
    return Uint16Array.from({ length: W * H * 3 }, (_, i) => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return ((i % (W * 3)) * 9 + (s >>> 26)) & 0xffff;
    });
  }
  const { ffmpeg } = await findMediaTools();
  const { stdout } = await promisify(execFile)(
    ffmpeg,
    [
      '-v',
      'error',
      '-i',
      file,
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
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 9;
const [a16, b16] = await Promise.all(FRAMES.map((f, i) => frame16(f, i + 1)));
const a8 = Uint8Array.from(a16!, (v) => v >> 8);
const b8 = Uint8Array.from(b16!, (v) => v >> 8);
// About 70 % of the frame: everything but a band at the top and a disc (as a sky and a hole would be).
const mask = Uint8Array.from({ length: W * H }, (_, i) => {
  const [x, y] = [i % W, Math.floor(i / W)];
  return y > 0.25 * H && (x - 0.6 * W) ** 2 + (y - 0.6 * H) ** 2 > (0.1 * H) ** 2 ? 1 : 0;
});

console.log(
  `Picture metrics, ${W}×${H} RGB, ${existsSync(FRAMES[0]!) ? 'orbit_a vs orbit_a_target frame 1, scaled' : 'synthetic'}`,
);
console.log(
  `median of ${runs} runs; ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg()[0]!.toFixed(2)}`,
);
for (const [depth, a, b, peak] of [
  [8, a8, b8, 255],
  [16, a16!, b16!, 65535],
] as [number, Samples, Samples, number][]) {
  const layout = { width: W, height: H, channels: 3 as const, peak };
  for (const [name, m] of [
    ['every pixel', null],
    ['mask ~70 %', mask],
  ] as const) {
    const psnr = time(() => maskedPsnr(a, b, m, layout), runs);
    const ssim = time(() => maskedSsim(a, b, m, layout), runs);
    const r = maskedSsim(a, b, m, layout);
    console.log(
      `  ${depth}-bit, ${name.padEnd(11)}  PSNR ${psnr.toFixed(1).padStart(5)} ms  SSIM ${ssim.toFixed(0).padStart(4)} ms` +
        `  (PSNR ${maskedPsnr(a, b, m, layout).psnr.toFixed(2)} dB, SSIM ${r.ssim.toFixed(4)} over ${r.windows} windows)`,
    );
  }
}
