import { describe, expect, it } from 'vitest';
import { projectTracks, quatIdentity, TRACK_FLAGS, type DepthBuffer } from '../../../src-shared/geometry';

describe('the paired tracks’ z-test with a neighbourhood', () => {
  const K = { width: 20, height: 20, fx: 20, fy: 20, cx: 10, cy: 10 };
  // a wall at 10 with a square occluder at 2 over cells 5…14
  const data = new Float32Array(400).fill(10);
  for (let y = 5; y < 15; y++) for (let x = 5; x < 15; x++) data[y * 20 + x] = 2;
  const buf: DepthBuffer = { intrinsics: K, data };
  /** A point on the wall seen at pixel (u, v). */
  const at = (u: number, v: number) => [((u - 10) / 20) * 10, ((v - 10) / 20) * 10, 10];
  const flagsOf = (radius: number) => {
    const xyz = Float32Array.from([...at(10.5, 10.5), ...at(5.5, 10.5), ...at(1.5, 1.5)]);
    const r = projectTracks(
      { numTracks: 3, numFrames: 1, xyz, valid: new Uint8Array([1, 1, 1]) },
      new Float32Array(6),
      [{ C: [0, 0, 0], q: quatIdentity(), intrinsics: K }],
      () => buf,
      { radius },
    );
    return [...r.flags].map((f) => f === TRACK_FLAGS.targetVisible);
  };

  it('a point behind the middle of the occluder is hidden either way', () => {
    expect(flagsOf(0)[0]).toBe(false);
    expect(flagsOf(1)[0]).toBe(false);
  });

  it('a point at the occluder’s edge is hidden by its own cell, kept by the neighbourhood', () => {
    expect(flagsOf(0)[1]).toBe(false);
    expect(flagsOf(1)[1]).toBe(true);
  });

  it('a point with nothing in front stays visible', () => {
    expect(flagsOf(0)[2]).toBe(true);
    expect(flagsOf(1)[2]).toBe(true);
  });
});
