import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  orientationFromPanTiltRoll,
  panTiltRollOf,
  quatAngle,
  quatRotate,
  type Vec3,
} from '../../../src-shared/geometry';
import { arbQuat } from './arb';

const ups: Vec3[] = [
  [0, 0, 1],
  [0, -1, 0],
  [0, 1, 0],
  [1, 0, 0],
  [0.2, -0.9, 0.3],
];

describe('pan, tilt and roll against the world up', () => {
  it('round-trips any orientation (away from looking straight up or down)', () => {
    fc.assert(
      fc.property(arbQuat, fc.constantFrom(...ups), (q, up) => {
        const a = panTiltRollOf(q, up);
        if (Math.abs(a.tilt) > 89) return;
        expect(quatAngle(orientationFromPanTiltRoll(a, up), q)).toBeLessThan(1e-7);
      }),
    );
  });

  it('round-trips the angles', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -179, max: 179, noNaN: true }),
        fc.double({ min: -85, max: 85, noNaN: true }),
        fc.double({ min: -179, max: 179, noNaN: true }),
        fc.constantFrom(...ups),
        (pan, tilt, roll, up) => {
          const a = panTiltRollOf(orientationFromPanTiltRoll({ pan, tilt, roll }, up), up);
          expect(a.pan).toBeCloseTo(pan, 6);
          expect(a.tilt).toBeCloseTo(tilt, 6);
          expect(a.roll).toBeCloseTo(roll, 6);
        },
      ),
    );
  });

  it('means what an operator means: pan right, tilt up, roll level at 0', () => {
    const up: Vec3 = [0, 0, 1];
    const f = (pan: number, tilt: number) =>
      quatRotate(orientationFromPanTiltRoll({ pan, tilt, roll: 0 }, up), [0, 0, 1]);
    // 0: looking along +x, level; the camera's x axis is horizontal
    const q0 = orientationFromPanTiltRoll({ pan: 0, tilt: 0, roll: 0 }, up);
    expect(quatRotate(q0, [0, 0, 1])).toEqual([
      expect.closeTo(1, 12),
      expect.closeTo(0, 12),
      expect.closeTo(0, 12),
    ]);
    expect(quatRotate(q0, [1, 0, 0])[2]).toBeCloseTo(0, 12);
    expect(quatRotate(q0, [0, 1, 0])[2]).toBeCloseTo(-1, 12); // image down is world down
    // pan right by 90°: looking along −y (to the right of +x with z up)
    expect(f(90, 0)[1]).toBeCloseTo(-1, 12);
    // tilt up by 30°: the view rises
    expect(f(0, 30)[2]).toBeCloseTo(0.5, 12);
  });
});
