import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rodrigues, rotationLog, TrackView } from '../../../src-main/analysis/camera';
import type { Reconstruction } from '../../../src-main/analysis/camera/incremental';
import { mul33, mulT33, rotationAngle, transpose33 } from '../../../src-main/analysis/camera/rotation';
import {
  assembleShot,
  FRAME_INTERPOLATED,
  FRAME_SOLVED,
  FRAME_UNSOLVED,
  interpolateGap,
  joinByPoints,
  transformSegment,
  type Segment,
} from '../../../src-main/analysis/camera/segments';
import { emptyTrackSet } from '../../../src-main/analysis/tracking';
import { lcg } from './synthetic-scene';

type V3 = [number, number, number];

const centreOf = (R: ArrayLike<number>, t: ArrayLike<number>, c: number): V3 =>
  [0, 1, 2].map(
    (i) =>
      -(R[9 * c + i]! * t[3 * c]! + R[9 * c + 3 + i]! * t[3 * c + 1]! + R[9 * c + 6 + i]! * t[3 * c + 2]!),
  ) as V3;

/** Camera coordinates of point p in camera c (world-to-camera R, t per frame). */
const toCamera = (
  R: ArrayLike<number>,
  t: ArrayLike<number>,
  c: number,
  X: ArrayLike<number>,
  p: number,
): V3 =>
  [0, 1, 2].map(
    (r) =>
      R[9 * c + 3 * r]! * X[3 * p]! +
      R[9 * c + 3 * r + 1]! * X[3 * p + 1]! +
      R[9 * c + 3 * r + 2]! * X[3 * p + 2]! +
      t[3 * c + r]!,
  ) as V3;

/** ≈ the angle (rad) between two rotations, accurate near 0 (an acos of the trace is not: ~1e-8). */
const rotDiff = (A: ArrayLike<number>, B: ArrayLike<number>) => {
  let e = 0;
  for (let i = 0; i < 9; i++) e += (A[i]! - B[i]!) ** 2;
  return Math.sqrt(e / 2);
};

/** The similarity X ↦ k·Q·X + τ applied to a point. */
const applySim = (k: number, Q: ArrayLike<number>, tau: ArrayLike<number>, x: ArrayLike<number>, o = 0): V3 =>
  [0, 1, 2].map(
    (r) => k * (Q[3 * r]! * x[o]! + Q[3 * r + 1]! * x[o + 1]! + Q[3 * r + 2]! * x[o + 2]!) + tau[r]!,
  ) as V3;

/** Its inverse: Qᵀ·(X − τ)/k. */
const invertSim = (
  k: number,
  Q: ArrayLike<number>,
  tau: ArrayLike<number>,
  x: ArrayLike<number>,
  o = 0,
): V3 => {
  const d = [x[o]! - tau[0]!, x[o + 1]! - tau[1]!, x[o + 2]! - tau[2]!];
  return [0, 1, 2].map((c) => (Q[c]! * d[0]! + Q[3 + c]! * d[1]! + Q[6 + c]! * d[2]!) / k) as V3;
};

function reconstruction(
  T: number,
  R: Float64Array,
  t: Float64Array,
  X: Float64Array,
  hasPoint: Uint8Array,
): Reconstruction {
  const N = hasPoint.length;
  return {
    ok: true,
    R,
    t,
    registered: new Uint8Array(T).fill(1),
    X,
    hasPoint,
    dynamic: new Uint8Array(N),
    bad: new Uint8Array(N * T),
    how: new Uint8Array(T),
    focal: 500,
    pair: null,
    rmsPx: 0.5,
    bundle: null,
    failedAt: -1,
    notes: [],
  };
}

function segment(
  first: number,
  last: number,
  R: Float64Array,
  t: Float64Array,
  rec: Reconstruction | null,
  registered?: Uint8Array,
): Segment {
  const T = t.length / 3;
  const reg = registered ?? Uint8Array.from({ length: T }, (_, f) => (f >= first && f <= last ? 1 : 0));
  return {
    first,
    last,
    kind: 'solved',
    R,
    t,
    registered: reg,
    how: null,
    rec,
    rmsPx: 0.5,
    inlierFraction: 1,
    gauge: 0,
    joinedTo: null,
    joinPoints: 0,
  };
}

