/**
 * Frame-accurate decoding. Frame i is the i-th frame of the video stream in presentation order
 * (for sequences: the i-th file). How a range is reached:
 * - image sequence: `-start_number` of the first wanted file — exact by construction;
 * - constant frame rate: seek (to the keyframe at or before) T = startTime + (i − ½)·den/num on the
 *   file's own timestamps (`-copyts -seek_timestamp 1`), then drop every decoded frame with t < T;
 * - variable frame rate: the same, with T halfway between the real timestamps of frames i−1 and i
 *   (read once per file with ffprobe and cached).
 * Frames reach the consumer through a pipe with backpressure: while the consumer is busy, Node stops
 * reading, the pipe fills and ffmpeg blocks. An AbortSignal (or leaving the loop early) kills ffmpeg.
 */
import { spawn } from 'node:child_process';
import { MediaError } from './errors';
import { abortError, runTool, stderrTail } from './exec';
import { CHECKED_LOG_ARGS, FrameOrder, SHOWINFO_FILTER, ShowinfoLog } from './frame-check';
import { JpegSplitter } from './jpeg-split';
import { findMediaTools } from './tools';
import type { MediaFacts } from './types';

export type RawPixelFormat = 'rgb24' | 'rgba' | 'gray' | 'rgb48le';

export const BYTES_PER_PIXEL: Record<RawPixelFormat, number> = { rgb24: 3, rgba: 4, gray: 1, rgb48le: 6 };

export interface DecodeOptions {
  start: number;
  count: number;
  /** Output size; give one to keep the aspect ratio. Default: the displayed size (facts.width × height). */
  width?: number;
  height?: number;
  pixelFormat: RawPixelFormat;
  signal?: AbortSignal;
  /** Diagnostics and tests: called with ffmpeg's process id once it is started. */
  onSpawn?: (pid: number) => void;
}

export interface DecodedFrame {
  index: number;
  width: number;
  height: number;
  data: Uint8Array;
}

/** Output size for optional width/height, keeping the displayed aspect ratio. */
export function outputSize(
  facts: Pick<MediaFacts, 'width' | 'height'>,
  width?: number,
  height?: number,
  even = false,
): { width: number; height: number } {
  const round = (v: number) => Math.max(even ? 2 : 1, even ? Math.round(v / 2) * 2 : Math.round(v));
  if (width && height) return { width: round(width), height: round(height) };
  if (width) return { width: round(width), height: round((width * facts.height) / facts.width) };
  if (height) return { width: round((height * facts.width) / facts.height), height: round(height) };
  return {
    width: even ? round(facts.width) : facts.width,
    height: even ? round(facts.height) : facts.height,
  };
}

function checkRange(facts: MediaFacts, start: number, count: number): void {
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(count) ||
    start < 0 ||
    count < 1 ||
    start + count > facts.frameCount
  ) {
    throw new RangeError(
      `Frames ${start}…${start + count - 1} are outside the shot (frames 0…${facts.frameCount - 1}) of "${facts.path}"`,
    );
  }
}

const timestampCache = new Map<string, Promise<number[]>>();

/**
 * Presentation timestamps (seconds, ascending) of every frame of a video file, from one ffprobe pass over
 * the packets (no decoding). Cached per file path and size.
 */
export function frameTimestamps(facts: MediaFacts): Promise<number[]> {
  const key = `${facts.path}\u0000${facts.fileSize}`;
  let p = timestampCache.get(key);
  if (!p) {
    p = readTimestamps(facts);
    timestampCache.set(key, p);
    p.catch(() => timestampCache.delete(key));
  }
  return p;
}

async function readTimestamps(facts: MediaFacts): Promise<number[]> {
  const tools = await findMediaTools();
  const r = await runTool(tools.ffprobe, [
    '-v',
    'error',
    '-select_streams',
    'V:0',
    '-show_entries',
    'packet=pts_time,flags',
    '-of',
    'csv=p=0',
    facts.path,
  ]);
  if (r.code !== 0)
    throw new MediaError('decode-failed', facts.path, 'its frame timestamps could not be read', {
      detail: stderrTail(r.stderr),
    });
  const times: number[] = [];
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const [t, flags] = line.trim().split(',');
    if (!t || t === 'N/A' || flags?.includes('D')) continue;
    const v = Number(t);
    if (Number.isFinite(v)) times.push(v);
  }
  return times.sort((a, b) => a - b);
}

export interface InputPlan {
  /** ffmpeg arguments up to and including `-i <input>`. */
  input: string[];
  /** Filters to put first in the video filter chain (the frame-accurate cut). */
  filters: string[];
}

