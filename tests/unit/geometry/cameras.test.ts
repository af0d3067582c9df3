import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backprojectPixel,
  backprojectPixels,
  distortNormalized,
  eulerToMat3,
  EULER_ORDERS,
  focalMmFromPx,
  focalPxFromFov,
  focalPxFromMm,
  fovFromFocalPx,
  mat3ToEuler,
  mul3,
  nearestRotationQuat,
  poseFromWorldToCamera,
  projectPoint,
  projectPoints,
  quatFromMat3,
  quatToMat3,
  quatMultiply,
  quatRotate,
  undistortNormalized,
  worldToCameraRt,
  quatAngle,
  quatSlerp,
  type Camera,
  type Mat3,
} from '../../../src-shared/geometry';
import { arbCamera, arbQuat, arbVec3, expectCameraClose } from './arb';

describe('conventions (SPEC §2)', () => {
  it('OpenCV axes: a point straight ahead on +z projects to the principal point; +x right, +y down', () => {
    const cam: Camera = {
      C: [0, 0, 0],
      q: [1, 0, 0, 0],
      intrinsics: { width: 640, height: 360, fx: 500, fy: 500, cx: 320, cy: 180 },
    };
    expect(projectPoint(cam, [0, 0, 5])).toEqual({ u: 320, v: 180, depth: 5 });
    expect(projectPoint(cam, [1, 0, 5]).u).toBeGreaterThan(320);
    expect(projectPoint(cam, [0, 1, 5]).v).toBeGreaterThan(180);
    expect(projectPoint(cam, [0, 0, -5]).depth).toBeLessThan(0);
  });
  it('pose is camera-to-world: X_c = R_wcᵀ(X_w − C), and COLMAP t_cw = −R_cw·C', () => {
    fc.assert(
      fc.property(arbCamera, arbVec3(50), (cam, X) => {
        const { R_cw, t_cw } = worldToCameraRt(cam);
        const R = quatToMat3(cam.q);
        const p = projectPoint({ ...cam, intrinsics: { ...cam.intrinsics, fx: 1, fy: 1, cx: 0, cy: 0 } }, X);
        const xc = [0, 1, 2].map(
          (r) => R_cw[r * 3]! * X[0] + R_cw[r * 3 + 1]! * X[1] + R_cw[r * 3 + 2]! * X[2] + t_cw[r]!,
        );
        const xc2 = [0, 1, 2].map(
          (r) => R[r]! * (X[0] - cam.C[0]) + R[3 + r]! * (X[1] - cam.C[1]) + R[6 + r]! * (X[2] - cam.C[2]),
        );
        xc.forEach((v, i) => expect(v).toBeCloseTo(xc2[i]!, 8));
        if (Math.abs(xc[2]!) > 1e-3) expect(p.u).toBeCloseTo(xc[0]! / xc[2]!, 6);
        expectCameraClose({ ...poseFromWorldToCamera(R_cw, t_cw), intrinsics: cam.intrinsics }, cam, 1e-9);
      }),
    );
  });
  it('quaternion layout is [w, x, y, z]: 90° about z maps x to y', () => {
    const q: [number, number, number, number] = [Math.SQRT1_2, 0, 0, Math.SQRT1_2];
    const v = quatRotate(q, [1, 0, 0]);
    expect(v[0]).toBeCloseTo(0, 15);
    expect(v[1]).toBeCloseTo(1, 15);
    const m = quatToMat3(q);
    expect(m[3]).toBeCloseTo(1, 15);
  });
});

describe('quaternions and Euler angles', () => {
  it('matrix ↔ quaternion round-trips; product matches matrix product', () => {
    fc.assert(
      fc.property(arbQuat, arbQuat, (a, b) => {
        expect(quatAngle(quatFromMat3(quatToMat3(a)), a)).toBeLessThan(1e-7);
        const m = mul3(quatToMat3(a), quatToMat3(b));
        expect(quatAngle(quatFromMat3(m), quatMultiply(a, b))).toBeLessThan(1e-7);
      }),
    );
  });
  it('nearestRotationQuat recovers a rotation from a perturbed matrix', () => {
    fc.assert(
      fc.property(arbQuat, (q) => {
        const m = quatToMat3(q).map((x, i) => x * 3 + (i === 4 ? 1e-9 : 0)) as Mat3;
        expect(quatAngle(nearestRotationQuat(m), q)).toBeLessThan(1e-7);
      }),
    );
  });
  it('Euler angles round-trip for all six orders (as rotations)', () => {
    fc.assert(
      fc.property(arbQuat, fc.constantFrom(...EULER_ORDERS), (q, order) => {
        const m = quatToMat3(q);
        const back = eulerToMat3(mat3ToEuler(m, order), order);
        back.forEach((v, i) => expect(v).toBeCloseTo(m[i]!, 7));
      }),
    );
  });
  it("Euler order 'XYZ' means X first: M = Rz·Ry·Rx", () => {
    const m = eulerToMat3([Math.PI / 2, 0, Math.PI / 2], 'XYZ');
    // Rx(90) takes y→z, then Rz(90) leaves z: so e_y ↦ e_z
    expect(m[2 * 3 + 1]).toBeCloseTo(1, 12);
  });
  it('slerp hits both ends exactly and takes the short arc', () => {
    fc.assert(
      fc.property(arbQuat, arbQuat, (a, b) => {
        expect(quatSlerp(a, b, 0)).toEqual(a);
        expect(quatAngle(quatSlerp(a, b, 1), b)).toBeLessThan(1e-7);
        const mid = quatSlerp(a, b, 0.5);
        expect(Math.abs(quatAngle(a, mid) - quatAngle(mid, b))).toBeLessThan(1e-6);
      }),
    );
  });
  it('slerp keeps constant speed between close rotations too (the steps between neighbouring frames)', () => {
    fc.assert(
      fc.property(
        arbQuat,
        fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })),
        fc.double({ min: 1e-6, max: 0.05, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, [u, v], angle, t) => {
          const axis = [u, v, 1];
          const n = Math.hypot(...axis);
          const step: [number, number, number, number] = [
            Math.cos(angle / 2),
            ...(axis.map((x) => (x / n) * Math.sin(angle / 2)) as [number, number, number]),
          ];
          const b = quatMultiply(a, step);
          expect(Math.abs(quatAngle(a, quatSlerp(a, b, t)) - t * angle)).toBeLessThan(1e-12);
        },
      ),
    );
  });
});

