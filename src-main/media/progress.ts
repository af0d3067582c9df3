/**
 * Parses ffmpeg's `-progress pipe:1` output: blocks of `key=value` lines, each ending with
 * `progress=continue` or `progress=end`. Pure; feed it text in any chunking.
 */
export interface FfmpegProgress {
  /** Frames written so far. */
  frame: number;
  /** Encoding speed in frames per second (0 when unknown). */
  fps: number;
  /** Output time written so far, seconds (null when ffmpeg reports N/A). */
  outTimeSeconds: number | null;
  /** Speed relative to real time (e.g. 2.5 for "2.5x"); null when unknown. */
  speed: number | null;
  /** True for the last block (`progress=end`). */
  end: boolean;
}

/** Parses one complete block's lines. */
export function parseProgressBlock(lines: readonly string[]): FfmpegProgress {
  const kv = new Map<string, string>();
  for (const line of lines) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const num = (k: string): number | null => {
    const v = kv.get(k);
    if (v === undefined || v === 'N/A' || v === '') return null;
    const n = Number.parseFloat(v);
    return Number.isFinite(n) ? n : null;
  };
  const us = num('out_time_us') ?? num('out_time_ms'); // out_time_ms is (mis-named) microseconds too
  return {
    frame: Math.max(0, Math.trunc(num('frame') ?? 0)),
    fps: num('fps') ?? 0,
    outTimeSeconds: us !== null && us >= 0 ? us / 1e6 : null,
    speed: num('speed'),
    end: kv.get('progress') === 'end',
  };
}

/** Incremental parser: push text chunks, get one update per completed block. */
export class ProgressParser {
  private partial = '';
  private lines: string[] = [];

  push(text: string): FfmpegProgress[] {
    const out: FfmpegProgress[] = [];
    const all = this.partial + text;
    const parts = all.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.trim()) continue;
      this.lines.push(line);
      if (line.startsWith('progress=')) {
        out.push(parseProgressBlock(this.lines));
        this.lines = [];
      }
    }
    return out;
  }
}

export interface JobProgress {
  framesDone: number;
  totalFrames: number;
  /** 0…1 */
  fraction: number;
  /** Frames per second being processed. */
  fps: number;
  /** Seconds left at the current speed; null when unknown. */
  etaSeconds: number | null;
  done: boolean;
}

/** Converts an ffmpeg progress block into a job's progress for a known frame total. */
export function toJobProgress(p: FfmpegProgress, totalFrames: number): JobProgress {
  const framesDone = p.end ? totalFrames : Math.min(p.frame, totalFrames);
  const fraction = totalFrames > 0 ? framesDone / totalFrames : 1;
  const etaSeconds = p.end ? 0 : p.fps > 0 ? (totalFrames - framesDone) / p.fps : null;
  return { framesDone, totalFrames, fraction, fps: p.fps, etaSeconds, done: p.end };
}
