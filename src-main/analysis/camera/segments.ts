/**
 * A shot solved as segments (issue 11): where the tracks thin out — a subject covers the lens, a flash, a
 * whip pan, an edit — registration stops, and the frames on the other side are solved as a segment of
 * their own. Adjacent segments are then joined where geometry allows: by the 3D points both reconstructed
 * (a similarity found by RANSAC), or, when one of them only rotates, by the rotation between the tracks
 * they share. Joined segments share one gauge and the frames between them are interpolated; a segment that
 * cannot be joined keeps its own gauge, placed where the previous one ended, and the report says so.
 *
 * Everything here is in world-to-camera form (X_c = R·X + t, R row-major), shot frame indices.
 */
import { umeyama, type Sim3 } from '../../../src-shared/geometry';
import { quatFromMat3, quatSlerp, quatToMat3 } from '../../../src-shared/geometry/quat';
import type { Mat3 } from '../../../src-shared/geometry/mat3';
import { ransacRotation } from './homography';
import type { Reconstruction } from './incremental';
import { Rng } from './random';
import { mul33, mulT33, transpose33 } from './rotation';
import type { TrackView } from './tracks';
import { cameraCentre } from './triangulate';

export interface Segment {
  first: number;
  last: number;
  kind: 'solved' | 'rotation-only';
  /** Poses of first…last (9 and 3 per shot frame; only this segment's frames are meaningful). */
  R: Float64Array;
  t: Float64Array;
  registered: Uint8Array;
  /** How each frame was registered (REGISTERED_BY_*), solved segments only. */
  how: Uint8Array | null;
  /** Solved segments: the reconstruction (points, flags). */
  rec: Reconstruction | null;
  rmsPx: number;
  /** Rotation segments: the smallest share of tracks the rotation explained between two frames. */
  inlierFraction: number;
  gauge: number;
  joinedTo: number | null;
  joinPoints: number;
}

/** Relative distance (to the point's depth from the joining camera) within which two reconstructions agree. */
const JOIN_TOLERANCE = 0.05;
const JOIN_MIN_POINTS = 6;
const JOIN_MIN_TRACKS = 15;

/**
 * Moves segment `s` (its cameras and points) by X ↦ k·Q·X + τ, Q row-major: R' = R·Qᵀ, t' = k·t − R'·τ.
 */
export function transformSegment(s: Segment, k: number, Q: ArrayLike<number>, tau: ArrayLike<number>): void {
  const QT = transpose33(Q);
  for (let c = s.first; c <= s.last; c++) {
    if (!s.registered[c]) continue;
    const Rn = mul33(s.R.subarray(9 * c, 9 * c + 9), QT);
    for (let i = 0; i < 3; i++)
      s.t[3 * c + i] =
        k * s.t[3 * c + i]! - (Rn[3 * i]! * tau[0]! + Rn[3 * i + 1]! * tau[1]! + Rn[3 * i + 2]! * tau[2]!);
    s.R.set(Rn, 9 * c);
  }
  const rec = s.rec;
  if (!rec) return;
  for (let p = 0; p < rec.hasPoint.length; p++) {
    if (!rec.hasPoint[p]) continue;
    const x = rec.X[3 * p]!,
      y = rec.X[3 * p + 1]!,
      z = rec.X[3 * p + 2]!;
    for (let i = 0; i < 3; i++)
      rec.X[3 * p + i] = k * (Q[3 * i]! * x + Q[3 * i + 1]! * y + Q[3 * i + 2]! * z) + tau[i]!;
  }
}

function sim3ToMatrix(S: Sim3): { k: number; Q: Mat3; tau: [number, number, number] } {
  return { k: S.s, Q: quatToMat3(S.q), tau: [...S.t] };
}

/**
 * The similarity taking solved segment `b` onto solved segment `a` from the tracks both triangulated:
 * 3-point RANSAC on Umeyama's fit, inliers within JOIN_TOLERANCE of the point's distance from `a`'s last
 * camera, refitted on the inliers. Null when fewer than JOIN_MIN_POINTS agree.
 */
