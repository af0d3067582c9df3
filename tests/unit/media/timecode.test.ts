import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  frameToTimecode,
  timecodeToFrame,
  parseTimecode,
  supportsDropFrame,
  nominalRate,
  shotFrameTimecode,
  normalizeTimecode,
  TimecodeError,
} from '../../../src-shared/timecode';
import type { Rational } from '../../../src-shared/rational';

const r = (num: number, den: number): Rational => ({ num, den });
const NTSC30 = r(30000, 1001);
const NTSC60 = r(60000, 1001);
const RATES: Rational[] = [
  r(24000, 1001),
  r(24, 1),
  r(25, 1),
  NTSC30,
  r(30, 1),
  r(50, 1),
  NTSC60,
  r(60, 1),
  r(48, 1),
];

describe('timecode known values', () => {
  it('29.97 drop-frame', () => {
    expect(frameToTimecode(1800, NTSC30, true)).toBe('00:01:00;02');
    expect(timecodeToFrame('00:01:00;02', NTSC30)).toBe(1800);
    expect(frameToTimecode(17982, NTSC30, true)).toBe('00:10:00;00');
    expect(timecodeToFrame('00:10:00;00', NTSC30)).toBe(17982);
    expect(frameToTimecode(1799, NTSC30, true)).toBe('00:00:59;29');
    expect(frameToTimecode(107892, NTSC30, true)).toBe('01:00:00;00');
    expect(timecodeToFrame('01:00:00;00', NTSC30)).toBe(107892);
    expect(frameToTimecode(3598, NTSC30, true)).toBe('00:02:00;02');
  });
  it('59.94 drop-frame drops 4 labels per minute', () => {
    expect(frameToTimecode(3600, NTSC60, true)).toBe('00:01:00;04');
    expect(frameToTimecode(3599, NTSC60, true)).toBe('00:00:59;59');
    expect(timecodeToFrame('00:10:00;00', NTSC60)).toBe(35964);
    expect(timecodeToFrame('01:00:00;00', NTSC60)).toBe(215784);
  });
  it('non-drop counts nominal frames', () => {
    expect(timecodeToFrame('01:00:00:00', r(24000, 1001))).toBe(86400);
    expect(frameToTimecode(86400, r(24, 1))).toBe('01:00:00:00');
    expect(frameToTimecode(90000, r(25, 1))).toBe('01:00:00:00');
    expect(frameToTimecode(107892, NTSC30, false)).toBe('00:59:56:12');
    expect(frameToTimecode(23, r(24000, 1001))).toBe('00:00:00:23');
  });
  it('offsets from a start timecode', () => {
    expect(shotFrameTimecode(100, r(24, 1), '01:00:00:00')).toBe('01:00:04:04');
    expect(shotFrameTimecode(1800, NTSC30, '00:00:00;00')).toBe('00:01:00;02');
    expect(shotFrameTimecode(5, r(25, 1), null)).toBe('00:00:00:05');
  });
  it('wraps after 24 hours', () => {
    expect(frameToTimecode(24 * 3600 * 24, r(24, 1))).toBe('00:00:00:00');
    expect(frameToTimecode(-1, r(24, 1))).toBe('23:59:59:23');
  });
});

