/**
 * infinity.ts: pixels at infinity confirmed across views through the rotation alone (the homography of
 * the plane at infinity), and featureless sky. The expected pixel of a direction in the other view is
 * computed here from the pinhole model (pixel centres at +0.5, OpenCV axes, q camera-to-world).
 */
import { describe, expect, it } from 'vitest';
import {
  quatConjugate,
  quatFromAxisAngle,
  quatIdentity,
  quatMultiply,
  quatRotate,
  type Camera,
  type Intrinsics,
  type Quat,
  type Vec3,
} from '../../../src-shared/geometry';
import { confirmInfinity, featurelessSky, type InfinityView } from '../../../src-main/analysis/depth';

const KR: Intrinsics = { width: 64, height: 48, fx: 50, fy: 52, cx: 31.7, cy: 24.2 };
// the other view: another size and focal, so the test does not pass by symmetry
const KO: Intrinsics = { width: 80, height: 60, fx: 61, fy: 60, cx: 40.3, cy: 29.6 };

const qRef: Quat = quatMultiply(quatFromAxisAngle([0, 1, 0], 0.3), quatFromAxisAngle([1, 0, 0], -0.1));
// the other camera: the reference turned by 0.12 rad about a tilted axis (in the reference's frame)
const qOther: Quat = quatMultiply(qRef, quatFromAxisAngle([0.3, 1, 0.2], 0.12));

function view(camera: Camera, infinity?: Uint8Array): InfinityView {
  const { width, height } = camera.intrinsics;
  return { camera, width, height, infinity: infinity ?? new Uint8Array(width * height) };
}

/** Where the direction through reference pixel (x, y) lands in the other camera (continuous, or null). */
function mapDirection(ref: Camera, other: Camera, x: number, y: number): { u: number; v: number } | null {
  const k = ref.intrinsics;
  const dirCam: Vec3 = [(x + 0.5 - k.cx) / k.fx, (y + 0.5 - k.cy) / k.fy, 1];
  const world = quatRotate(ref.q, dirCam);
  const o = quatRotate(quatConjugate(other.q), world);
  if (!(o[2] > 0)) return null;
  const ko = other.intrinsics;
  return { u: (ko.fx * o[0]) / o[2] + ko.cx, v: (ko.fy * o[1]) / o[2] + ko.cy };
}

const near = (a: number) => Math.abs(a - Math.round(a)) < 1e-6;

