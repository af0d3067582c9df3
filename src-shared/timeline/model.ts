/**
 * The delivery timeline: rendered plates on one track and, on a second, the source shots they were made
 * from, each placed by source timecode. Pure: the three writers (OTIO, FCPXML, CMX3600 EDL) turn this
 * model into text, and src-main/deliver reads a project into its input.
 *
 * Placement (docs/delivery-timelines.md): the timeline starts at the earliest source timecode of its
 * events. When no two events overlap in source timecode, each sits at its own source timecode (gaps
 * between them stay empty). Otherwise — e.g. two target paths of the same shot — every event follows
 * the previous one back to back, in shot order, then path, then version, from that same start.
 *
 * Frame numbers are absolute timecode frames (frame 0 = 00:00:00:00) at the timeline's rate; ranges are
 * half-open [in, out), as in OTIO and in an EDL's out points.
 */
import { reduce, type Rational } from '../rational';
import { frameToTimecode, isDropFrame, nominalRate, supportsDropFrame, timecodeToFrame } from '../timecode';

/** Where a clip's pictures are: one movie file, or a numbered image sequence. */
export type TimelineMedia =
  | { kind: 'file'; path: string }
  | {
      kind: 'sequence';
      /** The folder holding the frames. */
      folder: string;
      /** `frame_` in `frame_0001.png`. */
      prefix: string;
      /** `.png` in `frame_0001.png`. */
      suffix: string;
      /** The number in the name of the sequence's first file. */
      firstNumber: number;
      /** Digits in the number (4 in `frame_0001.png`). */
      padding: number;
    };

/** A rendered plate of a shot: one version of one target path's render. */
export interface PlateInput {
  /** The target path's name. */
  path: string;
  version: number;
  /** Shot frames (0 = the shot's first frame) the render covers, inclusive. */
  firstFrame: number;
  lastFrame: number;
  /** Its pictures: the render's frame sequence, or a delivered plate file. */
  media: TimelineMedia;
}

/** A shot as the timeline needs it. */
export interface ShotInput {
  id: number;
  name: string;
  /** The reel (tape) name as stored; null = none known (the media file's name stands in). */
  reel: string | null;
  fps: Rational;
  /** The shot's first frame's timecode; null = none (00:00:00:00). */
  startTimecode: string | null;
  frameCount: number;
  width: number;
  height: number;
  /** The source media. */
  media: TimelineMedia;
  /** Its rendered plates, in the order they should appear; empty = the source alone. */
  plates: PlateInput[];
}

export interface TimelineInput {
  name: string;
  shots: ShotInput[];
}

/** One clip on one track. */
export interface TimelineClip {
  name: string;
  media: TimelineMedia;
  /** The media's own range, absolute timecode frames (what its first and last frames are labelled). */
  available: { start: number; duration: number };
}

/** One shot-and-plate slot: the plate on track 1 (or nothing), the source on track 2, same range. */
export interface TimelineEvent {
  shotId: number;
  shotName: string;
  /** The reel name in full (the shot's reel, else its media file's name without extension). */
  reel: string;
  /** The target path and render version, or null when the shot has no plate here. */
  plate: (TimelineClip & { path: string; version: number }) | null;
  source: TimelineClip;
  /** Source timecode frames of the event, [in, out). */
  sourceIn: number;
  sourceOut: number;
  /** Timeline (record) frames, [in, out). */
  recordIn: number;
  recordOut: number;
}

export interface Timeline {
  name: string;
  fps: Rational;
  dropFrame: boolean;
  width: number;
  height: number;
  /** Record frame where the timeline starts (its first event's record in). */
  start: number;
  /** Record frame after the last event. */
  end: number;
  /** How events were placed: at their source timecode, or back to back (some overlapped). */
  placement: 'source-timecode' | 'back-to-back';
  events: TimelineEvent[];
}

export class TimelineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimelineError';
  }
}

const sameRate = (a: Rational, b: Rational): boolean => a.num * b.den === b.num * a.den;

