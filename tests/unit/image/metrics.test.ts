import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LUMA_709, maskedPsnr, maskedSsim, type ImageLayout, type Samples } from '../../../src-shared/image';

/** A small deterministic generator (fast-check draws its seed), so pictures can be large and cheap. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A textured picture: a smooth ramp plus noise, in [lo, hi]. */
function texture(layout: ImageLayout, seed: number, lo = 0, hi = layout.peak): Float64Array {
  const { width, height, channels } = layout;
  const r = rng(seed);
  const out = new Float64Array(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        const t = 0.5 + 0.25 * Math.sin((x + 2 * c) / 5) * Math.cos(y / 7) + 0.25 * (r() - 0.5);
        out[(y * width + x) * channels + c] = Math.round(lo + t * (hi - lo));
      }
  return out;
}

function randomMask(width: number, height: number, seed: number, share = 0.5): Uint8Array {
  const r = rng(seed);
  return Uint8Array.from({ length: width * height }, () => (r() < share ? 1 + Math.floor(r() * 255) : 0));
}

const arbLayout = (minSide = 1, maxSide = 40) =>
  fc.record({
    width: fc.integer({ min: minSide, max: maxSide }),
    height: fc.integer({ min: minSide, max: maxSide }),
    channels: fc.constantFrom(1 as const, 3 as const, 4 as const),
    peak: fc.constantFrom(1, 255, 65535),
  });

/** SSIM straight from the definition: a full 2-D window per pixel, no separable filter, no ring of rows. */
function ssimReference(a: Samples, b: Samples, mask: Uint8Array | null, l: ImageLayout): number {
  const { width: w, height: h, channels: ch, peak } = l;
  const luma = (s: Samples, p: number) =>
    ch === 1 ? s[p]! : LUMA_709[0] * s[p * ch]! + LUMA_709[1] * s[p * ch + 1]! + LUMA_709[2] * s[p * ch + 2]!;
  const g1 = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / 4.5));
  const total = g1.reduce((x, y) => x + y) ** 2;
  const [c1, c2] = [(0.01 * peak) ** 2, (0.03 * peak) ** 2];
  let sum = 0;
  let n = 0;
  for (let cy = 5; cy < h - 5; cy++)
    for (let cx = 5; cx < w - 5; cx++) {
      if (mask && !mask[cy * w + cx]) continue;
      let [ma, mb, maa, mbb, mab] = [0, 0, 0, 0, 0];
      for (let dy = -5; dy <= 5; dy++)
        for (let dx = -5; dx <= 5; dx++) {
          const wt = (g1[dy + 5]! * g1[dx + 5]!) / total;
          const [va, vb] = [luma(a, (cy + dy) * w + cx + dx), luma(b, (cy + dy) * w + cx + dx)];
          ma += wt * va;
          mb += wt * vb;
          maa += wt * va * va;
          mbb += wt * vb * vb;
          mab += wt * va * vb;
        }
      const [sa, sb, sab] = [maa - ma * ma, mbb - mb * mb, mab - ma * mb];
      sum += ((2 * ma * mb + c1) * (2 * sab + c2)) / ((ma * ma + mb * mb + c1) * (sa + sb + c2));
      n++;
    }
  return sum / n;
}