describe('confirmInfinity', () => {
  const ref: Camera = { C: [0, 0, 0], q: qRef, intrinsics: KR };
  const other: Camera = { C: [0, 0, 0], q: qOther, intrinsics: KO };
  const pixels = [
    [10, 7],
    [33, 20],
    [50, 40],
    [12, 42],
  ] as const;

  it('keeps a reference pixel whose direction the other view also sees at infinity, drops the rest', () => {
    for (const [x, y] of pixels) {
      const m = mapDirection(ref, other, x, y)!;
      expect(m).not.toBeNull();
      expect(near(m.u) || near(m.v)).toBe(false);
      const u = Math.floor(m.u);
      const v = Math.floor(m.v);
      expect(u >= 0 && u < KO.width && v >= 0 && v < KO.height).toBe(true);
      const refInf = new Uint8Array(KR.width * KR.height);
      refInf[y * KR.width + x] = 1;
      refInf[3 * KR.width + 60] = 1; // another infinity pixel, not seen at infinity by the other view
      const oInf = new Uint8Array(KO.width * KO.height);
      oInf[v * KO.width + u] = 1;
      const out = confirmInfinity(view(ref, refInf), [view(other, oInf)], 0);
      const expected = new Uint8Array(KR.width * KR.height);
      expected[y * KR.width + x] = 1;
      expect(out).toEqual(expected);
      // radius 1 (the default) still keeps it and does not invent any other
      expect(confirmInfinity(view(ref, refInf), [view(other, oInf)])).toEqual(expected);
    }
  });

  it('drops it when the other view has no infinity there, or only away from that pixel', () => {
    const [x, y] = pixels[1];
    const m = mapDirection(ref, other, x, y)!;
    const u = Math.floor(m.u);
    const v = Math.floor(m.v);
    const refInf = new Uint8Array(KR.width * KR.height);
    refInf[y * KR.width + x] = 1;
    const none = new Uint8Array(KO.width * KO.height);
    expect(confirmInfinity(view(ref, refInf), [view(other, none)]).every((b) => b === 0)).toBe(true);
    // no others at all: nothing is confirmed
    expect(confirmInfinity(view(ref, refInf), []).every((b) => b === 0)).toBe(true);
    // infinity two pixels away: outside radius 1, inside radius 2
    for (const [du, dv] of [
      [2, 0],
      [0, -2],
      [-2, 2],
    ] as const) {
      const o = new Uint8Array(KO.width * KO.height);
      o[(v + dv) * KO.width + (u + du)] = 1;
      expect(confirmInfinity(view(ref, refInf), [view(other, o)], 1)[y * KR.width + x]).toBe(0);
      expect(confirmInfinity(view(ref, refInf), [view(other, o)], 2)[y * KR.width + x]).toBe(1);
    }
    // one pixel away: inside radius 1, not radius 0
    const o1 = new Uint8Array(KO.width * KO.height);
    o1[(v + 1) * KO.width + (u - 1)] = 1;
    expect(confirmInfinity(view(ref, refInf), [view(other, o1)], 1)[y * KR.width + x]).toBe(1);
    expect(confirmInfinity(view(ref, refInf), [view(other, o1)], 0)[y * KR.width + x]).toBe(0);
    // infinity far away in the other view (its whole top rows, the direction lands lower): dropped
    const far = new Uint8Array(KO.width * KO.height);
    far.fill(1, 0, (v - 5) * KO.width);
    expect(confirmInfinity(view(ref, refInf), [view(other, far)])[y * KR.width + x]).toBe(0);
  });

  it('with the other view all at infinity, keeps exactly the reference pixels whose direction it sees', () => {
    // a larger turn, so that part of the reference view falls outside the other view
    const o: Camera = {
      C: [0, 0, 0],
      q: quatMultiply(qRef, quatFromAxisAngle([0, 1, 0.1], 0.45)),
      intrinsics: KO,
    };
    const refInf = new Uint8Array(KR.width * KR.height).fill(1);
    const oInf = new Uint8Array(KO.width * KO.height).fill(1);
    const out = confirmInfinity(view(ref, refInf), [view(o, oInf)], 0);
    let kept = 0;
    let dropped = 0;
    for (let y = 0; y < KR.height; y++)
      for (let x = 0; x < KR.width; x++) {
        const m = mapDirection(ref, o, x, y);
        if (m && (near(m.u) || near(m.v))) continue; // on a pixel boundary: either answer is right
        const inside = m !== null && m.u >= 0 && m.u < KO.width && m.v >= 0 && m.v < KO.height;
        expect(out[y * KR.width + x]).toBe(inside ? 1 : 0);
        if (inside) kept++;
        else dropped++;
      }
    expect(kept).toBeGreaterThan(100);
    expect(dropped).toBeGreaterThan(100);
  });

  it('a view looking the other way sees none of the reference’s directions', () => {
    const back: Camera = {
      C: [0, 0, 0],
      q: quatMultiply(qRef, quatFromAxisAngle([0, 1, 0], Math.PI)),
      intrinsics: KO,
    };
    const refInf = new Uint8Array(KR.width * KR.height).fill(1);
    const oInf = new Uint8Array(KO.width * KO.height).fill(1);
    expect(confirmInfinity(view(ref, refInf), [view(back, oInf)], 1).every((b) => b === 0)).toBe(true);
  });

  it('translation of either camera does not matter (infinity is a direction)', () => {
    const refInf = new Uint8Array(KR.width * KR.height);
    const oInf = new Uint8Array(KO.width * KO.height);
    // a scattered pattern both ways
    for (let i = 0; i < refInf.length; i++) refInf[i] = (i * 7919) % 5 === 0 ? 1 : 0;
    for (let i = 0; i < oInf.length; i++) oInf[i] = (i * 104729) % 3 === 0 ? 1 : 0;
    const base = confirmInfinity(view(ref, refInf), [view(other, oInf)], 0);
    expect(base.some((b) => b === 1)).toBe(true);
    expect(base.some((b, i) => b === 0 && refInf[i] === 1)).toBe(true);
    const moved = confirmInfinity(
      view({ ...ref, C: [100, -3, 7] }, refInf),
      [view({ ...other, C: [-50, 20, 1e4] }, oInf)],
      0,
    );
    expect(moved).toEqual(base);
  });

  it('a pixel is kept when any one of several views confirms it, and never one the reference did not have', () => {
    const [x, y] = pixels[2];
    const m = mapDirection(ref, other, x, y)!;
    const refInf = new Uint8Array(KR.width * KR.height);
    refInf[y * KR.width + x] = 1;
    const oInf = new Uint8Array(KO.width * KO.height);
    oInf[Math.floor(m.v) * KO.width + Math.floor(m.u)] = 1;
    const identity: Camera = { C: [0, 0, 0], q: quatIdentity(), intrinsics: KR };
    const empty = view(identity);
    const out = confirmInfinity(view(ref, refInf), [empty, view(other, oInf), empty]);
    expect(out[y * KR.width + x]).toBe(1);
    expect(out.reduce((a, b) => a + b, 0)).toBe(1);
    // the reference's own mask, seen by an identical camera with every pixel at infinity: itself
    const full = view(ref, new Uint8Array(KR.width * KR.height).fill(1));
    expect(confirmInfinity(view(ref, refInf), [full], 0)).toEqual(refInf);
  });
});

