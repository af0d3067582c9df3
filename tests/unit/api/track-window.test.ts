/**
 * The media route 'tracks' body (src-shared/api/media-routes.ts): positions, visibility and confidence
 * of each returned track over the window's frames, round-tripped exactly.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeTrackWindow, encodeTrackWindow, type TrackWindow } from '../../../src-shared/api/media-routes';

const windowArb = fc
  .record({
    tracks: fc.integer({ min: 0, max: 7 }),
    count: fc.integer({ min: 1, max: 9 }),
    start: fc.integer({ min: 0, max: 500 }),
    seed: fc.integer(),
  })
  .map(({ tracks, count, start, seed }): TrackWindow => {
    let r = seed >>> 0;
    const rnd = () => (r = (r * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const n = tracks * count;
    const w: TrackWindow = {
      width: 1920,
      height: 1080,
      start,
      count,
      trackIds: Array.from({ length: tracks }, (_, i) => 3 * i + (seed & 3)),
      xy: new Float32Array(2 * n).fill(NaN),
      visible: new Uint8Array(n),
      confidence: new Float32Array(n),
    };
    for (let i = 0; i < n; i++) {
      if (rnd() < 0.3) continue;
      w.visible[i] = 1;
      w.xy[2 * i] = Math.fround(rnd() * 1920);
      w.xy[2 * i + 1] = Math.fround(rnd() * 1080);
      w.confidence[i] = Math.fround(rnd());
    }
    return w;
  });

const bufferOf = (b: Uint8Array): ArrayBuffer => b.slice().buffer;

describe('track window body', () => {
  it('round-trips positions, visibility and confidence exactly (property)', () => {
    fc.assert(
      fc.property(windowArb, (w) => {
        const d = decodeTrackWindow(bufferOf(encodeTrackWindow(w)));
        expect({ ...d, xy: [...d.xy], visible: [...d.visible], confidence: [...d.confidence] }).toEqual({
          ...w,
          xy: [...w.xy],
          visible: [...w.visible],
          confidence: [...w.confidence],
        });
      }),
      { numRuns: 80 },
    );
  });

  it('keeps xy and visibility where they were (confidence is appended, 4-byte aligned)', () => {
    fc.assert(
      fc.property(windowArb, (w) => {
        const body = encodeTrackWindow(w);
        const n = w.trackIds.length * w.count;
        const headerLength = new DataView(body.buffer).getUint32(0, true);
        const xyAt = 4 + headerLength;
        expect(xyAt % 4).toBe(0);
        expect([...new Float32Array(body.slice(xyAt, xyAt + 8 * n).buffer)]).toEqual([...w.xy]);
        expect([...body.subarray(xyAt + 8 * n, xyAt + 9 * n)]).toEqual([...w.visible]);
        const confidenceAt = body.length - 4 * n;
        expect(confidenceAt % 4).toBe(0);
        expect(confidenceAt - (xyAt + 9 * n)).toBeLessThan(4);
        expect([...new Float32Array(body.slice(confidenceAt).buffer)]).toEqual([...w.confidence]);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses arrays that do not match, and truncated bodies', () => {
    const w: TrackWindow = {
      width: 4,
      height: 4,
      start: 0,
      count: 3,
      trackIds: [0],
      xy: new Float32Array(6),
      visible: new Uint8Array(3),
      confidence: new Float32Array(2),
    };
    expect(() => encodeTrackWindow(w)).toThrow(RangeError);
    const body = encodeTrackWindow({ ...w, confidence: new Float32Array(3) });
    expect(() => decodeTrackWindow(bufferOf(body.subarray(0, body.length - 4)))).toThrow(/truncated/);
  });
});
