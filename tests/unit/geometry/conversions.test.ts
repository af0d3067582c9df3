import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fromBlenderCamera,
  fromThreeCamera,
  readChan,
  readColmap,
  readUsda,
  toBlenderCamera,
  toThreeCamera,
  writeChan,
  writeColmap,
  writeUsda,
  quatToMat3,
  projectPoint,
  EULER_ORDERS,
  eulerToMat3,
  type CameraTrack,
  type WorldUp,
} from '../../../src-shared/geometry';
import { arbCamera, arbSquareCamera, expectCameraClose } from './arb';

const arbUp = fc.constantFrom<WorldUp>('z', 'y', '-y');
const track = (cams: CameraTrack['frames'][number]['camera'][]): CameraTrack => ({
  fps: [24000, 1001],
  frames: cams.map((camera, index) => ({ index, camera })),
});

describe('three.js / OpenGL', () => {
  it('round-trips, including off-centre principal points', () => {
    fc.assert(
      fc.property(arbCamera, arbUp, (cam, worldUp) => {
        expectCameraClose(fromThreeCamera(toThreeCamera(cam, { worldUp }), 640, 360, { worldUp }), cam, 1e-9);
      }),
    );
  });
  it('the GL camera looks down −z with y up in a Y-up world', () => {
    const cam = {
      C: [0, 0, 0] as [number, number, number],
      q: [Math.SQRT1_2, -Math.SQRT1_2, 0, 0] as [number, number, number, number],
      intrinsics: { width: 640, height: 360, fx: 500, fy: 500, cx: 320, cy: 180 },
    };
    // R_wc = Rx(−90°): camera z (forward) → world +y, camera y (down) → world −z: a level camera looking along +y in a Z-up world.
    const t = toThreeCamera(cam, { worldUp: 'z' });
    const R = quatToMat3([t.quaternion[3], t.quaternion[0], t.quaternion[1], t.quaternion[2]]);
    // GL forward is −z_cam: world(Y-up) = (x, z, −y) of Z-up forward (0, 1, 0) → (0, 0, −1)
    expect(-R[2]).toBeCloseTo(0, 12);
    expect(-R[8]).toBeCloseTo(-1, 12);
    expect(R[4]).toBeCloseTo(1, 12); // camera up = world up
    expect(t.fov).toBeCloseTo((2 * Math.atan(180 / 500) * 180) / Math.PI, 12);
  });
});

describe('Blender', () => {
  it('round-trips through rotation_euler for every rotation mode', () => {
    fc.assert(
      fc.property(arbSquareCamera, arbUp, fc.constantFrom(...EULER_ORDERS), (cam, worldUp, rotationMode) => {
        expectCameraClose(
          fromBlenderCamera(toBlenderCamera(cam, { worldUp, rotationMode }), { worldUp }),
          cam,
          1e-8,
        );
      }),
    );
  });
  it('matches the gt lens metadata: 28 mm, 36 mm sensor', () => {
    const b = toBlenderCamera({
      C: [0, 0, 0],
      q: [1, 0, 0, 0],
      intrinsics: {
        width: 640,
        height: 360,
        fx: 497.77777777777777,
        fy: 497.77777777777777,
        cx: 320,
        cy: 180,
      },
    });
    expect(b.lensMm).toBeCloseTo(28, 12);
    expect(b.shiftX).toBe(-0);
  });
});

describe('Nuke .chan', () => {
  it('round-trips (9 decimals) in any rotation order and world-up', () => {
    fc.assert(
      fc.property(
        fc.array(arbSquareCamera, { minLength: 1, maxLength: 4 }),
        arbUp,
        fc.constantFrom(...EULER_ORDERS),
        (cams0, worldUp, rotationOrder) => {
          const cams = cams0.map((c) => ({ ...c, intrinsics: { ...c.intrinsics, cx: 320, cy: 180 } }));
          const text = writeChan(track(cams), { worldUp, rotationOrder });
          expect(text.trim().split('\n')).toHaveLength(cams.length);
          const back = readChan(text, { width: 640, height: 360, worldUp, rotationOrder });
          back.frames.forEach((f, i) => {
            expect(f.index).toBe(i);
            expectCameraClose(f.camera, cams[i]!, 1e-7);
          });
        },
      ),
    );
  });
  it('writes frame tx ty tz rx ry rz vfov with 1-based frames', () => {
    const cam = {
      C: [1, 2, 3] as [number, number, number],
      q: [1, 0, 0, 0] as [number, number, number, number],
      intrinsics: { width: 640, height: 360, fx: 500, fy: 500, cx: 320, cy: 180 },
    };
    const cols = writeChan(track([cam]), { worldUp: 'y' })
      .trim()
      .split('\t')
      .map(Number);
    expect(cols).toHaveLength(8);
    expect(cols[0]).toBe(1);
    expect(cols.slice(1, 4)).toEqual([1, 2, 3]);
    // identity OpenCV camera in a Y-up world = GL camera rotated 180° about x (Nuke ZXY Euler, degrees)
    const m = eulerToMat3(
      [(cols[4]! * Math.PI) / 180, (cols[5]! * Math.PI) / 180, (cols[6]! * Math.PI) / 180],
      'ZXY',
    );
    [1, 0, 0, 0, -1, 0, 0, 0, -1].forEach((v, i) => expect(m[i]).toBeCloseTo(v, 9));
    expect(cols[7]).toBeCloseTo((2 * Math.atan(180 / 500) * 180) / Math.PI, 6);
  });
  it('rejects malformed lines with the line number', () => {
    expect(() => readChan('1 0 0 0 0 0\n', { width: 10, height: 10 })).toThrow(
      /line 1: expected 7 or 8 columns/,
    );
    expect(() => readChan('1 0 0 0 0 0 x 40\n', { width: 10, height: 10 })).toThrow(/line 1/);
  });
});

