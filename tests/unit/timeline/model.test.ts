import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  describeTimeline,
  fileUrl,
  pathOfFileUrl,
  TimelineError,
  type ShotInput,
} from '../../../src-shared/timeline';

function shot(
  id: number,
  tc: string | null,
  count: number,
  plates: [number, number][],
  fps = { num: 24, den: 1 },
): ShotInput {
  return {
    id,
    name: `S${id}`,
    reel: null,
    fps,
    startTimecode: tc,
    frameCount: count,
    width: 1280,
    height: 720,
    media: { kind: 'file', path: `/m/S${id}.mov` },
    plates: plates.map(([a, b], i) => ({
      path: `p${i}`,
      version: i + 1,
      firstFrame: a,
      lastFrame: b,
      media: { kind: 'file', path: `/d/S${id}_p${i}.mov` },
    })),
  };
}

describe('timeline placement', () => {
  it('places shots that do not overlap at their source timecode, starting at the earliest', () => {
    const t = buildTimeline({
      name: 'x',
      shots: [shot(1, '01:00:10:00', 48, [[0, 47]]), shot(2, '01:00:00:00', 24, [[12, 23]])],
    });
    expect(t.placement).toBe('source-timecode');
    expect(t.start).toBe(86400 + 12);
    expect(t.events.map((e) => [e.shotId, e.recordIn, e.recordOut])).toEqual([
      [2, 86412, 86424],
      [1, 86640, 86688],
    ]);
    expect(t.end).toBe(86688);
  });

  it('puts overlapping plates back to back in shot, path, version order from the earliest timecode', () => {
    const t = buildTimeline({
      name: 'x',
      shots: [
        shot(1, '01:00:00:00', 48, [
          [0, 23],
          [10, 47],
        ]),
      ],
    });
    expect(t.placement).toBe('back-to-back');
    expect(t.events.map((e) => [e.plate!.path, e.sourceIn, e.recordIn, e.recordOut])).toEqual([
      ['p0', 86400, 86400, 86424],
      ['p1', 86410, 86424, 86462],
    ]);
  });

  it('record ranges never overlap and keep each event’s length (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            start: fc.nat({ max: 5000 }),
            count: fc.integer({ min: 1, max: 200 }),
            plates: fc.nat({ max: 2 }),
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        (arbs) => {
          const shots = arbs.map((a, i) => {
            const s = shot(
              i + 1,
              null,
              a.count,
              Array.from({ length: a.plates }, () => [0, a.count - 1] as [number, number]),
            );
            s.startTimecode = `00:${String(Math.floor(a.start / 1440) % 60).padStart(2, '0')}:${String(Math.floor(a.start / 24) % 60).padStart(2, '0')}:${String(a.start % 24).padStart(2, '0')}`;
            return s;
          });
          const t = buildTimeline({ name: 'p', shots });
          const sorted = [...t.events].sort((a, b) => a.recordIn - b.recordIn);
          sorted.forEach((e, i) => {
            expect(e.recordOut - e.recordIn).toBe(e.sourceOut - e.sourceIn);
            if (i > 0) expect(e.recordIn).toBeGreaterThanOrEqual(sorted[i - 1]!.recordOut);
            if (t.placement === 'source-timecode') expect(e.recordIn).toBe(e.sourceIn);
          });
          expect(t.start).toBe(Math.min(...t.events.map((e) => e.sourceIn)));
          expect(describeTimeline(t)).toHaveLength(t.events.length);
        },
      ),
    );
  });

  it('a shot without timecode starts at 00:00:00:00; its reel is the media file name', () => {
    const t = buildTimeline({ name: 'x', shots: [shot(1, null, 10, [])] });
    expect([t.start, t.events[0]!.reel, t.events[0]!.plate]).toEqual([0, 'S1', null]);
  });
});

describe('timeline refusals name the shot', () => {
  it('mixed frame rates', () => {
    expect(() =>
      buildTimeline({
        name: 'x',
        shots: [shot(1, null, 10, []), shot(2, null, 10, [], { num: 25, den: 1 })],
      }),
    ).toThrow(/shot 2 'S2' runs at 25\/1 fps but the timeline at 24\/1/);
  });
  it('drop-frame mixed with non-drop-frame', () => {
    const ntsc = { num: 30000, den: 1001 };
    expect(() =>
      buildTimeline({
        name: 'x',
        shots: [shot(1, '01:00:00;00', 10, [], ntsc), shot(2, '01:00:00:00', 10, [], ntsc)],
      }),
    ).toThrow(/shot 2 'S2' has non-drop-frame timecode/);
  });
  it('a plate outside its shot, a bad count, a timecode that cannot exist, no shots', () => {
    expect(() => buildTimeline({ name: 'x', shots: [shot(1, null, 10, [[5, 10]])] })).toThrow(
      /frames 5–10 are outside the shot's 0–9/,
    );
    expect(() => buildTimeline({ name: 'x', shots: [shot(1, null, 0, [])] })).toThrow(TimelineError);
    expect(() => buildTimeline({ name: 'x', shots: [shot(1, '01:00:00:30', 10, [])] })).toThrow(
      /shot 1 'S1': .*frames must be below 24/,
    );
    expect(() => buildTimeline({ name: 'x', shots: [] })).toThrow(/No shots/);
  });
  it('an event that would run past 24:00:00:00 (timecode wraps there)', () => {
    expect(() => buildTimeline({ name: 'x', shots: [shot(1, '23:59:59:00', 24, [])] })).toThrow(
      /shot 1 'S1' would run past 24:00:00:00/,
    );
    expect(buildTimeline({ name: 'x', shots: [shot(1, '23:59:59:00', 23, [])] }).end).toBe(86400 * 24 - 1);
  });
});

describe('file URLs', () => {
  it('percent-encodes and reads back POSIX and Windows paths', () => {
    expect(fileUrl('/a b/#1 é.mov')).toBe('file:///a%20b/%231%20%C3%A9.mov');
    expect(fileUrl('C:\\Shots\\a b.mov')).toBe('file:///C:/Shots/a%20b.mov');
    expect(pathOfFileUrl('file:///C:/Shots/a%20b.mov')).toBe('C:/Shots/a b.mov');
    expect(() => fileUrl('relative/x.mov')).toThrow(/not an absolute path/);
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ minLength: 1 }).filter((s) => !s.includes('/')),
          { minLength: 1, maxLength: 4 },
        ),
        (parts) => {
          const p = '/' + parts.join('/');
          expect(pathOfFileUrl(fileUrl(p))).toBe(p);
          expect(fileUrl(p)).toMatch(/^file:\/\/\/[A-Za-z0-9%/._~-]*$/);
        },
      ),
    );
  });
});
