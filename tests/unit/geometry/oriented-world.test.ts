import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orientedWorld, quatNormalize, quatRotate, type Quat, type Vec3 } from '../../../src-shared/geometry';

const vec = fc.tuple(
  fc.double({ min: -10, max: 10, noNaN: true }),
  fc.double({ min: -10, max: 10, noNaN: true }),
  fc.double({ min: -10, max: 10, noNaN: true }),
);
const unitVec = vec
  .filter((v) => Math.hypot(...v) > 0.1)
  .map((v): Vec3 => {
    const n = Math.hypot(...v);
    return [v[0] / n, v[1] / n, v[2] / n];
  });
const quat = fc
  .tuple(vec, fc.double({ min: -1, max: 1, noNaN: true }))
  .filter(([v, w]) => Math.hypot(...v, w) > 0.1)
  .map(([v, w]) => quatNormalize([w, v[0], v[1], v[2]] as Quat));

describe('the oriented world exports write', () => {
  it('puts the scene up on +Z and the floor origin at 0, rigidly; invert undoes it', () => {
    fc.assert(
      fc.property(unitVec, vec, vec, quat, (up, origin, C, q) => {
        const w = orientedWorld({ up, origin, method: 'three-points' });
        // a point one unit above the origin lands at (0, 0, 1)
        const above = w.apply({
          C: [origin[0] + up[0], origin[1] + up[1], origin[2] + up[2]],
          q: [1, 0, 0, 0],
        });
        expect(above.C[0]).toBeCloseTo(0, 9);
        expect(above.C[1]).toBeCloseTo(0, 9);
        expect(above.C[2]).toBeCloseTo(1, 9);
        // distances kept, the camera's own axes turned with the world
        const p = w.apply({ C, q });
        expect(Math.hypot(...p.C)).toBeCloseTo(
          Math.hypot(C[0] - origin[0], C[1] - origin[1], C[2] - origin[2]),
          9,
        );
        const along = quatRotate(p.q, [0, 0, 1]);
        const before = quatRotate(q, [0, 0, 1]);
        // the viewing direction's height over the floor is its component along up
        expect(along[2]).toBeCloseTo(before[0] * up[0] + before[1] * up[1] + before[2] * up[2], 9);
        const back = w.invert(p);
        for (let i = 0; i < 3; i++) expect(back.C[i]).toBeCloseTo(C[i]!, 9);
        const d = Math.abs(back.q[0] * q[0] + back.q[1] * q[1] + back.q[2] * q[2] + back.q[3] * q[3]);
        expect(d).toBeCloseTo(1, 9);
      }),
    );
  });

  it('an up that is already +Z with the origin at 0 changes nothing; −Z turns the world over', () => {
    const same = orientedWorld({ up: [0, 0, 1], origin: [0, 0, 0], method: 'auto-floor' }).apply({
      C: [1, 2, 3],
      q: [1, 0, 0, 0],
    });
    expect(same).toEqual({ C: [1, 2, 3], q: [1, 0, 0, 0] });
    const over = orientedWorld({ up: [0, 0, -1], origin: [0, 0, 0], method: 'auto-floor' }).apply({
      C: [0, 0, -2],
      q: [1, 0, 0, 0],
    });
    expect(over.C[2]).toBeCloseTo(2, 12);
  });
});
