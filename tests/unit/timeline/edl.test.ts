import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  edlReelNames,
  writeEdl,
  type ShotInput,
  type TimelineInput,
} from '../../../src-shared/timeline';
import { readCmx3600, tcFrames } from './cmx3600-reader';

interface Rate {
  label: string;
  num: number;
  den: number;
  nominal: number;
  df: boolean;
}

const RATES: Rate[] = [
  { label: '23.976', num: 24000, den: 1001, nominal: 24, df: false },
  { label: '24', num: 24, den: 1, nominal: 24, df: false },
  { label: '25', num: 25, den: 1, nominal: 25, df: false },
  { label: '29.97 DF', num: 30000, den: 1001, nominal: 30, df: true },
  { label: '29.97 NDF', num: 30000, den: 1001, nominal: 30, df: false },
  { label: '59.94 DF', num: 60000, den: 1001, nominal: 60, df: true },
  { label: '59.94 NDF', num: 60000, den: 1001, nominal: 60, df: false },
];

const two = (n: number) => String(n).padStart(2, '0');

/** A timecode label that exists at this rate (drop-frame labels that are skipped are moved past). */
function label(rate: Rate, h: number, m: number, s: number, f: number): string {
  let frames = f % rate.nominal;
  const skip = rate.nominal / 15;
  if (rate.df && s === 0 && m % 10 !== 0 && frames < skip) frames = skip;
  return `${two(h)}:${two(m)}:${two(s)}${rate.df ? ';' : ':'}${two(frames)}`;
}

function shot(
  rate: Rate,
  id: number,
  tc: string,
  frameCount: number,
  plates: [number, number][],
  reel: string | null = null,
): ShotInput {
  return {
    id,
    name: `shot ${id}`,
    reel,
    fps: { num: rate.num, den: rate.den },
    startTimecode: tc,
    frameCount,
    width: 1920,
    height: 1080,
    media: { kind: 'file', path: `/media/shot_${id}.mov` },
    plates: plates.map(([a, b], i) => ({
      path: `path ${i + 1}`,
      version: 1,
      firstFrame: a,
      lastFrame: b,
      media: {
        kind: 'sequence',
        folder: `/p/renders/${id}/${i + 1}/v001`,
        prefix: 'frame_',
        suffix: '.png',
        firstNumber: a + 1,
        padding: 4,
      },
    })),
  };
}

const shotArb = (rate: Rate) =>
  fc
    .record({
      h: fc.integer({ min: 0, max: 22 }),
      m: fc.integer({ min: 0, max: 59 }),
      s: fc.integer({ min: 0, max: 59 }),
      f: fc.integer({ min: 0, max: 59 }),
      count: fc.integer({ min: 1, max: 400 }),
      cuts: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 2 }),
      reel: fc.option(fc.stringMatching(/^[ -~]{1,14}$/), { nil: null }),
    })
    .map((r) => ({ ...r, tc: label(rate, r.h, r.m, r.s, r.f) }));

