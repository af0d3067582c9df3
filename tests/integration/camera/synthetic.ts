/** Synthetic shots for the solver tests: a random point scene seen by a moving camera, as a TrackSet. */
import { emptyTrackSet, type TrackSet } from '../../../src-main/analysis/tracking';
import { rodrigues } from '../../../src-main/analysis/camera';

export interface SyntheticOptions {
  frames: number;
  width?: number;
  height?: number;
  focal?: number;
  /** World-to-camera rotation (angle-axis) and camera centre at frame i. */
  motion: (i: number) => { w: [number, number, number]; C: [number, number, number] };
  /** Point generator (world coordinates). */
  point: (rand: () => number) => [number, number, number];
  points?: number;
  noisePx?: number;
  seed?: number;
}

export function syntheticTracks(o: SyntheticOptions): {
  set: TrackSet;
  R: Float64Array[];
  C: [number, number, number][];
} {
  const W = o.width ?? 640,
    H = o.height ?? 360,
    f = o.focal ?? 500,
    T = o.frames,
    n = o.points ?? 600;
  let s = (o.seed ?? 3) >>> 0;
  const rand = () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const set = emptyTrackSet(W, H, T, n);
  const Rs: Float64Array[] = [];
  const Cs: [number, number, number][] = [];
  for (let i = 0; i < T; i++) {
    const m = o.motion(i);
    Rs.push(rodrigues(...m.w));
    Cs.push(m.C);
  }
  for (let k = 0; k < n; k++) {
    const X = o.point(rand);
    for (let i = 0; i < T; i++) {
      const R = Rs[i]!,
        C = Cs[i]!;
      const d = [X[0] - C[0], X[1] - C[1], X[2] - C[2]];
      const xc = [0, 1, 2].map((r) => R[3 * r]! * d[0]! + R[3 * r + 1]! * d[1]! + R[3 * r + 2]! * d[2]!);
      if (!(xc[2]! > 0.1)) continue;
      const u = (f * xc[0]!) / xc[2]! + W / 2 + (o.noisePx ?? 0) * gauss();
      const v = (f * xc[1]!) / xc[2]! + H / 2 + (o.noisePx ?? 0) * gauss();
      if (u < 0 || v < 0 || u > W || v > H) continue;
      set.xy[2 * (k * T + i)] = u;
      set.xy[2 * (k * T + i) + 1] = v;
      set.visible[k * T + i] = 1;
      set.confidence[k * T + i] = 1;
    }
  }
  return { set, R: Rs, C: Cs };
}
