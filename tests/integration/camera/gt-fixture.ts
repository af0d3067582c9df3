/**
 * Track sets for the camera-solver tests built from the exact ground truth of ../shared/gt shots
 * (tests/helpers/gt-tracks): points seeded every few frames, carried to later frames with depth and the
 * true cameras, with optional Gaussian pixel noise, moving-object tracks and gross outliers; plus the true
 * poses for the metrics.
 */
import type { Pose } from '../../../src-shared/geometry';
import { poseFromRotation } from '../../../src-shared/geometry';
import { emptyTrackSet, type TrackSet } from '../../../src-main/analysis/tracking';
import { loadGtShot, trueTracks, type GtShot } from '../../helpers/gt-tracks';

export const GT_ROOT = '../shared/gt';
export const TRUE_FOCAL = (28 / 36) * 640;

export interface GtTrackOptions {
  /** New points per seed frame (default 250). */
  perSeed?: number;
  seedEvery?: number;
  /** Frames a track lives at most (default 30). */
  maxLife?: number;
  noisePx?: number;
  /** Fraction of tracks that follow an independently moving object instead of the scene (default 0). */
  dynamicFraction?: number;
  /** Fraction of observations replaced by a gross outlier (default 0). */
  outlierFraction?: number;
  /** Use only the first this many frames. */
  frames?: number;
  seed?: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gtShot(name: string): GtShot {
  return loadGtShot(`${GT_ROOT}/${name}`);
}

export function gtPoses(shot: GtShot, frames = shot.frames.length): Pose[] {
  return shot.frames.slice(0, frames).map((f) => poseFromRotation(f.C, f.R_wc));
}

export function gtTrackSet(shot: GtShot, o: GtTrackOptions = {}): { set: TrackSet; dynamic: Uint8Array } {
  const T = Math.min(o.frames ?? shot.frames.length, shot.frames.length);
  const per = o.perSeed ?? 250;
  const every = o.seedEvery ?? 8;
  const life = o.maxLife ?? 30;
  const noise = o.noisePx ?? 0;
  const rand = rng(o.seed ?? 7);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const rows: { xs: Float64Array; ys: Float64Array; vis: Uint8Array; dyn: number }[] = [];
  for (let s = 0; s < T - 2; s += every) {
    const xs = Float64Array.from({ length: per }, () => 8 + rand() * (shot.width - 16));
    const ys = Float64Array.from({ length: per }, () => 8 + rand() * (shot.height - 16));
    const tr: ReturnType<typeof trueTracks>[] = [];
    for (let t = s; t < Math.min(T, s + life); t++) tr.push(trueTracks(shot, s, xs, ys, t));
    for (let i = 0; i < per; i++) {
      if (!tr[0]!.defined[i]) continue;
      const row = {
        xs: new Float64Array(T).fill(NaN),
        ys: new Float64Array(T).fill(NaN),
        vis: new Uint8Array(T),
        dyn: 0,
      };
      const dyn = rand() < (o.dynamicFraction ?? 0);
      const vx = (rand() - 0.5) * 6,
        vy = (rand() - 0.5) * 4;
      row.dyn = dyn ? 1 : 0;
      for (let j = 0; j < tr.length; j++) {
        const g = tr[j]!;
        if (!g.visible[i]) break; // a track ends at its first occlusion / exit
        const t = s + j;
        let x = g.x[i]! + noise * gauss();
        let y = g.y[i]! + noise * gauss();
        if (dyn) {
          x += vx * j;
          y += vy * j;
        }
        if (rand() < (o.outlierFraction ?? 0)) {
          x += (rand() - 0.5) * 60;
          y += (rand() - 0.5) * 60;
        }
        if (x < 0 || y < 0 || x > shot.width || y > shot.height) break;
        row.xs[t] = x;
        row.ys[t] = y;
        row.vis[t] = 1;
      }
      rows.push(row);
    }
  }
  const set = emptyTrackSet(shot.width, shot.height, T, rows.length);
  const dynamic = new Uint8Array(rows.length);
  rows.forEach((r, k) => {
    dynamic[k] = r.dyn;
    for (let t = 0; t < T; t++) {
      if (!r.vis[t]) continue;
      set.xy[2 * (k * T + t)] = r.xs[t]!;
      set.xy[2 * (k * T + t) + 1] = r.ys[t]!;
      set.visible[k * T + t] = 1;
      set.confidence[k * T + t] = 1;
    }
  });
  return { set, dynamic };
}