/** The file name of a path without folders or extension: the reel name of a shot that has none. */
export function fileStem(path: string): string {
  const base = path.split(/[\\/]/).filter(Boolean).pop() ?? path;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

function mediaName(media: TimelineMedia): string {
  if (media.kind === 'file') return media.path.split(/[\\/]/).filter(Boolean).pop() ?? media.path;
  const folder = media.folder.split(/[\\/]/).filter(Boolean).pop() ?? media.folder;
  return `${folder}/${media.prefix}${'#'.repeat(media.padding)}${media.suffix}`;
}

/** The file name of an image sequence's frame number `n`. */
export function sequenceFileName(media: Extract<TimelineMedia, { kind: 'sequence' }>, n: number): string {
  return `${media.prefix}${String(n).padStart(media.padding, '0')}${media.suffix}`;
}

function checkShot(s: ShotInput): void {
  const where = `shot ${s.id} '${s.name}'`;
  if (
    !Number.isSafeInteger(s.fps.num) ||
    !Number.isSafeInteger(s.fps.den) ||
    s.fps.num <= 0 ||
    s.fps.den <= 0
  )
    throw new TimelineError(`${where}: frame rate ${s.fps.num}/${s.fps.den} is not a positive rational`);
  if (!Number.isSafeInteger(s.frameCount) || s.frameCount < 1)
    throw new TimelineError(`${where}: frame count ${s.frameCount} is not a positive whole number`);
  for (const p of s.plates) {
    if (!Number.isSafeInteger(p.firstFrame) || !Number.isSafeInteger(p.lastFrame))
      throw new TimelineError(`${where}, path '${p.path}' v${p.version}: frame range is not whole numbers`);
    if (p.firstFrame < 0 || p.lastFrame < p.firstFrame || p.lastFrame >= s.frameCount) {
      throw new TimelineError(
        `${where}, path '${p.path}' v${p.version}: frames ${p.firstFrame}–${p.lastFrame} are outside the shot's 0–${s.frameCount - 1}`,
      );
    }
  }
}

/**
 * Builds the timeline of some shots. All shots must share one frame rate and one timecode mode
 * (drop-frame or not): an EDL has one of each, and mixing them would misplace shots. Throws a
 * {@link TimelineError} naming the shot otherwise.
 */
export function buildTimeline(input: TimelineInput): Timeline {
  const first = input.shots[0];
  if (!first) throw new TimelineError('No shots to place on a timeline');
  for (const s of input.shots) checkShot(s);
  const fps = reduce(first.fps);
  const dropFrame = first.startTimecode !== null && isDropFrame(first.startTimecode);
  for (const s of input.shots) {
    if (!sameRate(s.fps, fps)) {
      throw new TimelineError(
        `shot ${s.id} '${s.name}' runs at ${s.fps.num}/${s.fps.den} fps but the timeline at ${fps.num}/${fps.den} (from shot ${first.id} '${first.name}'); export shots of each rate separately (--shots)`,
      );
    }
    const df = s.startTimecode !== null && isDropFrame(s.startTimecode);
    if (df !== dropFrame && s.startTimecode !== null) {
      throw new TimelineError(
        `shot ${s.id} '${s.name}' has ${df ? 'drop-frame' : 'non-drop-frame'} timecode ${s.startTimecode} but the timeline is ${dropFrame ? 'drop-frame' : 'non-drop-frame'}; export them separately (--shots)`,
      );
    }
  }
  if (dropFrame && !supportsDropFrame(fps))
    throw new TimelineError(`Drop-frame timecode does not exist at ${fps.num}/${fps.den} fps`);

  type Slot = Omit<TimelineEvent, 'recordIn' | 'recordOut'>;
  const slots: Slot[] = [];
  for (const s of input.shots) {
    let start: number;
    try {
      start = s.startTimecode === null ? 0 : timecodeToFrame(s.startTimecode, fps);
    } catch (e) {
      throw new TimelineError(`shot ${s.id} '${s.name}': ${(e as Error).message}`);
    }
    const reel = (s.reel ?? '').trim() || fileStem(s.media.kind === 'file' ? s.media.path : s.media.folder);
    const sourceClip: TimelineClip = {
      name: s.name,
      media: s.media,
      available: { start, duration: s.frameCount },
    };
    if (s.plates.length === 0) {
      slots.push({
        shotId: s.id,
        shotName: s.name,
        reel,
        plate: null,
        source: sourceClip,
        sourceIn: start,
        sourceOut: start + s.frameCount,
      });
      continue;
    }
    for (const p of s.plates) {
      slots.push({
        shotId: s.id,
        shotName: s.name,
        reel,
        plate: {
          name: `${s.name} ${p.path} v${String(p.version).padStart(3, '0')}`,
          media: p.media,
          path: p.path,
          version: p.version,
          available: { start: start + p.firstFrame, duration: p.lastFrame - p.firstFrame + 1 },
        },
        source: sourceClip,
        sourceIn: start + p.firstFrame,
        sourceOut: start + p.lastFrame + 1,
      });
    }
  }

  const byTimecode = [...slots].sort((a, b) => a.sourceIn - b.sourceIn);
  const overlaps = byTimecode.some((s, i) => i > 0 && s.sourceIn < byTimecode[i - 1]!.sourceOut);
  const start = byTimecode[0]!.sourceIn;
  let events: TimelineEvent[];
  if (!overlaps) {
    events = byTimecode.map((s) => ({ ...s, recordIn: s.sourceIn, recordOut: s.sourceOut }));
  } else {
    let at = start;
    events = slots.map((s) => {
      const e = { ...s, recordIn: at, recordOut: at + (s.sourceOut - s.sourceIn) };
      at = e.recordOut;
      return e;
    });
  }
  // Timecode wraps at 24:00:00:00; an event running past it would be written with its out before its in.
  const lastFrame = String(nominalRate(fps) - 1).padStart(2, '0');
  const day = timecodeToFrame(`23:59:59${dropFrame ? ';' : ':'}${lastFrame}`, fps) + 1;
  for (const e of events) {
    if (e.sourceOut >= day || e.recordOut >= day) {
      throw new TimelineError(
        `shot ${e.shotId} '${e.shotName}' would run past 24:00:00:00 on the timeline (timecode wraps there); place it in a timeline of its own or retime its timecode`,
      );
    }
  }
  return {
    name: input.name,
    fps,
    dropFrame,
    width: first.width,
    height: first.height,
    start,
    end: events[events.length - 1]!.recordOut,
    placement: overlaps ? 'back-to-back' : 'source-timecode',
    events,
  };
}

/** A short description of each event, for a preview before writing (record in, reel, plate or source). */
export function describeTimeline(t: Timeline): string[] {
  const tc = (f: number) => frameToTimecode(f, t.fps, t.dropFrame);
  return t.events.map(
    (e) =>
      `${tc(e.recordIn)}–${tc(e.recordOut)}  ${e.reel}  ${e.plate ? e.plate.name : `${e.shotName} (source only, no render)`}  ← ${mediaName(e.plate?.media ?? e.source.media)}`,
  );
}
