import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeFrameProblems,
  fillCameraFrames,
  frameProblems,
  quatExp,
  quatMultiply,
  type Camera,
  type CameraFrame,
  type FrameProblem,
} from '../../../src-shared/geometry';
import { arbCamera, arbQuat, arbVec3, expectCameraClose } from './arb';

/** A shot length and a shuffled copy of all its frame indices. */
const arbShot = fc
  .integer({ min: 1, max: 80 })
  .chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n })));

/** The frames a list of problems names as missing / outside / repeated. */
function named(problems: FrameProblem[], kind: FrameProblem['kind']): number[] {
  return problems.flatMap((p) => {
    if (p.kind !== kind) return [];
    if ('from' in p) return Array.from({ length: p.to - p.from + 1 }, (_, i) => p.from + i);
    return 'index' in p ? [p.index] : [];
  });
}

describe('frame indices of a camera file', () => {
  it('every frame of the shot once, in any order, is accepted (also when sparse)', () => {
    fc.assert(
      fc.property(arbShot, ([n, indices]) => {
        expect(frameProblems(indices, { frameCount: n })).toEqual([]);
        expect(frameProblems(indices, { frameCount: n, sparse: true })).toEqual([]);
      }),
    );
  });

  it('frames left out are named as missing runs, exactly those; sparse accepts any subset', () => {
    fc.assert(
      fc.property(
        arbShot.chain(([n, all]) =>
          fc.tuple(fc.constant(n), fc.shuffledSubarray(all, { minLength: 1, maxLength: Math.max(1, n - 1) })),
        ),
        ([n, given]) => {
          const problems = frameProblems(given, { frameCount: n });
          const missing = [...Array(n).keys()].filter((i) => !given.includes(i));
          expect(named(problems, 'missing')).toEqual(missing);
          expect(problems.every((p) => p.kind === 'missing')).toBe(true);
          // Runs are maximal: two missing runs never touch.
          const ms = problems.filter((p) => p.kind === 'missing');
          for (let i = 1; i < ms.length; i++) expect(ms[i]!.from).toBeGreaterThan(ms[i - 1]!.to + 1);
          expect(frameProblems(given, { frameCount: n, sparse: true })).toEqual([]);
        },
      ),
    );
  });

  it('repeated frames and frames outside the shot are named, strict or sparse, in frame order', () => {
    fc.assert(
      fc.property(
        arbShot,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.integer({ min: -20, max: 200 }), { maxLength: 6 }),
        fc.boolean(),
        ([n, all], again, extra, sparse) => {
          const repeats = again.map((r) => all[r % n]!);
          const indices = [...all, ...repeats, ...extra];
          const problems = frameProblems(indices, { frameCount: n, sparse });
          const times = (i: number) => indices.filter((x) => x === i).length;
          const repeated = [...new Set(indices)].filter((i) => i >= 0 && i < n && times(i) > 1);
          expect(named(problems, 'repeated')).toEqual(repeated.sort((a, b) => a - b));
          for (const p of problems) if (p.kind === 'repeated') expect(p.times).toBe(times(p.index));
          const outside = [...new Set(extra.filter((i) => i < 0 || i >= n))].sort((a, b) => a - b);
          expect([...named(problems, 'before'), ...named(problems, 'past')]).toEqual(outside);
          expect(named(problems, 'missing')).toEqual([]);
          const at = problems.map((p) => ('from' in p ? p.from : 'index' in p ? p.index : -1));
          expect(at).toEqual([...at].sort((a, b) => a - b));
          expect(problems.length === 0).toBe(repeated.length === 0 && outside.length === 0);
        },
      ),
    );
  });

  it('says what is wrong in the file’s own frame numbers, the first few', () => {
    const shot = { frameCount: 233 };
    const indices = [...Array(233).keys()].filter((i) => i < 40 || i > 47);
    indices.push(12, 300);
    const problems = frameProblems(indices, shot);
    expect(describeFrameProblems(problems, shot)).toBe(
      "frame 12 appears twice; frames 40–47 missing; frame 300 is past the shot's last frame 232",
    );
    indices.push(301, 302, 12, 7, 7.5);
    expect(describeFrameProblems(frameProblems(indices, shot), shot, 3)).toBe(
      'frame 7 appears twice; frame 7.5 is not a whole frame number; frame 12 appears 3 times; and 2 more',
    );
    expect(describeFrameProblems(frameProblems([], shot), shot)).toBe('there are no cameras in it');
  });

  it('numbers frames from 1 where the file does (.chan, COLMAP IMAGE_ID): frame 1 is the shot’s first', () => {
    // A .chan reader gives index = frame − 1, so a file with frames 0…232 for a 233-frame shot:
    const shot = { frameCount: 233, firstNumber: 1 };
    const fromZero = [...Array(233).keys()].map((frame) => frame - 1);
    expect(describeFrameProblems(frameProblems(fromZero, shot), shot)).toBe(
      "frame 0 is before the shot's first frame 1; frame 233 missing",
    );
    const past = [...Array(236).keys()];
    expect(describeFrameProblems(frameProblems(past, shot), shot)).toBe(
      "frames 234–236 are past the shot's last frame 233",
    );
    expect(frameProblems([...Array(233).keys()], shot)).toEqual([]);
    expect(describeFrameProblems(frameProblems([-3, -2, 0], { frameCount: 1 }), { frameCount: 1 })).toBe(
      "frames -3 to -2 are before the shot's first frame 0",
    );
  });
});

