/**
 * ffmpeg's concat demuxer, as Reshoot uses it to join movie segments without re-encoding: the list file's
 * text and the input arguments that read it. Each segment carries its exact duration: otherwise the
 * demuxer takes the container's (rounded, e.g. to milliseconds in mp4) and frames drift off the shot's
 * frame grid.
 */
import path from 'node:path';

export interface ConcatEntry {
  file: string;
  /** Seconds. */
  duration: number;
}

/** The list file: absolute paths quoted as the demuxer's syntax wants (a `'` written as `'\''`). */
export function concatListText(entries: readonly ConcatEntry[]): string {
  return (
    entries
      .map((e) => `file '${path.resolve(e.file).replace(/'/g, "'\\''")}'\nduration ${e.duration.toFixed(9)}`)
      .join('\n') + '\n'
  );
}

/** The input arguments that read the list file `list` (absolute paths allowed). */
export function concatInputArgs(list: string): string[] {
  return ['-f', 'concat', '-safe', '0', '-i', list];
}
