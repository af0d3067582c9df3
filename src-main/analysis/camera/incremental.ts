/**
 * Incremental structure from motion over a video's tracks at one focal length: initial pair chosen for
 * parallax (5-point E vs homography by GRIC), sequential registration by P3P-RANSAC + LM, triangulation
 * with angle and reprojection checks, windowed bundle adjustment, and a final global bundle adjustment
 * with outlier rejection (observations, then whole tracks: moving objects).
 */
import { bundleAdjust, type BundleReport } from './bundle';
import { ransacEssential } from './essential';
import { gricEssentialVsHomography, ransacHomography } from './homography';
import { ransacPnp } from './pnp';
import { Rng } from './random';
import { REGISTERED_BY_POINTS, registerRelative } from './relative-registration';
import type { TrackView } from './tracks';
import { depthIn, maxTriangulationAngle, refinePoint, reprojErrorSq, triangulateDlt } from './triangulate';

export interface IncrementalOptions {
  focal: number;
  cx: number;
  cy: number;
  thresholdPx: number;
  minAngleDeg: number;
  optimizeFocal: boolean;
  /** Frames allowed to be registered (default: all). */
  frames?: Int32Array;
  seed: number;
  signal?: AbortSignal;
  onFrame?: (registered: number, total: number) => void;
  /** Skip the global outlier rounds (quick reconstructions for the focal search). */
  quick?: boolean;
  /** Tracks left out (moving subjects found before the solve): never triangulated, flagged dynamic. */
  exclude?: Uint8Array;
}

export interface PairChoice {
  a: number;
  b: number;
  score: number;
  medianAngleDeg: number;
  gricE: number;
  gricH: number;
  inliers: number;
}

export interface Reconstruction {
  ok: boolean;
  reason?: string;
  R: Float64Array;
  t: Float64Array;
  registered: Uint8Array;
  X: Float64Array;
  /** 1 = triangulated point. */
  hasPoint: Uint8Array;
  /** 1 = inconsistent with the cameras (moving object / bad track). */
  dynamic: Uint8Array;
  /** Observation rejected (N·T). */
  bad: Uint8Array;
  /** How each frame was registered: 0 not, REGISTERED_BY_POINTS / _ROTATION / _MOTION. */
  how: Uint8Array;
  focal: number;
  pair: PairChoice | null;
  rmsPx: number;
  bundle: BundleReport | null;
  failedAt: number;
  notes: string[];
}

const DEG = Math.PI / 180;
/** A point is triangulated from its observations within this many frames of the frame being added. */
const TRIANGULATION_SPAN = 20;

function median(a: number[]): number {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1]!;
}

