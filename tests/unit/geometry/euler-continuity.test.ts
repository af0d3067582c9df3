import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseEulerOrder,
  continuousEuler,
  EULER_ORDERS,
  eulerToMat3,
  gimbalMargin,
  glRotationFromCv,
  mat3ToEuler,
  middleAxis,
  quatFromAxisAngle,
  quatMultiply,
  quatNormalize,
  quatToMat3,
  worldToYUp,
  writeCamera3,
  writeChan,
  type CameraTrack,
  type EulerOrder,
  type Mat3,
  type Quat,
  type Vec3,
} from '../../../src-shared/geometry';
import { arbQuat } from './arb';

const DEG = Math.PI / 180;

const maxDiff = (a: Mat3, b: Mat3): number => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));

/** The largest change of any angle between consecutive frames, degrees. */
function largestStepDeg(angles: readonly (readonly number[])[]): number {
  let worst = 0;
  for (let i = 1; i < angles.length; i++)
    for (let a = 0; a < 3; a++) worst = Math.max(worst, Math.abs(angles[i]![a]! - angles[i - 1]![a]!));
  return worst / DEG;
}

/** Reads the rx ry rz columns of a .chan, degrees. */
const chanAngles = (text: string): number[][] =>
  text
    .trim()
    .split('\n')
    .map((l) => l.split('\t').slice(4, 7).map(Number));

/**
 * The newcomer's shot: an orbit solved in an SfM world whose first camera was level (Y DOWN), the cameras
 * level and looking at the centre, with the tremble of a real solve (±0.3° about each axis, seeded).
 * Exported with the old fixed +Z up, the Nuke camera looks up the Y axis as the orbit passes yaw 0
 * (rx ≈ 90°): ZXY's gimbal lock.
 */
function newcomerOrbit(): CameraTrack {
  let seed = 7;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const frames: CameraTrack['frames'] = [];
  for (let i = 0; i < 48; i++) {
    const yaw = (-30 + i * 1.5) * DEG;
    // OpenCV camera in a Y-down world: looking along +Z when yaw = 0, its y axis along world +Y (down).
    const orbit = quatFromAxisAngle([0, 1, 0], yaw);
    const jitter = quatMultiply(
      quatFromAxisAngle([1, 0, 0], 0.6 * rnd() * DEG),
      quatMultiply(
        quatFromAxisAngle([0, 1, 0], 0.6 * rnd() * DEG),
        quatFromAxisAngle([0, 0, 1], 0.6 * rnd() * DEG),
      ),
    );
    const q = quatNormalize(quatMultiply(orbit, jitter));
    const C: Vec3 = [-8 * Math.sin(yaw), -1.8, -8 * Math.cos(yaw)];
    frames.push({
      index: i,
      camera: { C, q, intrinsics: { width: 640, height: 360, fx: 497.8, fy: 497.8, cx: 320, cy: 180 } },
    });
  }
  return { fps: [24, 1], frames };
}

describe("the newcomer's orbit (issue 15: rx ≈ 90°, ry/rz jumping 0 → −151° → −82°)", () => {
  const track = newcomerOrbit();
  const wrongUp = track.frames.map((f) => glRotationFromCv(worldToYUp('z'), quatToMat3(f.camera.q)));

  it('per-frame ZXY angles (the old .chan writer) jump by far more than the camera turned', () => {
    const perFrame = wrongUp.map((m) => mat3ToEuler(m, 'ZXY'));
    // the orbit passes the frame where the camera looks straight up the wrong axis: rx ≈ 90°
    expect(Math.max(...perFrame.map((e) => Math.abs(e[0]!) / DEG))).toBeGreaterThan(89);
    expect(largestStepDeg(perFrame)).toBeGreaterThan(60); // the camera turns < 2.5° a frame
  });

  it('Camera3 picks a rotation order away from the lock and its angles move as little as the camera', () => {
    const node = writeCamera3(track, { worldUp: 'z' });
    expect(node.rotationOrder).not.toBe('ZXY');
    expect(node.gimbalMarginDeg).toBeGreaterThan(45);
    const order = node.rotationOrder;
    expect(largestStepDeg(continuousEuler(wrongUp, order))).toBeLessThan(3);
  });

  it("with the world's own up (-y) the .chan keeps Nuke's ZXY and moves smoothly", () => {
    const angles = chanAngles(writeChan(track, { worldUp: '-y' }));
    expect(Math.max(...angles.map((a) => Math.abs(a[0]!)))).toBeLessThan(2); // level: rx ≈ 0
    expect(largestStepDeg(angles.map((a) => a.map((x) => x * DEG)))).toBeLessThan(3);
    expect(
      chooseEulerOrder(track.frames.map((f) => glRotationFromCv(worldToYUp('-y'), quatToMat3(f.camera.q))))
        .order,
    ).toBe('ZXY');
  });
});