/**
 * The truth of a short shot: a camera moving sideways and turning a little over T frames, and N points
 * 5–15 in front of it.
 */
function scene(seed: number, T: number, N: number) {
  const rand = lcg(seed);
  const R = new Float64Array(9 * T);
  const t = new Float64Array(3 * T);
  const w0: V3 = [(rand() - 0.5) * 0.2, (rand() - 0.5) * 0.4, (rand() - 0.5) * 0.2];
  for (let f = 0; f < T; f++) {
    const Rf = rodrigues(w0[0], w0[1] + 0.01 * f, w0[2]);
    const C = [0.2 * f, 0.02 * f, 0.05 * f];
    R.set(Rf, 9 * f);
    for (let i = 0; i < 3; i++)
      t[3 * f + i] = -(Rf[3 * i]! * C[0]! + Rf[3 * i + 1]! * C[1]! + Rf[3 * i + 2]! * C[2]!);
  }
  const X = new Float64Array(3 * N);
  for (let p = 0; p < N; p++)
    X.set([(rand() - 0.5) * 12 + 0.1 * T, (rand() - 0.5) * 6, 5 + 10 * rand()], 3 * p);
  return { R, t, X, rand };
}

/** A random similarity: scale 0.2–5, any rotation, a shift of up to 20. */
function randomSim(rand: () => number) {
  const k = 0.2 * 25 ** rand();
  const Q = rodrigues((rand() - 0.5) * 6, (rand() - 0.5) * 6, (rand() - 0.5) * 6);
  const tau: V3 = [(rand() - 0.5) * 40, (rand() - 0.5) * 40, (rand() - 0.5) * 40];
  return { k, Q, tau };
}

/** Segment frames first…last of the truth seen in the gauge where a world point X is Sim⁻¹(X). */
function inGauge(
  truth: { R: Float64Array; t: Float64Array; X: Float64Array },
  S: ReturnType<typeof randomSim>,
) {
  const T = truth.t.length / 3;
  const R = new Float64Array(9 * T);
  const t = new Float64Array(3 * T);
  for (let f = 0; f < T; f++) {
    // x_c ∝ R·(k·Q·Y + τ) + t = k·(R·Q·Y + (R·τ + t)/k)
    const Rf = truth.R.subarray(9 * f, 9 * f + 9);
    R.set(mul33(Rf, S.Q), 9 * f);
    for (let i = 0; i < 3; i++)
      t[3 * f + i] =
        (Rf[3 * i]! * S.tau[0] +
          Rf[3 * i + 1]! * S.tau[1] +
          Rf[3 * i + 2]! * S.tau[2] +
          truth.t[3 * f + i]!) /
        S.k;
  }
  const X = new Float64Array(truth.X.length);
  for (let p = 0; p < X.length / 3; p++) X.set(invertSim(S.k, S.Q, S.tau, truth.X, 3 * p), 3 * p);
  return { R, t, X };
}

describe('transformSegment', () => {
  it('moving a segment by a similarity keeps every reprojection (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (seed) => {
        const T = 10;
        const N = 30;
        const truth = scene(seed, T, N);
        const hasPoint = Uint8Array.from({ length: N }, (_, p) => (p % 6 === 5 ? 0 : 1));
        const registered = Uint8Array.from({ length: T }, (_, f) => (f >= 2 && f <= 7 && f !== 4 ? 1 : 0));
        const s = segment(2, 7, truth.R.slice(), truth.t.slice(), null, registered);
        s.rec = reconstruction(T, s.R, s.t, truth.X.slice(), hasPoint);
        const { k, Q, tau } = randomSim(truth.rand);
        transformSegment(s, k, Q, tau);
        for (let f = 0; f < T; f++) {
          if (!registered[f]) {
            // frames the segment does not pose are left as they were
            expect(Array.from(s.R.subarray(9 * f, 9 * f + 9))).toEqual(
              Array.from(truth.R.subarray(9 * f, 9 * f + 9)),
            );
            expect(Array.from(s.t.subarray(3 * f, 3 * f + 3))).toEqual(
              Array.from(truth.t.subarray(3 * f, 3 * f + 3)),
            );
            continue;
          }
          // R' = R·Qᵀ
          const Re = mul33(truth.R.subarray(9 * f, 9 * f + 9), transpose33(Q));
          expect(rotDiff(Re, s.R.subarray(9 * f, 9 * f + 9))).toBeLessThan(1e-9);
          // the centre moves with the similarity
          const C = centreOf(s.R, s.t, f);
          const Ce = applySim(k, Q, tau, centreOf(truth.R, truth.t, f));
          for (let i = 0; i < 3; i++) expect(C[i]).toBeCloseTo(Ce[i]!, 8);
          for (let p = 0; p < N; p++) {
            if (!hasPoint[p]) continue;
            const before = toCamera(truth.R, truth.t, f, truth.X, p);
            const after = toCamera(s.R, s.t, f, s.rec!.X, p);
            // same image point, depth scaled by k
            expect(after[0] / after[2] - before[0] / before[2]).toBeCloseTo(0, 10);
            expect(after[1] / after[2] - before[1] / before[2]).toBeCloseTo(0, 10);
            expect(after[2] / before[2]).toBeCloseTo(k, 9);
          }
        }
        // points without a 3D position are left alone
        for (let p = 0; p < N; p++)
          if (!hasPoint[p])
            expect(Array.from(s.rec!.X.subarray(3 * p, 3 * p + 3))).toEqual(
              Array.from(truth.X.subarray(3 * p, 3 * p + 3)),
            );
      }),
      { numRuns: 30 },
    );
  });
});