/** Scores candidate initial pairs; returns the best pair with parallax, and whether any pair showed parallax. */
export function chooseInitialPair(
  view: TrackView,
  o: IncrementalOptions,
  allowed: Uint8Array,
): { best: PairChoice | null; tried: PairChoice[] } {
  const T = view.T;
  const frames: number[] = [];
  for (let f = 0; f < T; f++) if (allowed[f]) frames.push(f);
  const tried: PairChoice[] = [];
  let best: PairChoice | null = null;
  let relaxed: PairChoice | null = null;
  const rng = new Rng(o.seed + 11);
  const starts = new Set<number>();
  for (const q of [0, 0.25, 0.5]) starts.add(frames[Math.floor(q * (frames.length - 1))]!);
  const gaps = [3, 5, 8, 12, 17, 24, 32, 45, 60, 80, 110];
  for (const a of starts) {
    const ia = frames.indexOf(a);
    const na = view.countIn(a);
    for (const g of gaps) {
      const b = frames[ia + g];
      if (b === undefined) break;
      const pc = view.pair(a, b, o.cx, o.cy, o.focal, o.exclude);
      const n = pc.ids.length;
      if (n < 30 || n < 0.15 * na) break;
      const th = o.thresholdPx / o.focal;
      const rel = ransacEssential(pc.x1, pc.x2, { threshold: th, rng, maxIterations: 200 });
      const hom = ransacHomography(pc.x1, pc.x2, { threshold: th, rng, maxIterations: 200 });
      if (!rel || !hom) continue;
      const { gricE, gricH } = gricEssentialVsHomography(
        rel.E,
        hom.H,
        pc.x1,
        pc.x2,
        o.focal,
        o.thresholdPx / 2,
      );
      // triangulation angles of the inliers under (R, t)
      const Rt = new Float64Array(18);
      Rt.set([1, 0, 0, 0, 1, 0, 0, 0, 1], 0);
      Rt.set(rel.R, 9);
      const tt = new Float64Array(6);
      tt.set(rel.t, 3);
      const angles: number[] = [];
      const X = new Float64Array(3);
      const xn = new Float64Array(4);
      const cams = [0, 1];
      for (let i = 0; i < n; i++) {
        if (!rel.inliers[i]) continue;
        xn[0] = pc.x1[2 * i]!;
        xn[1] = pc.x1[2 * i + 1]!;
        xn[2] = pc.x2[2 * i]!;
        xn[3] = pc.x2[2 * i + 1]!;
        if (!triangulateDlt(Rt, tt, cams, xn, 2, X)) continue;
        if (depthIn(Rt, tt, 0, X, 0) <= 0 || depthIn(Rt, tt, 1, X, 0) <= 0) continue;
        angles.push(maxTriangulationAngle(Rt, tt, cams, 2, X) / DEG);
      }
      const med = median(angles);
      const c: PairChoice = { a, b, score: 0, medianAngleDeg: med, gricE, gricH, inliers: angles.length };
      if (gricE < gricH && med >= 0.5 * o.minAngleDeg && angles.length >= 30)
        c.score = angles.length * Math.min(1, med / 4);
      tried.push(c);
      if (c.score > 0 && (!best || c.score > best.score)) best = c;
      // a handheld camera that mostly turns over a near-planar room: GRIC prefers the homography, yet
      // the points the essential matrix triangulates clearly in front with real angles are structure
      const s2 = angles.length * Math.min(1, med / 4);
      const notPlanar = hom.numInliers < RELAXED_MAX_H_SHARE * rel.numInliers;
      if (
        notPlanar &&
        med >= RELAXED_PAIR_ANGLE * o.minAngleDeg &&
        angles.length >= 30 &&
        (!relaxed || s2 > relaxed.score)
      )
        relaxed = { ...c, score: s2 };
    }
  }
  return { best: best ?? relaxed, tried };
}

/**
 * Where no pair's motion is better explained by the essential matrix than by a homography (GRIC), the
 * pair whose triangulated points have a median angle of at least this many times the minimum angle is
 * taken anyway: rotation-dominant shots with a little real translation are solved, not thrown away.
 */
const RELAXED_PAIR_ANGLE = 1.5;
/**
 * …and only where the homography explains clearly fewer correspondences than the essential matrix: a
 * flat scene seen by a translating camera fits both, and there the essential matrix is degenerate.
 */
const RELAXED_MAX_H_SHARE = 0.97;

