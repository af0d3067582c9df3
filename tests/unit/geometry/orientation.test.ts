import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fitFloor,
  orientationFromPoints,
  parseOrientation,
  quatFromAxisAngle,
  quatRotate,
  type Vec3,
} from '../../../src-shared/geometry';

/** A room: a floor at z = 0 (60 % of the points), two walls, clutter; rotated by `q`, scaled by `s`. */
function room(q: [number, number, number, number], s: number, seed = 1): Float64Array {
  let r = seed;
  const rnd = () => (r = (Math.imul(r, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pts: number[] = [];
  const put = (p: Vec3) => pts.push(...quatRotate(q, [p[0] * s, p[1] * s, p[2] * s]));
  for (let i = 0; i < 3000; i++) put([rnd() * 10 - 5, rnd() * 10, 0.003 * (rnd() - 0.5)]);
  for (let i = 0; i < 1000; i++) put([-5, rnd() * 10, rnd() * 4]);
  for (let i = 0; i < 700; i++) put([rnd() * 10 - 5, 10, rnd() * 4]);
  for (let i = 0; i < 300; i++) put([rnd() * 10 - 5, rnd() * 10, rnd() * 3]);
  return Float64Array.from(pts);
}

describe('orienting the scene', () => {
  it('finds the floor of a room whatever its rotation and scale, under the cameras', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (yaw, tilt, s) => {
          const q = quatFromAxisAngle(quatRotate(quatFromAxisAngle([0, 0, 1], yaw), [1, 0, 0]), tilt);
          const cams: Vec3[] = [0, 1, 2].map((i) => quatRotate(q, [i * s, 2 * s, 1.6 * s]));
          // the cameras' own up, off by 20° from the truth (a tilted camera)
          const hint = quatRotate(quatFromAxisAngle([1, 0, 0], 0.35), quatRotate(q, [0, 0, 1]));
          const f = fitFloor(room(q, s), cams, hint)!;
          expect(f).not.toBeNull();
          const up = quatRotate(q, [0, 0, 1]);
          const cos = f.orientation.up[0] * up[0] + f.orientation.up[1] * up[1] + f.orientation.up[2] * up[2];
          expect(cos).toBeGreaterThan(Math.cos((0.5 * Math.PI) / 180));
          expect(f.inlierShare).toBeGreaterThan(0.5);
          // the origin is on the floor under the cameras
          const o = quatRotate([q[0], -q[1], -q[2], -q[3]], f.orientation.origin);
          expect(Math.abs(o[2])).toBeLessThan(0.01 * s);
          expect(o[0]).toBeCloseTo(s, 1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('does not take a wall for the floor, and says when there is no floor', () => {
    const walls: number[] = [];
    for (let i = 0; i < 2000; i++) walls.push(-5, (i % 50) / 5, Math.floor(i / 50) / 10);
    expect(fitFloor(Float64Array.from(walls), [[0, 2, 1.6]], [0, 0, 1])).toBeNull();
  });

  it('three points give their plane, up on the cameras’ side; refuses points in a line', () => {
    const o = orientationFromPoints(
      [
        [0, 0, 1],
        [1, 0, 1],
        [0, 1, 1],
      ],
      [0, 0.2, -1],
    );
    expect(o.up.map((x) => x + 0)).toEqual([0, 0, -1]);
    expect(o.origin).toEqual([0, 0, 1]);
    expect(() =>
      orientationFromPoints(
        [
          [0, 0, 0],
          [1, 1, 1],
          [2, 2, 2],
        ],
        [0, 0, 1],
      ),
    ).toThrow(/in a line/);
  });

  it('reads back only a sound orientation', () => {
    expect(parseOrientation({ up: [0, 0, 1], origin: [1, 2, 3], method: 'auto-floor' })).not.toBeNull();
    expect(parseOrientation({ up: [0, 0, 2], origin: [1, 2, 3], method: 'auto-floor' })).toBeNull();
    expect(parseOrientation({ up: [0, 0, 1], origin: [1, NaN, 3], method: 'auto-floor' })).toBeNull();
    expect(parseOrientation('x')).toBeNull();
  });
});