describe('timecode validation', () => {
  it('rejects malformed text', () => {
    for (const bad of [
      '',
      '1:2:3:4',
      '00:00:00',
      'ab:cd:ef:gh',
      '00:60:00:00',
      '00:00:60:00',
      '24:00:00:00',
    ]) {
      expect(() => parseTimecode(bad)).toThrow(TimecodeError);
    }
  });
  it('rejects frames beyond the rate', () => {
    expect(() => timecodeToFrame('00:00:00:24', r(24, 1))).toThrow(/frames must be below 24/);
    expect(() => timecodeToFrame('00:00:00:25', r(25, 1))).toThrow(TimecodeError);
  });
  it('rejects drop-frame at rates without it', () => {
    expect(() => timecodeToFrame('01:00:00;00', r(24, 1))).toThrow(/drop-frame/);
    expect(() => timecodeToFrame('01:00:00;00', r(24000, 1001))).toThrow(/drop-frame/);
    expect(() => frameToTimecode(1, r(25, 1), true)).toThrow(TimecodeError);
  });
  it('rejects dropped labels', () => {
    expect(() => timecodeToFrame('00:01:00;00', NTSC30)).toThrow(/does not exist/);
    expect(() => timecodeToFrame('00:01:00;01', NTSC30)).toThrow(/does not exist/);
    expect(timecodeToFrame('00:10:00;00', NTSC30)).toBe(17982);
    expect(() => timecodeToFrame('00:01:00;03', NTSC60)).toThrow(/does not exist/);
  });
  it('knows which rates allow drop-frame', () => {
    expect(supportsDropFrame(NTSC30)).toBe(true);
    expect(supportsDropFrame(NTSC60)).toBe(true);
    expect(supportsDropFrame(r(24000, 1001))).toBe(false);
    expect(supportsDropFrame(r(30, 1))).toBe(false);
    expect(nominalRate(r(24000, 1001))).toBe(24);
  });
  it('normalises separators', () => {
    expect(normalizeTimecode('01;00;00;00', NTSC30)).toBe('01:00:00;00');
    expect(normalizeTimecode('1:00:00:00', r(24, 1))).toBe('01:00:00:00');
  });
});

describe('timecode properties', () => {
  const rate = fc.constantFrom(...RATES);
  it('frame → timecode → frame round-trips (within a day)', () => {
    fc.assert(
      fc.property(rate, fc.integer({ min: 0, max: 2_000_000 }), fc.boolean(), (fps, frame, wantDf) => {
        const df = wantDf && supportsDropFrame(fps);
        const tc = frameToTimecode(frame, fps, df);
        expect(timecodeToFrame(tc, fps)).toBe(frame);
      }),
    );
  });
  it('every valid drop-frame label round-trips and consecutive frames differ by one label', () => {
    fc.assert(
      fc.property(fc.constantFrom(NTSC30, NTSC60), fc.integer({ min: 0, max: 5_000_000 }), (fps, frame) => {
        const a = timecodeToFrame(frameToTimecode(frame, fps, true), fps);
        const b = timecodeToFrame(frameToTimecode(frame + 1, fps, true), fps);
        expect(b - a).toBe(1);
      }),
    );
  });
  it('timecode → frame → timecode round-trips for valid labels', () => {
    fc.assert(
      fc.property(
        rate,
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 119 }),
        fc.boolean(),
        (fps, h, m, s, f, wantDf) => {
          const nominal = nominalRate(fps);
          const df = wantDf && supportsDropFrame(fps);
          const frames = f % nominal;
          if (df && s === 0 && m % 10 !== 0 && frames < (nominal / 30) * 2) return;
          const two = (n: number) => String(n).padStart(2, '0');
          const tc = `${two(h)}:${two(m)}:${two(s)}${df ? ';' : ':'}${two(frames)}`;
          expect(frameToTimecode(timecodeToFrame(tc, fps), fps, df)).toBe(tc);
        },
      ),
    );
  });
  it('drop-frame timecode tracks wall-clock time (within ~4 frames over a day)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_500_000 }), (frame) => {
        const seconds = (frame * 1001) / 30000;
        const p = timecodeToFrame(frameToTimecode(frame, NTSC30, true), NTSC30);
        expect(p).toBe(frame);
        // The label read as nominal 30 fps time stays within 0.15 s of real time (DF drifts ~2.6 frames a day).
        const label = frameToTimecode(frame, NTSC30, true);
        const [hh, mm, ss, ff] = label.split(/[:;]/).map(Number) as [number, number, number, number];
        const labelSeconds = hh * 3600 + mm * 60 + ss + ff / 30;
        expect(Math.abs(labelSeconds - seconds)).toBeLessThan(0.15);
      }),
    );
  });
});
