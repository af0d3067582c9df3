/**
 * Read-only view of a {@link TrackSet} for the solver: usable observations (visible and finite), track
 * lengths, per-frame track lists (CSR), and correspondences between two frames in normalised coordinates.
 */
import type { TrackSet } from '../tracking';

export class TrackView {
  readonly T: number;
  readonly N: number;
  readonly length: Int32Array;
  /** First and last frame each track is seen in (−1 when never). */
  readonly first: Int32Array;
  readonly last: Int32Array;
  /** CSR of usable tracks per frame. */
  readonly frameStart: Int32Array;
  readonly frameTracks: Int32Array;
  constructor(
    readonly set: TrackSet,
    minLength: number,
    maxTracks = Infinity,
  ) {
    const T = (this.T = set.numFrames);
    const N = (this.N = set.numTracks);
    this.length = new Int32Array(N);
    this.first = new Int32Array(N).fill(-1);
    this.last = new Int32Array(N).fill(-1);
    for (let k = 0; k < N; k++) {
      let n = 0;
      for (let f = 0; f < T; f++)
        if (this.rawVisible(k, f)) {
          n++;
          if (this.first[k]! < 0) this.first[k] = f;
          this.last[k] = f;
        }
      this.length[k] = n;
    }
    // keep the longest tracks when there are too many (ties keep the earlier id)
    let longEnough = 0;
    for (let k = 0; k < N; k++) if (this.length[k]! >= minLength) longEnough++;
    if (longEnough > maxTracks) {
      const order = Array.from({ length: N }, (_, k) => k).sort(
        (a, b) => this.length[b]! - this.length[a]! || a - b,
      );
      for (let i = maxTracks; i < N; i++) this.length[order[i]!] = 0;
    }
    const counts = new Int32Array(T + 1);
    for (let k = 0; k < N; k++) {
      if (this.length[k]! < minLength) continue;
      for (let f = 0; f < T; f++) if (this.rawVisible(k, f)) counts[f + 1] = counts[f + 1]! + 1;
    }
    for (let f = 0; f < T; f++) counts[f + 1] = counts[f + 1]! + counts[f]!;
    this.frameStart = counts;
    this.frameTracks = new Int32Array(counts[T]!);
    const fill = counts.slice(0, T);
    for (let k = 0; k < N; k++) {
      if (this.length[k]! < minLength) continue;
      for (let f = 0; f < T; f++) if (this.rawVisible(k, f)) this.frameTracks[fill[f]!++] = k;
    }
  }

  private rawVisible(k: number, f: number): boolean {
    const i = k * this.T + f;
    if (!this.set.visible[i]) return false;
    const x = this.set.xy[2 * i]!;
    const y = this.set.xy[2 * i + 1]!;
    return Number.isFinite(x) && Number.isFinite(y);
  }

  /** Usable observation of track k at frame f (visible, finite, track long enough). */
  has(k: number, f: number): boolean {
    return this.length[k]! > 0 && this.rawVisible(k, f);
  }
  x(k: number, f: number): number {
    return this.set.xy[2 * (k * this.T + f)]!;
  }
  y(k: number, f: number): number {
    return this.set.xy[2 * (k * this.T + f) + 1]!;
  }
  tracksIn(f: number): Int32Array {
    return this.frameTracks.subarray(this.frameStart[f]!, this.frameStart[f + 1]!);
  }
  countIn(f: number): number {
    return this.frameStart[f + 1]! - this.frameStart[f]!;
  }

  /** Tracks seen in both frames (excluding `skip[k] ≠ 0`), normalised by (cx, cy, f). */
  pair(
    a: number,
    b: number,
    cx: number,
    cy: number,
    f: number,
    skip?: Uint8Array,
  ): { ids: Int32Array; x1: Float64Array; x2: Float64Array } {
    const ids: number[] = [];
    for (const k of this.tracksIn(a)) if (this.has(k, b) && !(skip && skip[k])) ids.push(k);
    const n = ids.length;
    const x1 = new Float64Array(2 * n);
    const x2 = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const k = ids[i]!;
      x1[2 * i] = (this.x(k, a) - cx) / f;
      x1[2 * i + 1] = (this.y(k, a) - cy) / f;
      x2[2 * i] = (this.x(k, b) - cx) / f;
      x2[2 * i + 1] = (this.y(k, b) - cy) / f;
    }
    return { ids: Int32Array.from(ids), x1, x2 };
  }
}
