/**
 * The deliver job's parameters as stored: anything but what startPlateDelivery queues is refused with
 * an 'invalid-argument' that names it (the job list, the API and `jobs.start` can all reach params()).
 */
import { describe, expect, it } from 'vitest';
import { DELIVER_CHUNK_FRAMES, DELIVER_MOVIE_CHUNK_FRAMES, deliverJob } from '../../../src-main/deliver';
import type { ShotRecord } from '../../../src-main/store';

const shot = { id: 1, name: 'A001', frameCount: 100 } as ShotRecord;
const good = {
  format: 'prores-hq',
  renderId: null,
  out: '/deliveries/spot',
  range: { first: 10, last: 20 },
  handles: 4,
  template: null,
  padding: 4,
  first: 6,
  last: 24,
};

describe('deliver job parameters', () => {
  it('keeps good ones and cuts the frames into chunks', () => {
    expect(deliverJob.params!(shot, good)).toEqual(good);
    const all = deliverJob.params!(shot, {
      ...good,
      format: 'exr',
      range: { first: 0, last: 99 },
      first: 0,
      last: 99,
    });
    const chunks = deliverJob.plan(shot, all);
    expect(chunks.map((c) => c.start)).toEqual([0, DELIVER_CHUNK_FRAMES, 2 * DELIVER_CHUNK_FRAMES]);
    expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(100);
    // a movie's chunks are its segments: longer
    const long = { id: 1, name: 'A001', frameCount: 400 } as ShotRecord;
    const movie = deliverJob.params!(long, { ...good, range: { first: 0, last: 399 }, first: 0, last: 399 });
    expect(deliverJob.plan(long, movie).map((c) => c.count)).toEqual([
      DELIVER_MOVIE_CHUNK_FRAMES,
      DELIVER_MOVIE_CHUNK_FRAMES,
      400 - 2 * DELIVER_MOVIE_CHUNK_FRAMES,
    ]);
  });

  it('refuses hostile ones, naming the parameter', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{}, /plate format/],
      [{ format: 'dpx' }, /plate format/],
      [{ renderId: '3' }, /render id/],
      [{ out: 'relative/dir' }, /resolved output folder/],
      [{ out: '/a/../b' }, /resolved output folder/],
      [{ out: 7 }, /resolved output folder/],
      [{ range: null }, /frames asked for/],
      [{ range: { first: 1.5, last: 3 } }, /frames asked for/],
      [{ handles: -1 }, /whole number handles/],
      [{ padding: 'x' }, /whole number padding/],
      [{ template: 3 }, /name template/],
      [{ first: 12 }, /not a range of shot 'A001'/],
      [{ last: 100 }, /not a range of shot 'A001' \(frames 0–99\)/],
    ];
    for (const [over, why] of bad) {
      const p = Object.keys(over).length ? { ...good, ...over } : over;
      expect(() => deliverJob.params!(shot, p), why.source).toThrow(why);
    }
  });
});
