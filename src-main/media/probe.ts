/**
 * probeMedia: what a video file or image sequence is (size, rate, frame count, timecode, reel, colour),
 * checked before it is returned: a file that is missing, unreadable, not a video, truncated, empty,
 * undecodable, too large, with frames that cannot be decoded, or a sequence with a bad frame, gives a
 * {@link MediaError} naming the file (and the frame) and the reason. Frames that decode with errors
 * (concealed damage) are let through as `integrity.warnings`.
 *
 * Cost for a normal clip: ffprobe of streams/format, then in parallel: ffprobe of the first ~300 and the
 * last packets, ffmpeg decoding the first frame, and the decode check (decode-check.ts: the whole video
 * decoded to the null muxer, or spans of a long one). For a sequence: every frame's header is read.
 */
import { access, open, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { reduce, tryParseRational } from '../../src-shared/rational';
import { normalizeTimecode, parseTimecode } from '../../src-shared/timecode';
import { MediaError } from './errors';
import { runTool, stderrTail } from './exec';
import { checkVideoDecode, type DecodeCheckResult } from './decode-check';
import { nearest } from './frame-check';
import { pictureSizeProblem } from './image-header';
import { findMediaTools } from './tools';
import { lensFromTags } from './lens-metadata';
import {
  checkSequenceFrames,
  isImageFileName,
  sequenceFromFile,
  sequenceInDirectory,
  type DetectedSequence,
} from './sequence';
import { chooseFps, detectVfr, median } from './timing';
import type { MediaFacts, MediaIntegrity, Rational } from './types';

export interface ProbeOptions {
  /** Frame rate given to image sequences (they carry none). Default 24/1. */
  sequenceFps?: Rational;
  /** Decode the first frame to prove the codec works (default true). */
  verifyDecode?: boolean;
  /**
   * Videos: decode the picture (all of it, or spans of a long one) to find frames that cannot be decoded
   * (refused) or decode with errors (warned); sequences: read every frame's header. Default true.
   */
  checkIntegrity?: boolean;
  /** Packets read from the start to decide VFR (default 300). */
  vfrScanPackets?: number;
  signal?: AbortSignal;
}

/** The parts of ffprobe's JSON that Reshoot reads. */
export interface FfprobeStream {
  index: number;
  codec_name?: string;
  codec_long_name?: string;
  codec_type?: string;
  codec_tag_string?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  pix_fmt?: string;
  color_range?: string;
  color_space?: string;
  color_transfer?: string;
  color_primaries?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  time_base?: string;
  start_time?: string;
  duration?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  bits_per_raw_sample?: string;
  disposition?: Record<string, number>;
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

export interface FfprobeFormat {
  format_name?: string;
  duration?: string;
  start_time?: string;
  size?: string;
  tags?: Record<string, string>;
}

interface FfprobeJson {
  streams?: FfprobeStream[];
  format?: FfprobeFormat;
}

interface FfprobePacket {
  pts?: number;
  dts?: number;
  duration?: number;
  pos?: string;
  size?: string;
  flags?: string;
}

const DEFAULT_SEQUENCE_FPS: Rational = { num: 24, den: 1 };

export async function probeMedia(input: string, options: ProbeOptions = {}): Promise<MediaFacts> {
  const abs = path.resolve(input);
  let st;
  try {
    st = await stat(abs);
  } catch (e) {
    throw fsError(e, abs);
  }
  if (st.isDirectory()) {
    let seq: DetectedSequence | null;
    try {
      seq = await sequenceInDirectory(abs);
    } catch (e) {
      if (e instanceof MediaError) throw e;
      throw fsError(e, abs);
    }
    if (!seq) throw new MediaError('directory', abs);
    return probeSequence(seq, abs, options);
  }
  if (!st.isFile())
    throw new MediaError('not-media', abs, 'this is not a regular file (a device, socket or pipe)');
  try {
    await access(abs, constants.R_OK);
  } catch (e) {
    throw fsError(e, abs);
  }
  if (st.size === 0) throw new MediaError('not-media', abs, 'the file is empty (0 bytes)');

  if (isImageFileName(abs)) {
    const seq = await sequenceFromFile(abs);
    if (seq && seq.count >= 2) return probeSequence(seq, abs, options);
    throw new MediaError(
      'no-video',
      abs,
      'this is a single still image, not a shot; to import stills as a shot, number them as an image sequence (name.0001.png, name.0002.png, …)',
    );
  }
  return probeVideoFile(abs, st.size, options);
}

function fsError(e: unknown, abs: string): MediaError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new MediaError('missing', abs, undefined, { cause: e });
  if (code === 'EACCES' || code === 'EPERM')
    return new MediaError('unreadable', abs, undefined, { cause: e });
  return new MediaError('unreadable', abs, `the file could not be read (${code ?? String(e)})`, { cause: e });
}

async function ffprobeJson(
  ffprobe: string,
  abs: string,
  extra: string[],
  signal?: AbortSignal,
): Promise<{ json: FfprobeJson; stderr: string; code: number | null }> {
  const r = await runTool(ffprobe, ['-hide_banner', '-v', 'error', '-print_format', 'json', ...extra, abs], {
    signal,
  });
  let json: FfprobeJson;
  try {
    json = JSON.parse(r.stdout.toString('utf8') || '{}') as FfprobeJson;
  } catch {
    json = {};
  }
  return { json, stderr: r.stderr, code: r.code };
}

/** Whether the file starts like an ISO-BMFF/QuickTime file (a known box type at bytes 4–8). */
async function looksLikeQuickTime(abs: string): Promise<boolean> {
  try {
    const h = await open(abs, 'r');
    try {
      const buf = Buffer.alloc(8);
      await h.read(buf, 0, 8, 0);
      return /^(ftyp|moov|mdat|free|skip|wide|pnot|uuid)$/.test(buf.subarray(4, 8).toString('latin1'));
    } finally {
      await h.close();
    }
  } catch {
    return false;
  }
}

function classifyOpenFailure(stderr: string, abs: string, quickTime: boolean): MediaError {
  const detail = stderrTail(stderr);
  if (/moov atom not found/i.test(stderr) && quickTime) {
    return new MediaError(
      'truncated',
      abs,
      'the file is incomplete (its index, the "moov atom", is missing): the copy, download or render probably did not finish',
      { detail },
    );
  }
  if (/Permission denied/i.test(stderr)) return new MediaError('unreadable', abs, undefined, { detail });
  if (/End of file|partial file/i.test(stderr))
    return new MediaError('truncated', abs, undefined, { detail });
  return new MediaError('not-media', abs, undefined, { detail });
}

const STILL_FORMATS = /(^|,)(image2|[a-z0-9]+_pipe|png|apng|webp|gif)(,|$)/;

async function probeVideoFile(abs: string, fileSize: number, options: ProbeOptions): Promise<MediaFacts> {
  const tools = await findMediaTools();
  const { signal } = options;
  const head = await ffprobeJson(tools.ffprobe, abs, ['-show_format', '-show_streams'], signal);
  if (head.code !== 0 || !head.json.format)
    throw classifyOpenFailure(head.stderr, abs, await looksLikeQuickTime(abs));
  const format = head.json.format;
  const streams = head.json.streams ?? [];
  const formatName = format.format_name ?? '';
  if (/(^|,)(tty|ansi)(,|$)/.test(formatName))
    throw new MediaError('not-media', abs, 'this is a text file, not a video');

  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video) {
    if (streams.some((s) => s.codec_type === 'audio'))
      throw new MediaError('no-video', abs, 'this file has only audio, no video picture');
    if (streams.some((s) => s.codec_type === 'video'))
      throw new MediaError('no-video', abs, 'this file holds only a cover picture, no video');
    throw new MediaError('no-video', abs);
  }
  const nbFrames = intOrNull(video.nb_frames);
  if (STILL_FORMATS.test(formatName) && (nbFrames === null || nbFrames <= 1)) {
    throw new MediaError(
      'no-video',
      abs,
      'this is a single still image, not a shot; to import stills as a shot, number them as an image sequence (name.0001.png, name.0002.png, …)',
    );
  }
  const codec = video.codec_name ?? 'unknown';
  if (codec === 'unknown' || codec === 'none' || !video.codec_name) {
    const tag =
      video.codec_tag_string && !/^\[/.test(video.codec_tag_string) ? ` ("${video.codec_tag_string}")` : '';
    throw new MediaError(
      'unsupported-codec',
      abs,
      `the video is compressed with a codec${tag} that this ffmpeg does not know; transcode it (e.g. to ProRes or H.264) or use an ffmpeg build that supports it`,
    );
  }

  const tooLarge = pictureSizeProblem(video.width ?? 0, video.height ?? 0);
  if (tooLarge) throw new MediaError('too-large', abs, `the picture is ${tooLarge}`);

  const timeBase = tryParseRational(video.time_base) ?? { num: 1, den: 1_000_000 };
  const tb = timeBase.num / timeBase.den;
  const streamStart = floatOrNull(video.start_time);
  const streamDuration = floatOrNull(video.duration) ?? floatOrNull(format.duration);
  const scanCount = options.vfrScanPackets ?? 300;
  const tailFrom =
    streamDuration !== null && streamDuration > 3 ? (streamStart ?? 0) + streamDuration - 2 : null;
  const intervals = `%+#${scanCount}` + (tailFrom !== null ? `,${tailFrom.toFixed(3)}%` : '');

  const checkIntegrity = options.checkIntegrity !== false && !!video.width && !!video.height;
  const [scan, firstFrame, counted, integrityCheck] = await Promise.all([
    ffprobeJson(
      tools.ffprobe,
      abs,
      [
        '-select_streams',
        String(video.index),
        '-show_entries',
        'packet=pts,dts,duration,pos,size,flags',
        '-read_intervals',
        intervals,
      ],
      signal,
    ),
    // The decode check decodes the first frame too; the first-frame check runs only when it did not.
    options.verifyDecode === false || checkIntegrity
      ? Promise.resolve(null)
      : verifyFirstFrame(tools.ffmpeg, abs, signal),
    nbFrames !== null && nbFrames > 0
      ? Promise.resolve(nbFrames)
      : countPackets(tools.ffprobe, abs, video.index, signal),
    !checkIntegrity
      ? Promise.resolve(null)
      : checkVideoDecode(
          tools,
          {
            path: abs,
            streamIndex: video.index,
            timeBase: tb,
            width: video.width ?? 0,
            height: video.height ?? 0,
            durationSeconds: streamDuration,
            frameCount: nbFrames,
            startSeconds: streamStart ?? 0,
          },
          signal ? { signal } : {},
        ),
  ]);

  const decodeCheck =
    firstFrame ??
    (options.verifyDecode !== false && checkIntegrity && (integrityCheck?.framesChecked ?? 0) === 0
      ? await verifyFirstFrame(tools.ffmpeg, abs, signal)
      : null);
  if (decodeCheck) {
    if (
      /Decoder \(codec [^)]*\) not found|No decoder|unsupported codec|not supported/i.test(
        decodeCheck.stderr,
      ) &&
      decodeCheck.frames === 0
    ) {
      throw new MediaError(
        'unsupported-codec',
        abs,
        `the video is compressed with ${codec}, which this ffmpeg cannot decode`,
        { detail: stderrTail(decodeCheck.stderr) },
      );
    }
  }
  if (counted === 0) throw new MediaError('zero-frames', abs);
  if (decodeCheck && decodeCheck.frames === 0) {
    if (/partial file|End of file|ended prematurely/i.test(decodeCheck.stderr))
      throw new MediaError('truncated', abs, undefined, { detail: stderrTail(decodeCheck.stderr) });
    throw new MediaError(
      'decode-failed',
      abs,
      `the first frame could not be decoded (${stderrTail(decodeCheck.stderr, 1) || 'no picture came out'})`,
      { detail: stderrTail(decodeCheck.stderr) },
    );
  }

  // Packet timing: presentation order, discarded (edit-list) packets dropped, de-duplicated by position.
  const seen = new Set<string>();
  const packets = (scan.json as { packets?: FfprobePacket[] }).packets ?? [];
  const times: number[] = [];
  const headTimes: number[] = [];
  let maxEnd = -Infinity;
  packets.forEach((p, i) => {
    const key = `${p.pos ?? ''}:${p.pts ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (p.flags?.includes('D')) return;
    const ts = p.pts ?? p.dts;
    if (ts === undefined) return;
    const t = ts * tb;
    times.push(t);
    if (i < scanCount) headTimes.push(t);
    maxEnd = Math.max(maxEnd, t + (p.duration ?? 0) * tb);
  });
  headTimes.sort((a, b) => a - b);
  if (/partial file|ended prematurely/i.test(scan.stderr)) {
    throw new MediaError('truncated', abs, undefined, { detail: stderrTail(scan.stderr) });
  }
  const frameCount = counted;

  const rFps = positive(tryParseRational(video.r_frame_rate));
  const avgFps = positive(tryParseRational(video.avg_frame_rate));
  const deltas: number[] = [];
  for (let i = 1; i < headTimes.length; i++)
    deltas.push((headTimes[i] as number) - (headTimes[i - 1] as number));
  const medianInterval = deltas.length ? median(deltas) : null;
  const ratesDisagree =
    !!rFps &&
    !!avgFps &&
    Math.abs(rFps.num / rFps.den - avgFps.num / avgFps.den) > 1e-3 * (rFps.num / rFps.den);
  const vfr =
    headTimes.length > 2 &&
    (ratesDisagree || deltas.length > 0) &&
    detectVfr(headTimes, rFps ?? avgFps, timeBase);
  const fps = vfr ? (avgFps ?? rFps) : chooseFps(rFps, avgFps, medianInterval);
  if (!fps) throw new MediaError('not-media', abs, 'the video stream has no frame rate');

  const startTime = headTimes.length > 0 ? (headTimes[0] as number) : (streamStart ?? 0);
  const durationSeconds = vfr
    ? (streamDuration ?? frameCount * (fps.den / fps.num))
    : frameCount * (fps.den / fps.num);

  // Truncation: the index promises frames that are not in the file.
  if (tailFrom !== null && streamDuration !== null && times.length > 0) {
    const expectedEnd = (streamStart ?? 0) + streamDuration;
    const slack = Math.max(3 * (fps.den / fps.num), 0.25);
    if (maxEnd < expectedEnd - slack) {
      throw new MediaError(
        'truncated',
        abs,
        `the file is incomplete (cut off after about ${maxEnd.toFixed(2)} s of ${expectedEnd.toFixed(2)} s): the copy, download or render probably did not finish`,
      );
    }
  }

  const integrity = judgeDecodeCheck(abs, integrityCheck, { fps, startTime, frameCount });

  const rotation = readRotation(video);
  const codedWidth = video.width ?? 0;
  const codedHeight = video.height ?? 0;
  if (!codedWidth || !codedHeight)
    throw new MediaError('not-media', abs, 'the video stream has no picture size');
  const swap = rotation === 90 || rotation === 270;
  const tmcd = streams.find((s) => s.codec_tag_string === 'tmcd');
  const pixFmt = video.pix_fmt ?? 'unknown';
  return {
    kind: 'video',
    path: abs,
    sequence: null,
    container: containerName(formatName, abs),
    codec,
    width: swap ? codedHeight : codedWidth,
    height: swap ? codedWidth : codedHeight,
    codedWidth,
    codedHeight,
    pixelAspect: positive(tryParseRational(video.sample_aspect_ratio)) ?? { num: 1, den: 1 },
    rotation,
    fps,
    vfr,
    frameCount,
    durationSeconds,
    startTime,
    startTimecode: readTimecode([tmcd?.tags, video.tags, format.tags], fps),
    reelName: readTag([format.tags, tmcd?.tags, video.tags], ['reel_name', 'reel', 'com.apple.proapps.reel']),
    lens: lensFromTags(
      [format.tags, video.tags],
      swap ? codedHeight : codedWidth,
      swap ? codedWidth : codedHeight,
    ),
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
    pixelFormat: pixFmt,
    colorRange:
      video.color_range && video.color_range !== 'unknown'
        ? video.color_range
        : pixFmt.startsWith('yuvj')
          ? 'pc'
          : 'unknown',
    colorSpace: known(video.color_space),
    colorPrimaries: known(video.color_primaries),
    colorTransfer: known(video.color_transfer),
    bitDepth: bitDepthOf(video.bits_per_raw_sample, pixFmt),
    fileSize,
    integrity,
  };
}

/** Frame numbers as runs: "49–50 (at 2.042 s), 70 (at 2.917 s)", at most `max` runs, then a count. */
function frameRuns(frames: readonly { index: number; time: number }[], max = 5): string {
  const runs: { a: number; b: number; t: number }[] = [];
  for (const f of frames) {
    const last = runs[runs.length - 1];
    if (last && f.index <= last.b + 1) last.b = Math.max(last.b, f.index);
    else runs.push({ a: f.index, b: f.index, t: f.time });
  }
  const shown = runs
    .slice(0, max)
    .map((r) => `${r.a === r.b ? r.a : `${r.a}–${r.b}`} (at ${r.t.toFixed(3)} s)`);
  const rest = runs.slice(max).reduce((n, r) => n + r.b - r.a + 1, 0);
  return shown.join(', ') + (rest > 0 ? `, and ${rest} more` : '');
}

/**
 * Import's verdict on the decode check. Frames that do not come out of the decoder are refused: every
 * later frame would be taken for the one before it, and the shot's frames would not be the file's. Frames
 * that come out with decoding errors (concealed: parts of the picture guessed) are let through with a
 * warning naming each, so a shot with a few damaged frames can still be used (and the damage seen).
 */
function judgeDecodeCheck(
  abs: string,
  check: DecodeCheckResult | null,
  timing: { fps: Rational; startTime: number; frameCount: number },
): MediaIntegrity {
  if (!check || check.coverage === 'none') return { checked: 'none', warnings: [] };
  const rate = timing.fps.num / timing.fps.den;
  const indexOf = (t: number) =>
    check.frameTimes && check.frameTimes.length > 0
      ? nearest(check.frameTimes, t)
      : Math.max(0, Math.round((t - timing.startTime) * rate));
  if (check.missing.length > 0) {
    const frames = check.missing.map((t) => ({ index: indexOf(t), time: t }));
    const n = frames.length;
    // Without a decoder error, nothing says the data is damaged: the decoder just gives fewer pictures than
    // the file has packets (e.g. field-coded or packed video), which Reshoot cannot use frame by frame either.
    throw new MediaError(
      'damaged',
      abs,
      `${n === 1 ? 'frame' : 'frames'} ${frameRuns(frames)} cannot be decoded: ${
        check.detail
          ? `the video data there is damaged (${check.detail})`
          : 'the decoder gives no picture for them, though the file has their data (no error reported: the video may be field-coded or packed in a way Reshoot cannot number frame by frame)'
      }`,
      { detail: check.detail },
    );
  }
  const warnings: string[] = [];
  const byFrame = new Map<number, { time: number; message: string; exact: boolean }>();
  for (const d of check.damaged) {
    const i = indexOf(d.time);
    if (!byFrame.has(i)) byFrame.set(i, d);
  }
  const damaged = [...byFrame.entries()].sort((a, b) => a[0] - b[0]);
  for (const [i, d] of damaged.slice(0, 5)) {
    warnings.push(
      `${d.exact ? 'frame' : 'near frame'} ${i} (at ${d.time.toFixed(3)} s) decodes with errors, parts of its picture may be wrong (${d.message})`,
    );
  }
  if (damaged.length > 5) warnings.push(`and ${damaged.length - 5} more frames decode with errors`);
  return {
    checked: check.coverage === 'all' ? 'frames' : check.coverage,
    warnings,
  };
}

async function verifyFirstFrame(
  ffmpeg: string,
  abs: string,
  signal?: AbortSignal,
): Promise<{ frames: number; stderr: string }> {
  const r = await runTool(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-i',
      abs,
      '-map',
      '0:V:0',
      '-frames:v',
      '1',
      '-f',
      'framecrc',
      'pipe:1',
    ],
    { signal },
  );
  const frames = r.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#')).length;
  return { frames, stderr: r.stderr };
}

async function countPackets(
  ffprobe: string,
  abs: string,
  index: number,
  signal?: AbortSignal,
): Promise<number> {
  const r = await ffprobeJson(
    ffprobe,
    abs,
    ['-count_packets', '-select_streams', String(index), '-show_entries', 'stream=nb_read_packets'],
    signal,
  );
  const n = intOrNull(r.json.streams?.[0]?.nb_read_packets);
  return n ?? 0;
}

async function probeSequence(
  seq: DetectedSequence,
  errorPath: string,
  options: ProbeOptions,
): Promise<MediaFacts> {
  const tools = await findMediaTools();
  const first = path.join(seq.dir, seq.fileNames[0] ?? '');
  // Every frame's header: whole, of one size and layout, within the size limit (or refused, named).
  if (options.checkIntegrity !== false) await checkSequenceFrames(seq, errorPath, options.signal);
  const r = await ffprobeJson(tools.ffprobe, first, ['-show_format', '-show_streams'], options.signal);
  const video = r.json.streams?.find((s) => s.codec_type === 'video');
  if (r.code !== 0 || !video) {
    throw new MediaError(
      'not-media',
      first,
      'the first image of the sequence could not be read as an image',
      { detail: stderrTail(r.stderr) },
    );
  }
  if (!video.codec_name || video.codec_name === 'unknown')
    throw new MediaError('unsupported-codec', first, 'this ffmpeg cannot read these images');
  const fps = reduce(options.sequenceFps ?? DEFAULT_SEQUENCE_FPS);
  const width = video.width ?? 0;
  const height = video.height ?? 0;
  if (!width || !height)
    throw new MediaError('not-media', first, 'the first image of the sequence has no picture size');
  const tooLarge = pictureSizeProblem(width, height);
  if (tooLarge) throw new MediaError('too-large', errorPath, `the image sequence's frames are ${tooLarge}`);
  const { fileSizes, fileNames, ...pattern } = seq;
  void fileNames;
  const pixFmt = video.pix_fmt ?? 'unknown';
  return {
    kind: 'sequence',
    path: first,
    sequence: pattern,
    container: 'image2',
    codec: video.codec_name,
    width,
    height,
    codedWidth: width,
    codedHeight: height,
    pixelAspect: positive(tryParseRational(video.sample_aspect_ratio)) ?? { num: 1, den: 1 },
    rotation: 0,
    fps,
    vfr: false,
    frameCount: seq.count,
    durationSeconds: seq.count * (fps.den / fps.num),
    startTime: 0,
    startTimecode: readTimecode([video.tags, r.json.format?.tags], fps),
    reelName: readTag([r.json.format?.tags, video.tags], ['reel_name', 'reel']),
    lens: lensFromTags([r.json.format?.tags, video.tags], width, height),
    hasAudio: false,
    pixelFormat: pixFmt,
    colorRange: video.color_range && video.color_range !== 'unknown' ? video.color_range : 'pc',
    colorSpace: known(video.color_space),
    colorPrimaries: known(video.color_primaries),
    colorTransfer: known(video.color_transfer),
    bitDepth: bitDepthOf(video.bits_per_raw_sample, pixFmt),
    fileSize: fileSizes.reduce((a, b) => a + b, 0),
    integrity: { checked: options.checkIntegrity === false ? 'none' : 'headers', warnings: [] },
  };
}

function intOrNull(s: string | undefined): number | null {
  if (s === undefined || !/^\d+$/.test(s)) return null;
  return Number(s);
}

function floatOrNull(s: string | undefined): number | null {
  if (s === undefined) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

function positive(r: Rational | null): Rational | null {
  return r && r.num > 0 && r.den > 0 ? r : null;
}

function known(v: string | undefined): string | null {
  return v && v !== 'unknown' && v !== 'reserved' ? v : null;
}

/** Clockwise degrees (0/90/180/270) from the display matrix (counter-clockwise in ffprobe) or the legacy `rotate` tag. */
export function readRotation(video: Pick<FfprobeStream, 'side_data_list' | 'tags'>): number {
  const sd = video.side_data_list?.find((d) => typeof d.rotation === 'number');
  let cw = 0;
  if (sd && typeof sd.rotation === 'number') cw = -sd.rotation;
  else if (video.tags?.rotate !== undefined && Number.isFinite(Number(video.tags.rotate)))
    cw = Number(video.tags.rotate);
  const q = Math.round(cw / 90) * 90;
  return ((q % 360) + 360) % 360;
}

function readTag(sources: (Record<string, string> | undefined)[], keys: string[]): string | null {
  for (const tags of sources) {
    if (!tags) continue;
    for (const [k, v] of Object.entries(tags)) {
      if (keys.includes(k.toLowerCase()) && v.trim()) return v.trim();
    }
  }
  return null;
}

function readTimecode(sources: (Record<string, string> | undefined)[], fps: Rational): string | null {
  const raw = readTag(sources, ['timecode']);
  if (!raw) return null;
  try {
    return normalizeTimecode(raw, fps);
  } catch {
    try {
      parseTimecode(raw);
      return raw;
    } catch {
      return null;
    }
  }
}

/** Bits per component: ffprobe's bits_per_raw_sample, else read from the pixel format name. */
export function bitDepthOf(bitsPerRawSample: string | undefined, pixFmt: string): number {
  const b = intOrNull(bitsPerRawSample);
  if (b && b > 0) return b;
  const m = /(?:p|gray|gbrp|gbrap|y)(\d{1,2})(le|be)?$/.exec(pixFmt);
  if (m && m[1]) return Number(m[1]);
  if (/f32/.test(pixFmt)) return 32;
  if (/f16/.test(pixFmt)) return 16;
  if (/(rgb|bgr)a?64|rgb48|bgr48/.test(pixFmt)) return 16;
  return 8;
}

function containerName(formatName: string, abs: string): string {
  const parts = formatName.split(',').filter(Boolean);
  const ext = path.extname(abs).slice(1).toLowerCase();
  if (parts.includes(ext)) return ext;
  if (ext === 'm4v' && parts.includes('mp4')) return 'mp4';
  return parts[0] ?? 'unknown';
}
