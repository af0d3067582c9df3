/**
 * npx tsx bench/deliver/prores-speed.ts [--frames N] [--runs N] — ProRes 422 HQ at 1920×1080 through
 * Reshoot's plate export path against ffmpeg alone, on the same raw frames, in the same run.
 *
 * - ffmpeg alone: ffmpeg reads the raw rgb48le frames from a file and encodes them (the very arguments
 *   Reshoot uses: BT.709 matrix, limited range, prores_ks profile 3).
 * - Reshoot: the deliver job's movie path — the same frames, held in memory as the job holds decoded
 *   frames (ffmpeg alone reads them from the file, which the first run leaves in the page cache; the
 *   source's own decode, a PNG or a movie, is not part of either), handed one by one to ffmpeg's stdin
 *   with backpressure (encodeMovieSegment, in segments of DELIVER_MOVIE_CHUNK_FRAMES as the job cuts them), then what the job's
 *   finish does: each segment's frames counted, the segments joined (a delivery of one segment, which
 *   carries its timecode and reel already, is not), the result counted, flushed to disk and named
 *   (writeJoinedMovie). ffmpeg alone flushes nothing.
 *
 * Medians of N runs each (default 3), interleaved so both see the same machine load; the goal is
 * Reshoot ≥ 0.9× the speed of ffmpeg alone. The frames: ../shared/media/02_dashcam_highway.mp4 scaled to
 * 1080p (a real picture, which ProRes finds harder than a test pattern); where ../shared is absent,
 * ffmpeg's testsrc2.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DELIVER_MOVIE_CHUNK_FRAMES, PLATE_FORMAT_INFO } from '../../src-main/deliver';
import {
  encodeMovieSegment,
  movieEncodeArgs,
  movieFrameCount,
  writeJoinedMovie,
} from '../../src-main/deliver/plate-encode';
import type { MovieFormat } from '../../src-main/deliver/plate-formats';
import type { PlateFrame } from '../../src-main/deliver/plate-frames';
import { findMediaTools } from '../../src-main/media';

const W = 1920,
  H = 1080;
const FPS = { num: 24000, den: 1001 };
const CLIP = '../shared/media/02_dashcam_highway.mp4';
const { values } = parseArgs({ options: { frames: { type: 'string' }, runs: { type: 'string' } } });
const FRAMES = Number(values.frames ?? 48);
const RUNS = Number(values.runs ?? 3);
const format = PLATE_FORMAT_INFO['prores-hq'] as MovieFormat;
const FRAME_BYTES = W * H * 6;

function run(bin: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    p.once('error', reject);
    p.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} exited ${code}`))));
  });
}

/** The raw frames in memory, as the job has them once decoded (the source's decode is not timed here). */
async function loadFrames(file: string): Promise<Buffer[]> {
  const h = await open(file, 'r');
  try {
    const frames: Buffer[] = [];
    for (let i = 0; i < FRAMES; i++) {
      const rgb = Buffer.allocUnsafe(FRAME_BYTES);
      await h.read(rgb, 0, FRAME_BYTES, i * FRAME_BYTES);
      frames.push(rgb);
    }
    return frames;
  } finally {
    await h.close();
  }
}

async function* framesOf(
  frames: readonly Buffer[],
  first: number,
  count: number,
): AsyncGenerator<PlateFrame> {
  for (let i = 0; i < count; i++)
    yield { frame: first + i, width: W, height: H, rgb: frames[first + i]!, mask: null };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function main(): Promise<void> {
  const { ffmpeg } = await findMediaTools();
  const dir = mkdtempSync(join(tmpdir(), 'reshoot-bench-prores-'));
  try {
    const raw = join(dir, 'frames.rgb48le');
    const real = existsSync(CLIP);
    await run(ffmpeg, [
      // the clip looped when it is shorter than the frames asked for
      ...[
        '-v',
        'error',
        ...(real ? ['-stream_loop', '-1', '-i', CLIP] : ['-f', 'lavfi', '-i', `testsrc2=s=${W}x${H}`]),
      ],
      ...['-vf', `scale=${W}:${H}:flags=bicubic`, '-frames:v', String(FRAMES)],
      ...['-f', 'rawvideo', '-pix_fmt', 'rgb48le', raw],
    ]);
    if (statSync(raw).size !== FRAMES * FRAME_BYTES)
      throw new Error(`${raw} holds ${statSync(raw).size / FRAME_BYTES} frames, not ${FRAMES}`);
    const frames = await loadFrames(raw);
    const alone: number[] = [],
      reshoot: number[] = [],
      joins: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const a = join(dir, `alone-${r}.mov`);
      let t0 = performance.now();
      await run(ffmpeg, movieEncodeArgs(format, W, H, FPS, raw, a, FRAMES));
      alone.push((performance.now() - t0) / 1000);

      t0 = performance.now();
      const segments: { file: string; frames: number; tagged: boolean }[] = [];
      for (let start = 0; start < FRAMES; start += DELIVER_MOVIE_CHUNK_FRAMES) {
        const count = Math.min(DELIVER_MOVIE_CHUNK_FRAMES, FRAMES - start);
        const file = join(dir, `segment-${r}-${start}.mov`);
        await encodeMovieSegment({
          format,
          width: W,
          height: H,
          fps: FPS,
          count,
          frames: framesOf(frames, start, count),
          outPath: file,
          timecode: '01:00:00:00',
          reel: 'A001',
        });
        segments.push({ file, frames: count, tagged: true });
      }
      // what the job's finish does: count each segment's frames, join, count, flush, name the file
      const tj = performance.now();
      for (const sg of segments)
        if ((await movieFrameCount(sg.file)) !== sg.frames) throw new Error(`${sg.file} is incomplete`);
      await writeJoinedMovie(segments, join(dir, `reshoot-${r}.mov`), {
        fps: FPS,
        timecode: '01:00:00:00',
        reel: 'A001',
        faststart: !format.intraOnly,
      });
      reshoot.push((performance.now() - t0) / 1000);
      joins.push((performance.now() - tj) / 1000);
      for (const s of segments) rmSync(s.file);
    }
    const ta = median(alone),
      tr = median(reshoot);
    console.log(
      `ProRes 422 HQ, ${W}×${H}, ${FRAMES} frames (${real ? CLIP : 'testsrc2'}), median of ${RUNS} runs\n` +
        `  ffmpeg alone (raw file → prores_ks): ${ta.toFixed(2)} s  (${(FRAMES / ta).toFixed(1)} frames/s)  runs ${alone.map((t) => t.toFixed(2)).join(' ')}\n` +
        `  Reshoot export path (stdin segments + join): ${tr.toFixed(2)} s  (${(FRAMES / tr).toFixed(1)} frames/s)  runs ${reshoot.map((t) => t.toFixed(2)).join(' ')}; of which checking, joining and flushing ${median(joins).toFixed(2)} s\n` +
        `  Reshoot speed / ffmpeg alone: ${(ta / tr).toFixed(2)}× (goal ≥ 0.9×)\n` +
        `  machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