const frame = (index: number, camera: Camera): CameraFrame => ({ index, camera });

describe('filling in frames a camera file leaves out', () => {
  const arbKnown = fc
    .integer({ min: 1, max: 60 })
    .chain((n) =>
      fc.tuple(
        fc.constant(n),
        fc.shuffledSubarray([...Array(n).keys()], { minLength: 1 }),
        fc.array(arbCamera, { minLength: n, maxLength: n }),
      ),
    );

  it('gives every frame once, the known cameras exactly as they were, and holds before the first / after the last', () => {
    fc.assert(
      fc.property(arbKnown, ([n, given, cams]) => {
        const known = given.map((i) => frame(i, cams[i]!));
        const all = fillCameraFrames(known, n);
        expect(all.map((f) => f.index)).toEqual([...Array(n).keys()]);
        for (const k of known) expect(all[k.index]).toEqual(k);
        const first = Math.min(...given);
        const last = Math.max(...given);
        for (let i = 0; i < first; i++) expect(all[i]!.camera).toEqual(cams[first]);
        for (let i = last + 1; i < n; i++) expect(all[i]!.camera).toEqual(cams[last]);
      }),
    );
  });

  it('reproduces a linear move: centre, focal and principal point linear, rotation at a constant rate', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 60 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: 2 })),
          ),
        arbVec3(20),
        arbVec3(0.5),
        arbQuat,
        // Up to 0.05 rad per frame: at most 3 rad between two known frames, the shortest arc.
        arbVec3(0.05 / Math.sqrt(3)),
        fc.double({ min: 300, max: 2000, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        ([n, given], C0, v, q0, w, f0, df) => {
          const truth = (i: number): Camera => ({
            C: [C0[0] + v[0] * i, C0[1] + v[1] * i, C0[2] + v[2] * i],
            q: quatMultiply(q0, quatExp([w[0] * i, w[1] * i, w[2] * i])),
            intrinsics: {
              width: 640,
              height: 360,
              fx: f0 + df * i,
              fy: f0 + df * i,
              cx: 320 - i,
              cy: 180 + i,
            },
          });
          const all = fillCameraFrames(
            given.map((i) => frame(i, truth(i))),
            n,
          );
          const first = Math.min(...given);
          const last = Math.max(...given);
          for (let i = first; i <= last; i++) expectCameraClose(all[i]!.camera, truth(i), 1e-9);
        },
      ),
    );
  });

  it('refuses frames that repeat or lie outside the shot', () => {
    const cam = fc.sample(arbCamera, 1)[0]!;
    expect(() => fillCameraFrames([frame(0, cam), frame(0, cam)], 3)).toThrow(/frame 0 appears twice/);
    expect(() => fillCameraFrames([frame(3, cam)], 3)).toThrow(/frame 3 is past the shot's last frame 2/);
    expect(() => fillCameraFrames([], 3)).toThrow(/no cameras/);
  });
});