describe('continuous Euler angles', () => {
  it('a pan through 400° keeps counting instead of jumping back by 360°', () => {
    const rotations = Array.from({ length: 81 }, (_, i) =>
      quatToMat3(quatFromAxisAngle([0, 1, 0], i * 5 * DEG)),
    );
    const angles = continuousEuler(rotations, 'ZXY');
    angles.forEach((a, i) => {
      expect(a[1]! / DEG).toBeCloseTo(i * 5, 9);
      expect(a[0]!).toBeCloseTo(0, 12);
      expect(a[2]!).toBeCloseTo(0, 12);
    });
  });

  it('a tilt over the top (through gimbal lock) goes on past 90° instead of flipping all three angles', () => {
    const rotations = Array.from({ length: 21 }, (_, i) =>
      quatToMat3(
        quatMultiply(quatFromAxisAngle([0, 1, 0], 30 * DEG), quatFromAxisAngle([1, 0, 0], (80 + i) * DEG)),
      ),
    );
    const angles = continuousEuler(rotations, 'ZXY');
    angles.forEach((a, i) => {
      expect(a[0]! / DEG).toBeCloseTo(80 + i, 7); // frame 10 is exactly at the lock
      expect(a[1]! / DEG).toBeCloseTo(30, 7);
      expect(a[2]! / DEG).toBeCloseTo(0, 7);
    });
  });

  it('property: the angles rebuild every rotation, for any sequence and order', () => {
    fc.assert(
      fc.property(
        fc.array(arbQuat, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(...EULER_ORDERS),
        (qs, order) => {
          const rotations = qs.map(quatToMat3);
          continuousEuler(rotations, order).forEach((e, i) =>
            expect(maxDiff(eulerToMat3(e, order), rotations[i]!)).toBeLessThan(1e-9),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: on a smooth path away from gimbal lock, no angle steps more than the rotation step allows', () => {
    // Euler rates are bounded by the angular speed over cos(middle angle): |α̇|, |γ̇| ≤ 2ω/cos β, |β̇| ≤ ω.
    const arbStep = fc
      .tuple(
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
      )
      .filter((v) => Math.hypot(...v) > 0.05);
    fc.assert(
      fc.property(
        arbQuat,
        fc.array(fc.tuple(arbStep, fc.double({ min: 0, max: 5, noNaN: true })), {
          minLength: 2,
          maxLength: 40,
        }),
        fc.constantFrom<EulerOrder>(...EULER_ORDERS),
        (q0, steps, order) => {
          const qs: Quat[] = [q0];
          for (const [axis, deg] of steps) {
            const n = Math.hypot(...axis);
            const a: Vec3 = [axis[0] / n, axis[1] / n, axis[2] / n];
            qs.push(quatNormalize(quatMultiply(quatFromAxisAngle(a, deg * DEG), qs[qs.length - 1]!)));
          }
          const rotations = qs.map(quatToMat3);
          fc.pre(gimbalMargin(rotations, order) > 20 * DEG);
          const angles = continuousEuler(rotations, order);
          const b = middleAxis(order);
          for (let i = 1; i < angles.length; i++) {
            const step = steps[i - 1]![1] * DEG;
            const beta = Math.max(Math.abs(angles[i]![b]!), Math.abs(angles[i - 1]![b]!)) + step;
            const bound = (2 * step) / Math.cos(beta) + 1e-9;
            for (let k = 0; k < 3; k++)
              expect(Math.abs(angles[i]![k]! - angles[i - 1]![k]!)).toBeLessThanOrEqual(bound);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps ZXY while it is safe and otherwise picks the order whose middle angle stays farthest from ±90°', () => {
    const level = [quatToMat3(quatFromAxisAngle([0, 1, 0], 40 * DEG))];
    expect(chooseEulerOrder(level)).toEqual({ order: 'ZXY', margin: Math.PI / 2 });
    const down = [eulerToMat3([-89.9 * DEG, 0.3, 0], 'ZXY')];
    const c = chooseEulerOrder(down);
    expect(c.order).not.toBe('ZXY');
    for (const o of EULER_ORDERS) expect(gimbalMargin(down, o)).toBeLessThanOrEqual(c.margin + 1e-12);
  });
});
