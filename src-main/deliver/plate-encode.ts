/**
 * Movie plates with ffmpeg: RGB frames (16 bits per channel, plus the mask as alpha where the format
 * has one) go to ffmpeg's stdin as raw video at the exact rational rate, so decoding the source and
 * encoding run at the same time; ffmpeg converts them to YUV with the BT.709 matrix in limited range and
 * tags the stream BT.709. A delivery is encoded in segments (one per job chunk) and joined without
 * re-encoding by the concat demuxer, which is also where the timecode track and the reel name go in.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants as fsConstants } from 'node:fs';
import { copyFile, link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../src-shared/api/contract';
import type { Rational } from '../../src-shared/rational';
import { findMediaTools } from '../media';
import { runTool } from '../media/exec';
import { concatInputArgs, concatListText } from '../media/concat-list';
import { fsyncFile, tempPathFor } from '../util/atomic-write';
import { readAhead } from '../util/read-ahead';
import type { MovieFormat } from './plate-formats';
import type { PlateFrame } from './plate-frames';
import { publishNewFile } from './plate-sequence';

/** The BT.709 colour description every movie plate carries (limited range for YUV). */
const BT709_TAGS = 'setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv';

/** The raw video Reshoot feeds ffmpeg for a format: RGB, or RGBA when the format carries alpha. */
export function rawInputFormat(f: MovieFormat): 'rgb48le' | 'rgba64le' {
  return f.alpha ? 'rgba64le' : 'rgb48le';
}

/**
 * ffmpeg arguments that encode raw frames from `input` (a file, or `-` for stdin) into `output`: the
 * same for Reshoot's export and for the benchmark's "ffmpeg alone".
 */
export function movieEncodeArgs(
  f: MovieFormat,
  width: number,
  height: number,
  fps: Rational,
  input: string,
  output: string,
  frames: number,
  tag: { timecode?: string; reel?: string | null } = {},
): string[] {
  const gop = Math.max(1, Math.round(fps.num / fps.den));
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-f',
    'rawvideo',
    '-pix_fmt',
    rawInputFormat(f),
    '-s',
    `${width}x${height}`,
    '-framerate',
    `${fps.num}/${fps.den}`,
    '-i',
    input,
    '-map',
    '0:v:0',
    '-vf',
    `scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,format=${f.pixelFormat},${BT709_TAGS}`,
    ...f.codecArgs,
    ...(f.intraOnly ? [] : ['-g', String(gop)]),
    '-frames:v',
    String(frames),
    ...(tag.timecode !== undefined ? ['-timecode', tag.timecode] : []),
    ...(tag.reel ? ['-metadata:s:v:0', `reel_name=${tag.reel}`] : []),
    '-video_track_timescale',
    String(fps.num),
    '-f',
    'mov',
    output,
  ];
}

/** rgb48le + mask → rgba64le: alpha opaque where the mask says seen or filled, transparent where empty. */
export function withMaskAlpha(rgb: Uint8Array, mask: Uint8Array | null, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 8);
  for (let i = 0, s = 0, d = 0; i < pixels; i++, s += 6, d += 8) {
    out[d] = rgb[s]!;
    out[d + 1] = rgb[s + 1]!;
    out[d + 2] = rgb[s + 2]!;
    out[d + 3] = rgb[s + 3]!;
    out[d + 4] = rgb[s + 4]!;
    out[d + 5] = rgb[s + 5]!;
    const a = mask === null || mask[i]! > 0 ? 0xff : 0;
    out[d + 6] = a;
    out[d + 7] = a;
  }
  return out;
}

/** Frames decoded ahead of the encoder (each a new buffer: at 4K 50 MB apiece). */
export const FRAMES_AHEAD = 2;

const tail = (s: string) => s.trim().split('\n').slice(-6).join('\n');

export interface SegmentOptions {
  format: MovieFormat;
  width: number;
  height: number;
  fps: Rational;
  /** Frames the segment holds (the iterator must give exactly these). */
  count: number;
  frames: AsyncIterable<PlateFrame>;
  outPath: string;
  /**
   * The segment's own start timecode and reel, written as a delivered movie carries them: a delivery of
   * one segment is then published as it is, without a join.
   */
  timecode?: string;
  reel?: string | null;
  signal?: AbortSignal;
  /** Called with the number of frames handed to the encoder so far. */
  onFrames?(done: number): void;
}

/**
 * Encodes one segment: written under a temp name and renamed, so the file appears complete or not at
 * all. Not flushed to disk: segments are scratch, and the join counts every segment's frames first
 * (a segment lost to a power cut is encoded again there), which costs less than a flush per chunk.
 */