describe('COLMAP text', () => {
  it('round-trips poses and intrinsics, with and without distortion', () => {
    fc.assert(
      fc.property(fc.array(arbCamera, { minLength: 1, maxLength: 4 }), fc.boolean(), (cams0, distort) => {
        const cams = cams0.map((c) =>
          distort
            ? {
                ...c,
                intrinsics: {
                  ...c.intrinsics,
                  distortion: { k1: -0.1, k2: 0.01, p1: 0.001, p2: 0, k3: 0.002 },
                },
              }
            : c,
        );
        const out = writeColmap(track(cams));
        const back = readColmap(out);
        expect(back.frames).toHaveLength(cams.length);
        back.frames.forEach((f, i) => {
          expectCameraClose(f.camera, cams[i]!, 1e-9);
          expect(f.camera.intrinsics.distortion).toEqual(cams[i]!.intrinsics.distortion);
        });
        expect(out.imagesTxt).toMatch(/^1 /m);
      }),
    );
  });
  it('stores world-to-camera qvec/tvec', () => {
    const cam = {
      C: [0, 0, -5] as [number, number, number],
      q: [1, 0, 0, 0] as [number, number, number, number],
      intrinsics: { width: 640, height: 360, fx: 500, fy: 500, cx: 320, cy: 180 },
    };
    const line = writeColmap(track([cam]))
      .imagesTxt.split('\n')
      .find((l) => /^1 /.test(l))!;
    expect(line.split(' ').slice(1, 8).map(Number)).toEqual([1, 0, 0, 0, 0, 0, 5]);
  });
  it('rejects unknown models and missing cameras', () => {
    expect(() => readColmap({ camerasTxt: '1 FISHEYE 10 10 1 2 3\n', imagesTxt: '' })).toThrow(
      /cameras.txt line 1: unsupported camera model/,
    );
    expect(() =>
      readColmap({ camerasTxt: '1 PINHOLE 10 10 5 5 5 5\n', imagesTxt: '1 1 0 0 0 0 0 0 2 a.png\n\n' }),
    ).toThrow(/CAMERA_ID 2/);
  });
});

describe('USD (.usda)', () => {
  it('round-trips for several metersPerUnit and world-up choices', () => {
    fc.assert(
      fc.property(
        fc.array(arbCamera, { minLength: 1, maxLength: 3 }),
        arbUp,
        fc.constantFrom(1, 0.01, 0.3048),
        (cams, worldUp, metersPerUnit) => {
          const text = writeUsda(track(cams), { worldUp, metersPerUnit });
          const back = readUsda(text, { worldUp });
          expect(back.fps).toEqual([24000, 1001]);
          back.frames.forEach((f, i) => expectCameraClose(f.camera, cams[i]!, 1e-8));
        },
      ),
    );
  });
  it('writes focal length and apertures in tenths of a scene unit', () => {
    const cam = {
      C: [0, 0, 0] as [number, number, number],
      q: [1, 0, 0, 0] as [number, number, number, number],
      intrinsics: {
        width: 640,
        height: 360,
        fx: 497.77777777777777,
        fy: 497.77777777777777,
        cx: 320,
        cy: 180,
      },
    };
    expect(writeUsda(track([cam]), { metersPerUnit: 0.01 })).toMatch(
      /focalLength\.timeSamples = \{ 0: 28(\.0+\d*)? \}/,
    );
    expect(writeUsda(track([cam]), { metersPerUnit: 1 })).toMatch(
      /focalLength\.timeSamples = \{ 0: 0\.28\d* \}/,
    );
    expect(writeUsda(track([cam]), { metersPerUnit: 1 })).toMatch(/upAxis = "Y"/);
  });
  it('projects the same way after the round trip', () => {
    const cam = {
      C: [1, -2, 0.5] as [number, number, number],
      q: [0.9, 0.1, -0.3, 0.2] as [number, number, number, number],
      intrinsics: { width: 640, height: 360, fx: 600, fy: 610, cx: 300, cy: 200 },
    };
    const n = Math.hypot(...cam.q);
    cam.q = cam.q.map((x) => x / n) as typeof cam.q;
    const back = readUsda(writeUsda(track([cam]))).frames[0]!.camera;
    const a = projectPoint(cam, [3, 4, 5]);
    const b = projectPoint(back, [3, 4, 5]);
    expect(b.u).toBeCloseTo(a.u, 6);
    expect(b.v).toBeCloseTo(a.v, 6);
  });
});
