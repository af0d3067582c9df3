/**
 * Background motion of tracks on the static-camera clips 12, 13, 14 (first 60 frames).
 *
 * What counts as background is decided without looking at the tracks' motion (selecting by drift would
 * measure the tracker on the tracks it already tracked well): each clip has hand-drawn boxes, in fractions
 * of the frame, around everything that really moves in its first 60 frames — the woman and the dog (and
 * the leash) in 12, the camel in 13, the woman, the cup and both robot arms in 14 — drawn generously from
 * frames 0, 30 and 59. A track is background when none of its observed positions comes within the
 * tracking window (8 px at 640 wide) of a box. Swaying foliage, heat haze and compression noise stay in:
 * they are part of the static background a camera solver sees.
 *
 * Two figures per background track alive ≥ 10 frames, in the clip's full-resolution pixels:
 * - per-frame motion: median of its frame-to-frame displacements;
 * - drift: distance between its first and last observed positions (up to 59 frames apart) — a static
 *   camera's tracks must not wander.
 * The clip figure is the median over background tracks of each. The old selection (tracks whose drift is
 * at most the 75th percentile of all tracks) is printed for comparison only.
 */
import type { TrackSet } from '../../../src-main/analysis/tracking';

export const STATIC_CLIPS = [
  '12_dog_courtyard_static_cam.mp4',
  '13_camel_static_cam.mp4',
  '14_robot_egocentric_hevc_480p.mp4',
] as const;

/** Moving-subject boxes [x0, y0, x1, y1] as fractions of width and height, frames 0–59. */
export const MOVING_BOXES: Record<string, [number, number, number, number][]> = {
  '12_dog_courtyard_static_cam.mp4': [
    [0.14, 0.08, 0.38, 0.8], // woman (she bends, then stands up)
    [0.31, 0.5, 0.99, 0.86], // dog running right, leash on the ground
  ],
  '13_camel_static_cam.mp4': [[0.25, 0.1, 0.82, 1]],
  '14_robot_egocentric_hevc_480p.mp4': [
    [0.3, 0, 0.63, 0.62], // woman, reaching out
    [0, 0.46, 1, 1], // cup, gloves, both robot arms
  ],
};

export interface StaticMotion {
  perFrame: number;
  drift: number;
  /** Background tracks alive ≥ 10 frames. */
  tracks: number;
  /** All tracks alive ≥ 10 frames, and the old percentile-selected drift (comparison only). */
  allTracks: number;
  driftAll: number;
  driftP75Selected: number;
  /**
   * Length of the per-axis median drift vector of background tracks: when it is close to `drift`, the
   * background moved together (the camera itself moved), rather than tracks wandering independently.
   */
  common: number;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? (s[s.length >> 1] as number) : NaN;
}

export function staticMotion(clip: string, set: TrackSet, scale: number, margin = 8): StaticMotion {
  const T = set.numFrames;
  const boxes = (MOVING_BOXES[clip] ?? []).map(([x0, y0, x1, y1]) => [
    x0 * set.width - margin,
    y0 * set.height - margin,
    x1 * set.width + margin,
    y1 * set.height + margin,
  ]);
  const drift: number[] = [];
  const dxs: number[] = [];
  const dys: number[] = [];
  const perFrame: number[] = [];
  const bg: boolean[] = [];
  for (let k = 0; k < set.numTracks; k++) {
    let first = -1;
    let last = -1;
    let inBox = false;
    const steps: number[] = [];
    for (let f = 0; f < T; f++) {
      if (!set.visible[k * T + f]) continue;
      const x = set.xy[2 * (k * T + f)] as number;
      const y = set.xy[2 * (k * T + f) + 1] as number;
      for (const b of boxes)
        if (x >= (b[0] as number) && y >= (b[1] as number) && x <= (b[2] as number) && y <= (b[3] as number))
          inBox = true;
      if (last >= 0 && last === f - 1) {
        const a = 2 * (k * T + last);
        steps.push(scale * Math.hypot(x - (set.xy[a] as number), y - (set.xy[a + 1] as number)));
      }
      if (first < 0) first = f;
      last = f;
    }
    if (steps.length < 9) continue;
    const a = 2 * (k * T + first);
    const b = 2 * (k * T + last);
    drift.push(
      scale *
        Math.hypot(
          (set.xy[b] as number) - (set.xy[a] as number),
          (set.xy[b + 1] as number) - (set.xy[a + 1] as number),
        ),
    );
    dxs.push(scale * ((set.xy[b] as number) - (set.xy[a] as number)));
    dys.push(scale * ((set.xy[b + 1] as number) - (set.xy[a + 1] as number)));
    perFrame.push(median(steps));
    bg.push(!inBox);
  }
  const sel = drift.map((_, i) => i).filter((i) => bg[i]);
  const order = drift.map((_, i) => i).sort((i, j) => (drift[i] as number) - (drift[j] as number));
  const p75 = order.slice(0, Math.floor(0.75 * order.length) + 1);
  return {
    perFrame: median(sel.map((i) => perFrame[i] as number)),
    drift: median(sel.map((i) => drift[i] as number)),
    tracks: sel.length,
    allTracks: drift.length,
    driftAll: median(drift),
    driftP75Selected: median(p75.map((i) => drift[i] as number)),
    common: Math.hypot(median(sel.map((i) => dxs[i] as number)), median(sel.map((i) => dys[i] as number))),
  };
}

export function formatStatic(method: string, clip: string, w: number, h: number, m: StaticMotion): string {
  return `${method} ${clip}: background per-frame motion ${m.perFrame.toFixed(3)} px, 60-frame drift ${m.drift.toFixed(3)} px (common motion ${m.common.toFixed(3)} px; ${m.tracks} background tracks ≥10 frames of ${m.allTracks}; all tracks ${m.driftAll.toFixed(3)} px; old p75 selection ${m.driftP75Selected.toFixed(3)} px) in ${w}×${h} px`;
}
