import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeDepthF32LE,
  decodeFloat16,
  depthFileName,
  depthStats,
  encodeDepthF32LE,
  encodeFloat16,
  exportDepthFrames,
  float16FromBytesLE,
  float16ToBytesLE,
  fromFloat16Bits,
  quantileSelect,
  quantileSorted,
  toFloat16Bits,
} from '../../../src-main/analysis/depth';

describe('float16', () => {
  it('every half value decodes and re-encodes to itself (NaNs stay NaN)', () => {
    for (let h = 0; h < 65536; h++) {
      const f = fromFloat16Bits(h);
      if (Number.isNaN(f)) {
        expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(f)))).toBe(true);
        continue;
      }
      expect(toFloat16Bits(f)).toBe(h);
    }
  });

  it('known values', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65519.99)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00); // halfway to 2^16 rounds to even → Inf
    expect(toFloat16Bits(Infinity)).toBe(0x7c00);
    expect(toFloat16Bits(-Infinity)).toBe(0xfc00);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(toFloat16Bits(2 ** -25)).toBe(0x0000); // tie between 0 and 2^-24 → even (0)
    expect(toFloat16Bits(3 * 2 ** -26)).toBe(0x0001);
    expect(toFloat16Bits(-0)).toBe(0x8000);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even mantissa
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN)))).toBe(true);
  });

  it('rounds to the nearest half, ties to even (any float32)', () => {
    const f32 = new Float32Array(1);
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -70000, max: 70000 }), (x) => {
        f32[0] = x;
        const v = f32[0]!;
        const h = toFloat16Bits(v);
        const got = fromFloat16Bits(h);
        const mag = h & 0x7fff;
        if (mag === 0x7c00) {
          expect(Math.abs(v)).toBeGreaterThanOrEqual(65520);
          return;
        }
        // neighbours of h in magnitude
        const sign = v < 0 || Object.is(v, -0) ? -1 : 1;
        const lo = mag > 0 ? fromFloat16Bits(mag - 1) : -fromFloat16Bits(1);
        const hi = fromFloat16Bits(mag + 1);
        const err = Math.abs(Math.abs(v) - Math.abs(got));
        expect(err).toBeLessThanOrEqual(Math.abs(Math.abs(v) - Math.abs(lo)));
        expect(err).toBeLessThanOrEqual(Math.abs(Math.abs(v) - hi));
        if (err === Math.abs(Math.abs(v) - hi) && err > 0) expect(mag & 1).toBe(0);
        expect(h & 0x8000).toBe(sign < 0 ? 0x8000 : 0); // the sign survives, even when rounding to ±0
      }),
      { numRuns: 5000 },
    );
  });

  it('arrays: relative error ≤ 2^-11 in the normal range, bytes round trip little-endian', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noNaN: true, min: Math.fround(1e-4), max: 60000 }), {
          minLength: 1,
          maxLength: 200,
        }),
        (xs) => {
          const src = Float32Array.from(xs);
          const h = encodeFloat16(src);
          const back = decodeFloat16(h);
          for (let i = 0; i < src.length; i++)
            expect(Math.abs(back[i]! - src[i]!)).toBeLessThanOrEqual(src[i]! * 2 ** -11 + 2 ** -25);
          const bytes = float16ToBytesLE(h);
          expect(float16FromBytesLE(bytes)).toEqual(h);
          expect(bytes[0]! | (bytes[1]! << 8)).toBe(h[0]);
        },
      ),
    );
  });
});

describe('depth statistics', () => {
  it('median and percentiles interpolate like numpy; masked and invalid pixels excluded', () => {
    const d = new Float32Array([0, 1, 2, 3, 4, 5, NaN, Infinity, -1, 100]);
    const m = new Uint8Array([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    const s = depthStats(d, m);
    expect(s.validCount).toBe(5);
    expect(s.validFraction).toBeCloseTo(0.5, 12);
    expect(s.median).toBe(3);
    expect(s.p5).toBeCloseTo(1.2, 5);
    expect(s.p95).toBeCloseTo(4.8, 5);
    expect(s.min).toBe(1);
    expect(s.max).toBe(5);
    expect(s.mean).toBe(3);
  });

  it('empty frame: NaN statistics, zero valid fraction', () => {
    const s = depthStats(new Float32Array(4));
    expect(s.validFraction).toBe(0);
    expect(s.median).toBeNaN();
  });

  it('quantiles are monotone and bounded', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q) => {
          const s = Float64Array.from(xs).sort();
          const v = quantileSorted(s, q);
          expect(v).toBeGreaterThanOrEqual(s[0]!);
          expect(v).toBeLessThanOrEqual(s[s.length - 1]!);
          expect(quantileSorted(s, Math.min(1, q + 0.1))).toBeGreaterThanOrEqual(v);
        },
      ),
    );
  });

  it('selection gives exactly the quantile of the sorted values (ties and repeats included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.float({ min: 0, max: 1e3, noNaN: true }), fc.constantFrom(1, 2, 2, 3)), {
          minLength: 1,
          maxLength: 200,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q) => {
          const sorted = Float32Array.from(xs).sort();
          expect(quantileSelect(Float32Array.from(xs), q)).toBe(quantileSorted(sorted, q));
        },
      ),
    );
  });
});

describe('depth export in the gt layout', () => {
  it('names frames like ../shared/gt (index 0 → frame_0001.f32)', () => {
    expect(depthFileName(0)).toBe('frame_0001.f32');
    expect(depthFileName(47)).toBe('frame_0048.f32');
    expect(() => depthFileName(-1)).toThrow();
  });

  it('writes little-endian float32 with 0 for invalid, and reads back', () => {
    const d = new Float32Array([1.5, 2, NaN, -3, 4, Infinity]);
    const v = new Uint8Array([1, 0, 1, 1, 1, 1]);
    const b = encodeDepthF32LE(d, v);
    expect(b.length).toBe(24);
    expect(Array.from(b.subarray(0, 4))).toEqual([0, 0, 0xc0, 0x3f]); // 1.5f LE
    expect(Array.from(decodeDepthF32LE(b, 3, 2))).toEqual([1.5, 0, 0, 0, 4, 0]);
  });

  it('exports one file per frame under depth/, with an optional gauge scale', () => {
    const files = exportDepthFrames([{ index: 2, depth: new Float32Array([1, 2]) }], { gaugeScale: 2 });
    expect(files[0]!.path).toBe('depth/frame_0003.f32');
    expect(Array.from(decodeDepthF32LE(files[0]!.bytes, 2, 1))).toEqual([2, 4]);
  });
});