describe('projection', () => {
  it('back-projection inverts projection (single and batch)', () => {
    fc.assert(
      fc.property(
        arbCamera,
        fc.double({ min: 0, max: 640, noNaN: true }),
        fc.double({ min: 0, max: 360, noNaN: true }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        (cam, u, v, z) => {
          const X = backprojectPixel(cam, u, v, z);
          const p = projectPoint(cam, X);
          expect(p.u).toBeCloseTo(u, 6);
          expect(p.v).toBeCloseTo(v, 6);
          expect(p.depth).toBeCloseTo(z, 8);
          const pts = backprojectPixels(
            cam,
            new Float64Array([u, v, u / 2, v / 2]),
            new Float64Array([z, 2 * z]),
          );
          const { uv, depth } = projectPoints(cam, pts);
          expect(uv[2]).toBeCloseTo(u / 2, 6);
          expect(depth[1]).toBeCloseTo(2 * z, 8);
          expect(pts[0]).toBeCloseTo(X[0], 8);
        },
      ),
    );
  });
  it('distortion: undistort inverts distort (Newton), on realistic lenses', () => {
    const lens = fc.record({
      k1: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
      k2: fc.double({ min: -0.1, max: 0.1, noNaN: true }),
      p1: fc.double({ min: -0.01, max: 0.01, noNaN: true }),
      p2: fc.double({ min: -0.01, max: 0.01, noNaN: true }),
      k3: fc.double({ min: -0.02, max: 0.02, noNaN: true }),
    });
    fc.assert(
      fc.property(
        lens,
        fc.double({ min: -0.6, max: 0.6, noNaN: true }),
        fc.double({ min: -0.35, max: 0.35, noNaN: true }),
        (d, x, y) => {
          const [xd, yd] = distortNormalized(d, x, y);
          const [xu, yu] = undistortNormalized(d, xd, yd);
          expect(xu).toBeCloseTo(x, 9);
          expect(yu).toBeCloseTo(y, 9);
        },
      ),
    );
  });
  it('distorted cameras project/back-project consistently', () => {
    const cam: Camera = {
      C: [1, 2, 3],
      q: [1, 0, 0, 0],
      intrinsics: {
        width: 640,
        height: 360,
        fx: 500,
        fy: 500,
        cx: 320,
        cy: 180,
        distortion: { k1: -0.2, k2: 0.05, p1: 0.001, p2: -0.001, k3: 0 },
      },
    };
    const X = backprojectPixel(cam, 600, 20, 7);
    const p = projectPoint(cam, X);
    expect(p.u).toBeCloseTo(600, 8);
    expect(p.v).toBeCloseTo(20, 8);
  });
});

describe('focal ↔ mm ↔ field of view', () => {
  it('the gt lens: 28 mm on a 36 mm film back at 640 px = 497.78 px, hfov 65.47°', () => {
    expect(focalPxFromMm(28, 36, 640)).toBeCloseTo(497.77777777777777, 10);
    expect((fovFromFocalPx(focalPxFromMm(28, 36, 640), 640) * 180) / Math.PI).toBeCloseTo(65.4704, 3);
  });
  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 5, max: 5000, noNaN: true }),
        fc.double({ min: 5, max: 70, noNaN: true }),
        fc.integer({ min: 16, max: 8192 }),
        (f, s, w) => {
          expect(focalMmFromPx(focalPxFromMm(f, s, w), s, w)).toBeCloseTo(f, 9);
          expect(focalPxFromFov(fovFromFocalPx(f, w), w) / f).toBeCloseTo(1, 12);
        },
      ),
    );
  });
});
