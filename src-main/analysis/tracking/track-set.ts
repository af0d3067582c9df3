/**
 * The tracking result of a shot: N tracks × T frames, track-major (index = track·T + frame). Positions are
 * full-resolution pixels with centres at +0.5; where a track is not visible its position is NaN (never
 * observed) or the last estimate the tracker had (e.g. during a short occlusion), and confidence is 0.
 */
export interface TrackSet {
  width: number;
  height: number;
  numFrames: number;
  numTracks: number;
  /** Interleaved x, y: element 2·(track·T + frame) is x, +1 is y. Length 2·N·T. */
  xy: Float32Array;
  /** 1 where the track is visible in that frame. Length N·T. */
  visible: Uint8Array;
  /** 0…1 per track and frame (0 where not visible). Length N·T. */
  confidence: Float32Array;
}

import {
  StateReader,
  StateWriter,
  TRACKER_STATE_KLT,
  TRACKER_STATE_OBSERVATIONS,
  TRACKER_STATE_XFEAT,
  fieldOffsets,
  snapshotKind,
} from './tracker-state';

/** Observations as a {@link TrackRecorder} holds them, in the order they were recorded. */
export interface Observations {
  /** Track id and frame of each observation. */
  ids: Int32Array;
  frames: Int32Array;
  /** x, y, confidence of each observation (3 per observation). */
  vals: Float32Array;
  /** Highest track id and frame the recorder has seen (also before these observations; −1: none). */
  maxId: number;
  maxFrame: number;
}

export function emptyTrackSet(width: number, height: number, numFrames: number, numTracks: number): TrackSet {
  const n = numFrames * numTracks;
  return {
    width,
    height,
    numFrames,
    numTracks,
    xy: new Float32Array(2 * n).fill(NaN),
    visible: new Uint8Array(n),
    confidence: new Float32Array(n),
  };
}

/**
 * Collects per-frame observations (track id, x, y, confidence) as they are produced, in flat growable
 * typed arrays, and lays them out as a dense {@link TrackSet} at the end.
 */
export class TrackRecorder {
  private ids = new Int32Array(4096);
  private frames = new Int32Array(4096);
  private vals = new Float32Array(3 * 4096);
  private n = 0;
  private maxId = -1;
  private maxFrame = -1;

  record(frame: number, id: number, x: number, y: number, confidence: number): void {
    if (this.n === this.ids.length) this.grow();
    const i = this.n++;
    this.ids[i] = id;
    this.frames[i] = frame;
    this.vals[3 * i] = x;
    this.vals[3 * i + 1] = y;
    this.vals[3 * i + 2] = confidence;
    if (id > this.maxId) this.maxId = id;
    if (frame > this.maxFrame) this.maxFrame = frame;
  }

  get observations(): number {
    return this.n;
  }

  /** What was recorded, in order (views of the recorder's arrays: valid until it records again). */
  recorded(): Observations {
    return {
      ids: this.ids.subarray(0, this.n),
      frames: this.frames.subarray(0, this.n),
      vals: this.vals.subarray(0, 3 * this.n),
      maxId: this.maxId,
      maxFrame: this.maxFrame,
    };
  }

  /** Records `o` after what is here, as if each of its observations had been recorded in turn. */
  append(o: Observations): void {
    const k = o.ids.length;
    if (o.frames.length !== k || o.vals.length !== 3 * k)
      throw new RangeError('Observations: arrays do not match their count');
    while (this.ids.length < this.n + k) this.grow();
    this.ids.set(o.ids, this.n);
    this.frames.set(o.frames, this.n);
    this.vals.set(o.vals, 3 * this.n);
    this.n += k;
    let maxId = Math.max(this.maxId, o.maxId);
    let maxFrame = Math.max(this.maxFrame, o.maxFrame);
    for (let i = 0; i < k; i++) {
      if ((o.ids[i] as number) > maxId) maxId = o.ids[i] as number;
      if ((o.frames[i] as number) > maxFrame) maxFrame = o.frames[i] as number;
    }
    this.maxId = maxId;
    this.maxFrame = maxFrame;
  }

  /** Forgets the observations; the highest track id and frame seen are kept. */
  clear(): void {
    this.n = 0;
  }

