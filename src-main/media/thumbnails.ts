/** Poster thumbnails and filmstrips for the shot bin, written atomically. */
import { decodeFrameImage, decodeFrames, outputSize } from './decode';
import { MediaError } from './errors';
import { runTool, stderrTail } from './exec';
import { writeFileAtomic } from '../util/atomic-write';
import { findMediaTools } from './tools';
import type { MediaFacts } from './types';

/**
 * The poster frame: the middle frame of the shot, floor((frameCount − 1) / 2). The head of a plate is
 * often a slate, a fade or a camera still settling; the middle is the most representative single frame.
 */
export function posterFrameIndex(facts: Pick<MediaFacts, 'frameCount'>): number {
  return Math.max(0, Math.floor((facts.frameCount - 1) / 2));
}

/** Frames shown in an n-frame filmstrip: the centre of each of n equal parts of the shot. */
export function filmstripFrameIndices(frameCount: number, n: number): number[] {
  const k = Math.max(1, Math.min(n, frameCount));
  return Array.from({ length: k }, (_, i) =>
    Math.min(frameCount - 1, Math.floor(((i + 0.5) * frameCount) / k)),
  );
}

export async function writeThumbnail(
  facts: MediaFacts,
  outPath: string,
  options: { width: number; quality?: number; signal?: AbortSignal },
): Promise<{ frame: number; width: number; height: number }> {
  const frame = posterFrameIndex(facts);
  const jpeg = await decodeFrameImage(facts, frame, {
    width: options.width,
    format: 'jpeg',
    quality: options.quality,
    signal: options.signal,
  });
  await writeFileAtomic(outPath, jpeg);
  const size = outputSize(facts, options.width, undefined, true);
  return { frame, ...size };
}

/** One JPEG with `frames` frames side by side, each `height` pixels tall. */
export async function writeFilmstrip(
  facts: MediaFacts,
  outPath: string,
  options: { frames: number; height: number; quality?: number; signal?: AbortSignal },
): Promise<{ frames: number[]; width: number; height: number }> {
  const indices = filmstripFrameIndices(facts.frameCount, options.frames);
  const tile = outputSize(facts, undefined, options.height);
  const stripWidth = tile.width * indices.length;
  const strip = new Uint8Array(stripWidth * tile.height * 3);
  const decodeOne = async (slot: number) => {
    const index = indices[slot] as number;
    for await (const f of decodeFrames(facts, {
      start: index,
      count: 1,
      width: tile.width,
      height: tile.height,
      pixelFormat: 'rgb24',
      signal: options.signal,
    })) {
      const rowBytes = tile.width * 3;
      for (let y = 0; y < tile.height; y++) {
        strip.set(
          f.data.subarray(y * rowBytes, (y + 1) * rowBytes),
          (y * stripWidth + slot * tile.width) * 3,
        );
      }
    }
  };
  // Two decoders at a time: enough to hide seek latency without starving the rest of the app.
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < indices.length) await decodeOne(next++);
    }),
  );
  const tools = await findMediaTools();
  const r = await runTool(
    tools.ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${stripWidth}x${tile.height}`,
      '-i',
      'pipe:0',
      '-frames:v',
      '1',
      '-c:v',
      'mjpeg',
      '-pix_fmt',
      'yuvj444p',
      '-q:v',
      String(options.quality ? Math.max(2, Math.round(31 - options.quality * 0.29)) : 4),
      '-f',
      'image2pipe',
      'pipe:1',
    ],
    { input: strip, signal: options.signal },
  );
  if (r.code !== 0 || r.stdout.length === 0)
    throw new MediaError('decode-failed', facts.path, 'the filmstrip could not be encoded', {
      detail: stderrTail(r.stderr),
    });
  await writeFileAtomic(outPath, r.stdout);
  return { frames: indices, width: stripWidth, height: tile.height };
}