export function reconstruct(view: TrackView, o: IncrementalOptions): Reconstruction {
  const T = view.T;
  const N = view.N;
  const f0 = o.focal;
  const rec: Reconstruction = {
    ok: false,
    R: new Float64Array(9 * T),
    t: new Float64Array(3 * T),
    registered: new Uint8Array(T),
    X: new Float64Array(3 * N),
    hasPoint: new Uint8Array(N),
    dynamic: new Uint8Array(N),
    bad: new Uint8Array(N * T),
    how: new Uint8Array(T),
    focal: f0,
    pair: null,
    rmsPx: NaN,
    bundle: null,
    failedAt: -1,
    notes: [],
  };
  const allowed = new Uint8Array(T);
  if (o.frames) for (const f of o.frames) allowed[f] = 1;
  else allowed.fill(1);
  if (o.exclude) rec.dynamic.set(o.exclude);
  const { best } = chooseInitialPair(view, o, allowed);
  if (!best) {
    rec.reason = 'no frame pair shows enough parallax';
    return rec;
  }
  rec.pair = best;
  const rng = new Rng(o.seed + 23);
  const { a, b } = best;
  // initial pair: relative pose again on the chosen pair
  {
    const pc = view.pair(a, b, o.cx, o.cy, rec.focal, o.exclude);
    const rel = ransacEssential(pc.x1, pc.x2, {
      threshold: o.thresholdPx / rec.focal,
      rng,
      maxIterations: 500,
    });
    if (!rel) {
      rec.reason = 'relative pose of the initial pair failed';
      return rec;
    }
    rec.R.set([1, 0, 0, 0, 1, 0, 0, 0, 1], 9 * a);
    rec.R.set(rel.R, 9 * b);
    rec.t.set(rel.t, 3 * b);
    rec.registered[a] = 1;
    rec.registered[b] = 1;
    rec.how[a] = REGISTERED_BY_POINTS;
    rec.how[b] = REGISTERED_BY_POINTS;
    for (let i = 0; i < pc.ids.length; i++) if (!rel.inliers[i]) rec.bad[pc.ids[i]! * T + b] = 1;
  }
  const regList: number[] = [a, b];
  const triangulateFrame = (fr: number) => {
    const cams: number[] = [];
    const xn: number[] = [];
    const Xb = new Float64Array(3);
    const f = rec.focal;
    const th2 = (o.thresholdPx / f) ** 2;
    const badOf = (): number[] => {
      const out: number[] = [];
      for (let i = 0; i < cams.length; i++)
        if (reprojErrorSq(rec.R, rec.t, cams[i]!, Xb, 0, xn[2 * i]!, xn[2 * i + 1]!) > th2) out.push(i);
      return out;
    };
    const fit = (): boolean => {
      if (cams.length < 2 || !triangulateDlt(rec.R, rec.t, cams, xn, cams.length, Xb)) return false;
      refinePoint(rec.R, rec.t, cams, xn, cams.length, Xb);
      return maxTriangulationAngle(rec.R, rec.t, cams, cams.length, Xb) >= o.minAngleDeg * DEG;
    };
    for (const k of view.tracksIn(fr)) {
      if (rec.hasPoint[k] || rec.dynamic[k]) continue;
      // the track's registered frames near this one: linear in the shot's length, and a slowly drifting
      // track (the texture under it changes scale over a long drive) is triangulated where it is consistent
      const lo = Math.max(view.first[k]!, fr - TRIANGULATION_SPAN);
      const hi = Math.min(view.last[k]!, fr + TRIANGULATION_SPAN);
      const gather = (from: number, to: number) => {
        cams.length = 0;
        xn.length = 0;
        for (let c = from; c <= to; c++) {
          if (!rec.registered[c] || !view.has(k, c) || rec.bad[k * T + c]) continue;
          cams.push(c);
          xn.push((view.x(k, c) - o.cx) / f, (view.y(k, c) - o.cy) / f);
        }
      };
      gather(lo, hi);
      // registered frames far apart (the initial pair): the track's whole life
      if (cams.length < 2) gather(view.first[k]!, view.last[k]!);
      if (!fit()) continue;
      let bad = badOf();
      if (bad.length > 0 && bad.length <= 0.3 * cams.length) {
        // a few stray observations: set them aside and fit the rest again
        const strays = bad.map((i) => cams[i]!);
        for (let j = bad.length - 1; j >= 0; j--) {
          cams.splice(bad[j]!, 1);
          xn.splice(2 * bad[j]!, 2);
        }
        if (!fit()) continue;
        bad = badOf();
        if (!bad.length) for (const c of strays) rec.bad[k * T + c] = 1;
      }
      if (bad.length > 0) {
        if (bad.length > 0.3 * cams.length && cams.length >= 3) rec.dynamic[k] = 1; // inconsistent with a static scene
        continue;
      }
      rec.X.set(Xb, 3 * k);
      rec.hasPoint[k] = 1;
    }
  };
  triangulateFrame(b);
  const order: number[] = [];
  for (let f = a + 1; f < b; f++) order.push(f);
  for (let f = b + 1; f < T; f++) order.push(f);
  for (let f = a - 1; f >= 0; f--) order.push(f);
  let forwardStopped = false;
  let backwardStopped = false;
  let sinceBa = 0;
  for (const fr of order) {
    if (o.signal?.aborted) break;
    if (!allowed[fr]) continue;
    const forward = fr > b;
    const backward = fr < a;
    if ((forward && forwardStopped) || (backward && backwardStopped)) continue;
    // the registered neighbour on the side registration comes from (the next one there, for the speed)
    const dir = backward ? 1 : -1;
    let nb = -1;
    for (let d = 1; d < T && nb < 0; d++) {
      if (fr + dir * d >= 0 && fr + dir * d < T && rec.registered[fr + dir * d]) nb = fr + dir * d;
      else if (fr - dir * d >= 0 && fr - dir * d < T && rec.registered[fr - dir * d]) nb = fr - dir * d;
    }
    const far = nb + dir;
    const nb2 = nb >= 0 && far >= 0 && far < T && rec.registered[far] ? far : -1;
    const ids: number[] = [];
    for (const k of view.tracksIn(fr)) if (rec.hasPoint[k] && !rec.bad[k * T + fr]) ids.push(k);
    let okFrame = false;
    if (ids.length >= 6) {
      const X3 = new Float64Array(3 * ids.length);
      const x2 = new Float64Array(2 * ids.length);
      ids.forEach((k, i) => {
        X3[3 * i] = rec.X[3 * k]!;
        X3[3 * i + 1] = rec.X[3 * k + 1]!;
        X3[3 * i + 2] = rec.X[3 * k + 2]!;
        x2[2 * i] = (view.x(k, fr) - o.cx) / rec.focal;
        x2[2 * i + 1] = (view.y(k, fr) - o.cy) / rec.focal;
      });
      const prior =
        nb >= 0 ? { R: rec.R.slice(9 * nb, 9 * nb + 9), t: rec.t.slice(3 * nb, 3 * nb + 3) } : undefined;
      const res = ransacPnp(X3, x2, { threshold: o.thresholdPx / rec.focal, rng, prior, maxIterations: 200 });
      if (res && res.numInliers >= Math.max(6, 0.25 * ids.length)) {
        rec.R.set(res.R, 9 * fr);
        rec.t.set(res.t, 3 * fr);
        rec.registered[fr] = 1;
        regList.push(fr);
        ids.forEach((k, i) => {
          if (!res.inliers[i]) rec.bad[k * T + fr] = 1;
        });
        rec.how[fr] = REGISTERED_BY_POINTS;
        okFrame = true;
      }
    }
    if (!okFrame && nb >= 0) {
      const r = registerRelative(view, rec, fr, nb, nb2, o, rng);
      if (r) {
        rec.R.set(r.R, 9 * fr);
        rec.t.set(r.t, 3 * fr);
        rec.registered[fr] = 1;
        rec.how[fr] = r.kind;
        regList.push(fr);
        okFrame = true;
      }
    }
    if (!okFrame) {
      if (rec.failedAt < 0) rec.failedAt = fr;
      rec.notes.push(`frame ${fr}: not registered (${ids.length} 2D–3D matches)`);
      if (forward) forwardStopped = true;
      if (backward) backwardStopped = true;
      continue;
    }
    triangulateFrame(fr);
    o.onFrame?.(regList.length, T);
    if (++sinceBa >= 6) {
      sinceBa = 0;
      windowBundle(view, rec, regList.slice(-10), o);
    }
  }
  // final bundle adjustment with outlier rejection
  const rounds = o.quick ? 1 : 3;
  for (let round = 0; round < rounds; round++) {
    rec.bundle = globalBundle(view, rec, o, a, b, round === rounds - 1 ? 60 : 25);
    if (o.quick) break;
    const changed = rejectOutliers(view, rec, o, regList);
    // triangulate tracks that became well constrained
    for (const fr of regList) triangulateFrame(fr);
    if (!changed && round > 0) break;
  }
  rec.rmsPx = rec.bundle?.rmsPx ?? NaN;
  rec.ok = true;
  return rec;
}