/** ffmpeg input arguments and filters that make the first output frame exactly frame `start`. */
export async function planInput(facts: MediaFacts, start: number): Promise<InputPlan> {
  if (facts.kind === 'sequence' && facts.sequence) {
    const s = facts.sequence;
    return {
      input: [
        '-f',
        'image2',
        '-framerate',
        `${facts.fps.num}/${facts.fps.den}`,
        '-start_number',
        String(s.startNumber + start),
        '-i',
        s.ffmpegPattern,
      ],
      filters: [],
    };
  }
  // -copyts: frames keep the file's own timestamps, by which FrameOrder knows which frame each one is.
  if (start === 0) return { input: ['-copyts', '-i', facts.path], filters: [] };
  let t: number;
  if (facts.vfr) {
    const ts = await frameTimestamps(facts);
    const a = ts[start - 1];
    const b = ts[start];
    if (a === undefined || b === undefined)
      throw new RangeError(`Frame ${start} is beyond the ${ts.length} frames found in "${facts.path}"`);
    t = (a + b) / 2;
  } else {
    t = facts.startTime + ((start - 0.5) * facts.fps.den) / facts.fps.num;
  }
  const ts = t.toFixed(6);
  return {
    input: ['-copyts', '-seek_timestamp', '1', '-noaccurate_seek', '-ss', ts, '-i', facts.path],
    filters: [`select=gte(t\\,${ts})`],
  };
}

function scaleFilter(facts: MediaFacts, w: number, h: number): string[] {
  if (w === facts.width && h === facts.height) return [];
  const down = w * h <= facts.width * facts.height;
  return [`scale=${w}:${h}:flags=${down ? 'area' : 'bicubic'}`];
}

function commonInputArgs(): string[] {
  return ['-hide_banner', '-nostdin', ...CHECKED_LOG_ARGS];
}

/** How long to wait for showinfo's line of a frame whose pixels have arrived (it is written first). */
const SHOWINFO_WAIT_MS = 5000;

/** Output arguments shared by all decoders: the picture stream only, no frame duplication or dropping. */
function videoOnly(filters: string[]): string[] {
  return [
    '-map',
    '0:V:0',
    '-an',
    '-sn',
    '-dn',
    ...(filters.length ? ['-vf', filters.join(',')] : []),
    '-fps_mode',
    'passthrough',
  ];
}

