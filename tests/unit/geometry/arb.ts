import fc from 'fast-check';
import type { Camera } from '../../../src-shared/geometry';
import { quatAngle, quatNormalize } from '../../../src-shared/geometry';
import type { Quat, Vec3 } from '../../../src-shared/geometry';

export const arbVec3 = (r = 10): fc.Arbitrary<Vec3> =>
  fc.tuple(
    fc.double({ min: -r, max: r, noNaN: true }),
    fc.double({ min: -r, max: r, noNaN: true }),
    fc.double({ min: -r, max: r, noNaN: true }),
  );

export const arbQuat: fc.Arbitrary<Quat> = fc
  .tuple(
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.double({ min: -1, max: 1, noNaN: true }),
  )
  .filter((q) => Math.hypot(...q) > 0.1)
  .map((q) => quatNormalize(q as Quat));

export const arbCamera: fc.Arbitrary<Camera> = fc
  .record({
    C: arbVec3(20),
    q: arbQuat,
    f: fc.double({ min: 200, max: 3000, noNaN: true }),
    aspect: fc.double({ min: 0.9, max: 1.1, noNaN: true }),
    dx: fc.double({ min: -40, max: 40, noNaN: true }),
    dy: fc.double({ min: -40, max: 40, noNaN: true }),
  })
  .map(({ C, q, f, aspect, dx, dy }) => ({
    C,
    q,
    intrinsics: { width: 640, height: 360, fx: f, fy: f * aspect, cx: 320 + dx, cy: 180 + dy },
  }));

export const arbSquareCamera: fc.Arbitrary<Camera> = arbCamera.map((c) => ({
  ...c,
  intrinsics: { ...c.intrinsics, fy: c.intrinsics.fx },
}));

export function expectCameraClose(a: Camera, b: Camera, tol = 1e-9): void {
  const e = cameraDiff(a, b);
  if (!(e.centre <= tol * (1 + Math.hypot(...a.C)) && e.angle <= tol && e.intr <= tol * 1000)) {
    throw new Error(`cameras differ: ${JSON.stringify(e)}\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);
  }
}

export function cameraDiff(a: Camera, b: Camera): { centre: number; angle: number; intr: number } {
  const ka = a.intrinsics;
  const kb = b.intrinsics;
  return {
    centre: Math.hypot(a.C[0] - b.C[0], a.C[1] - b.C[1], a.C[2] - b.C[2]),
    angle: quatAngle(a.q, b.q),
    intr: Math.max(
      Math.abs(ka.fx - kb.fx),
      Math.abs(ka.fy - kb.fy),
      Math.abs(ka.cx - kb.cx),
      Math.abs(ka.cy - kb.cy),
      Math.abs(ka.width - kb.width),
      Math.abs(ka.height - kb.height),
    ),
  };
}
