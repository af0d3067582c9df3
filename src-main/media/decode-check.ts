/**
 * The decode check of a video at import: ffmpeg decodes the picture stream to the null muxer (a child
 * process, bounded in time) with `showinfo` logging each frame's timestamp, while ffprobe lists the
 * stream's packets (no decoding). A packet whose frame never comes out is a frame **missing**; an error
 * the decoder reports while the frame still comes out (concealed) is a **damaged** frame.
 *
 * Short videos are decoded whole. Longer ones (over {@link FULL_CHECK_PIXELS} decoded pixels) are
 * checked in {@link SAMPLE_SPANS} spans spread from the first frame to the last, together about that
 * many pixels. The whole check stops after {@link decodeCheckTimeLimit}: 5 s plus twice the time
 * checked (scaled up for pictures above 2 megapixels), at most 60 s; what was decoded by then is judged.
 *
 * Errors are located exactly by decoding again, one thread (decode order = log order) with ffmpeg's
 * `-debug_ts` packet lines, the spans that had any; where that is not possible (time, or an ffmpeg whose
 * log reads differently) they are placed at the next frame that came out.
 */
import { abortError, runTool } from './exec';
import { CHECKED_LOG_ARGS, SHOWINFO_FILTER, ShowinfoLog, cleanLogLine } from './frame-check';

/** Decoded pixels up to which a video is checked whole (2^31: e.g. 1000 frames of 1080p). */
export const FULL_CHECK_PIXELS = 2 ** 31;
/** Spans a longer video is sampled in (the first and last included). */
export const SAMPLE_SPANS = 8;
/** The decode check never runs longer than this. */
export const DECODE_CHECK_HARD_CAP_MS = 60_000;

export interface DecodeCheckInput {
  path: string;
  /** The picture stream's index in the file. */
  streamIndex: number;
  /** The stream's time base (seconds per tick). */
  timeBase: number;
  width: number;
  height: number;
  /** From the container (before any scan); null when it does not say. */
  durationSeconds: number | null;
  frameCount: number | null;
  /** The stream's start, seconds. */
  startSeconds: number;
}

export interface DecodeCheckOptions {
  signal?: AbortSignal;
  /** Overrides {@link FULL_CHECK_PIXELS} (tests). */
  fullCheckPixels?: number;
  /** Overrides {@link decodeCheckTimeLimit} (tests). */
  timeLimitMs?: number;
}

export interface DamagedFrame {
  /** Presentation time of the frame, seconds (the file's own timestamps). */
  time: number;
  /** What the decoder said, e.g. "h264: concealing 85 DC, 85 AC, 85 MV errors in B frame". */
  message: string;
  /** False when it could only be placed near the frame (see the module comment). */
  exact: boolean;
}

export interface DecodeCheckResult {
  /** all: every frame decoded; sampled: spans; partial: the time limit stopped it; none: could not run. */
  coverage: 'all' | 'sampled' | 'partial' | 'none';
  framesChecked: number;
  /** Times (s) of frames in the file's index that did not come out of the decoder, ascending. */
  missing: number[];
  damaged: DamagedFrame[];
  /** coverage 'all': the time of every frame in presentation order (frame i is frameTimes[i]). */
  frameTimes: number[] | null;
  /** The last error lines, for details. */
  detail: string;
}

/** The time limit for checking `seconds` of video of `pixels` per frame. */
export function decodeCheckTimeLimit(seconds: number, pixels: number): number {
  const scale = Math.max(1, pixels / 2_000_000);
  return Math.ceil(Math.min(DECODE_CHECK_HARD_CAP_MS, 5000 + 2 * seconds * 1000 * scale));
}

interface Span {
  /** Seek target (seconds, file time); null = from the start, no seek. */
  from: number | null;
  /** Length in seconds; null = to the end. */
  length: number | null;
}

/** Which spans to decode: the whole video, or SAMPLE_SPANS spread over it. */
export function planDecodeCheck(
  input: Pick<DecodeCheckInput, 'width' | 'height' | 'durationSeconds' | 'frameCount' | 'startSeconds'>,
  fullCheckPixels = FULL_CHECK_PIXELS,
): { spans: Span[]; seconds: number } {
  const pixels = Math.max(1, input.width * input.height);
  const duration = input.durationSeconds ?? null;
  const frames = input.frameCount ?? (duration !== null ? Math.ceil(duration * 30) : null);
  if (frames === null || duration === null || duration <= 0 || frames * pixels <= fullCheckPixels) {
    return { spans: [{ from: null, length: null }], seconds: duration ?? 0 };
  }
  const fps = frames / duration;
  const budgetSeconds = fullCheckPixels / pixels / fps;
  const length = Math.max(2, budgetSeconds / SAMPLE_SPANS);
  if (length * SAMPLE_SPANS >= duration) return { spans: [{ from: null, length: null }], seconds: duration };
  const step = (duration - length) / (SAMPLE_SPANS - 1);
  const spans: Span[] = [{ from: null, length }];
  for (let k = 1; k < SAMPLE_SPANS; k++) spans.push({ from: input.startSeconds + k * step, length });
  return { spans, seconds: length * SAMPLE_SPANS };
}