/** Observations of the registered frames in [lo, hi] (all frames by default). */
function buildObs(view: TrackView, rec: Reconstruction, lo = 0, hi = view.T - 1) {
  const T = view.T;
  const oc: number[] = [];
  const op: number[] = [];
  const oxy: number[] = [];
  for (let f = Math.max(0, lo); f <= Math.min(T - 1, hi); f++) {
    if (!rec.registered[f]) continue;
    for (const k of view.tracksIn(f)) {
      if (!rec.hasPoint[k] || rec.bad[k * T + f]) continue;
      oc.push(f);
      op.push(k);
      oxy.push(view.x(k, f), view.y(k, f));
    }
  }
  return { oc, op, oxy };
}

/**
 * Median reprojection error (pixels) of the observations a reconstruction uses (registered frames,
 * triangulated points, not rejected): the noise level of the tracks as the solve sees it.
 */
export function medianReprojectionPx(view: TrackView, rec: Reconstruction, o: IncrementalOptions): number {
  const errs = reprojectionErrorsPx(view, rec, o);
  return errs.length ? errs[errs.length >> 1]! : NaN;
}

/** RMS reprojection error (pixels) of the observations a reconstruction uses. */
export function rmsReprojectionPx(view: TrackView, rec: Reconstruction, o: IncrementalOptions): number {
  const errs = reprojectionErrorsPx(view, rec, o);
  let s = 0;
  for (const e of errs) s += e * e;
  return errs.length ? Math.sqrt(s / errs.length) : NaN;
}

