/**
 * Proxies: H.264 (yuv420p, libx264 veryfast, CRF 23) at most `maxWidth` wide, made in segments so that a
 * job can resume after a crash from its finished segments, then joined without re-encoding.
 *
 * Each segment holds exactly `count` frames, every GOP closed and without B-frames (no edit-list delay, so
 * segments butt-join exactly), timestamps starting at 0 with frame k of the
 * segment at k·den/num (the shot's rate, constant even for VFR sources: proxy frame i is source frame i).
 * The concat demuxer then lays segments end to end, so proxy frame i is shot frame i.
 */
import { writeFile, rm } from 'node:fs/promises';
import { frameTimestamps, outputSize, planInput } from './decode';
import { MediaError } from './errors';
import { abortError, runTool, stderrTail } from './exec';
import { concatInputArgs, concatListText } from './concat-list';
import { CHECKED_LOG_ARGS, FrameOrder, SHOWINFO_FILTER, ShowinfoLog, describeFrames } from './frame-check';
import { tempPathFor, withAtomicOutput } from '../util/atomic-write';
import { ProgressParser, toJobProgress, type JobProgress } from './progress';
import { findMediaTools } from './tools';
import type { MediaFacts } from './types';

export interface ProxySegmentOptions {
  start: number;
  count: number;
  outPath: string;
  maxWidth?: number;
  crf?: number;
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
}

export function proxySize(
  facts: Pick<MediaFacts, 'width' | 'height'>,
  maxWidth = 960,
): { width: number; height: number } {
  const w = Math.min(maxWidth, facts.width);
  return outputSize(facts, w, undefined, true);
}

export async function encodeProxySegment(
  facts: MediaFacts,
  options: ProxySegmentOptions,
): Promise<{ frames: number; width: number; height: number }> {
  const { start, count, signal } = options;
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
  if (signal?.aborted) throw abortError(signal);
  const tools = await findMediaTools();
  const plan = await planInput(facts, start);
  const size = proxySize(facts, options.maxWidth ?? 960);
  const { num, den } = facts.fps;
  const filters = [
    ...plan.filters,
    SHOWINFO_FILTER,
    `scale=${size.width}:${size.height}:flags=bicubic`,
    `setpts=N*${den}/(${num}*TB)`,
    'format=yuv420p',
  ];
  const gop = Math.max(1, Math.round(num / den));
  const parser = new ProgressParser();
  const log = new ShowinfoLog();
  let framesWritten: number | null = null;
  return withAtomicOutput(options.outPath, async (tmp) => {
    const r = await runTool(
      tools.ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        ...CHECKED_LOG_ARGS,
        '-progress',
        'pipe:1',
        ...plan.input,
        '-map',
        '0:V:0',
        '-an',
        '-sn',
        '-dn',
        '-vf',
        filters.join(','),
        '-fps_mode',
        'cfr',
        '-r',
        `${num}/${den}`,
        '-frames:v',
        String(count),
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-crf',
        String(options.crf ?? 23),
        '-pix_fmt',
        'yuv420p',
        '-g',
        String(gop),
        '-bf',
        '0',
        '-flags',
        '+cgop',
        '-x264-params',
        'open-gop=0',
        '-video_track_timescale',
        String(num),
        '-avoid_negative_ts',
        'make_zero',
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
        tmp,
      ],
      {
        signal,
        onStdout: (c) => {
          for (const p of parser.push(c.toString('utf8'))) {
            framesWritten = p.frame;
            // Progress says "done" only once the frames are known to be all there (below).
            if (!p.end) options.onProgress?.(toJobProgress(p, count));
          }
        },
        onStderr: (c) => log.push(c),
      },
    );
    log.end();
    const range = `the proxy of frames ${start}…${start + count - 1}`;
    if (r.code !== 0)
      throw new MediaError('decode-failed', facts.path, `${range} could not be made`, {
        detail: log.detail() || stderrTail(r.stderr),
      });
    // Every frame of the range, in order, and no other: a damaged source can make the decoder skip
    // frames (the segment would then hold later frames in their place, or end short).
    const order = new FrameOrder(facts, start, () => frameTimestamps(facts));
    try {
      for (const t of log.times.slice(0, count)) await order.accept(t, log.detail());
    } catch (e) {
      if (e instanceof MediaError)
        throw new MediaError(e.code, facts.path, `${range}: ${reasonOf(e)}`, { detail: e.detail ?? '' });
      throw e;
    }
    const written = framesWritten ?? 0;
    if (written < count || (log.times.length > 0 && log.times.length < count)) {
      const got = Math.min(written, log.times.length > 0 ? log.times.length : written);
      throw new MediaError(
        'damaged',
        facts.path,
        `${range} came out with ${got} of ${count} frames: ${describeFrames(facts, start + got, start + count - 1)} could not be decoded${log.detail() ? ` (${log.detail()})` : ''}`,
        { detail: log.detail() },
      );
    }
    options.onProgress?.(
      toJobProgress({ frame: count, fps: 0, outTimeSeconds: null, speed: null, end: true }, count),
    );
    return { frames: count, ...size };
  });
}

