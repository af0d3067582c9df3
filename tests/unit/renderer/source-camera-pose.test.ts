import { describe, expect, it } from 'vitest';
import { poseAt } from '../../../src-renderer/src/lib/scene3d/source-camera-layer';
import type { SourceFrame } from '../../../src-renderer/src/lib/scene3d/types';

const frame = (index: number): SourceFrame => ({
  index,
  C: [index, 0, 0],
  q: [1, 0, 0, 0],
  fx: 500,
  fy: 500,
});

describe("the 3D view's camera at the playhead", () => {
  it('is the frame with that index; a frame a partial camera has no pose for has none', () => {
    const frames = [0, 1, 2, 3, 7, 8, 9].map(frame);
    for (const i of [0, 3, 7, 9]) expect(poseAt(frames, i)?.index).toBe(i);
    for (const i of [4, 5, 6, 10, -1]) expect(poseAt(frames, i)).toBeUndefined();
    expect(poseAt([], 0)).toBeUndefined();
  });
});
