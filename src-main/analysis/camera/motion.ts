/**
 * Camera-motion tests that run before structure from motion: the static-camera test (do the background
 * tracks stay where they were born?) and the per-window E-vs-H model selection used to report
 * rotation-only segments.
 */
import { ransacEssential } from './essential';
import { gricEssentialVsHomography, ransacHomography, ransacRotation } from './homography';
import { Rng } from './random';
import type { TrackView } from './tracks';

export interface StaticTest {
  isStatic: boolean;
  /** Worst frame: fraction of tracks that stayed within the tolerance. */
  minStillFraction: number;
  /** Largest (over frames) 30th-percentile displacement of tracks from their position Δ frames earlier, px. */
  backgroundMotionPx: number;
  /** Per track: largest displacement from its birth position (px). */
  trackMotion: Float32Array;
}

function pct(a: number[], p: number): number {
  if (!a.length) return NaN;
  a.sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor(p * a.length))]!;
}

/**
 * Static if, for every frame t and its references t − Δ (Δ = 10) and 0, at least half of the tracks seen in
 * both are within `tolPx` of where they were (moving subjects may cover the rest).
 */
export function staticCameraTest(view: TrackView, tolPx: number): StaticTest {
  const T = view.T;
  const trackMotion = new Float32Array(view.N);
  for (let k = 0; k < view.N; k++) {
    let first = -1;
    let m = 0;
    for (let f = 0; f < T; f++) {
      if (!view.has(k, f)) continue;
      if (first < 0) first = f;
      else m = Math.max(m, Math.hypot(view.x(k, f) - view.x(k, first), view.y(k, f) - view.y(k, first)));
    }
    trackMotion[k] = m;
  }
  let minStill = 1;
  let bg = 0;
  const delta = Math.min(10, T - 1);
  for (let t = 1; t < T; t++) {
    for (const ref of new Set([Math.max(0, t - delta), 0])) {
      if (ref === t) continue;
      const d: number[] = [];
      for (const k of view.tracksIn(t))
        if (view.has(k, ref))
          d.push(Math.hypot(view.x(k, t) - view.x(k, ref), view.y(k, t) - view.y(k, ref)));
      if (d.length < 20) continue;
      let still = 0;
      for (const v of d) if (v <= tolPx) still++;
      minStill = Math.min(minStill, still / d.length);
      bg = Math.max(bg, pct(d, 0.3));
    }
  }
  return { isStatic: minStill >= 0.5, minStillFraction: minStill, backgroundMotionPx: bg, trackMotion };
}

/**
 * Frame ranges where the camera only rotated: windows (t, t + w) whose correspondences prefer a homography
 * (GRIC) that is also a pure rotation (≥ 80 % inliers of the rotation model).
 */
export function rotationOnlySegments(
  view: TrackView,
  cx: number,
  cy: number,
  focal: number,
  thresholdPx: number,
  window = 6,
): [number, number][] {
  const T = view.T;
  const rng = new Rng(99);
  const flags = new Uint8Array(T);
  const th = thresholdPx / focal;
  for (let a = 0; a + window < T; a += Math.max(1, window >> 1)) {
    const b = a + window;
    const pc = view.pair(a, b, cx, cy, focal);
    if (pc.ids.length < 20) continue;
    const rel = ransacEssential(pc.x1, pc.x2, { threshold: th, rng, maxIterations: 100 });
    const hom = ransacHomography(pc.x1, pc.x2, { threshold: th, rng, maxIterations: 100 });
    if (!rel || !hom) continue;
    const g = gricEssentialVsHomography(rel.E, hom.H, pc.x1, pc.x2, focal, thresholdPx / 2);
    if (g.gricH > g.gricE) continue;
    const rot = ransacRotation(pc.x1, pc.x2, { threshold: th, rng, maxIterations: 100 });
    if (!rot || rot.numInliers < 0.8 * pc.ids.length) continue;
    for (let f = a; f <= b; f++) flags[f] = 1;
  }
  const segs: [number, number][] = [];
  for (let f = 0; f < T; f++) {
    if (!flags[f]) continue;
    const s = f;
    while (f + 1 < T && flags[f + 1]) f++;
    segs.push([s, f]);
  }
  return segs;
}