describe('joinByPoints', () => {
  /** Segment a (frames 0–9, the truth) and b (frames 10–19, in another gauge); shared tracks `shared`. */
  function twoSegments(seed: number, N: number, corrupt: (p: number) => boolean) {
    const T = 20;
    const truth = scene(seed, T, N);
    const S = randomSim(truth.rand);
    const g = inGauge(truth, S);
    const a = segment(0, 9, truth.R.slice(), truth.t.slice(), null);
    a.rec = reconstruction(T, a.R, a.t, truth.X.slice(), new Uint8Array(N).fill(1));
    const b = segment(10, 19, g.R, g.t, null);
    b.rec = reconstruction(T, b.R, b.t, g.X, new Uint8Array(N).fill(1));
    // a corrupted point is 30–100 % of its distance from a's last camera away from where it should be
    const Ca = centreOf(a.R, a.t, 9);
    let good = 0;
    for (let p = 0; p < N; p++) {
      if (!corrupt(p)) {
        good++;
        continue;
      }
      const d = Math.hypot(truth.X[3 * p]! - Ca[0], truth.X[3 * p + 1]! - Ca[1], truth.X[3 * p + 2]! - Ca[2]);
      const dir = [truth.rand() - 0.5, truth.rand() - 0.5, truth.rand() - 0.5];
      const m = ((0.3 + 0.7 * truth.rand()) * d) / Math.hypot(...dir) / S.k;
      for (let i = 0; i < 3; i++) b.rec.X[3 * p + i] = b.rec.X[3 * p + i]! + m * dir[i]!;
    }
    return { a, b, S, good, truth };
  }

  it('recovers the similarity between two gauges with 20 % of the shared points corrupted (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (seed) => {
        const { a, b, S, good } = twoSegments(seed, 60, (p) => p % 5 === 2);
        const j = joinByPoints(a, b, seed);
        expect(j).not.toBeNull();
        expect(j!.points).toBe(good);
        expect(j!.k / S.k).toBeCloseTo(1, 8);
        expect(rotDiff(j!.Q, S.Q)).toBeLessThan(1e-8);
        for (let i = 0; i < 3; i++) expect(j!.tau[i]).toBeCloseTo(S.tau[i]!, 6);
      }),
      { numRuns: 25 },
    );
  });

  it('counts only the tracks both segments triangulated', () => {
    const { a, b, S } = twoSegments(7, 60, () => false);
    for (let p = 0; p < 60; p++) {
      if (p % 3 === 0) a.rec!.hasPoint[p] = 0;
      if (p % 4 === 0) b.rec!.hasPoint[p] = 0;
    }
    const shared = Array.from({ length: 60 }, (_, p) => p).filter((p) => p % 3 !== 0 && p % 4 !== 0).length;
    const j = joinByPoints(a, b, 7)!;
    expect(j.points).toBe(shared);
    expect(j.k / S.k).toBeCloseTo(1, 8);
  });

  it('too few shared points, too many disagreeing, or no points at all: null', () => {
    const few = twoSegments(8, 60, () => false);
    for (let p = 5; p < 60; p++) few.b.rec!.hasPoint[p] = 0;
    expect(joinByPoints(few.a, few.b, 8)).toBeNull();
    // six shared and consistent is enough
    few.b.rec!.hasPoint[5] = 1;
    expect(joinByPoints(few.a, few.b, 8)?.points).toBe(6);
    // 60 % of the shared points disagree: no majority, no join
    const most = twoSegments(9, 60, (p) => p % 5 < 3);
    expect(joinByPoints(most.a, most.b, 9)).toBeNull();
    const none = twoSegments(10, 60, () => false);
    none.b.rec = null;
    expect(joinByPoints(none.a, none.b, 10)).toBeNull();
  });
});