export function joinByPoints(
  a: Segment,
  b: Segment,
  seed: number,
): { k: number; Q: Mat3; tau: [number, number, number]; points: number } | null {
  const ra = a.rec;
  const rb = b.rec;
  if (!ra || !rb) return null;
  const ids: number[] = [];
  for (let k = 0; k < ra.hasPoint.length; k++) if (ra.hasPoint[k] && rb.hasPoint[k]) ids.push(k);
  if (ids.length < JOIN_MIN_POINTS) return null;
  const n = ids.length;
  const src = new Float64Array(3 * n);
  const dst = new Float64Array(3 * n);
  const scale = new Float64Array(n);
  const Ca = cameraCentre(a.R, a.t, a.last);
  ids.forEach((k, i) => {
    src.set(rb.X.subarray(3 * k, 3 * k + 3), 3 * i);
    dst.set(ra.X.subarray(3 * k, 3 * k + 3), 3 * i);
    scale[i] = Math.hypot(dst[3 * i]! - Ca[0], dst[3 * i + 1]! - Ca[1], dst[3 * i + 2]! - Ca[2]);
  });
  const inliersOf = (S: Sim3): number[] => {
    const { k, Q, tau } = sim3ToMatrix(S);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = src[3 * i]!,
        y = src[3 * i + 1]!,
        z = src[3 * i + 2]!;
      let d2 = 0;
      for (let r = 0; r < 3; r++) {
        const v = k * (Q[3 * r]! * x + Q[3 * r + 1]! * y + Q[3 * r + 2]! * z) + tau[r]! - dst[3 * i + r]!;
        d2 += v * v;
      }
      if (Math.sqrt(d2) <= JOIN_TOLERANCE * scale[i]!) out.push(i);
    }
    return out;
  };
  const pick = (sel: readonly number[]) => {
    const s = new Float64Array(3 * sel.length);
    const d = new Float64Array(3 * sel.length);
    sel.forEach((i, j) => {
      s.set(src.subarray(3 * i, 3 * i + 3), 3 * j);
      d.set(dst.subarray(3 * i, 3 * i + 3), 3 * j);
    });
    try {
      return umeyama(s, d, true);
    } catch {
      return null;
    }
  };
  const rng = new Rng(seed + 71);
  const idx = new Int32Array(3);
  let best: number[] = [];
  for (let it = 0; it < 200; it++) {
    rng.sample(n, 3, idx);
    const S = pick(Array.from(idx));
    if (!S || !(S.s > 0)) continue;
    const inl = inliersOf(S);
    if (inl.length > best.length) best = inl;
  }
  if (best.length < Math.max(JOIN_MIN_POINTS, 0.5 * n)) return null;
  const S = pick(best);
  if (!S) return null;
  const inl = inliersOf(S);
  if (inl.length < JOIN_MIN_POINTS) return null;
  return { ...sim3ToMatrix(S), points: inl.length };
}

/**
 * The rotation taking frame `fb` of segment `b` to frame `fa` of segment `a` from the tracks both frames
 * see (a rotation-only segment next to another has no scale to join by points): X_fb = Rrel·X_fa as
 * bearings. Null when fewer than JOIN_MIN_TRACKS are shared or under 60 % fit.
 */
export function joinByRotation(
  view: TrackView,
  fa: number,
  fb: number,
  cx: number,
  cy: number,
  focal: number,
  thresholdPx: number,
  exclude: Uint8Array | undefined,
): { Rrel: Float64Array; tracks: number } | null {
  const pc = view.pair(fa, fb, cx, cy, focal, exclude);
  if (pc.ids.length < JOIN_MIN_TRACKS) return null;
  const rot = ransacRotation(pc.x1, pc.x2, { threshold: thresholdPx / focal, rng: new Rng(13) });
  if (!rot || rot.numInliers < 0.6 * pc.ids.length) return null;
  return { Rrel: rot.R, tracks: rot.numInliers };
}

/**
 * Places segment `b` so that its frame `fb` has the pose `Rtarget`, centre `Ctarget`, and scale `k`
 * (world-to-camera): the similarity X ↦ k·Q·X + τ with Q = Rtargetᵀ·R_b(fb) and τ = Ctarget − k·Q·C_b(fb).
 */
export function placeSegment(
  b: Segment,
  fb: number,
  Rtarget: ArrayLike<number>,
  Ctarget: readonly number[],
  k: number,
): void {
  const Q = mulT33(Rtarget, b.R.subarray(9 * fb, 9 * fb + 9));
  const Cb = cameraCentre(b.R, b.t, fb);
  const tau = [0, 1, 2].map(
    (i) => Ctarget[i]! - k * (Q[3 * i]! * Cb[0] + Q[3 * i + 1]! * Cb[1] + Q[3 * i + 2]! * Cb[2]),
  );
  transformSegment(b, k, Q, tau);
}

