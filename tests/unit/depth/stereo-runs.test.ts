/** Which frames plane-sweep stereo may match: stretches with a pose, never across a gauge boundary. */
import { describe, expect, it } from 'vitest';
import { stereoRuns } from '../../../src-main/analysis/depth/stages';

describe('stereo runs', () => {
  it('splits at frames without a pose', () => {
    expect(stereoRuns([true, true, false, true, true, true], [0, 0, -1, 0, 0, 0])).toEqual([
      { from: 0, to: 2 },
      { from: 3, to: 6 },
    ]);
  });

  it('splits where the gauge changes, even between consecutive posed frames', () => {
    // a second segment that could not be joined starts at frame 3
    expect(stereoRuns([true, true, true, true, true], [0, 0, 0, 1, 1])).toEqual([
      { from: 0, to: 3 },
      { from: 3, to: 5 },
    ]);
  });

  it('one gauge and every frame posed: one run', () => {
    expect(stereoRuns(new Array<boolean>(7).fill(true), new Array<number>(7).fill(0))).toEqual([
      { from: 0, to: 7 },
    ]);
    expect(stereoRuns([], [])).toEqual([]);
  });
});
