/**
 * Which frame did the decoder hand us? A damaged video or sequence can make ffmpeg skip frames without
 * failing (it logs the error and goes on), and then every later frame would be taken for the one before
 * it. Every decode therefore runs ffmpeg's `showinfo` filter right after the frame-accurate cut, which
 * logs each frame's timestamp on stderr, and {@link FrameOrder} checks the timestamps are those of
 * frames start, start+1, … in turn; a gap becomes a {@link MediaError} naming the frames skipped.
 */
import { MediaError } from './errors';
import { sequenceFrameName } from './sequence';
import type { MediaFacts } from './types';

/** The filter to put right after the cut (checksums off: they would cost a pass over every pixel). */
export const SHOWINFO_FILTER = 'showinfo=checksum=0';

/** Log options for a decode checked with showinfo: info level (showinfo's), each line tagged with it. */
export const CHECKED_LOG_ARGS = ['-loglevel', 'repeat+level+info', '-nostats'];

const FRAME_LINE =
  /Parsed_showinfo_\d+ @ [^\]]*\] (?:\[info\] )?n:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:(\S+)/;
const TIME_BASE_LINE = /Parsed_showinfo_\d+ @ [^\]]*\] (?:\[info\] )?config in time_base: (\d+)\/(\d+)/;
const PROBLEM_LINE = /\[(error|fatal)\]|concealing \d+ DC/;

/** Incremental reader of a showinfo-checked ffmpeg's stderr. */
export class ShowinfoLog {
  /** Presentation time (seconds, the input's own timestamps) of each frame that passed showinfo. */
  readonly times: number[] = [];
  /** Error lines (and the decoder's "concealing … errors" notes), in order; at most 200 kept. */
  readonly problems: string[] = [];
  /** For each problem, how many frames had passed showinfo before it was logged. */
  private readonly problemFrames: number[] = [];
  private partial = '';
  private timeBase: number | null = null;

  push(text: string): void {
    const lines = (this.partial + text).split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }

  private line(line: string): void {
    const f = FRAME_LINE.exec(line);
    if (f) {
      const pts = Number(f[2]);
      this.times.push(this.timeBase !== null ? pts * this.timeBase : Number(f[3]));
      return;
    }
    const tb = TIME_BASE_LINE.exec(line);
    if (tb) {
      const den = Number(tb[2]);
      if (den > 0) this.timeBase = Number(tb[1]) / den;
      return;
    }
    if (PROBLEM_LINE.test(line) && this.problems.length < 200) {
      this.problems.push(cleanLogLine(line));
      this.problemFrames.push(this.times.length);
    }
  }

  /** Each problem with the number of frames out before it. */
  placedProblems(): { framesBefore: number; message: string }[] {
    return this.problems.map((message, i) => ({ framesBefore: this.problemFrames[i] as number, message }));
  }

  /** The last few different problem lines, for error details. */
  detail(lines = 3): string {
    const out: string[] = [];
    for (let i = this.problems.length - 1; i >= 0 && out.length < lines; i--) {
      const p = this.problems[i] as string;
      if (!out.includes(p)) out.unshift(p);
    }
    return out.join(' | ');
  }
}

/** "[h264 @ 0x55d…] [error] error while decoding MB 0 2" → "h264: error while decoding MB 0 2". */
export function cleanLogLine(line: string): string {
  const m = /^\[([^\]@]+?) @ [^\]]*\]\s*(?:\[\w+\]\s*)?(.*)$/.exec(line.trim());
  // "NULL" is the context name of ffmpeg's bitstream parser: no need to show it.
  if (m) return m[1]!.trim() === 'NULL' ? m[2]!.trim() : `${m[1]!.trim()}: ${m[2]!.trim()}`;
  return line
    .trim()
    .replace(/^\[\w+\]\s*/, '')
    .trim();
}

/** "frame 12" / "frames 12–14", with the time of the first (and for a sequence the files). */
export function describeFrames(facts: MediaFacts, first: number, last: number): string {
  const frames = first === last ? `frame ${first}` : `frames ${first}–${last}`;
  if (facts.kind === 'sequence' && facts.sequence) {
    const s = facts.sequence;
    const a = sequenceFrameName(s, s.startNumber + first);
    return first === last
      ? `${frames} (${a})`
      : `${frames} (${a} … ${sequenceFrameName(s, s.startNumber + last)})`;
  }
  const t = facts.startTime + (first * facts.fps.den) / facts.fps.num;
  return `${frames} (at ${t.toFixed(3)} s)`;
}

/**
 * Follows the frames of one decode of frames start… and checks each is the next one. For a sequence the
 * image2 demuxer numbers frames from 0 at `start`; for a video (decoded with `-copyts`) the timestamp is
 * the file's own: at a constant rate the frame is (t − startTime)·fps, and when that does not fit (a
 * variable rate, or an irregular timestamp) it is looked up in the file's frame timestamps.
 */
export class FrameOrder {
  private expected: number;
  private byTimestamps: boolean;

  constructor(
    private readonly facts: MediaFacts,
    private readonly start: number,
    /** The file's frame timestamps, ascending (decode.ts: frameTimestamps). */
    private readonly timestamps: () => Promise<number[]>,
  ) {
    this.expected = start;
    this.byTimestamps = facts.kind === 'video' && facts.vfr;
  }

  /** The frame the next decoded frame must be. */
  get next(): number {
    return this.expected;
  }

  /** Accepts the next decoded frame's time; throws a MediaError when frames were skipped or repeated. */
  async accept(t: number, detail = ''): Promise<void> {
    const f = this.facts;
    const rate = f.fps.num / f.fps.den;
    let index: number;
    if (f.kind === 'sequence') {
      index = this.start + Math.round(t * rate);
    } else {
      index = this.byTimestamps ? -1 : Math.round((t - f.startTime) * rate);
      if (index !== this.expected) {
        index = nearest(await this.timestamps(), t);
        this.byTimestamps = true;
      }
    }
    if (index > this.expected) {
      throw new MediaError(
        'damaged',
        f.path,
        `${describeFrames(f, this.expected, index - 1)} could not be decoded: the decoder skipped ${
          index - this.expected === 1 ? 'it' : 'them'
        }, the ${f.kind === 'sequence' ? 'image' : 'video data'} there is damaged${detail ? ` (${detail.slice(0, 300)})` : ''}`,
        { detail },
      );
    }
    if (index < this.expected) {
      throw new MediaError(
        'damaged',
        f.path,
        `the decoder gave frame ${index} again where frame ${this.expected} was due (at ${t.toFixed(6)} s): the file's timestamps are damaged`,
        { detail },
      );
    }
    this.expected++;
  }
}

/** Index of the timestamp nearest `t` in an ascending list. */
export function nearest(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs((times[lo - 1] as number) - t) <= Math.abs((times[lo] as number) - t)) return lo - 1;
  return lo;
}
