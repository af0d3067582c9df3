/**
 * Tracks on moving subjects, found before the solve from the tracks' own consistency over many frames
 * (issue 11): frame pairs spread over the whole shot, each far enough apart for motion to show, are fitted
 * with the static scene's two-view model — a fundamental matrix (no focal needed), or a homography where
 * the pair shows no parallax (a pan, a flat scene) — and every track votes static or moving in each pair it
 * is seen in. A track that is an outlier in most of its pairs (and in at least two) moves in the world:
 * it is left out of registration and triangulation and stays flagged "moving".
 *
 * One pair's RANSAC can be fooled by a subject that fills much of the frame; many pairs rarely are, and a
 * pair whose model explains less than half of its tracks is not allowed to vote.
 */
import { ransacEssential } from './essential';
import { ransacFundamental } from './fundamental';
import { ransacHomography } from './homography';
import { Rng } from './random';
import type { TrackView } from './tracks';
import { depthIn, maxTriangulationAngle, reprojErrorSq, triangulateDlt } from './triangulate';

export interface MovingTracks {
  /** 1 = moves in the world (or is a bad track). */
  moving: Uint8Array;
  count: number;
  /** Frame pairs that voted. */
  pairs: number;
}

/** A pair's frames are this far apart in median image motion (px) when the shot allows. */
const PAIR_MOTION_PX = 20;
const MAX_GAP = 30;
const MIN_SHARED = 20;
/** A pair votes only when its static model explains at least this share of its tracks. */
const MIN_MODEL_SHARE = 0.5;
/** Homography instead of F when it explains nearly as many (no parallax to tell F apart). */
const H_SHARE_OF_F = 0.95;

function medianShift(view: TrackView, a: number, b: number): { n: number; shift: number } {
  const d: number[] = [];
  for (const k of view.tracksIn(a))
    if (view.has(k, b)) d.push(Math.hypot(view.x(k, b) - view.x(k, a), view.y(k, b) - view.y(k, a)));
  if (!d.length) return { n: 0, shift: 0 };
  d.sort((x, y) => x - y);
  return { n: d.length, shift: d[d.length >> 1]! };
}

/**
 * Tracks consistent with the pair's epipolar geometry can still move: a vehicle ahead driving away moves
 * along the camera's own epipolar lines. Such a point triangulates behind a camera — no static point
 * does — so where the pair shows parallax, the essential matrix at the focal guess (cheirality does not
 * hinge on the focal's exact value) is decomposed and each inlier triangulated; one seen behind either
 * camera, at a triangulation angle above this, votes moving.
 */
const CHEIRALITY_MIN_ANGLE = (0.5 * Math.PI) / 180;

export function findMovingTracks(
  view: TrackView,
  o: { thresholdPx: number; seed: number; focal: number; cx: number; cy: number; signal?: AbortSignal },
): MovingTracks {
  const T = view.T;
  const movingVotes = new Int32Array(view.N);
  const votes = new Int32Array(view.N);
  const rng = new Rng(o.seed + 41);
  const th = 1.5 * o.thresholdPx;
  let pairs = 0;
  let a = 0;
  while (a < T - 1 && !o.signal?.aborted) {
    // the nearest later frame where the tracks have moved enough, while enough of them are shared
    let b = -1;
    for (let g = 1; g <= MAX_GAP && a + g < T; g++) {
      const m = medianShift(view, a, a + g);
      if (m.n < MIN_SHARED) break;
      b = a + g;
      if (m.shift >= PAIR_MOTION_PX) break;
    }
    if (b < 0) {
      a++;
      continue;
    }
    const ids: number[] = [];
    for (const k of view.tracksIn(a)) if (view.has(k, b)) ids.push(k);
    const n = ids.length;
    const x1 = new Float64Array(2 * n);
    const x2 = new Float64Array(2 * n);
    ids.forEach((k, i) => {
      x1[2 * i] = view.x(k, a);
      x1[2 * i + 1] = view.y(k, a);
      x2[2 * i] = view.x(k, b);
      x2[2 * i + 1] = view.y(k, b);
    });
    const F = ransacFundamental(x1, x2, { thresholdPx: th, rng, maxIterations: 200 });
    const H = ransacHomography(x1, x2, { threshold: th, rng, maxIterations: 200 });
    const model = H && (!F || H.numInliers >= H_SHARE_OF_F * F.numInliers) ? H.inliers : F ? F.inliers : null;
    let inl = 0;
    if (model) for (let i = 0; i < n; i++) inl += model[i]!;
    if (model && inl >= MIN_MODEL_SHARE * n) {
      pairs++;
      const behind = model === F?.inliers ? behindTheCamera(view, ids, a, b, model, o, rng) : null;
      ids.forEach((k, i) => {
        votes[k] = votes[k]! + 1;
        if (!model[i] || behind?.[i]) movingVotes[k] = movingVotes[k]! + 1;
      });
    }
    // overlapping pairs: every stretch of the shot is seen by about two pairs
    a += Math.max(1, (b - a) >> 1);
  }
  const moving = new Uint8Array(view.N);
  let count = 0;
  for (let k = 0; k < view.N; k++)
    if (movingVotes[k]! >= 2 && movingVotes[k]! > 0.5 * votes[k]!) {
      moving[k] = 1;
      count++;
    }
  return { moving, count, pairs };
}