/** Median distance from frame f's camera to the segment's points it sees (its scale at that frame). */
export function medianDepthAt(view: TrackView, s: Segment, f: number): number {
  const rec = s.rec;
  if (!rec) return NaN;
  const d: number[] = [];
  const r = 9 * f;
  for (const k of view.tracksIn(f)) {
    if (!rec.hasPoint[k]) continue;
    const z =
      s.R[r + 6]! * rec.X[3 * k]! +
      s.R[r + 7]! * rec.X[3 * k + 1]! +
      s.R[r + 8]! * rec.X[3 * k + 2]! +
      s.t[3 * f + 2]!;
    if (z > 0) d.push(z);
  }
  d.sort((x, y) => x - y);
  return d.length ? d[d.length >> 1]! : NaN;
}

/**
 * Joins segment `b` to `a` (which comes before it and is already in the shot's world): by points when
 * both have 3D points, else by rotation when one only rotates; when neither works, `b` gets a gauge of its
 * own, placed where `a` ended (same orientation and centre at the joining frames, scale matched by the
 * median depth there). Returns whether it was joined.
 */
export function joinSegments(
  view: TrackView,
  a: Segment,
  b: Segment,
  o: { cx: number; cy: number; focal: number; thresholdPx: number; seed: number; exclude?: Uint8Array },
  gauges: { next: () => number; hasScale: (gauge: number) => boolean },
): boolean {
  if (a.kind === 'solved' && b.kind === 'solved') {
    const j = joinByPoints(a, b, o.seed);
    if (j) {
      transformSegment(b, j.k, j.Q, j.tau);
      b.gauge = a.gauge;
      b.joinPoints = j.points;
      return true;
    }
  } else {
    const r = joinByRotation(view, a.last, b.first, o.cx, o.cy, o.focal, o.thresholdPx, o.exclude);
    if (r) {
      // camera b.first = Rrel·(camera a.last) in orientation; the centre carries over. A solved segment
      // after a rotation keeps its own scale: it shares the gauge only if the gauge has no scale yet.
      const Rt = mul33(r.Rrel, a.R.subarray(9 * a.last, 9 * a.last + 9));
      placeSegment(b, b.first, Rt, cameraCentre(a.R, a.t, a.last), 1);
      b.joinPoints = r.tracks;
      if (b.kind === 'solved' && gauges.hasScale(a.gauge)) {
        b.gauge = gauges.next();
        return false;
      }
      b.gauge = a.gauge;
      return true;
    }
  }
  // a gauge of its own: continue from where a ended
  const da = medianDepthAt(view, a, a.last);
  const db = medianDepthAt(view, b, b.first);
  const k = Number.isFinite(da) && Number.isFinite(db) && db > 0 ? da / db : 1;
  placeSegment(b, b.first, a.R.subarray(9 * a.last, 9 * a.last + 9), cameraCentre(a.R, a.t, a.last), k);
  b.gauge = gauges.next();
  return false;
}

/**
 * Poses for frames lo…hi (exclusive bounds a, b registered) interpolated between frames a and b: centre
 * linear, orientation by slerp. Written into R, t.
 */
export function interpolateGap(R: Float64Array, t: Float64Array, a: number, b: number): void {
  const Ca = cameraCentre(R, t, a);
  const Cb = cameraCentre(R, t, b);
  const qa = quatFromMat3(Array.from(R.subarray(9 * a, 9 * a + 9)) as Mat3);
  const qb = quatFromMat3(Array.from(R.subarray(9 * b, 9 * b + 9)) as Mat3);
  for (let f = a + 1; f < b; f++) {
    const u = (f - a) / (b - a);
    const Rf = Float64Array.from(quatToMat3(quatSlerp(qa, qb, u)));
    const C = [0, 1, 2].map((i) => Ca[i]! + u * (Cb[i]! - Ca[i]!));
    R.set(Rf, 9 * f);
    for (let i = 0; i < 3; i++)
      t[3 * f + i] = -(Rf[3 * i]! * C[0]! + Rf[3 * i + 1]! * C[1]! + Rf[3 * i + 2]! * C[2]!);
  }
}