  /** Writes the observations so far (exact) into a tracker snapshot. */
  writeState(w: StateWriter): void {
    w.num(this.n);
    w.num(this.maxId);
    w.num(this.maxFrame);
    w.array(this.ids.subarray(0, this.n));
    w.array(this.frames.subarray(0, this.n));
    w.array(this.vals.subarray(0, 3 * this.n));
  }

  /** Replaces this recorder's contents with what {@link writeState} wrote. */
  readState(r: StateReader): void {
    const n = r.num();
    this.maxId = r.num();
    this.maxFrame = r.num();
    const ids = r.i32();
    const frames = r.i32();
    const vals = r.f32();
    if (ids.length !== n || frames.length !== n || vals.length !== 3 * n)
      throw new Error('Tracker state: recorder arrays do not match their count');
    const cap = Math.max(4096, n);
    this.ids = new Int32Array(cap);
    this.frames = new Int32Array(cap);
    this.vals = new Float32Array(3 * cap);
    this.ids.set(ids);
    this.frames.set(frames);
    this.vals.set(vals);
    this.n = n;
  }

  private grow(): void {
    const cap = this.ids.length * 2;
    const ids = new Int32Array(cap);
    ids.set(this.ids);
    this.ids = ids;
    const frames = new Int32Array(cap);
    frames.set(this.frames);
    this.frames = frames;
    const vals = new Float32Array(3 * cap);
    vals.set(this.vals);
    this.vals = vals;
  }

  /** Dense result; track ids become row numbers (ids are assigned 0, 1, 2, … by the trackers). */
  build(width: number, height: number, numFrames = this.maxFrame + 1): TrackSet {
    const set = emptyTrackSet(width, height, numFrames, this.maxId + 1);
    const T = numFrames;
    for (let i = 0; i < this.n; i++) {
      const f = this.frames[i] as number;
      if (f >= T) continue;
      const k = (this.ids[i] as number) * T + f;
      set.xy[2 * k] = this.vals[3 * i] as number;
      set.xy[2 * k + 1] = this.vals[3 * i + 1] as number;
      set.visible[k] = 1;
      set.confidence[k] = this.vals[3 * i + 2] as number;
    }
    return set;
  }
}

/**
 * Frames [start, end) of a track set, all tracks kept (row k is still track id k), copied. For a
 * resumable job that writes partial results per chunk: `concatTrackSets(slice(a, 0, k), slice(a, k, T))`
 * equals `a`.
 */
export function sliceTrackSet(set: TrackSet, start: number, end = set.numFrames): TrackSet {
  const T = set.numFrames;
  const s = Math.max(0, Math.min(T, Math.floor(start)));
  const e = Math.max(s, Math.min(T, Math.floor(end)));
  const t = e - s;
  const out = emptyTrackSet(set.width, set.height, t, set.numTracks);
  for (let k = 0; k < set.numTracks; k++) {
    out.xy.set(set.xy.subarray(2 * (k * T + s), 2 * (k * T + e)), 2 * k * t);
    out.visible.set(set.visible.subarray(k * T + s, k * T + e), k * t);
    out.confidence.set(set.confidence.subarray(k * T + s, k * T + e), k * t);
  }
  return out;
}

/**
 * Joins track sets of consecutive frame ranges of one shot (same width and height) along time. Track k of
 * every part is track k of the result; parts with fewer tracks (tracks born later) are padded with
 * NaN positions, visibility 0 and confidence 0.
 */
export function concatTrackSets(parts: readonly TrackSet[]): TrackSet {
  const first = parts[0];
  if (!first) throw new RangeError('concatTrackSets needs at least one part');
  let T = 0;
  let N = 0;
  for (const p of parts) {
    if (p.width !== first.width || p.height !== first.height)
      throw new RangeError(
        `Track sets of ${p.width}×${p.height} and ${first.width}×${first.height} do not join`,
      );
    T += p.numFrames;
    N = Math.max(N, p.numTracks);
  }
  const out = emptyTrackSet(first.width, first.height, T, N);
  let f0 = 0;
  for (const p of parts) {
    const t = p.numFrames;
    for (let k = 0; k < p.numTracks; k++) {
      out.xy.set(p.xy.subarray(2 * k * t, 2 * (k + 1) * t), 2 * (k * T + f0));
      out.visible.set(p.visible.subarray(k * t, (k + 1) * t), k * T + f0);
      out.confidence.set(p.confidence.subarray(k * t, (k + 1) * t), k * T + f0);
    }
    f0 += t;
  }
  return out;
}

