import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applySim3,
  applySim3ToPose,
  quatAngle,
  trajectoryMetrics,
  umeyama,
  type Pose,
  type Sim3,
} from '../../../src-shared/geometry';
import { arbQuat, arbVec3 } from './arb';

const arbSim3: fc.Arbitrary<Sim3> = fc.record({
  s: fc.double({ min: 0.01, max: 100, noNaN: true }),
  q: arbQuat,
  t: arbVec3(100),
});
const arbPoses = fc
  .array(fc.tuple(arbVec3(10), arbQuat), { minLength: 4, maxLength: 12 })
  .map((a) => a.map(([C, q]): Pose => ({ C, q })));

describe('Sim(3) alignment (Umeyama)', () => {
  it('recovers a known similarity from ≥ 3 non-collinear points', () => {
    fc.assert(
      fc.property(arbPoses, arbSim3, (poses0, T) => {
        const poses = poses0.map((p, i): Pose => ({ ...p, C: [p.C[0] + 3 * i, p.C[1] + i * i, p.C[2]] }));
        const src = new Float64Array(poses.flatMap((p) => p.C));
        const dst = new Float64Array(poses.flatMap((p) => applySim3(T, p.C)));
        const [a, b, c] = [poses[0]!.C, poses[1]!.C, poses[2]!.C];
        const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
        const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
        const area = Math.hypot(
          u[1]! * v[2]! - u[2]! * v[1]!,
          u[2]! * v[0]! - u[0]! * v[2]!,
          u[0]! * v[1]! - u[1]! * v[0]!,
        );
        // The similarity is only determined by non-collinear centres: the offsets above make that likely,
        // not certain (random centres can line the first three up), so it is a precondition.
        fc.pre(area > 1);
        const E = umeyama(src, dst);
        expect(E.s / T.s).toBeCloseTo(1, 6);
        expect(quatAngle(E.q, T.q)).toBeLessThan(1e-5);
        poses.forEach((p) => {
          const a = applySim3(E, p.C);
          const b = applySim3(T, p.C);
          expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeLessThan(1e-6 * (1 + T.s * 20 + 100));
        });
      }),
    );
  });
  it('never returns a reflection (planar and mirrored inputs)', () => {
    const src = new Float64Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0]);
    const dst = new Float64Array([0, 0, 0, -1, 0, 0, 0, 1, 0, -1, 1, 0]); // mirror in x
    const E = umeyama(src, dst);
    expect(Math.hypot(...E.q)).toBeCloseTo(1, 12);
  });
});

describe('trajectory metrics', () => {
  it('are 0 against itself and against any similarity-transformed copy (collinear paths too)', () => {
    fc.assert(
      fc.property(arbPoses, arbSim3, (poses, T) => {
        fc.pre(Math.hypot(poses[1]!.C[0] - poses[0]!.C[0], poses[1]!.C[1] - poses[0]!.C[1]) > 0.5);
        if (poses.length % 2) poses.forEach((p, i) => (p.C = [i, 2 * i, -i])); // a straight dolly
        const moved = poses.map((p) => applySim3ToPose(T, p));
        const m = trajectoryMetrics(moved, poses);
        expect(m.ateRmse).toBeLessThan(1e-6);
        expect(m.rotErrSumDeg).toBeLessThan(1e-4);
        expect(m.transErrSum).toBeLessThan(1e-5);
        expect(m.rpeTransRmse).toBeLessThan(1e-6);
        expect(m.rpeRotMeanDeg).toBeLessThan(1e-4);
      }),
    );
  });
  it('measure a known error: one frame rotated by 10° → RotErr sum 10°, mean 10/n', () => {
    const poses: Pose[] = [0, 1, 2, 3].map((i) => ({ C: [i, (i * i) / 3, 0], q: [1, 0, 0, 0] }));
    const est = poses.map((p, i) =>
      i === 2
        ? {
            ...p,
            q: [Math.cos((5 * Math.PI) / 180), 0, Math.sin((5 * Math.PI) / 180), 0] as [
              number,
              number,
              number,
              number,
            ],
          }
        : p,
    );
    const m = trajectoryMetrics(est, poses);
    expect(m.rotErrSumDeg).toBeCloseTo(10, 3);
    expect(m.rotErrMeanDeg).toBeCloseTo(2.5, 3);
    expect(m.ateRmse).toBeLessThan(1e-5);
    expect(m.rpeRotMeanDeg).toBeCloseTo(20 / 3, 9);
  });
  it('handles a pure-rotation (nodal) reference without throwing', () => {
    const poses: Pose[] = [0, 1, 2].map((i) => ({
      C: [1, 2, 3],
      q: [Math.cos(i / 10), 0, Math.sin(i / 10), 0],
    }));
    const m = trajectoryMetrics(poses, poses);
    expect(m.rotErrSumDeg).toBeLessThan(1e-9);
    expect(m.ateRmse).toBeLessThan(1e-12);
  });
});