describe('featurelessSky', () => {
  const W = 40;
  const H = 30;
  const n = W * H;

  /** Rows [0, skyRows) featureless and unmeasured; the rest textured and measured at `groundDepth`. */
  function scene(skyRows: number, groundDepth = 5) {
    const textured = new Uint8Array(n);
    const depth = new Float32Array(n);
    const measured = new Uint8Array(n);
    const infinity = new Uint8Array(n);
    for (let y = skyRows; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        textured[i] = 1;
        measured[i] = 1;
        depth[i] = groundDepth;
      }
    return { textured, depth, measured, infinity };
  }
  const rows = (from: number, to: number) => {
    const m = new Uint8Array(n);
    m.fill(1, from * W, to * W);
    return m;
  };
  const sum = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);
  const run = (s: ReturnType<typeof scene>, opts = {}) =>
    featurelessSky(W, H, s.textured, s.depth, s.measured, s.infinity, opts);

  it('an untextured region touching the top whose rim is at infinity is sky', () => {
    const s = scene(10);
    // the skyline (row 10) matched at infinity: distant hills
    for (let x = 0; x < W; x++) {
      s.measured[10 * W + x] = 0;
      s.depth[10 * W + x] = 0;
      s.infinity[10 * W + x] = 1;
    }
    expect(run(s)).toEqual(rows(0, 10));
  });

  it('an untextured region touching the top whose rim is far (≥ 3× the median measured depth) is sky', () => {
    const s = scene(10, 5);
    for (let x = 0; x < W; x++) s.depth[10 * W + x] = 15; // exactly 3 × 5: far enough
    expect(run(s)).toEqual(rows(0, 10));
    for (let x = 0; x < W; x++) s.depth[10 * W + x] = 14; // not far enough
    expect(sum(run(s))).toBe(0);
    // farFactor is an option
    expect(run(s, { farFactor: 2.5 })).toEqual(rows(0, 10));
  });

  it('the same region with its rim at the scene’s depth (a ceiling bounded by walls) is not sky', () => {
    const s = scene(10, 5);
    expect(sum(run(s))).toBe(0);
    // walls left and right of a ceiling: rim on three sides at the scene's depth
    const c = scene(10, 5);
    for (let y = 0; y < 10; y++)
      for (const x of [0, 1, 2, 37, 38, 39]) {
        const i = y * W + x;
        c.textured[i] = 1;
        c.measured[i] = 1;
        c.depth[i] = 4;
      }
    expect(sum(run(c))).toBe(0);
  });

  it('mostly far is enough, half far is not (farShare 0.6 by default)', () => {
    const s = scene(10, 5);
    // rim: 40 pixels of row 10; at infinity on 25 of them (62.5 %), near on the rest
    for (let x = 0; x < 25; x++) {
      s.measured[10 * W + x] = 0;
      s.infinity[10 * W + x] = 1;
    }
    expect(run(s)).toEqual(rows(0, 10));
    for (const x of [23, 24]) {
      s.infinity[10 * W + x] = 0;
      s.measured[10 * W + x] = 1; // 23 of 40: under 60 %
    }
    expect(sum(run(s))).toBe(0);
    expect(run(s, { farShare: 0.5 })).toEqual(rows(0, 10));
  });

  it('a featureless region that does not touch the top row is not sky, whatever its rim', () => {
    const s = scene(0, 5);
    // rows 0..4 matched at infinity, rows 5..14 featureless and unmeasured, row 15 at infinity too
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        s.textured[i] = 0;
        s.measured[i] = 0;
        s.depth[i] = 0;
        s.infinity[i] = y < 5 || y === 15 ? 1 : 0;
      }
    expect(sum(run(s))).toBe(0);
    // a control: the same region with the top rows no longer at infinity reaches the top and is sky
    for (let i = 0; i < 5 * W; i++) s.infinity[i] = 0;
    expect(run(s)).toEqual(rows(0, 15));
  });

  it('a tiny region (rim < minRim pixels) is not sky', () => {
    const s = scene(0, 5);
    // row 0 at infinity except a 2-pixel gap at x = 5, 6: the gap's rim is (4,0), (7,0), (5,1), (6,1)
    for (let x = 0; x < W; x++) {
      s.textured[x] = 0;
      s.measured[x] = 0;
      s.depth[x] = 0;
      s.infinity[x] = x === 5 || x === 6 ? 0 : 1;
    }
    for (let x = 4; x <= 7; x++) {
      s.measured[W + x] = 0;
      s.infinity[W + x] = 1;
    }
    expect(sum(run(s))).toBe(0);
    const sky = run(s, { minRim: 4 });
    expect(sum(sky)).toBe(2);
    expect(sky[5]).toBe(1);
    expect(sky[6]).toBe(1);
  });

  it('textured or measured pixels are never sky, and each top component is judged on its own rim', () => {
    const s = scene(10, 5);
    // a textured (unmatched) pole splits the sky in two: left half rim at infinity, right half near
    for (let y = 0; y < 10; y++) s.textured[y * W + 20] = 1;
    for (let x = 0; x < 20; x++) {
      s.measured[10 * W + x] = 0;
      s.infinity[10 * W + x] = 1;
    }
    const sky = run(s);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) expect(sky[y * W + x]).toBe(y < 10 && x < 20 ? 1 : 0);
  });

  it('with no measured depth at all, only a rim at infinity makes sky', () => {
    const textured = new Uint8Array(n);
    const depth = new Float32Array(n);
    const measured = new Uint8Array(n);
    const infinity = rows(10, 11);
    expect(featurelessSky(W, H, textured, depth, measured, infinity)).toEqual(rows(0, 10));
    const none = new Uint8Array(n);
    expect(sum(featurelessSky(W, H, textured, depth, measured, none))).toBe(0);
  });
});