/** Decodes frames start…start+count−1 as raw pixels, one at a time, with backpressure. */
export async function* decodeFrames(
  facts: MediaFacts,
  options: DecodeOptions,
): AsyncGenerator<DecodedFrame, void, undefined> {
  const { start, count, pixelFormat, signal } = options;
  checkRange(facts, start, count);
  if (!(pixelFormat in BYTES_PER_PIXEL)) throw new RangeError(`Unknown pixel format "${pixelFormat}"`);
  if (signal?.aborted) throw abortError(signal);
  const size = outputSize(facts, options.width, options.height);
  const frameBytes = size.width * size.height * BYTES_PER_PIXEL[pixelFormat];
  const tools = await findMediaTools();
  const plan = await planInput(facts, start);
  if (signal?.aborted) throw abortError(signal);
  const args = [
    ...commonInputArgs(),
    ...plan.input,
    ...videoOnly([
      ...plan.filters,
      SHOWINFO_FILTER,
      ...scaleFilter(facts, size.width, size.height),
      `format=${pixelFormat}`,
    ]),
    '-frames:v',
    String(count),
    '-f',
    'rawvideo',
    '-pix_fmt',
    pixelFormat,
    'pipe:1',
  ];
  const child = spawn(tools.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  // Which frame each one is: showinfo logs its timestamp on stderr before its pixels reach stdout.
  const log = new ShowinfoLog();
  const order = new FrameOrder(facts, start, () => frameTimestamps(facts));
  let stderrDone = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => {
    log.push(c);
    poke();
  });
  child.stderr.on('close', () => {
    log.end();
    stderrDone = true;
    poke();
  });
  /** The time of the k-th frame out, or null when showinfo said nothing of it (then it is not checked). */
  const timeOf = async (k: number): Promise<number | null> => {
    const until = Date.now() + SHOWINFO_WAIT_MS;
    while (log.times.length <= k && !stderrDone && Date.now() < until) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(poke, 50);
      });
    }
    return log.times[k] ?? null;
  };
  let checking = true;
  let spawnError: Error | null = null;
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (e) => {
      spawnError = e;
      resolve(null);
    });
    child.once('close', (code) => resolve(code));
  });
  const onAbort = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', onAbort, { once: true });
  let produced = 0;
  let frame = new Uint8Array(frameBytes);
  let fill = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(frameBytes - fill, chunk.length - off);
        frame.set(chunk.subarray(off, off + n), fill);
        fill += n;
        off += n;
        if (fill === frameBytes) {
          if (produced < count) {
            const t = checking ? await timeOf(produced) : null;
            if (t === null) checking = false;
            else await order.accept(t, log.detail());
            yield { index: start + produced, width: size.width, height: size.height, data: frame };
          }
          produced++;
          frame = new Uint8Array(frameBytes);
          fill = 0;
        }
      }
    }
    const code = await exited;
    if (signal?.aborted) throw abortError(signal);
    if (spawnError) throw spawnError;
    if (code !== 0 || produced < count) {
      throw new MediaError(
        'decode-failed',
        facts.path,
        `frames ${start + produced}…${start + count - 1} could not be decoded (${produced} of ${count} came out${code !== 0 ? `, ffmpeg exited with ${code}` : ''})`,
        { detail: log.detail() },
      );
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export interface FrameImageOptions {
  width?: number;
  height?: number;
  format: 'jpeg' | 'png';
  /** JPEG quality 1–100 (default 85). */
  quality?: number;
  signal?: AbortSignal;
}

/** ffmpeg's mjpeg qscale (2 best … 31 worst) for a 1–100 quality. */
export function jpegQscale(quality = 85): number {
  const q = Math.min(100, Math.max(1, quality));
  return Math.min(31, Math.max(2, Math.round(31 - (q / 100) * 29)));
}

function imageOutputArgs(format: 'jpeg' | 'png', quality?: number): string[] {
  return format === 'png'
    ? ['-f', 'image2pipe', '-c:v', 'png', '-pix_fmt', 'rgb24', 'pipe:1']
    : [
        '-f',
        'image2pipe',
        '-c:v',
        'mjpeg',
        '-pix_fmt',
        'yuvj420p',
        '-q:v',
        String(jpegQscale(quality)),
        'pipe:1',
      ];
}

async function runImages(
  facts: MediaFacts,
  start: number,
  count: number,
  options: FrameImageOptions,
): Promise<Buffer[]> {
  checkRange(facts, start, count);
  const tools = await findMediaTools();
  const plan = await planInput(facts, start);
  const size = outputSize(facts, options.width, options.height, options.format === 'jpeg');
  const args = [
    ...commonInputArgs(),
    ...plan.input,
    ...videoOnly([...plan.filters, SHOWINFO_FILTER, ...scaleFilter(facts, size.width, size.height)]),
    '-frames:v',
    String(count),
    ...imageOutputArgs(options.format, options.quality),
  ];
  const images: Buffer[] = [];
  const splitter = new JpegSplitter();
  const chunks: Buffer[] = [];
  const log = new ShowinfoLog();
  const r = await runTool(tools.ffmpeg, args, {
    signal: options.signal,
    onStdout: (c) => (options.format === 'jpeg' ? images.push(...splitter.push(c)) : chunks.push(c)),
    onStderr: (c) => log.push(c),
  });
  log.end();
  if (options.format === 'png') {
    const all = Buffer.concat(chunks);
    if (all.length) images.push(all);
  }
  // Each image must be the frame it is taken for (a damaged file can make the decoder skip frames).
  const order = new FrameOrder(facts, start, () => frameTimestamps(facts));
  for (const t of log.times.slice(0, Math.min(count, images.length))) await order.accept(t, log.detail());
  if (r.code !== 0 || images.length < count) {
    throw new MediaError('decode-failed', facts.path, `frame ${start + images.length} could not be decoded`, {
      detail: log.detail() || stderrTail(r.stderr),
    });
  }
  return images.slice(0, count);
}

/** One frame as an encoded image (for the viewer). */
export async function decodeFrameImage(
  facts: MediaFacts,
  index: number,
  options: FrameImageOptions,
): Promise<Buffer> {
  const [img] = await runImages(facts, index, 1, options);
  return img as Buffer;
}

/** Frames start…start+count−1 as separate JPEGs from one ffmpeg run (scrubbing and playback prefetch). */
export function decodeFrameBatch(
  facts: MediaFacts,
  start: number,
  count: number,
  options: { width?: number; height?: number; format: 'jpeg'; quality?: number; signal?: AbortSignal },
): Promise<Buffer[]> {
  return runImages(facts, start, count, options);
}