// ---- Chunked tracking: a tracker's own state and its observations kept apart ----

/** A TrackRecorder writes this many fields, and a tracker's snapshot ends with them (klt-tracker.ts, xfeat). */
const RECORDER_FIELDS = 6;

/**
 * Splits a tracker snapshot (KLT or XFeat) into the tracker's own state and the observations it recorded.
 * `state` is the same snapshot with an empty recorder (its highest track id and frame kept): restoring
 * it continues tracking exactly like the whole snapshot, but its size does not grow with the frames
 * tracked. A "Track shot" job stores the observations of each chunk on their own and joins them at the
 * end ({@link assembleTrackSet}). Relies on the trackers writing their recorder last; the recorder's
 * field types are checked, so a tracker that stops doing so fails here rather than silently.
 */
export function splitTrackerSnapshot(bytes: Uint8Array): { state: Uint8Array; observations: Observations } {
  const kind = snapshotKind(bytes);
  if (kind !== TRACKER_STATE_KLT && kind !== TRACKER_STATE_XFEAT)
    throw new Error(`Tracker state is of kind ${kind}, not a tracker's`);
  const offsets = fieldOffsets(bytes);
  const at = offsets[offsets.length - 1 - RECORDER_FIELDS];
  if (at === undefined) throw new Error('Tracker state snapshot has no recorded observations');
  const recorder = new TrackRecorder();
  const r = new StateReader(bytes, kind, at);
  recorder.readState(r);
  r.end();
  const observations = recorder.recorded();
  recorder.clear();
  const w = new StateWriter(bytes.subarray(0, at));
  recorder.writeState(w);
  return { state: w.finish(kind), observations };
}

/** The observations of frames [first, end) of a shot, as one chunk of a "Track shot" job stores them. */
export interface ChunkObservations extends Observations {
  first: number;
  end: number;
}

/**
 * A chunk's observations as bytes: the tracker-state container (magic, version, CRC; kind
 * {@link TRACKER_STATE_OBSERVATIONS}) holding first and end frame, then the recorder's fields. About
 * 20 bytes per observation.
 */
export function encodeChunkObservations(part: ChunkObservations): Uint8Array {
  const w = new StateWriter();
  w.num(part.first);
  w.num(part.end);
  w.num(part.ids.length);
  w.num(part.maxId);
  w.num(part.maxFrame);
  w.array(part.ids);
  w.array(part.frames);
  w.array(part.vals);
  return w.finish(TRACKER_STATE_OBSERVATIONS);
}

export function decodeChunkObservations(bytes: Uint8Array): ChunkObservations {
  const r = new StateReader(bytes, TRACKER_STATE_OBSERVATIONS);
  const first = r.num();
  const end = r.num();
  const n = r.num();
  const maxId = r.num();
  const maxFrame = r.num();
  const ids = r.i32();
  const frames = r.i32();
  const vals = r.f32();
  r.end();
  if (ids.length !== n || frames.length !== n || vals.length !== 3 * n)
    throw new Error('Track observations: arrays do not match their count');
  for (let i = 0; i < n; i++) {
    const f = frames[i] as number;
    if (f < first || f >= end || (ids[i] as number) < 0)
      throw new Error(`Track observations of frames ${first}…${end - 1} hold one of frame ${f}`);
  }
  return { first, end, ids, frames, vals, maxId, maxFrame };
}

/**
 * The dense track set of frames 0…numFrames−1 from the observations of consecutive chunks, in order:
 * bit-identical to what one tracker recording all of them would build. Throws when the chunks leave a
 * gap or overlap (e.g. a chunk's observations are missing from the cache).
 */
export function assembleTrackSet(
  width: number,
  height: number,
  numFrames: number,
  parts: readonly ChunkObservations[],
): TrackSet {
  const all = new TrackRecorder();
  let next = 0;
  for (const p of parts) {
    if (p.first !== next) {
      throw new Error(
        p.first > next
          ? `the tracks of frames ${next}…${p.first - 1} are missing`
          : `the tracks of frames ${p.first}…${next - 1} are there twice`,
      );
    }
    all.append(p);
    next = p.end;
  }
  if (next !== numFrames) throw new Error(`the tracks of frames ${next}…${numFrames - 1} are missing`);
  return all.build(width, height, numFrames);
}