/** Sorted reprojection errors (pixels) of the observations a reconstruction uses. */
function reprojectionErrorsPx(view: TrackView, rec: Reconstruction, o: IncrementalOptions): number[] {
  const T = view.T;
  const f = rec.focal;
  const errs: number[] = [];
  for (let fr = 0; fr < T; fr++) {
    if (!rec.registered[fr]) continue;
    for (const k of view.tracksIn(fr)) {
      if (!rec.hasPoint[k] || rec.bad[k * T + fr]) continue;
      const e = reprojErrorSq(
        rec.R,
        rec.t,
        fr,
        rec.X,
        3 * k,
        (view.x(k, fr) - o.cx) / f,
        (view.y(k, fr) - o.cy) / f,
      );
      if (Number.isFinite(e)) errs.push(Math.sqrt(e) * f);
    }
  }
  return errs.sort((a, b) => a - b);
}

export function runBundle(
  view: TrackView,
  rec: Reconstruction,
  o: IncrementalOptions,
  camVar: Uint8Array,
  ptVar: Uint8Array,
  optimizeFocal: boolean,
  maxIterations: number,
  span?: [number, number],
): BundleReport {
  const { oc, op, oxy } = span ? buildObs(view, rec, span[0], span[1]) : buildObs(view, rec);
  const xy = Float64Array.from(oxy);
  for (let i = 0; i < oc.length; i++) {
    xy[2 * i] = xy[2 * i]! - o.cx;
    xy[2 * i + 1] = xy[2 * i + 1]! - o.cy;
  }
  const obsUse = new Uint8Array(oc.length);
  for (let i = 0; i < oc.length; i++) if (camVar[oc[i]!] || ptVar[op[i]!]) obsUse[i] = 1;
  const P = {
    numCams: view.T,
    numPoints: view.N,
    R: rec.R,
    t: rec.t,
    X: rec.X,
    focal: rec.focal,
    obsCam: Int32Array.from(oc),
    obsPt: Int32Array.from(op),
    obsXY: xy,
    obsUse,
    camVar,
    ptVar,
    optimizeFocal,
    huberPx: o.thresholdPx / 2,
    maxIterations,
    ...(o.signal ? { signal: o.signal } : {}),
  };
  const rep = bundleAdjust(P);
  rec.focal = P.focal;
  return rep;
}

/**
 * Adjusts the cameras of `window` (but those in `fixed`) and the points they see, with the observations
 * of those points in every frame (their own span of frames, not the whole shot).
 */
function adjustWindow(
  view: TrackView,
  rec: Reconstruction,
  o: IncrementalOptions,
  window: readonly number[],
  fixed: readonly number[],
  iterations: number,
): BundleReport {
  const camVar = new Uint8Array(view.T);
  for (const f of window) camVar[f] = 1;
  for (const f of fixed) camVar[f] = 0;
  const ptVar = new Uint8Array(view.N);
  let lo = Math.min(...window);
  let hi = Math.max(...window);
  for (const f of window)
    for (const k of view.tracksIn(f))
      if (rec.hasPoint[k]) {
        ptVar[k] = 1;
        lo = Math.min(lo, view.first[k]!);
        hi = Math.max(hi, view.last[k]!);
      }
  return runBundle(view, rec, o, camVar, ptVar, false, iterations, [lo, hi]);
}

