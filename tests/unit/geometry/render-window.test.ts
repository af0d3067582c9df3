import { describe, expect, it } from 'vitest';
import { windowByCoverage, type Camera, type CoverageSource } from '../../../src-shared/geometry';
import { quatIdentity } from '../../../src-shared/geometry';

const W = 160,
  H = 90;
const K = { width: W, height: H, fx: 120, fy: 120, cx: 80, cy: 45 };
const cam = (x: number): Camera => ({ C: [x, 0, 0], q: quatIdentity(), intrinsics: K });
const wall = (x: number): CoverageSource => ({
  camera: cam(x),
  width: W,
  height: H,
  depth: new Float32Array(W * H).fill(5),
});

describe('a render window chosen by how much of the target each frame sees', () => {
  it('takes the frame that sees most, then the one that adds what it cannot see, and no frame that adds nothing', () => {
    // target at 0 sees x in [-3.33, 3.33] at depth 5; frames at ±3 each see half of it, the one at 0 all
    const candidates = [wall(-3), wall(-3.01), wall(3), wall(0)];
    expect(windowByCoverage(cam(0), candidates, 4)).toEqual([3]);
    // without the central frame: one side, then the other; the near-duplicate adds (almost) nothing
    const sides = windowByCoverage(cam(0), candidates.slice(0, 3), 4);
    expect(sides.slice(0, 2).sort()).toEqual([0, 2]);
    expect(sides).not.toContain(1);
  });

  it('starts from `first` when given, and never returns more than asked', () => {
    const candidates = [wall(-3), wall(3), wall(0), wall(1)];
    const w = windowByCoverage(cam(0), candidates, 2, { first: 3 });
    expect(w[0]).toBe(3);
    expect(w.length).toBeLessThanOrEqual(2);
    expect(windowByCoverage(cam(0), candidates, 0)).toEqual([]);
  });
});