interface SpanResult {
  expected: number[];
  decoded: number[];
  problems: { at: number; message: string }[];
  timedOut: boolean;
  /** The judged window, seconds: [from, to). */
  from: number;
  to: number;
}

const DEMUX_LINE = /demuxer\+ffmpeg -> ist_index:(\d+)\S* type:video pkt_pts:(-?\d+|NOPTS)/;

/** Runs ffmpeg/ffprobe until the deadline; on the deadline resolves with what came out so far. */
async function runUntil(
  binary: string,
  args: string[],
  deadline: AbortSignal,
  signal: AbortSignal | undefined,
  onStdout: ((c: Buffer) => void) | undefined,
  onStderr: ((c: string) => void) | undefined,
): Promise<{ code: number | null; timedOut: boolean }> {
  const both = signal ? AbortSignal.any([deadline, signal]) : deadline;
  try {
    const r = await runTool(binary, args, {
      signal: both,
      onStdout: onStdout ?? (() => undefined),
      onStderr,
    });
    return { code: r.code, timedOut: false };
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    if (deadline.aborted) return { code: null, timedOut: true };
    throw e;
  }
}

function seekArgs(span: Span): string[] {
  const a: string[] = [];
  if (span.from !== null) a.push('-seek_timestamp', '1', '-ss', span.from.toFixed(6));
  if (span.length !== null) a.push('-t', span.length.toFixed(6));
  return a;
}

async function checkSpan(
  tools: { ffmpeg: string; ffprobe: string },
  input: DecodeCheckInput,
  span: Span,
  deadline: AbortSignal,
  signal: AbortSignal | undefined,
): Promise<SpanResult> {
  const tb = input.timeBase;
  // The packets: what the file says is there (discarded edit-list packets are no frames).
  let csv = '';
  const probeArgs = [
    '-v',
    'error',
    '-select_streams',
    String(input.streamIndex),
    '-show_entries',
    'packet=pts,dts,flags',
    '-of',
    'csv=p=0',
  ];
  if (span.from !== null || span.length !== null) {
    const from = span.from ?? input.startSeconds;
    probeArgs.push(
      '-read_intervals',
      `${from.toFixed(6)}%${span.length !== null ? `+${span.length.toFixed(6)}` : ''}`,
    );
  }
  probeArgs.push(input.path);
  const log = new ShowinfoLog();
  const decodeArgs = [
    '-hide_banner',
    '-nostdin',
    ...CHECKED_LOG_ARGS,
    // Deblocking changes no frame's fate and is a fifth of an H.264 decode: skipped here.
    '-skip_loop_filter',
    'all',
    '-copyts',
    ...seekArgs(span),
    '-i',
    input.path,
    '-map',
    `0:${input.streamIndex}`,
    '-an',
    '-sn',
    '-dn',
    '-vf',
    SHOWINFO_FILTER,
    '-fps_mode',
    'passthrough',
    '-f',
    'null',
    '-',
  ];
  const [probe, decode] = await Promise.all([
    runUntil(tools.ffprobe, probeArgs, deadline, signal, (c) => (csv += c.toString('latin1')), undefined),
    runUntil(tools.ffmpeg, decodeArgs, deadline, signal, undefined, (c) => log.push(c)),
  ]);
  log.end();
  const expected: number[] = [];
  for (const line of csv.split('\n')) {
    const [pts, dts, flags] = line.trim().split(',');
    if (flags === undefined || flags.includes('D')) continue;
    const ts = pts && pts !== 'N/A' ? Number(pts) : dts && dts !== 'N/A' ? Number(dts) : NaN;
    if (Number.isFinite(ts)) expected.push(ts * tb);
  }
  expected.sort((a, b) => a - b);
  const decoded = log.times;
  const from = span.from ?? -Infinity;
  const margin = 0.5;
  let to = span.length !== null ? (span.from ?? input.startSeconds) + span.length - margin : Infinity;
  const timedOut = probe.timedOut || decode.timedOut;
  if (timedOut) to = Math.min(to, decoded.length ? (decoded[decoded.length - 1] as number) : -Infinity);
  if (probe.timedOut)
    to = Math.min(to, expected.length ? (expected[expected.length - 1] as number) : -Infinity);
  // Problems, placed at the next frame that came out (a first guess; see locateProblems).
  const problems: { at: number; message: string }[] = [];
  for (const p of log.placedProblems()) {
    const at = decoded[Math.min(p.framesBefore, decoded.length - 1)];
    if (at !== undefined) problems.push({ at, message: p.message });
  }
  return { expected, decoded, problems, timedOut, from, to };
}

