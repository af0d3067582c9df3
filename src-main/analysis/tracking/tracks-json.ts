/**
 * The interchange form `reshoot export tracks` writes:
 * `{"width","height","num_frames","num_tracks","x":[…],"y":[…],"visible":[…]}` — x, y and visible each
 * num_tracks × num_frames values, track-major, full-resolution pixels with centres at +0.5. Where a track
 * is not visible, x and y carry the tracker's last estimate, or 0 when it never had one (JSON has no NaN).
 */
import type { TrackSet } from './track-set';

export interface TracksJson {
  width: number;
  height: number;
  num_frames: number;
  num_tracks: number;
  x: number[];
  y: number[];
  visible: number[];
}

/** Rounds to 1/1000 px: far below tracking accuracy, keeps the file small. */
const round3 = (v: number) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : 0);

export function toTracksJson(s: TrackSet): TracksJson {
  const nt = s.numFrames * s.numTracks;
  const x = new Array<number>(nt);
  const y = new Array<number>(nt);
  const visible = new Array<number>(nt);
  for (let i = 0; i < nt; i++) {
    x[i] = round3(s.xy[2 * i] as number);
    y[i] = round3(s.xy[2 * i + 1] as number);
    visible[i] = s.visible[i] ? 1 : 0;
  }
  return {
    width: s.width,
    height: s.height,
    num_frames: s.numFrames,
    num_tracks: s.numTracks,
    x,
    y,
    visible,
  };
}

/** Serialises with exactly the documented keys, in that order. */
export function stringifyTracksJson(s: TrackSet): string {
  return JSON.stringify(toTracksJson(s));
}