describe('CMX3600 EDL round trip (independent reader)', () => {
  for (const rate of RATES) {
    it(`${rate.label}: reels, source in/out and record positions read back`, () => {
      fc.assert(
        fc.property(fc.array(shotArb(rate), { minLength: 1, maxLength: 6 }), (arbs) => {
          const shots = arbs.map((a, i) =>
            shot(
              rate,
              i + 1,
              a.tc,
              a.count,
              a.cuts.map(([x, y]) => {
                const lo = Math.min(x, y) % a.count;
                const hi = Math.max(x % a.count, lo);
                return [lo, hi] as [number, number];
              }),
              a.reel,
            ),
          );
          const input: TimelineInput = { name: 'Round trip', shots };
          const edl = readCmx3600(writeEdl(buildTimeline(input)));
          expect(edl.title).toBe('Round trip');
          expect(edl.dropFrame).toBe(rate.df);

          // What the events must be, computed here from the inputs alone.
          const expected = shots.flatMap((s) =>
            s.plates.map((p, pi) => {
              const start = tcFrames(s.startTimecode!, rate.nominal);
              return {
                shot: s,
                pi,
                first: p.firstFrame,
                src: [start + p.firstFrame, start + p.lastFrame + 1] as const,
              };
            }),
          );
          const sorted = [...expected].sort((a, b) => a.src[0] - b.src[0]);
          const overlap = sorted.some((e, i) => i > 0 && e.src[0] < sorted[i - 1]!.src[1]);
          const order = overlap ? expected : sorted;
          let at = sorted[0]!.src[0];
          expect(edl.events).toHaveLength(order.length);
          const shortReels = new Map<string, string>();
          order.forEach((e, i) => {
            const got = edl.events[i]!;
            expect(got.number).toBe(i + 1);
            expect(got.channel).toBe('V');
            expect([tcFrames(got.sourceIn, rate.nominal), tcFrames(got.sourceOut, rate.nominal)]).toEqual([
              ...e.src,
            ]);
            const rec = overlap ? [at, at + e.src[1] - e.src[0]] : [...e.src];
            at = rec[1]!;
            expect([tcFrames(got.recordIn, rate.nominal), tcFrames(got.recordOut, rate.nominal)]).toEqual(
              rec,
            );
            // Reels: ≤ 8 characters of [A-Za-z0-9_-], one short name per full name and back.
            const full = e.shot.reel?.trim() || `shot_${e.shot.id}`;
            expect(got.reel).toMatch(/^[A-Za-z0-9_-]{1,8}$/);
            const had = shortReels.get(full);
            if (had !== undefined) expect(got.reel).toBe(had);
            shortReels.set(full, got.reel);
            if (got.reel !== full)
              expect(got.comments).toContain(`COMMENT: REEL ${full.replace(/\s+/g, ' ')}`);
            expect(got.comments[0]).toBe(`FROM CLIP NAME: shot ${e.shot.id} path ${e.pi + 1} v001`);
            const file = `frame_${String(e.first + 1).padStart(4, '0')}.png`;
            expect(got.comments[1]).toBe(`SOURCE FILE: /p/renders/${e.shot.id}/${e.pi + 1}/v001/${file}`);
          });
          expect(new Set(shortReels.values()).size).toBe(new Set(shortReels.keys()).size);
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('drop-frame timecode at minute boundaries', () => {
  const df30: Rate = RATES[3]!;
  const df60: Rate = RATES[5]!;
  const one = (rate: Rate, tc: string, frames: number) =>
    readCmx3600(
      writeEdl(buildTimeline({ name: 'DF', shots: [shot(rate, 1, tc, frames, [[0, frames - 1]])] })),
    ).events[0]!;

  it('00:00:59;29 + 1 frame → 00:01:00;02 (labels ;00 and ;01 skipped)', () => {
    const e = one(df30, '00:00:59;29', 1);
    expect([e.sourceIn, e.sourceOut, e.recordIn, e.recordOut]).toEqual([
      '00:00:59;29',
      '00:01:00;02',
      '00:00:59;29',
      '00:01:00;02',
    ]);
  });
  it('00:09:59;29 + 1 frame → 00:10:00;00 (every tenth minute keeps its labels)', () => {
    const e = one(df30, '00:09:59;29', 1);
    expect(e.sourceOut).toBe('00:10:00;00');
  });
  it('a minute of 29.97 DF is 1798 frames; ten minutes are 17982', () => {
    expect(one(df30, '00:00:00;00', 1800).sourceOut).toBe('00:01:00;02');
    expect(one(df30, '00:00:00;00', 17982).sourceOut).toBe('00:10:00;00');
    expect(one(df30, '00:01:00;02', 1798).sourceOut).toBe('00:02:00;02');
  });
  it('59.94 DF skips four labels: 00:00:59;59 + 1 → 00:01:00;04', () => {
    expect(one(df60, '00:00:59;59', 1).sourceOut).toBe('00:01:00;04');
    expect(one(df60, '00:09:59;59', 1).sourceOut).toBe('00:10:00;00');
  });
  it('01:00:00;00 at 29.97 DF is frame 107892', () => {
    const e = one(df30, '01:00:00;00', 10);
    expect(tcFrames(e.sourceIn, 30)).toBe(107892);
    expect(e.sourceOut).toBe('01:00:00;10');
  });
});

describe('EDL layout and refusals', () => {
  const r24 = RATES[1]!;
  it('writes the CMX3600 columns exactly', () => {
    const text = writeEdl(
      buildTimeline({ name: 'Cols', shots: [shot(r24, 1, '01:00:00:00', 48, [[0, 47]], 'A001')] }),
    );
    expect(text.split('\n')).toEqual([
      'TITLE: Cols',
      'FCM: NON-DROP FRAME',
      '',
      '001  A001     V     C        01:00:00:00 01:00:02:00 01:00:00:00 01:00:02:00',
      '* FROM CLIP NAME: shot 1 path 1 v001',
      '* SOURCE FILE: /p/renders/1/1/v001/frame_0001.png',
      '',
    ]);
  });
  it('shortens long reels to 8 characters, keeping different reels apart', () => {
    const m = edlReelNames(['A001C003_230101_R1AB', 'A001C003_230101_R2CD', 'A001C003', 'my reel!']);
    expect(m.get('A001C003_230101_R1AB')).toBe('A001C003');
    expect(m.get('A001C003_230101_R2CD')).toBe('A001C002');
    expect(m.get('A001C003')).toBe('A001C004');
    expect(m.get('my reel!')).toBe('my_reel_');
  });
  it('lists only plates; the source track on request', () => {
    const t = buildTimeline({
      name: 'Mixed',
      shots: [shot(r24, 1, '01:00:00:00', 24, [[0, 23]]), shot(r24, 2, '01:00:10:00', 24, [])],
    });
    expect(readCmx3600(writeEdl(t)).events).toHaveLength(1);
    const src = readCmx3600(writeEdl(t, { track: 'sources' }));
    expect(src.events.map((e) => e.sourceIn)).toEqual(['01:00:00:00', '01:00:10:00']);
    expect(src.events[1]!.comments).toContain('SOURCE FILE: /media/shot_2.mov');
  });
  it('a title or comment cannot break a line', () => {
    const s = shot(r24, 1, '01:00:00:00', 24, [[0, 23]]);
    s.name = 'evil\nshot\r\n001  X';
    const text = writeEdl(buildTimeline({ name: 'a\nFCM: DROP FRAME', shots: [s] }));
    const read = readCmx3600(text);
    expect(read.dropFrame).toBe(false);
    expect(read.events).toHaveLength(1);
  });
  it('refuses more than 999 events', () => {
    const shots = Array.from({ length: 1000 }, (_, i) => shot(r24, i + 1, '01:00:00:00', 1, [[0, 0]]));
    expect(() => writeEdl(buildTimeline({ name: 'Many', shots }))).toThrow(/at most 999 events/);
  });
});
