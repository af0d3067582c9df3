import { describe, expect, it } from 'vitest';
import { TrackView } from '../../../src-main/analysis/camera';
import { findMovingTracks } from '../../../src-main/analysis/camera/moving-tracks';
import { syntheticTracks, yawPitch, type Mover, type Vec3 } from '../../integration/camera/synthetic';

// the solver's outlier threshold at 640 px wide (solve.ts: 2·max(1, W/640))
const opts = { thresholdPx: 2, focal: 500, cx: 320, cy: 180 };

/** A static scene 6–36 in front of the first camera. */
const scenePoint = (r: () => number): Vec3 => [(r() - 0.5) * 24 + 1.5, (r() - 0.5) * 9, 6 + 30 * r()];

/** Sideways (0.16 a frame) and a little forward, turning right and up. */
const tracking = (i: number) => ({
  w: yawPitch(0.004 * i, 0.002 * i),
  C: [0.16 * i, 0.01 * i, 0.1 * i] as Vec3,
});

/** A box 3 × 2 × 2 about 14 ahead, rising and drifting right while it turns: `up` per frame. */
const box = (up: number, share = 0.15, x0 = 0.5, drift = 0.05): Mover => ({
  motion: (i) => ({ w: [0, 0.03 * i, 0.01 * i], T: [x0 + drift * i, 1.5 - up * i, 14] }),
  point: (r) => [(r() - 0.5) * 3, (r() - 0.5) * 2, (r() - 0.5) * 2],
  share,
});

function run(motion: (i: number) => { w: Vec3; C: Vec3 }, seed: number, movers: Mover[]) {
  const shot = syntheticTracks({
    frames: 40,
    motion,
    point: scenePoint,
    points: 400,
    noisePx: 0.3,
    seed,
    movers,
  });
  const found = findMovingTracks(new TrackView(shot.set, 2), { ...opts, seed });
  // score the tracks seen in at least 10 frames
  let m = 0;
  let mf = 0;
  let s = 0;
  let sf = 0;
  const T = shot.set.numFrames;
  for (let k = 0; k < shot.set.numTracks; k++) {
    let seen = 0;
    for (let i = 0; i < T; i++) seen += shot.set.visible[k * T + i]!;
    if (seen < 10) continue;
    if (shot.moving[k]) {
      m++;
      mf += found.moving[k]!;
    } else {
      s++;
      sf += found.moving[k]!;
    }
  }
  return { found, movers: m, moverFlagged: m ? mf / m : NaN, statics: s, staticFlagged: sf / s };
}

describe('findMovingTracks', () => {
  it.each([1, 2, 3])(
    'a translating, turning camera over a static scene with one rigid mover: the mover flagged, the scene not (seed %i)',
    (seed) => {
      // measured (seeds 1–6): 60/60 of the mover's tracks flagged, 0 of ~280 static ones
      const r = run(tracking, seed, [box(0.2)]);
      expect(r.movers).toBeGreaterThan(30);
      expect(r.found.pairs).toBeGreaterThan(5);
      expect(r.moverFlagged).toBeGreaterThanOrEqual(0.95);
      expect(r.staticFlagged).toBeLessThanOrEqual(0.02);
      expect(r.found.count).toBe(r.found.moving.reduce((a, b) => a + b, 0));
    },
  );

  it('a static scene alone: nothing flagged', () => {
    const r = run(tracking, 4, []);
    expect(r.found.pairs).toBeGreaterThan(5);
    expect(r.found.count).toBe(0);
  });

  const pan = (i: number) => ({ w: yawPitch(0.006 * i, 0.002 * i), C: [0, 0, 0] as Vec3 });

  it('a pan from a tripod (the homography votes) with a small mover (3 % of the tracks): flagged', () => {
    const r = run(pan, 1, [box(0.2, 0.03, 1.5, 0)]);
    expect(r.movers).toBeGreaterThanOrEqual(10);
    expect(r.moverFlagged).toBeGreaterThanOrEqual(0.95);
    expect(r.staticFlagged).toBeLessThanOrEqual(0.02);
  });

  // BUG (moving-tracks.ts, the model choice): on a pan the fundamental matrix is degenerate — any
  // F = [e]×·H fits the static scene — so RANSAC finds an F whose epipole lies on the mover's motion and
  // that fits the mover as well: on pairs 0–3, 10–13, 20–23, 30–33 here F takes 52–60 of the mover's 60
  // tracks with all the static ones, H the static ones only (H/F = 0.82–0.84). The homography is used only
  // when it explains ≥ 95 % as many tracks as F, so once the mover holds more than ~5 % of the tracks F is
  // the model and the mover is not flagged: 6/60 at 15 % (32/32 at 8 %, 12/12 at 3 %). A degeneracy test
  // before preferring F (F compatible with H, i.e. Hᵀ·F skew-symmetric, as in DEGENSAC) would fix it.
  // Turn into `it` with the fix.
  it.fails('BUG: a pan with a mover holding 15 % of the tracks: the mover is flagged', () => {
    const r = run(pan, 1, [box(0.2, 0.15, 1.5, 0)]);
    expect(r.movers).toBeGreaterThan(30);
    expect(r.moverFlagged).toBeGreaterThanOrEqual(0.95);
  });

  // Pairs only ~12 px of median motion apart (PAIR_MOTION_PX was 8) were too short a baseline for F to
  // tell this compact mover from the static scene (box flagged 26/60 with up to 6.7 % of the scene); at
  // ~20 px (and up to 30 frames) F rejects the box and keeps the scene.
  it('a slower camera and a slower mover: the mover is flagged, ≤ 2 % of the scene', () => {
    const slow = (i: number) => ({
      w: yawPitch(0.004 * i, 0.002 * i),
      C: [0.08 * i, 0.01 * i, 0.05 * i] as Vec3,
    });
    const r = run(slow, 1, [box(0.1, 0.15, 0.5, 0)]);
    expect(r.movers).toBeGreaterThan(30);
    expect(r.moverFlagged).toBeGreaterThanOrEqual(0.95);
    expect(r.staticFlagged).toBeLessThanOrEqual(0.02);
  });
});
