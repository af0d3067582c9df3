import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  coverageSources,
  frameCoverage,
  quatFromAxisAngle,
  quatIdentity,
  type Camera,
  type CoverageSource,
} from '../../../src-shared/geometry';

const W = 160,
  H = 90;
const K = { width: W, height: H, fx: 120, fy: 120, cx: 80, cy: 45 };
const cam = (x: number, z = 0, q = quatIdentity()): Camera => ({ C: [x, 0, z], q, intrinsics: K });
/** A fronto-parallel wall at depth `z` filling the source view. */
const wall = (c: Camera, z: number, scale = 1): CoverageSource => ({
  camera: { ...c, C: [c.C[0] * scale, c.C[1] * scale, c.C[2] * scale] },
  width: W,
  height: H,
  depth: new Float32Array(W * H).fill(z * scale),
});

describe('coverage of a target view by the source depth', () => {
  it('the source camera itself is covered completely', () => {
    expect(frameCoverage(cam(0), [wall(cam(0), 5)], 80).coverage).toBe(1);
  });

  it('a sideways move uncovers the strip the source never saw, as the geometry says', () => {
    // truck right by 1 at a wall at 5: the view moves by f·1/5 = 24 px of 160 → 15 % uncovered
    const c = frameCoverage(cam(1), [wall(cam(0), 5)], 160, { stride: 1 }).coverage;
    expect(c).toBeCloseTo(1 - 24 / 160, 2);
    // a second source frame beyond the target covers the rest
    expect(frameCoverage(cam(1), [wall(cam(0), 5), wall(cam(2), 5)], 160, { stride: 1 }).coverage).toBe(1);
  });

  it('a push-in stays closed (no cracks between splatted samples)', () => {
    expect(frameCoverage(cam(0, 3), [wall(cam(0), 5)], 160, { stride: 2 }).coverage).toBe(1);
  });

  it('a camera turned away sees nothing of the source; sky at infinity covers by rotation', () => {
    const away = cam(0, 0, quatFromAxisAngle([0, 1, 0], Math.PI));
    expect(frameCoverage(away, [wall(cam(0), 5)], 80).coverage).toBe(0);
    const sky: CoverageSource = {
      ...wall(cam(0), 5),
      depth: new Float32Array(W * H),
      infinity: new Uint8Array(W * H).fill(1),
    };
    // pan by half the horizontal field of view: about half the view is still the sky the source saw
    const half = 0.5 * 2 * Math.atan(W / 2 / K.fx);
    const c = frameCoverage(cam(0, 0, quatFromAxisAngle([0, 1, 0], half)), [sky], 160, {
      stride: 1,
    }).coverage;
    expect(c).toBeGreaterThan(0.4);
    expect(c).toBeLessThan(0.6);
  });

  it('is gauge-free: scaling the world and the depth by s changes nothing', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        (s, x) => {
          const a = frameCoverage(cam(x), [wall(cam(0), 5)], 80).coverage;
          const t = cam(x);
          const b = frameCoverage({ ...t, C: [t.C[0] * s, 0, 0] }, [wall(cam(0), 5, s)], 80).coverage;
          expect(b).toBeCloseTo(a, 9);
        },
      ),
    );
  });

  it('picks the source frames nearest the target in pose, apart in time', () => {
    const poses = Array.from({ length: 40 }, (_, i) => ({
      C: [0.1 * i, 0, 0] as [number, number, number],
      q: quatIdentity(),
    }));
    const depths = new Float64Array(40).fill(5);
    // a target held at frame 3's pose picks frames around 3, whatever frame of the path it is
    expect(coverageSources(poses[3]!, poses, depths)).toEqual([3, 0, 6, 9]);
    // frames without a scene depth are never picked
    depths.fill(NaN, 0, 20);
    expect(coverageSources(poses[3]!, poses, depths, 2)).toEqual([20, 23]);
  });
});
