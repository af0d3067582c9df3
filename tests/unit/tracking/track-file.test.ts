import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  decodeTrackFile,
  encodeTrackFile,
  emptyTrackSet,
  queryFrameRange,
  readTrackFile,
  readTrackFrameRange,
  toTracksJson,
  stringifyTracksJson,
  writeTrackFile,
  TrackRecorder,
  type TrackSet,
} from '../../../src-main/analysis/tracking';

const trackSetArb = fc
  .record({
    w: fc.integer({ min: 1, max: 4096 }),
    h: fc.integer({ min: 1, max: 4096 }),
    T: fc.integer({ min: 1, max: 12 }),
    N: fc.integer({ min: 0, max: 9 }),
    seed: fc.integer(),
  })
  .map(({ w, h, T, N, seed }): TrackSet => {
    const s = emptyTrackSet(w, h, T, N);
    let r = seed >>> 0;
    const rnd = () => (r = (r * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < N * T; i++) {
      if (rnd() < 0.6) {
        s.visible[i] = 1;
        s.xy[2 * i] = Math.fround(rnd() * w);
        s.xy[2 * i + 1] = Math.fround(rnd() * h);
        s.confidence[i] = Math.fround(rnd());
      }
    }
    return s;
  });

const same = (a: TrackSet, b: TrackSet) => {
  expect([b.width, b.height, b.numFrames, b.numTracks]).toEqual([
    a.width,
    a.height,
    a.numFrames,
    a.numTracks,
  ]);
  expect(Array.from(b.xy)).toEqual(Array.from(a.xy));
  expect(Array.from(b.visible)).toEqual(Array.from(a.visible));
  expect(Array.from(b.confidence)).toEqual(Array.from(a.confidence));
};

describe('track file', () => {
  it('round-trips in memory (property, NaN positions included)', () => {
    fc.assert(
      fc.property(trackSetArb, (s) => same(s, decodeTrackFile(encodeTrackFile(s)))),
      { numRuns: 60 },
    );
  });

  it('writes atomically to disk, reads back, and answers frame-range queries like the in-memory query', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'reshoot-tracks-'));
    try {
      await fc.assert(
        fc.asyncProperty(
          trackSetArb,
          fc.integer({ min: -2, max: 13 }),
          fc.integer({ min: 0, max: 6 }),
          async (s, a, len) => {
            const file = path.join(dir, 'tracks.rstk');
            await writeTrackFile(file, s);
            same(s, await readTrackFile(file));
            const fromFile = await readTrackFrameRange(file, a, a + len);
            const mem = queryFrameRange(s, a, a + len);
            expect(Array.from(fromFile.trackIds)).toEqual(Array.from(mem.trackIds));
            expect(Array.from(fromFile.xy)).toEqual(Array.from(mem.xy));
            expect(Array.from(fromFile.visible)).toEqual(Array.from(mem.visible));
            // Every returned track is visible somewhere in the range; every omitted one is not.
            const L = mem.last - mem.first + 1;
            for (let k = 0; k < s.numTracks; k++) {
              let vis = false;
              for (let f = mem.first; f <= mem.last; f++) vis ||= s.visible[k * s.numFrames + f] === 1;
              expect(Array.from(mem.trackIds).includes(k)).toBe(vis && L > 0);
            }
          },
        ),
        { numRuns: 25 },
      );
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a wrong magic, a wrong version and a truncated body', () => {
    const s = emptyTrackSet(4, 4, 2, 2);
    const b = encodeTrackFile(s);
    const bad = b.slice();
    bad[0] = 0x58;
    expect(() => decodeTrackFile(bad)).toThrow(/magic/);
    const v2 = b.slice();
    v2[4] = 2;
    expect(() => decodeTrackFile(v2)).toThrow(/version/);
    expect(() => decodeTrackFile(b.subarray(0, b.length - 1))).toThrow(/truncated/);
  });
});

describe('tracks.json', () => {
  it('has exactly the documented keys, track-major arrays, and 0 for never-seen positions', () => {
    const rec = new TrackRecorder();
    rec.record(0, 0, 10.5, 20.25, 1);
    rec.record(1, 0, 11.5, 21.25, 0.9);
    rec.record(1, 1, 100.1234, 50.5, 1);
    const set = rec.build(640, 360, 3);
    const j = JSON.parse(stringifyTracksJson(set));
    expect(Object.keys(j)).toEqual(['width', 'height', 'num_frames', 'num_tracks', 'x', 'y', 'visible']);
    expect(j).toEqual(toTracksJson(set));
    expect(j.num_tracks).toBe(2);
    expect(j.x).toEqual([10.5, 11.5, 0, 0, 100.123, 0]);
    expect(j.y).toEqual([20.25, 21.25, 0, 0, 50.5, 0]);
    expect(j.visible).toEqual([1, 1, 0, 0, 1, 0]);
  });
});