/** Per correspondence of the pair: 1 when it triangulates behind either camera (see CHEIRALITY_MIN_ANGLE). */
function behindTheCamera(
  view: TrackView,
  ids: readonly number[],
  a: number,
  b: number,
  inliers: Uint8Array,
  o: { thresholdPx: number; focal: number; cx: number; cy: number },
  rng: Rng,
): Uint8Array | null {
  const n = ids.length;
  const x1 = new Float64Array(2 * n);
  const x2 = new Float64Array(2 * n);
  ids.forEach((k, i) => {
    x1[2 * i] = (view.x(k, a) - o.cx) / o.focal;
    x1[2 * i + 1] = (view.y(k, a) - o.cy) / o.focal;
    x2[2 * i] = (view.x(k, b) - o.cx) / o.focal;
    x2[2 * i + 1] = (view.y(k, b) - o.cy) / o.focal;
  });
  const rel = ransacEssential(x1, x2, {
    threshold: (1.5 * o.thresholdPx) / o.focal,
    rng,
    maxIterations: 200,
  });
  if (!rel) return null;
  const R = new Float64Array(18);
  R.set([1, 0, 0, 0, 1, 0, 0, 0, 1], 0);
  R.set(rel.R, 9);
  const t = new Float64Array(6);
  t.set(rel.t, 3);
  const cams = [0, 1];
  const X = new Float64Array(3);
  const xn = new Float64Array(4);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!inliers[i]) continue;
    xn.set([x1[2 * i]!, x1[2 * i + 1]!, x2[2 * i]!, x2[2 * i + 1]!]);
    if (!triangulateDlt(R, t, cams, xn, 2, X)) continue;
    if (maxTriangulationAngle(R, t, cams, 2, X) < CHEIRALITY_MIN_ANGLE) continue;
    if (depthIn(R, t, 0, X, 0) <= 0 || depthIn(R, t, 1, X, 0) <= 0) out[i] = 1;
  }
  return out;
}

/**
 * After the solve: tracks the solve left without a 3D point (too short a baseline on the way, or set
 * aside) are tested once more over their whole life against the solved cameras. A track that
 * triangulates behind a camera, or that most of its views disagree with, moves in the world and is
 * flagged (a vehicle driving away ahead shows this only over a long baseline). Returns how many.
 */
export function flagMovingAfterSolve(
  view: TrackView,
  shot: { R: Float64Array; t: Float64Array; hasPoint: Uint8Array; dynamic: Uint8Array; status: Uint8Array },
  o: { thresholdPx: number; focal: number; cx: number; cy: number },
  measured: (status: number) => boolean,
): number {
  const th2 = (o.thresholdPx / o.focal) ** 2;
  const X = new Float64Array(3);
  let flagged = 0;
  for (let k = 0; k < view.N; k++) {
    if (shot.hasPoint[k] || shot.dynamic[k] || view.length[k]! < 3) continue;
    const cams: number[] = [];
    const xn: number[] = [];
    for (let c = view.first[k]!; c <= view.last[k]!; c++) {
      if (!view.has(k, c) || !measured(shot.status[c]!)) continue;
      cams.push(c);
      xn.push((view.x(k, c) - o.cx) / o.focal, (view.y(k, c) - o.cy) / o.focal);
    }
    if (cams.length < 3 || !triangulateDlt(shot.R, shot.t, cams, xn, cams.length, X)) continue;
    if (maxTriangulationAngle(shot.R, shot.t, cams, cams.length, X) < CHEIRALITY_MIN_ANGLE) continue;
    let behind = false;
    let off = 0;
    for (let i = 0; i < cams.length; i++) {
      if (depthIn(shot.R, shot.t, cams[i]!, X, 0) <= 0) behind = true;
      else if (reprojErrorSq(shot.R, shot.t, cams[i]!, X, 0, xn[2 * i]!, xn[2 * i + 1]!) > th2) off++;
    }
    if (behind || off > 0.5 * cams.length) {
      shot.dynamic[k] = 1;
      flagged++;
    }
  }
  return flagged;
}