/** Decodes a span again on one thread with ffmpeg's packet log, and places each problem at its packet. */
async function locateProblems(
  ffmpeg: string,
  input: DecodeCheckInput,
  span: Span,
  deadline: AbortSignal,
  signal: AbortSignal | undefined,
): Promise<{ at: number; message: string }[] | null> {
  let partial = '';
  let current: number | null = null;
  const found: { at: number; message: string }[] = [];
  let sawPacket = false;
  const line = (l: string) => {
    const d = DEMUX_LINE.exec(l);
    if (d) {
      if (Number(d[1]) === input.streamIndex && d[2] !== 'NOPTS') {
        current = Number(d[2]) * input.timeBase;
        sawPacket = true;
      }
      return;
    }
    if (/\[(error|fatal)\]|concealing \d+ DC/.test(l) && current !== null && found.length < 1000)
      found.push({ at: current, message: cleanLogLine(l) });
  };
  const r = await runUntil(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      ...CHECKED_LOG_ARGS,
      '-debug_ts',
      '-threads',
      '1',
      '-skip_loop_filter',
      'all',
      '-copyts',
      ...seekArgs(span),
      '-i',
      input.path,
      '-map',
      `0:${input.streamIndex}`,
      '-an',
      '-sn',
      '-dn',
      '-fps_mode',
      'passthrough',
      '-f',
      'null',
      '-',
    ],
    deadline,
    signal,
    undefined,
    (c) => {
      const lines = (partial + c).split(/\r?\n/);
      partial = lines.pop() ?? '';
      lines.forEach(line);
    },
  );
  if (partial) line(partial);
  if (r.timedOut || !sawPacket) return null;
  return found;
}

/** Runs the decode check (see the module comment). Never throws for damage: it reports it. */
export async function checkVideoDecode(
  tools: { ffmpeg: string; ffprobe: string },
  input: DecodeCheckInput,
  options: DecodeCheckOptions = {},
): Promise<DecodeCheckResult> {
  const { signal } = options;
  const plan = planDecodeCheck(input, options.fullCheckPixels);
  const limit = options.timeLimitMs ?? decodeCheckTimeLimit(plan.seconds, input.width * input.height);
  const deadline = AbortSignal.timeout(Math.max(1, Math.ceil(limit)));
  const missing: number[] = [];
  const damaged: DamagedFrame[] = [];
  const details: string[] = [];
  let framesChecked = 0;
  let timedOut = false;
  let anyFrames = false;
  let frameTimes: number[] | null = null;
  for (const span of plan.spans) {
    if (deadline.aborted) {
      timedOut = true;
      break;
    }
    const r = await checkSpan(tools, input, span, deadline, signal);
    timedOut ||= r.timedOut;
    if (r.decoded.length > 0) anyFrames = true;
    const inWindow = (t: number) => t >= r.from - 1e-6 && t < r.to;
    const expected = r.expected.filter(inWindow);
    const decodedKeys = new Set(r.decoded.map(key));
    const absent = expected.filter((t) => !decodedKeys.has(key(t)));
    const decodedInWindow = r.decoded.filter(inWindow).length;
    // Frames out that are in no packet: the timestamps differ in form, not frames gone; count instead.
    if (absent.length > 0 && decodedInWindow < expected.length) missing.push(...absent);
    framesChecked += Math.min(decodedInWindow, expected.length);
    if (span.from === null && span.length === null && !r.timedOut) frameTimes = r.expected;
    let problems = r.problems;
    let exact = false;
    if (problems.length > 0 && !deadline.aborted) {
      const located = await locateProblems(tools.ffmpeg, input, span, deadline, signal);
      if (located) {
        problems = located;
        exact = true;
      }
    }
    const missingKeys = new Set(absent.map(key));
    const seen = new Set<number>();
    for (const p of problems) {
      if (!inWindow(p.at) || missingKeys.has(key(p.at)) || seen.has(key(p.at))) continue;
      seen.add(key(p.at));
      damaged.push({ time: p.at, message: p.message, exact });
    }
    details.push(...r.problems.map((p) => p.message));
  }
  if (!anyFrames && missing.length === 0) {
    return { coverage: 'none', framesChecked: 0, missing, damaged, frameTimes: null, detail: '' };
  }
  missing.sort((a, b) => a - b);
  damaged.sort((a, b) => a.time - b.time);
  const unique = [...new Set(details)].slice(-3);
  return {
    coverage: timedOut ? 'partial' : plan.spans.length > 1 ? 'sampled' : 'all',
    framesChecked,
    missing,
    damaged,
    frameTimes: timedOut ? null : frameTimes,
    detail: unique.join(' | '),
  };
}

/** Timestamps compared to the microsecond. */
function key(t: number): number {
  return Math.round(t * 1e6);
}
