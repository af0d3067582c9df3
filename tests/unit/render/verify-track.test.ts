import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyTrackSet } from '../../../src-main/analysis/tracking';
import {
  cutTracks,
  depthGridSize,
  fillNotSeen,
  normaliseFocal,
  notSeenAround,
  notSeenBlocks,
  pairedDepths,
  seenWeight,
} from '../../../src-main/render/verify-track';
import { projectPoint, type Camera } from '../../../src-shared/geometry';
import { arbQuat } from '../geometry/arb';

describe('Verify render: the mask around the tracker', () => {
  it('counts only what the mask calls seen, also after an area downscale mixed it', () => {
    expect(seenWeight(255)).toBe(1);
    expect(seenWeight(128)).toBe(0); // inpainted
    expect(seenWeight(0)).toBe(0);
    expect(seenWeight(191)).toBeCloseTo(0.5, 2); // half seen, half inpainted
  });

  it('finds the share not seen around a point from 4-pixel blocks', () => {
    const w = 64,
      h = 40;
    const mask = new Uint8Array(w * h).fill(255);
    for (let y = 8; y < 24; y++) for (let x = 32; x < 48; x++) mask[y * w + x] = 0; // a 16×16 hole
    const map = notSeenBlocks(mask, w, h);
    expect(map).toMatchObject({ bw: 16, bh: 10 });
    expect(notSeenAround(map, 40, 16, 4)).toBe(1);
    expect(notSeenAround(map, 8, 30)).toBe(0);
    const edge = notSeenAround(map, 32, 16); // half the window in the hole
    expect(edge).toBeGreaterThan(0.3);
    expect(edge).toBeLessThan(0.7);
  });

  it('fills what is not seen smoothly from what is, and leaves the seen pixels alone', () => {
    const w = 40,
      h = 30;
    const data = new Float32Array(w * h);
    const mask = new Uint8Array(w * h).fill(255);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        data[y * w + x] = 100 + 2 * x;
        if (x >= 15 && x < 25 && y >= 10 && y < 20) {
          mask[y * w + x] = x < 20 ? 0 : 128;
          data[y * w + x] = 0; // black, as an empty pixel is rendered
        }
      }
    const seen = data.slice();
    expect(fillNotSeen({ width: w, height: h, data }, mask)).toBe(100);
    for (let p = 0; p < w * h; p++) {
      if (mask[p] === 255) expect(data[p]).toBe(seen[p]);
      else {
        expect(data[p]).toBeGreaterThan(125);
        expect(data[p]).toBeLessThan(155);
      }
    }
  });

  it('drops observations the mask refuses and cuts their tracks there', () => {
    const T = 10;
    const set = emptyTrackSet(100, 100, T, 3);
    const see = (k: number, t: number, x: number) => {
      set.visible[k * T + t] = 1;
      set.xy[2 * (k * T + t)] = x;
      set.xy[2 * (k * T + t) + 1] = 50;
      set.confidence[k * T + t] = 1;
    };
    for (let t = 0; t < T; t++) see(0, t, 10 + t); // crosses x = 14, which is refused
    for (let t = 2; t < 6; t++) see(1, t, 80); // never refused
    see(2, 0, 14); // refused at birth
    see(2, 1, 30);
    const { set: out, dropped } = cutTracks(set, (_t, x) => x === 14);
    expect(dropped).toBe(2);
    expect(out.numTracks).toBe(3);
    const runs = Array.from({ length: out.numTracks }, (_, k) =>
      Array.from({ length: T }, (_, t) => (out.visible[k * T + t] ? out.xy[2 * (k * T + t)] : '.')).join(','),
    );
    expect(runs).toEqual(['10,11,12,13,.,.,.,.,.,.', '.,.,.,.,.,15,16,17,18,19', '.,.,80,80,80,80,.,.,.,.']); // track 2's one observation left is no track
  });

  it("rescales a zooming camera's tracks to one focal exactly", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 300, max: 1500, noNaN: true }), { minLength: 2, maxLength: 6 }),
        arbQuat,
        fc.double({ min: 0.9, max: 1.1, noNaN: true }),
        (focals, q, aspect) => {
          const T = focals.length;
          const f0 = Math.min(...focals);
          const cam = (f: number): Camera => ({
            C: [0, 0, 0],
            q,
            intrinsics: { width: 640, height: 360, fx: f, fy: f * aspect, cx: 310, cy: 185 },
          });
          // a point in front of the camera
          const X = projectPointInFront(cam(f0));
          const set = emptyTrackSet(640, 360, T, 1);
          focals.forEach((f, t) => {
            const p = projectPoint(cam(f), X);
            set.visible[t] = 1;
            set.xy[2 * t] = p.u;
            set.xy[2 * t + 1] = p.v;
          });
          normaliseFocal(set, focals, aspect, 310, 185, f0);
          const want = projectPoint({ ...cam(f0), intrinsics: { ...cam(f0).intrinsics, fy: f0 } }, X);
          for (let t = 0; t < T; t++) {
            expect(set.xy[2 * t]).toBeCloseTo(want.u, 2);
            expect(set.xy[2 * t + 1]).toBeCloseTo(want.v, 2);
          }
        },
      ),
    );
  });

  it('finds the size of a rendered depth grid from its length', () => {
    expect(depthGridSize(320 * 180, 640, 360)).toEqual({ width: 320, height: 180 });
    expect(depthGridSize(640 * 360, 640, 360)).toEqual({ width: 640, height: 360 });
    // 1920×1080 at a 427-wide depth map: round(1080 · 427/1920) = 240
    expect(depthGridSize(427 * 240, 1920, 1080)).toEqual({ width: 427, height: 240 });
    expect(depthGridSize(101, 640, 360)).toBeNull();
  });

  it('measures Z̄ twice on the same points: as rendered and as solved', () => {
    const T = 2;
    const n = 30;
    const set = emptyTrackSet(640, 360, T, n);
    const xyz = new Float32Array(3 * n);
    for (let k = 0; k < n; k++) {
      xyz.set([k - 15, 0, 5 + k], 3 * k); // in front of an identity camera at the origin, depth 5 + k
      for (let t = 0; t < T; t++) {
        set.visible[k * T + t] = k % 3 === 0 && t === 1 ? 0 : 1;
        set.xy[2 * (k * T + t)] = k; // the rendered depth below reads the track's x
      }
    }
    const poses = [{ C: [0, 0, 0], q: [1, 0, 0, 0] }, null];
    // the render's depth is the solve's × 4 (another gauge); it knows nothing at x = 0
    const { rendered, recovered } = pairedDepths(
      set,
      set.xy,
      { xyz, trackId: Int32Array.from({ length: n }, (_, k) => k) },
      poses,
      (_t, x) => (x === 0 ? NaN : 4 * (5 + x)),
    );
    // frame 0: points 1…29 have both (median depth 5 + 15); frame 1 has no pose
    expect(recovered[0]).toBe(20);
    expect(rendered[0]).toBe(80);
    expect(Number.isNaN(recovered[1]!)).toBe(true);
    expect(Number.isNaN(rendered[1]!)).toBe(true);
  });
});

/** A point a few units in front of the camera, off its axis. */
function projectPointInFront(c: Camera): [number, number, number] {
  const [w, x, y, z] = c.q;
  const col = (v: [number, number, number]): [number, number, number] => {
    // R_wc · v
    const r = [
      (1 - 2 * (y * y + z * z)) * v[0] + 2 * (x * y - w * z) * v[1] + 2 * (x * z + w * y) * v[2],
      2 * (x * y + w * z) * v[0] + (1 - 2 * (x * x + z * z)) * v[1] + 2 * (y * z - w * x) * v[2],
      2 * (x * z - w * y) * v[0] + 2 * (y * z + w * x) * v[1] + (1 - 2 * (x * x + y * y)) * v[2],
    ];
    return [r[0]!, r[1]!, r[2]!];
  };
  return col([0.3, -0.2, 4]);
}