export async function encodeMovieSegment(o: SegmentOptions): Promise<void> {
  const tools = await findMediaTools();
  const pixels = o.width * o.height;
  const tmp = tempPathFor(o.outPath);
  try {
    const args = movieEncodeArgs(o.format, o.width, o.height, o.fps, '-', tmp, o.count, {
      ...(o.timecode !== undefined ? { timecode: o.timecode } : {}),
      ...(o.reel !== undefined ? { reel: o.reel } : {}),
    });
    const child = spawn(tools.ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (stderr = (stderr + c).slice(-8000)));
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    // ffmpeg gone early: writes fail with EPIPE; the exit code and its stderr say why
    child.stdin.on('error', () => undefined);
    const kill = () => child.kill('SIGKILL');
    o.signal?.addEventListener('abort', kill, { once: true });
    let n = 0;
    try {
      // the source decodes the next frames while ffmpeg encodes this one
      for await (const f of readAhead(o.frames, FRAMES_AHEAD)) {
        if (o.signal?.aborted) throw new Error('cancelled');
        const data = o.format.alpha ? withMaskAlpha(f.rgb, f.mask, pixels) : f.rgb;
        if (!child.stdin.write(data)) {
          const drained = once(child.stdin, 'drain');
          const gone = exited.then(() => undefined);
          await Promise.race([drained, gone]);
          if (child.exitCode !== null) break;
        }
        n++;
        o.onFrames?.(n);
      }
      child.stdin.end();
      const code = await exited;
      if (o.signal?.aborted) throw new Error('cancelled');
      if (code !== 0 || n !== o.count)
        throw new ApiError(
          'internal',
          `${path.basename(o.outPath)}: ffmpeg could not encode ${o.format.id} (${n} of ${o.count} frames given` +
            `${code !== 0 ? `, exit ${String(code)}` : ''}): ${tail(stderr)}`,
        );
    } finally {
      o.signal?.removeEventListener('abort', kill);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await rename(tmp, o.outPath);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** A movie's frame count as its index says (no decoding); null when it cannot be read. */
export async function movieFrameCount(file: string, signal?: AbortSignal): Promise<number | null> {
  const tools = await findMediaTools();
  const r = await runTool(
    tools.ffprobe,
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=nb_frames', '-of', 'csv=p=0', file],
    signal ? { signal } : {},
  );
  const n = Number(r.stdout.toString('utf8').trim());
  return r.code === 0 && Number.isInteger(n) ? n : null;
}

/** `to` (which must not exist) as a hard link to `from`, or a copy where links cannot be made. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw e;
    await copyFile(from, to, fsConstants.COPYFILE_EXCL);
  }
}

/**
 * The delivered movie: the segments joined (with timecode and reel) under a temp name beside `target`,
 * its frames counted, flushed to disk, then given its name — never replacing a file (a name taken
 * meanwhile is refused). `beforePublish` runs with the finished temp file just before.
 */
export async function writeJoinedMovie(
  segments: readonly { file: string; frames: number; tagged?: boolean }[],
  target: string,
  o: JoinOptions & { beforePublish?: (tmp: string) => Promise<void> },
): Promise<void> {
  const frames = segments.reduce((n, s) => n + s.frames, 0);
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  // One segment that already carries the timecode and reel (and needs no faststart pass) is the movie:
  // it takes the temp name by a hard link (a copy on another drive), its frames counted by the caller.
  // Otherwise the segments are joined under the temp name, and the result counted.
  const only = segments.length === 1 && segments[0]!.tagged === true && !o.faststart ? segments[0]! : null;
  try {
    if (only) await linkOrCopy(only.file, tmp);
    else {
      await joinMovieSegments(segments, tmp, o);
      const n = await movieFrameCount(tmp, o.signal);
      if (n !== frames)
        throw new ApiError(
          'internal',
          `${path.basename(target)}: the joined movie holds ${String(n)} frames, not ${frames}.`,
        );
    }
    fsyncFile(tmp);
    await o.beforePublish?.(tmp);
    try {
      await publishNewFile(tmp, target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw new ApiError(
          'conflict',
          `${target} appeared while the delivery was running; Reshoot never replaces a file. Move it away and resume the job.`,
        );
      throw e;
    }
  } finally {
    await rm(tmp, { force: true });
  }
}

export interface JoinOptions {
  fps: Rational;
  /** Timecode of the first frame, `HH:MM:SS:FF` (`;FF` drop-frame). */
  timecode: string;
  /** Written into the timecode track; omitted when null. */
  reel: string | null;
  /**
   * Index at the front, so a review copy starts playing before it has downloaded; costs a second pass
   * over the file, which a mastering plate has no use for.
   */
  faststart: boolean;
  signal?: AbortSignal;
}

/**
 * Joins segments (in order) into `outPath` without re-encoding, adding the timecode track and reel.
 * `outPath` is written as given (the caller makes it a temp name and commits it).
 */
export async function joinMovieSegments(
  segments: readonly { file: string; frames: number }[],
  outPath: string,
  o: JoinOptions,
): Promise<void> {
  if (segments.length === 0) throw new ApiError('internal', 'No segments to join.');
  const tools = await findMediaTools();
  const list = tempPathFor(`${outPath}.segments.txt`);
  const body = concatListText(
    segments.map((s) => ({ file: s.file, duration: (s.frames * o.fps.den) / o.fps.num })),
  );
  await writeFile(list, body, 'utf8');
  try {
    const args = [
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      ...concatInputArgs(list),
      '-map',
      '0:v:0',
      '-c',
      'copy',
      '-timecode',
      o.timecode,
      ...(o.reel !== null ? ['-metadata:s:v:0', `reel_name=${o.reel}`] : []),
      '-video_track_timescale',
      String(o.fps.num),
      ...(o.faststart ? ['-movflags', '+faststart'] : []),
      '-f',
      'mov',
      outPath,
    ];
    const child = spawn(tools.ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (stderr = (stderr + c).slice(-8000)));
    const kill = () => child.kill('SIGKILL');
    o.signal?.addEventListener('abort', kill, { once: true });
    try {
      const [code] = (await once(child, 'close')) as [number | null];
      if (o.signal?.aborted) throw new Error('cancelled');
      if (code !== 0)
        throw new ApiError(
          'internal',
          `${path.basename(outPath)}: the segments could not be joined: ${tail(stderr)}`,
        );
    } finally {
      o.signal?.removeEventListener('abort', kill);
    }
  } finally {
    await rm(list, { force: true });
  }
}
