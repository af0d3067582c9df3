/**
 * The Nuke Camera3 node read back by an independent reader of Nuke's node syntax (tests/helpers/nuke-node.ts):
 * knob values, `{curve x<frame> v v …}` animation and array knobs, rebuilt into cameras and compared with
 * what was written.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  documentToTrack,
  parseCamerasJson,
  quatAngle,
  quatFromAxisAngle,
  writeCamera3,
  type Camera,
  type CameraTrack,
} from '../../../src-shared/geometry';
import { cameraAt, parseNode } from '../../helpers/nuke-node';

function expectSameCamera(got: Camera, want: Camera): void {
  got.C.forEach((x, k) => expect(x).toBeCloseTo(want.C[k]!, 6));
  expect(quatAngle(got.q, want.q)).toBeLessThan(1e-7);
  const a = got.intrinsics;
  const b = want.intrinsics;
  expect(a.fx / b.fx).toBeCloseTo(1, 8);
  expect(a.fy / b.fy).toBeCloseTo(1, 8);
  expect(a.cx).toBeCloseTo(b.cx, 5);
  expect(a.cy).toBeCloseTo(b.cy, 5);
}

describe('Nuke Camera3 node', () => {
  const gt = documentToTrack(
    parseCamerasJson(readFileSync(resolve('../shared/gt/orbit_a/cameras.json'), 'utf8')),
  );

  it('orbit_a at frames 1001–1048: every frame read back is the camera written, 28 mm on a 36 mm back', () => {
    const node = writeCamera3(gt, { worldUp: 'z', firstFrame: 1001 });
    expect(node).toMatchObject({ rotationOrder: 'ZXY', firstFrame: 1001, lastFrame: 1048 });
    const { cls, knobs } = parseNode(node.text);
    expect(cls).toBe('Camera3');
    expect(knobs.get('rot_order')).toBe('ZXY');
    expect(knobs.get('haperture')).toBe('36');
    expect(Number(knobs.get('focal'))).toBeCloseTo(28, 6); // the gt lens, constant: a plain value
    expect(knobs.has('win_translate')).toBe(false); // principal point at the centre
    expect(node.text).toMatch(/ translate \{\{curve x1001 /);
    gt.frames.forEach((f) => expectSameCamera(cameraAt(node.text, f.index + 1001, 640, 360, 'z'), f.camera));
    expect(() => cameraAt(node.text, 1000, 640, 360, 'z')).toThrow(/no key at frame 1000/);
  });

  it('a zoom with an off-centre, non-square lens and a gap in the frames reads back frame for frame', () => {
    const frames: CameraTrack['frames'] = [0, 1, 2, 5, 6].map((index) => ({
      index,
      camera: {
        C: [index * 0.3, 1.5, -2 + index * 0.1],
        q: quatFromAxisAngle(
          [0.2, 0.9, 0.1].map((x) => x / Math.hypot(0.2, 0.9, 0.1)) as [number, number, number],
          0.1 * index,
        ),
        intrinsics: {
          width: 1920,
          height: 1080,
          fx: 1500 + 40 * index,
          fy: 1480 + 40 * index,
          cx: 980,
          cy: 530,
        },
      },
    }));
    const track: CameraTrack = { fps: [24000, 1001], frames };
    const node = writeCamera3(track, { worldUp: 'y', sensorWidthMm: 24.89, name: 'Shot_010_cam' });
    expect(node.text).toMatch(/ win_translate \{/);
    expect(node.text).toMatch(/ win_scale \{1 \{curve /);
    expect(node.text).toMatch(/ name Shot_010_cam\n/);
    expect(node.text).toMatch(/\{curve x1 \S+ \S+ \S+ x6 \S+ \S+\}/); // consecutive keys, then the gap
    frames.forEach((f) => expectSameCamera(cameraAt(node.text, f.index + 1, 1920, 1080, 'y'), f.camera));
    expect(() => cameraAt(node.text, 4, 1920, 1080, 'y')).toThrow(/no key at frame 4/);
  });

  it('a fixed rotation order is written as given', () => {
    const node = writeCamera3(gt, { worldUp: 'z', rotationOrder: 'XYZ' });
    expect(parseNode(node.text).knobs.get('rot_order')).toBe('XYZ');
    expectSameCamera(cameraAt(node.text, 10, 640, 360, 'z'), gt.frames[9]!.camera);
  });

  it('refuses what Nuke would not read', () => {
    expect(() => writeCamera3(gt, { name: '1cam' })).toThrow(/node name/);
    expect(() => writeCamera3(gt, { sensorWidthMm: 0 })).toThrow(/film back/);
    expect(() => writeCamera3({ fps: [24, 1], frames: [] })).toThrow(/no frames/);
    expect(() => writeCamera3({ fps: [24, 1], frames: [gt.frames[0]!, gt.frames[0]!] })).toThrow(
      /frame 1 appears twice/,
    );
  });
});