describe('interpolateGap', () => {
  it('keeps the ends, moves the centre linearly and turns at constant speed along the slerp', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (seed) => {
        const rand = lcg(seed);
        const T = 13;
        const a = 2;
        const b = 10;
        const R = new Float64Array(9 * T);
        const t = Float64Array.from({ length: 3 * T }, () => rand() * 10);
        for (let f = 0; f < T; f++)
          R.set(rodrigues((rand() - 0.5) * 3, (rand() - 0.5) * 3, (rand() - 0.5) * 3), 9 * f);
        // b turned from a by up to 140° (away from 180°, where the shortest arc is ambiguous)
        const turn = rodrigues((rand() - 0.5) * 2.8, (rand() - 0.5) * 2.8, (rand() - 0.5) * 2.8);
        R.set(mul33(R.subarray(9 * a, 9 * a + 9), turn), 9 * b);
        const R0 = R.slice();
        const t0 = t.slice();
        interpolateGap(R, t, a, b);
        // the ends and the frames outside the gap are untouched
        for (const f of [0, 1, a, b, 11, 12]) {
          expect(Array.from(R.subarray(9 * f, 9 * f + 9))).toEqual(Array.from(R0.subarray(9 * f, 9 * f + 9)));
          expect(Array.from(t.subarray(3 * f, 3 * f + 3))).toEqual(Array.from(t0.subarray(3 * f, 3 * f + 3)));
        }
        const Ca = centreOf(R0, t0, a);
        const Cb = centreOf(R0, t0, b);
        const Ra = R0.subarray(9 * a, 9 * a + 9);
        const w = rotationLog(mulT33(Ra, R0.subarray(9 * b, 9 * b + 9)));
        const angle = Math.hypot(...w);
        for (let f = a + 1; f < b; f++) {
          const u = (f - a) / (b - a);
          const C = centreOf(R, t, f);
          for (let i = 0; i < 3; i++) expect(C[i]).toBeCloseTo(Ca[i]! + u * (Cb[i]! - Ca[i]!), 10);
          // slerp: R(u) = Ra·exp(u·log(Raᵀ·Rb)), a fraction u of the way at constant angular speed
          const expected = mul33(Ra, rodrigues(u * w[0], u * w[1], u * w[2]));
          expect(rotDiff(expected, R.subarray(9 * f, 9 * f + 9))).toBeLessThan(1e-7);
          expect(rotationAngle(mulT33(Ra, R.subarray(9 * f, 9 * f + 9)))).toBeCloseTo(u * angle, 7);
        }
        // the middle frame sits halfway between the two centres
        const Cm = centreOf(R, t, 6);
        for (let i = 0; i < 3; i++) expect(Cm[i]).toBeCloseTo((Ca[i]! + Cb[i]!) / 2, 10);
      }),
      { numRuns: 30 },
    );
  });
});