/** The last registered frames: the gauge (the initial pair's first frame) and the window's oldest held. */
function windowBundle(view: TrackView, rec: Reconstruction, window: number[], o: IncrementalOptions): void {
  adjustWindow(view, rec, o, window, rec.pair ? [window[0]!, rec.pair.a] : [window[0]!], 8);
}

/**
 * Above this many registered frames the global adjustments run as overlapping windows swept along the
 * shot instead of one dense system (whose reduced camera matrix grows with the square of the frames and
 * its factorisation with the cube): time and memory stay linear in the shot's length.
 */
export const DENSE_BUNDLE_MAX_FRAMES = 100;
const SWEEP_WINDOW = 40;
const SWEEP_STRIDE = 30;

/**
 * Bundle adjustment of every registered frame and point as overlapping windows of SWEEP_WINDOW frames
 * (cameras outside a window and the gauge frame held): each window's cameras and the points they see
 * move; the report is that of the last window, with the RMS over all frames.
 */
export function sweepBundle(
  view: TrackView,
  rec: Reconstruction,
  o: IncrementalOptions,
  regList: readonly number[],
  fixedFrame: number,
  iterations: number,
): BundleReport {
  const frames = [...regList].sort((x, y) => x - y);
  let rep: BundleReport | null = null;
  for (let s = 0; s < frames.length; s += SWEEP_STRIDE) {
    if (o.signal?.aborted) break;
    rep = adjustWindow(view, rec, o, frames.slice(s, s + SWEEP_WINDOW), [fixedFrame], iterations);
    if (s + SWEEP_WINDOW >= frames.length) break;
  }
  const rmsPx = rmsReprojectionPx(view, rec, o);
  return rep
    ? { ...rep, rmsPx }
    : { iterations: 0, initialCost: 0, finalCost: 0, rmsPx, focal: rec.focal, observations: 0 };
}

function globalBundle(
  view: TrackView,
  rec: Reconstruction,
  o: IncrementalOptions,
  a: number,
  _b: number,
  iters: number,
): BundleReport {
  const regList: number[] = [];
  for (let f = 0; f < view.T; f++) if (rec.registered[f]) regList.push(f);
  if (regList.length > DENSE_BUNDLE_MAX_FRAMES)
    return sweepBundle(view, rec, o, regList, a, Math.min(iters, 15));
  const camVar = Uint8Array.from(rec.registered);
  camVar[a] = 0;
  const ptVar = Uint8Array.from(rec.hasPoint);
  return runBundle(view, rec, o, camVar, ptVar, o.optimizeFocal, iters);
}

/** Marks observations with large errors; drops tracks whose observations are mostly inconsistent. */
export function rejectOutliers(
  view: TrackView,
  rec: Reconstruction,
  o: IncrementalOptions,
  regList: number[],
): boolean {
  const T = view.T;
  const f = rec.focal;
  const th2 = (o.thresholdPx / f) ** 2;
  let changed = false;
  const nObs = new Int32Array(view.N);
  const nBad = new Int32Array(view.N);
  for (const fr of regList)
    for (const k of view.tracksIn(fr)) {
      if (!rec.hasPoint[k]) continue;
      nObs[k] = nObs[k]! + 1;
      const e = reprojErrorSq(
        rec.R,
        rec.t,
        fr,
        rec.X,
        3 * k,
        (view.x(k, fr) - o.cx) / f,
        (view.y(k, fr) - o.cy) / f,
      );
      if (e > th2) {
        if (!rec.bad[k * T + fr]) changed = true;
        rec.bad[k * T + fr] = 1;
        nBad[k] = nBad[k]! + 1;
      } else if (rec.bad[k * T + fr] && e < 0.25 * th2) {
        rec.bad[k * T + fr] = 0; // re-admit an observation that fits now
      }
    }
  for (let k = 0; k < view.N; k++) {
    if (!rec.hasPoint[k]) continue;
    if (nBad[k]! > 0.3 * nObs[k]! || nObs[k]! - nBad[k]! < 2) {
      rec.hasPoint[k] = 0;
      rec.dynamic[k] = 1;
      changed = true;
    }
  }
  return changed;
}
