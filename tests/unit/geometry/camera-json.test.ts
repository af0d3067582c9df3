import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  documentToTrack,
  parseCamerasJson,
  serializeCamerasJson,
  trackToDocument,
  type CameraTrack,
} from '../../../src-shared/geometry';
import { arbQuat, arbVec3, expectCameraClose } from './arb';

const minimal = () => ({
  width: 640,
  height: 360,
  fps: [24, 1],
  K: [
    [500, 0, 320],
    [0, 500, 180],
    [0, 0, 1],
  ],
  frames: [
    {
      index: 0,
      C: [0, 0, 0],
      R_wc: [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    },
  ],
});

describe('cameras.json', () => {
  it('tracks round-trip through the document and its text', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbVec3(30), arbQuat), { minLength: 1, maxLength: 5 }), (poses) => {
        const intr = { width: 640, height: 360, fx: 480, fy: 481, cx: 321, cy: 179 };
        const track: CameraTrack = {
          fps: [24000, 1001],
          frames: poses.map(([C, q], index) => ({
            index,
            camera: { C, q, intrinsics: intr },
            file: `frames/frame_${index + 1}.png`,
          })),
        };
        const text = serializeCamerasJson(trackToDocument(track));
        const back = documentToTrack(parseCamerasJson(text));
        expect(back.fps).toEqual([24000, 1001]);
        back.frames.forEach((f, i) => {
          expectCameraClose(f.camera, track.frames[i]!.camera, 1e-9);
          expect(f.file).toBe(track.frames[i]!.file);
        });
      }),
    );
  });
  it('keeps unknown fields and their order', () => {
    const x = {
      shot: 's',
      ...minimal(),
      reel: 'R1',
      frames: [
        {
          index: 0,
          note: 'n',
          C: [1, 2, 3],
          R_wc: [
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
          ],
        },
      ],
    };
    const text = serializeCamerasJson(parseCamerasJson(JSON.stringify(x)));
    const back = JSON.parse(text);
    expect(Object.keys(back).slice(0, 2)).toEqual(['shot', 'width']);
    expect(back.reel).toBe('R1');
    expect(back.frames[0].note).toBe('n');
    expect(back.frames[0].t_cw).toEqual([-1, -2, -3]);
  });
  const bad: [string, (x: ReturnType<typeof minimal> & Record<string, unknown>) => void, RegExp][] = [
    ['missing width', (x) => delete (x as Partial<typeof x>).width, /^width: missing/],
    ['fps decimal', (x) => (x.fps = [23.976, 1]), /^fps\[0\]: expected a positive integer/],
    ['skew', (x) => (x.K[0]![1] = 1), /^K\[0\]\[1\]: skew/],
    ['not a rotation', (x) => (x.frames[0]!.R_wc[0]![0] = 2), /^frames\[0\]\.R_wc: not a rotation/],
    ['reflection', (x) => (x.frames[0]!.R_wc[2]![2] = -1), /^frames\[0\]\.R_wc: not a rotation/],
    ['C short', (x) => (x.frames[0]!.C = [0, 0]), /^frames\[0\]\.C: expected an array of 3 numbers/],
    [
      'NaN in C',
      (x) => ((x.frames[0]!.C as unknown[])[1] = 'a'),
      /^frames\[0\]\.C\[1\]: expected a finite number/,
    ],
    [
      'bad t_cw',
      (x) => ((x.frames[0] as Record<string, unknown>).t_cw = [0, 0, 1]),
      /^frames\[0\]\.t_cw: differs/,
    ],
    [
      'bad R_cw',
      (x) =>
        ((x.frames[0] as Record<string, unknown>).R_cw = [
          [0, 1, 0],
          [1, 0, 0],
          [0, 0, 1],
        ]),
      /^frames\[0\]\.R_cw: differs/,
    ],
    [
      'duplicate index',
      (x) => x.frames.push({ ...x.frames[0]! }),
      /^frames\[1\]\.index: frame 0 appears twice \(also at frames\[0\]\)/,
    ],
    ['convention', (x) => (x.convention = 'opengl'), /^convention: only "opencv"/],
    ['partial depth', (x) => (x.depth_width = 320), /depth_width, depth_height and depth_K go together/],
    ['empty frames', (x) => (x.frames = []), /^frames: expected a non-empty array/],
  ];
  for (const [name, mutate, re] of bad) {
    it(`rejects ${name} with the field path`, () => {
      const x = minimal() as ReturnType<typeof minimal> & Record<string, unknown>;
      mutate(x);
      expect(() => parseCamerasJson(JSON.stringify(x))).toThrow(re);
    });
  }
  it('rejects invalid JSON', () => {
    expect(() => parseCamerasJson('{')).toThrow(/not valid JSON/);
  });
});