/** Per-frame status codes of an assembled shot (the report's words: solved, rotation-only, …). */
export const FRAME_UNSOLVED = 0;
export const FRAME_SOLVED = 1;
export const FRAME_ROTATION = 2;
export const FRAME_INTERPOLATED = 3;

/** The shot's segments in one world: poses per frame, points per track, what each frame is. */
export interface AssembledShot {
  R: Float64Array;
  t: Float64Array;
  X: Float64Array;
  hasPoint: Uint8Array;
  dynamic: Uint8Array;
  /** 1 = the frame has a pose (solved, rotation-only or interpolated). */
  registered: Uint8Array;
  status: Uint8Array;
  /** Segment index per frame (-1 unsolved); interpolated frames belong to the segment before the gap. */
  segment: Int32Array;
  segments: Segment[];
  rmsPx: number;
}

/**
 * Orders the segments in time, joins each to the one before it (or gives it a gauge of its own), copies
 * their poses and points into one world, and interpolates the frames between joined segments.
 */
export function assembleShot(
  view: TrackView,
  segments: Segment[],
  o: { cx: number; cy: number; focal: number; thresholdPx: number; seed: number },
  exclude: Uint8Array,
): AssembledShot {
  const T = view.T;
  const N = view.N;
  segments.sort((a, b) => a.first - b.first);
  let gauges = 1;
  const scaled = new Set<number>();
  segments[0]!.gauge = 0;
  if (segments[0]!.kind === 'solved') scaled.add(0);
  for (let i = 1; i < segments.length; i++) {
    const b = segments[i]!;
    const joined = joinSegments(
      view,
      segments[i - 1]!,
      b,
      { ...o, exclude },
      {
        next: () => gauges++,
        hasScale: (g) => scaled.has(g),
      },
    );
    if (joined) b.joinedTo = i - 1;
    if (b.kind === 'solved') scaled.add(b.gauge);
  }
  const shot: AssembledShot = {
    R: new Float64Array(9 * T),
    t: new Float64Array(3 * T),
    X: new Float64Array(3 * N),
    hasPoint: new Uint8Array(N),
    dynamic: Uint8Array.from(exclude),
    registered: new Uint8Array(T),
    status: new Uint8Array(T),
    segment: new Int32Array(T).fill(-1),
    segments,
    rmsPx: NaN,
  };
  let se = 0;
  let sw = 0;
  segments.forEach((sg, i) => {
    for (let f = sg.first; f <= sg.last; f++) {
      if (!sg.registered[f]) continue;
      shot.R.set(sg.R.subarray(9 * f, 9 * f + 9), 9 * f);
      shot.t.set(sg.t.subarray(3 * f, 3 * f + 3), 3 * f);
      shot.registered[f] = 1;
      shot.status[f] = sg.kind === 'solved' ? FRAME_SOLVED : FRAME_ROTATION;
      shot.segment[f] = i;
    }
    const rec = sg.rec;
    if (rec)
      for (let k = 0; k < N; k++) {
        if (rec.dynamic[k]) shot.dynamic[k] = 1;
        if (!rec.hasPoint[k] || shot.hasPoint[k]) continue;
        shot.X.set(rec.X.subarray(3 * k, 3 * k + 3), 3 * k);
        shot.hasPoint[k] = 1;
      }
    if (Number.isFinite(sg.rmsPx)) {
      const w = sg.last - sg.first + 1;
      se += sg.rmsPx * sg.rmsPx * w;
      sw += w;
    }
  });
  // the frames between joined segments: interpolated in their common gauge
  segments.forEach((sg, i) => {
    const next = segments[i + 1];
    if (!next || next.joinedTo !== i || next.first <= sg.last + 1) return;
    interpolateGap(shot.R, shot.t, sg.last, next.first);
    for (let f = sg.last + 1; f < next.first; f++) {
      shot.registered[f] = 1;
      shot.status[f] = FRAME_INTERPOLATED;
      shot.segment[f] = i;
    }
  });
  for (let k = 0; k < N; k++) if (shot.hasPoint[k]) shot.dynamic[k] = 0;
  shot.rmsPx = sw ? Math.sqrt(se / sw) : NaN;
  return shot;
}