describe('maskedPsnr', () => {
  it('is Infinity for identical pictures, and counts the selected pixels', () => {
    fc.assert(
      fc.property(arbLayout(), fc.integer(), fc.boolean(), (l, seed, masked) => {
        const a = texture(l, seed);
        const mask = masked ? randomMask(l.width, l.height, seed + 1) : null;
        const r = maskedPsnr(a, a.slice(), mask, l);
        const pixels = mask ? mask.filter((m) => m !== 0).length : l.width * l.height;
        expect(r.pixels).toBe(pixels);
        if (pixels > 0) expect(r).toEqual({ psnr: Infinity, mse: 0, pixels });
        else expect(r.psnr).toBeNaN();
      }),
    );
  });

  it('is symmetric', () => {
    fc.assert(
      fc.property(arbLayout(), fc.integer(), (l, seed) => {
        const [a, b, mask] = [
          texture(l, seed),
          texture(l, seed + 1),
          randomMask(l.width, l.height, seed + 2, 0.8),
        ];
        expect(maskedPsnr(a, b, mask, l)).toEqual(maskedPsnr(b, a, mask, l));
      }),
    );
  });

  it('gives 10·log10(peak²/σ²) for added uniform noise of variance σ²', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(255, 65535),
        fc.constantFrom(1 as const, 3 as const, 4 as const),
        fc.integer(),
        (k, peak, channels, seed) => {
          // Integer noise uniform on −k…k has variance k(k + 1)/3; the picture stays in [k, peak − k], so
          // nothing clips. 4096 pixels at ≥ 1 channel: the sample MSE is within a few % of σ² (< 0.3 dB).
          const l = { width: 64, height: 64, channels, peak };
          const a = texture(l, seed, k, peak - k);
          const r = rng(seed ^ 0x5bd1e995);
          const b = a.map((v) => v + Math.floor(r() * (2 * k + 1)) - k);
          const mask = randomMask(64, 64, seed + 7, 0.9);
          const expected = 10 * Math.log10((peak * peak) / ((k * (k + 1)) / 3));
          expect(Math.abs(maskedPsnr(a, b, mask, l).psnr - expected)).toBeLessThan(
            channels === 1 ? 0.45 : 0.3,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sees only the selected pixels, and only colour channels', () => {
    fc.assert(
      fc.property(arbLayout(2), fc.integer(), (l, seed) => {
        const [a, b] = [texture(l, seed), texture(l, seed + 1)];
        const mask = randomMask(l.width, l.height, seed + 2);
        const b2 = b.slice();
        for (let p = 0; p < l.width * l.height; p++)
          for (let c = 0; c < l.channels; c++)
            if (!mask[p] || c === 3) b2[p * l.channels + c] = (b2[p * l.channels + c]! + 17) % l.peak;
        expect(maskedPsnr(a, b2, mask, l)).toEqual(maskedPsnr(a, b, mask, l));
      }),
    );
  });

  it('matches a hand-computed case', () => {
    const l = { width: 2, height: 1, channels: 3 as const, peak: 255 };
    const r = maskedPsnr(
      new Uint8Array([10, 20, 30, 0, 0, 0]),
      new Uint8Array([13, 16, 30, 9, 9, 9]),
      null,
      l,
    );
    expect(r.mse).toBeCloseTo((9 + 16 + 0 + 81 * 3) / 6, 12);
    expect(r.psnr).toBeCloseTo(10 * Math.log10((255 * 255) / r.mse), 12);
    expect(maskedPsnr(new Uint8Array(6), new Uint8Array(6), new Uint8Array(2), l).psnr).toBeNaN();
  });
});

describe('maskedSsim', () => {
  it('equals SSIM computed from its definition with full 2-D windows', () => {
    fc.assert(
      fc.property(arbLayout(11, 30), fc.integer(), fc.boolean(), (l, seed, masked) => {
        const [a, b] = [texture(l, seed), texture(l, seed + 1)];
        const mask = masked ? randomMask(l.width, l.height, seed + 2, 0.3) : null;
        const got = maskedSsim(a, b, mask, l);
        let centres = 0;
        for (let y = 5; y < l.height - 5; y++)
          for (let x = 5; x < l.width - 5; x++) if (!mask || mask[y * l.width + x]) centres++;
        expect(got.windows).toBe(centres);
        if (centres === 0) expect(got.ssim).toBeNaN();
        else expect(got.ssim).toBeCloseTo(ssimReference(a, b, mask, l), 10);
      }),
      { numRuns: 60 },
    );
  });

  it('is 1 for identical pictures', () => {
    fc.assert(
      fc.property(arbLayout(11, 40), fc.integer(), (l, seed) => {
        const a = texture(l, seed);
        expect(maskedSsim(a, a.slice(), null, l).ssim).toBeCloseTo(1, 12);
      }),
    );
  });

  it('is symmetric and lies in [-1, 1], also for inverted and unrelated pictures', () => {
    fc.assert(
      fc.property(
        arbLayout(11, 40),
        fc.integer(),
        fc.constantFrom('unrelated', 'inverted', 'noise'),
        (l, seed, kind) => {
          const a = texture(l, seed);
          const r = rng(seed + 3);
          const b =
            kind === 'unrelated'
              ? texture(l, seed + 1)
              : kind === 'inverted'
                ? a.map((v) => l.peak - v)
                : a.map(() => Math.round(r() * l.peak));
          const mask = randomMask(l.width, l.height, seed + 2, 0.7);
          const ab = maskedSsim(a, b, mask, l);
          expect(maskedSsim(b, a, mask, l)).toEqual(ab);
          if (ab.windows > 0) {
            expect(ab.ssim).toBeGreaterThanOrEqual(-1);
            expect(ab.ssim).toBeLessThanOrEqual(1);
          }
          if (kind === 'inverted' && ab.windows > 0) expect(ab.ssim).toBeLessThan(0);
        },
      ),
    );
  });

  it('falls as noise grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.constantFrom(1 as const, 3 as const),
        fc.integer(),
        (k, channels, seed) => {
          const l = { width: 64, height: 48, channels, peak: 255 };
          const a = texture(l, seed, 40, 215);
          const r = rng(seed + 5);
          const noise = a.map(() => Math.floor(r() * (2 * k + 1)) - k);
          const levels = [1, 2, 3].map(
            (s) =>
              maskedSsim(
                a,
                a.map((v, i) => v + s * noise[i]!),
                null,
                l,
              ).ssim,
          );
          expect(levels[0]).toBeLessThan(1);
          expect(levels[1]).toBeLessThan(levels[0]!);
          expect(levels[2]).toBeLessThan(levels[1]!);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('does not change when samples and peak are scaled together (8-bit to 16-bit)', () => {
    fc.assert(
      fc.property(arbLayout(11, 30), fc.integer(), (l0, seed) => {
        const l = { ...l0, peak: 255 };
        const [a, b] = [texture(l, seed), texture(l, seed + 1)];
        const wide = { ...l, peak: 65535 };
        const got = maskedSsim(
          Uint16Array.from(a, (v) => v * 257),
          Uint16Array.from(b, (v) => v * 257),
          null,
          wide,
        );
        expect(got.ssim).toBeCloseTo(maskedSsim(Uint8Array.from(a), Uint8Array.from(b), null, l).ssim, 9);
      }),
    );
  });

  it('reads RGB through BT.709 luma: a grey picture scores as its RGB copy', () => {
    const grey = { width: 20, height: 16, channels: 1 as const, peak: 255 };
    const rgb = { ...grey, channels: 3 as const };
    const [a, b] = [texture(grey, 1), texture(grey, 2)];
    const spread = (g: Float64Array) =>
      Float64Array.from({ length: g.length * 3 }, (_, i) => g[Math.floor(i / 3)]!);
    expect(maskedSsim(spread(a), spread(b), null, rgb).ssim).toBeCloseTo(
      maskedSsim(a, b, null, grey).ssim,
      12,
    );
    // Green weighs 0.7152: a change in green alone moves SSIM more than the same change in blue.
    const bumped = (c: number) =>
      spread(a).map((v, i) => (i % 3 === c ? Math.min(255, v + 30 * ((i >> 2) & 1)) : v));
    const dGreen = 1 - maskedSsim(spread(a), bumped(1), null, rgb).ssim;
    const dBlue = 1 - maskedSsim(spread(a), bumped(2), null, rgb).ssim;
    expect(dGreen).toBeGreaterThan(dBlue);
  });

  it('has no window in a picture under 11 pixels a side, or under an empty mask', () => {
    const l = { width: 10, height: 40, channels: 1 as const, peak: 255 };
    expect(maskedSsim(new Uint8Array(400), new Uint8Array(400), null, l)).toEqual({ ssim: NaN, windows: 0 });
    const m = { ...l, width: 40 };
    expect(maskedSsim(new Uint8Array(1600), new Uint8Array(1600), new Uint8Array(1600), m)).toEqual({
      ssim: NaN,
      windows: 0,
    });
  });
});

describe('argument checks', () => {
  const l = { width: 4, height: 3, channels: 3 as const, peak: 255 };
  const px = new Uint8Array(36);
  for (const [name, fn] of [
    ['maskedPsnr', maskedPsnr],
    ['maskedSsim', maskedSsim],
  ] as const)
    it(`${name} says what is wrong`, () => {
      expect(() => fn(px, new Uint8Array(35), null, l)).toThrow(/has 36 samples; got 36 and 35/);
      expect(() => fn(px, px, new Uint8Array(11), l)).toThrow(/one byte per pixel \(12\), not 11/);
      expect(() => fn(px, px, null, { ...l, peak: 0 })).toThrow(/Peak must be a positive number/);
      expect(() => fn(px, px, null, { ...l, channels: 2 as never })).toThrow(/Channels must be 1, 3 or 4/);
      expect(() => fn(px, px, null, { ...l, width: 0 })).toThrow(/whole numbers ≥ 1/);
    });
});