/** A MediaError's reason, without the "Cannot use "<path>": " in front and the full stop after. */
function reasonOf(e: MediaError): string {
  const prefix = `Cannot use "${e.path}": `;
  const m = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  return m.replace(/\.$/, '');
}

async function videoDuration(ffprobe: string, file: string, signal?: AbortSignal): Promise<number> {
  const r = await runTool(
    ffprobe,
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=duration_ts,time_base',
      '-of',
      'json',
      file,
    ],
    { signal },
  );
  const s = (
    JSON.parse(r.stdout.toString('utf8') || '{}') as {
      streams?: { duration_ts?: number; time_base?: string }[];
    }
  ).streams?.[0];
  const tb = s?.time_base?.split('/').map(Number);
  if (r.code !== 0 || !s || s.duration_ts === undefined || !tb || tb.length !== 2 || !tb[0] || !tb[1]) {
    throw new MediaError('decode-failed', file, 'this proxy segment is unreadable (it may be incomplete)', {
      detail: stderrTail(r.stderr),
    });
  }
  return (s.duration_ts * tb[0]) / tb[1];
}

/** Frames of an mp4's video track as its index gives them (no decoding); null when unreadable. */
async function countVideoFrames(ffprobe: string, file: string, signal?: AbortSignal): Promise<number | null> {
  const r = await runTool(
    ffprobe,
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=nb_frames', '-of', 'csv=p=0', file],
    { signal },
  );
  const n = Number(r.stdout.toString('utf8').trim());
  return r.code === 0 && Number.isInteger(n) ? n : null;
}

/** Joins finished segments (in order) into one proxy without re-encoding; atomic. */
export async function concatProxySegments(
  segmentPaths: readonly string[],
  outPath: string,
  options: {
    signal?: AbortSignal;
    /** Frames the joined proxy must hold (checked before it is kept). */ expectedFrames?: number;
  } = {},
): Promise<void> {
  if (segmentPaths.length === 0) throw new RangeError('No proxy segments to join');
  const tools = await findMediaTools();
  // The segment list is a temp file beside the proxy: removed below, or swept with the other leftovers of
  // a killed process when the project is next opened (never left in the system's temp folder).
  const list = tempPathFor(`${outPath}.segments.txt`);
  try {
    // The exact video duration of each segment goes into the list: otherwise the concat demuxer uses the
    // container duration (millisecond precision in mp4) and frames drift off the shot's frame grid.
    const durations = await Promise.all(
      segmentPaths.map((p) => videoDuration(tools.ffprobe, p, options.signal)),
    );
    const body = concatListText(segmentPaths.map((file, i) => ({ file, duration: durations[i] as number })));
    await writeFile(list, body, 'utf8');
    await withAtomicOutput(outPath, async (tmp) => {
      const r = await runTool(
        tools.ffmpeg,
        [
          '-hide_banner',
          '-nostdin',
          '-v',
          'error',
          ...concatInputArgs(list),
          '-map',
          '0:v:0',
          '-c',
          'copy',
          '-movflags',
          '+faststart',
          '-f',
          'mp4',
          tmp,
        ],
        { signal: options.signal },
      );
      if (r.code !== 0)
        throw new MediaError('decode-failed', outPath, 'the proxy segments could not be joined', {
          detail: stderrTail(r.stderr),
        });
      if (options.expectedFrames !== undefined) {
        const n = await countVideoFrames(tools.ffprobe, tmp, options.signal);
        if (n !== options.expectedFrames)
          throw new MediaError(
            'damaged',
            outPath,
            `the joined proxy holds ${n ?? 'an unknown number of'} frames, the shot has ${options.expectedFrames}`,
          );
      }
    });
  } finally {
    await rm(list, { force: true });
  }
}