describe('assembleShot', () => {
  const T = 24;
  const N = 40;
  const view = new TrackView(emptyTrackSet(640, 360, T, N), 2);
  const opts = { cx: 320, cy: 180, focal: 500, thresholdPx: 2, seed: 1 };

  /** Segment A (frames 0–9, the truth's gauge) and B (frames 14–23, another gauge), gap 10–13. */
  function shot(seed: number, sharedInB: number) {
    const truth = scene(seed, T, N);
    const S = randomSim(truth.rand);
    const g = inGauge(truth, S);
    const hasA = Uint8Array.from({ length: N }, (_, p) => (p < N - 1 ? 1 : 0));
    const hasB = Uint8Array.from({ length: N }, (_, p) => (p < sharedInB ? 1 : 0));
    const A = segment(0, 9, truth.R.slice(), truth.t.slice(), null);
    A.rec = reconstruction(T, A.R, A.t, truth.X.slice(), hasA);
    A.rmsPx = 0.5;
    A.rec.dynamic[N - 1] = 1; // a moving track (no point anywhere)
    const B = segment(14, 23, g.R, g.t, null);
    B.rec = reconstruction(T, B.R, B.t, g.X, hasB);
    B.rmsPx = 1;
    B.rec.dynamic[N - 2] = 1; // B set it aside, but A has a point for it
    return { truth, A, B };
  }

  it('two solved segments joined by their points: one world, the gap interpolated and counted to the first', () => {
    const { truth, A, B } = shot(3, N - 2);
    const out = assembleShot(view, [B, A], opts, new Uint8Array(N));
    expect(out.segments[0]).toBe(A);
    expect(B.joinedTo).toBe(0);
    expect(B.gauge).toBe(A.gauge);
    expect(B.joinPoints).toBe(N - 2);
    const status = Array.from(out.status);
    const seg = Array.from(out.segment);
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    for (const f of range(0, 9)) expect([status[f], seg[f]]).toEqual([FRAME_SOLVED, 0]);
    for (const f of range(10, 13)) expect([status[f], seg[f]]).toEqual([FRAME_INTERPOLATED, 0]);
    for (const f of range(14, 23)) expect([status[f], seg[f]]).toEqual([FRAME_SOLVED, 1]);
    expect(Array.from(out.registered)).toEqual(new Array(T).fill(1));
    // B is back in A's world: its cameras are the truth's
    for (const f of range(14, 23)) {
      expect(rotDiff(out.R.subarray(9 * f, 9 * f + 9), truth.R.subarray(9 * f, 9 * f + 9))).toBeLessThan(
        1e-8,
      );
      const C = centreOf(out.R, out.t, f);
      const Ct = centreOf(truth.R, truth.t, f);
      for (let i = 0; i < 3; i++) expect(C[i]).toBeCloseTo(Ct[i]!, 7);
    }
    // the gap: centres on the line between frames 9 and 14 (the truth moves in a straight line too)
    for (const f of range(10, 13)) {
      const C = centreOf(out.R, out.t, f);
      const Ct = centreOf(truth.R, truth.t, f);
      for (let i = 0; i < 3; i++) expect(C[i]).toBeCloseTo(Ct[i]!, 7);
    }
    // points: A's, a track with a point anywhere is not moving; RMS weighted by the segments' lengths
    for (let p = 0; p < N - 1; p++) {
      expect(out.hasPoint[p]).toBe(1);
      for (let i = 0; i < 3; i++) expect(out.X[3 * p + i]).toBeCloseTo(truth.X[3 * p + i]!, 8);
    }
    expect(out.hasPoint[N - 1]).toBe(0);
    expect(out.dynamic[N - 1]).toBe(1);
    expect(out.dynamic[N - 2]).toBe(0);
    expect(out.rmsPx).toBeCloseTo(Math.sqrt((0.5 ** 2 * 10 + 1 ** 2 * 10) / 20), 12);
  });

  it('segments that share too few points: a gauge of its own, placed where the first ended, the gap unsolved', () => {
    const { A, B } = shot(4, 4);
    const out = assembleShot(view, [A, B], opts, new Uint8Array(N));
    expect(B.joinedTo).toBeNull();
    expect(B.gauge).not.toBe(A.gauge);
    for (let f = 10; f <= 13; f++) {
      expect(out.status[f]).toBe(FRAME_UNSOLVED);
      expect(out.segment[f]).toBe(-1);
      expect(out.registered[f]).toBe(0);
    }
    for (let f = 14; f <= 23; f++) expect([out.status[f], out.segment[f]]).toEqual([FRAME_SOLVED, 1]);
    // B's first camera takes over A's last pose (orientation and centre)
    expect(rotDiff(out.R.subarray(9 * 9, 9 * 10), out.R.subarray(9 * 14, 9 * 15))).toBeLessThan(1e-9);
    const C9 = centreOf(out.R, out.t, 9);
    const C14 = centreOf(out.R, out.t, 14);
    for (let i = 0; i < 3; i++) expect(C14[i]).toBeCloseTo(C9[i]!, 9);
  });
});
