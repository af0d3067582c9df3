import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseRational,
  tryParseRational,
  reduce,
  toNumber,
  equals,
  formatRational,
  formatFps,
  frameToSeconds,
  secondsToFrame,
  snapToStandardRate,
  rational,
} from '../../../src-shared/rational';

describe('rational', () => {
  it('parses ffprobe strings', () => {
    expect(parseRational('24000/1001')).toEqual({ num: 24000, den: 1001 });
    expect(parseRational('30/1')).toEqual({ num: 30, den: 1 });
    expect(parseRational('60/2')).toEqual({ num: 30, den: 1 });
    expect(parseRational('1:1')).toEqual({ num: 1, den: 1 });
    expect(parseRational('25')).toEqual({ num: 25, den: 1 });
    expect(parseRational('29.97')).toEqual({ num: 2997, den: 100 });
    expect(tryParseRational('0/0')).toBeNull();
    expect(tryParseRational('N/A')).toBeNull();
    expect(tryParseRational(undefined)).toBeNull();
    expect(() => parseRational('abc')).toThrow(/not a rational/);
    expect(() => rational(1, 0)).toThrow(/zero denominator/);
  });
  it('formats', () => {
    expect(formatRational({ num: 48000, den: 2002 })).toBe('24000/1001');
    expect(formatFps({ num: 24000, den: 1001 })).toBe('23.976');
    expect(formatFps({ num: 30000, den: 1001 })).toBe('29.97');
    expect(formatFps({ num: 60000, den: 1001 })).toBe('59.94');
    expect(formatFps({ num: 25, den: 1 })).toBe('25');
  });
  it('snaps approximate rates to exact ones', () => {
    expect(snapToStandardRate(23.976)).toEqual({ num: 24000, den: 1001 });
    expect(snapToStandardRate(29.97)).toEqual({ num: 30000, den: 1001 });
    expect(snapToStandardRate(59.94)).toEqual({ num: 60000, den: 1001 });
    expect(snapToStandardRate(60.15)).toBeNull();
  });
  it('reduce is idempotent and preserves value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.boolean(),
        (n, d, neg) => {
          const r = reduce({ num: n, den: neg ? -d : d });
          expect(r.den).toBeGreaterThan(0);
          expect(reduce(r)).toEqual(r);
          expect(toNumber(r)).toBeCloseTo(n / (neg ? -d : d), 12);
          expect(equals(r, { num: n * 3, den: (neg ? -d : d) * 3 })).toBe(true);
          expect(parseRational(formatRational(r))).toEqual(r);
        },
      ),
    );
  });
  it('frame ↔ seconds round-trips', () => {
    const rates = fc.constantFrom(
      { num: 24000, den: 1001 },
      { num: 24, den: 1 },
      { num: 25, den: 1 },
      { num: 30000, den: 1001 },
      { num: 60000, den: 1001 },
      { num: 120, den: 1 },
    );
    fc.assert(
      fc.property(rates, fc.integer({ min: 0, max: 10_000_000 }), (fps, i) => {
        expect(secondsToFrame(frameToSeconds(i, fps), fps)).toBe(i);
        expect(secondsToFrame(frameToSeconds(i, fps) + 0.4 / toNumber(fps), fps)).toBe(i);
        expect(secondsToFrame(frameToSeconds(i, fps) + 0.4 / toNumber(fps), fps, 'round')).toBe(i);
      }),
    );
  });
});
