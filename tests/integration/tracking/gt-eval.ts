/**
 * Accuracy of a tracker on a ../shared/gt shot. Every track born at a frame b with b + 24 inside the shot
 * is checked against the true track of its birth position (tests/helpers/gt-tracks): it counts when the
 * point is truly visible in all frames b…b+24 (a tracker cannot be blamed for dropping a point that gets
 * occluded; re-identified tracks are still counted if they are visible at b+24) and when its birth
 * position has defined depth (not sky, not on a depth edge). Reported: median / p75 / p90 endpoint error
 * at b+24 of the tracks visible there, and survival = those / all counted.
 */
import { probeMedia } from '../../../src-main/media';
import {
  grayFrames,
  lumaFrames,
  KltTracker,
  XFeatTracker,
  type TrackSet,
} from '../../../src-main/analysis/tracking';
import { gtFramePath, loadGtShot, trueTracks, type GtShot } from '../../helpers/gt-tracks';
import type { XFeatRunner } from '../../../src-main/analysis/tracking';

export const GT_ROOT = '../shared/gt';
export const HORIZON = 24;

export interface GtFigures {
  shot: string;
  method: string;
  tracks: number;
  counted: number;
  survived: number;
  survival: number;
  median: number;
  p75: number;
  p90: number;
  msPerFrame: number;
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number) : NaN;
}

export function evaluateTrackSet(
  shot: GtShot,
  set: TrackSet,
  horizon = HORIZON,
): Omit<GtFigures, 'shot' | 'method' | 'msPerFrame'> {
  const T = set.numFrames;
  const errs: number[] = [];
  let counted = 0;
  for (let b = 0; b + horizon < T; b++) {
    const xs: number[] = [];
    const ys: number[] = [];
    const ks: number[] = [];
    for (let k = 0; k < set.numTracks; k++) {
      const row = k * T;
      let birth = -1;
      for (let f = 0; f < T; f++)
        if (set.visible[row + f]) {
          birth = f;
          break;
        }
      if (birth !== b) continue;
      xs.push(set.xy[2 * (row + b)] as number);
      ys.push(set.xy[2 * (row + b) + 1] as number);
      ks.push(k);
    }
    if (!xs.length) continue;
    const truth = Array.from({ length: horizon + 1 }, (_, t) => trueTracks(shot, b, xs, ys, b + t));
    ks.forEach((k, i) => {
      if (!truth.every((g) => g.visible[i])) return;
      counted++;
      const at = k * T + b + horizon;
      if (!set.visible[at]) return;
      const end = truth[horizon] as ReturnType<typeof trueTracks>;
      errs.push(
        Math.hypot(
          (set.xy[2 * at] as number) - (end.x[i] as number),
          (set.xy[2 * at + 1] as number) - (end.y[i] as number),
        ),
      );
    });
  }
  errs.sort((a, b) => a - b);
  return {
    tracks: set.numTracks,
    counted,
    survived: errs.length,
    survival: counted ? errs.length / counted : 0,
    median: pct(errs, 0.5),
    p75: pct(errs, 0.75),
    p90: pct(errs, 0.9),
  };
}

export async function trackGtShot(
  name: string,
  method: 'klt' | 'xfeat',
  runner?: XFeatRunner,
  options: Record<string, unknown> = {},
): Promise<GtFigures> {
  const shot = loadGtShot(`${GT_ROOT}/${name}`);
  const facts = await probeMedia(gtFramePath(shot, 0));
  const t0 = performance.now();
  let set: TrackSet;
  if (method === 'klt') {
    const trk = new KltTracker(facts.width, facts.height, options);
    for await (const f of grayFrames(facts)) trk.push(f.image);
    set = trk.result();
  } else {
    if (!runner) throw new Error('xfeat needs a runner');
    const trk = new XFeatTracker(facts.width, facts.height, runner, options);
    for await (const f of lumaFrames(facts)) await trk.push(f.luma);
    set = trk.result();
  }
  const ms = performance.now() - t0;
  return { shot: name, method, ...evaluateTrackSet(shot, set), msPerFrame: ms / set.numFrames };
}

export function formatFigures(f: GtFigures): string {
  return `${f.method} ${f.shot}: median ${f.median.toFixed(3)} px, p75 ${f.p75.toFixed(2)}, p90 ${f.p90.toFixed(2)} after ${HORIZON} frames; survival ${(100 * f.survival).toFixed(1)} % (${f.survived}/${f.counted} truly visible throughout); ${f.tracks} tracks; ${f.msPerFrame.toFixed(0)} ms/frame`;
}
