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
