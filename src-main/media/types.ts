/** What Reshoot knows about a piece of source media after probing it. Shared by store, jobs and API. */
import type { Rational } from '../../src-shared/rational';

export type { Rational };

export type MediaKind = 'video' | 'sequence';

/** How an image sequence on disk is named: `dir/prefix` + zero-padded number + `suffix`. */
export interface SequencePattern {
  dir: string;
  prefix: string;
  suffix: string;
  /** Digits in the frame number; 0 when the numbers are not padded (name.1.png … name.120.png). */
  padding: number;
  startNumber: number;
  count: number;
  /** printf-style pattern ffmpeg's image2 demuxer accepts, e.g. `/abs/plate.%04d.exr`. */
  ffmpegPattern: string;
}

/** A lens: focal length and the width of the sensor (film back) it covers, in mm. */
export interface LensFacts {
  focalMm: number;
  sensorWidthMm: number;
  /** Where it came from, for the user (e.g. the metadata key and value). */
  source: string;
}

export interface MediaFacts {
  kind: MediaKind;
  /** Absolute path: the file, or for a sequence its first frame's file. */
  path: string;
  sequence: SequencePattern | null;
  container: string;
  codec: string;
  /** Displayed size, after rotation metadata is applied (what decoded frames have). */
  width: number;
  height: number;
  /** Coded size, before rotation. */
  codedWidth: number;
  codedHeight: number;
  pixelAspect: Rational;
  /** Clockwise degrees the player must rotate the coded picture: 0, 90, 180 or 270. */
  rotation: number;
  fps: Rational;
  /** True when frame durations vary (variable frame rate): frame index ↔ time is then by timestamps. */
  vfr: boolean;
  frameCount: number;
  durationSeconds: number;
  /** Timestamp of the first video frame in seconds (streams may not start at 0). */
  startTime: number;
  /** SMPTE start timecode, `HH:MM:SS:FF` or `HH:MM:SS;FF` for drop-frame; null when the media has none. */
  startTimecode: string | null;
  reelName: string | null;
  hasAudio: boolean;
  pixelFormat: string;
  /** e.g. 'tv' | 'pc' | 'unknown'. */
  colorRange: string;
  colorSpace: string | null;
  colorPrimaries: string | null;
  colorTransfer: string | null;
  bitDepth: number;
  fileSize: number;
  /** The lens from the media's metadata; null or absent (projects from before it was read) = unknown. */
  lens?: LensFacts | null;
  /** What import checked of the picture data, and the damage it let through; absent in older projects. */
  integrity?: MediaIntegrity;
}

/** The result of import's media check (docs/media.md, "What import checks"). */
export interface MediaIntegrity {
  /**
   * frames: every frame of the video decoded; sampled: spans spread over a long video decoded;
   * partial: the time limit stopped the decode; headers: every frame's header read (sequences);
   * none: not checked.
   */
  checked: 'frames' | 'sampled' | 'partial' | 'headers' | 'none';
  /** Damage import let through — frames that decode with errors — each naming the frame and time. */
  warnings: string[];
}
