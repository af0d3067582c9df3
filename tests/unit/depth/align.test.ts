import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alignedDepth,
  alignmentConfidence,
  fitScaleShift,
  fitShiftWithScale,
  stabiliseAlignments,
  type AlignmentSamples,
} from '../../../src-main/analysis/depth';

/** Deterministic pseudo-random in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples whose true inverse depth y = s·pred + t, with relative noise and a share of gross outliers. */
function synth(
  s: number,
  t: number,
  n: number,
  noise: number,
  outliers: number,
  seed: number,
): AlignmentSamples {
  const r = rng(seed);
  const pred = new Float64Array(n);
  const target = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = 1 + 60 * r() ** 2; // depths 1..61
    const y = 1 / z;
    pred[i] = (y - t) / s;
    let yy = y * (1 + noise * (2 * r() - 1));
    if (r() < outliers) yy = y * (r() < 0.5 ? 0.3 + 0.4 * r() : 1.6 + 2 * r());
    target[i] = yy;
  }
  return { pred, target };
}

describe('robust scale-and-shift fit', () => {
  it('recovers known (scale, shift) with noise and up to 40 % outliers', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.double({ min: -0.3, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }),
        (s, tRel, out, seed) => {
          const t = tRel * 0.5; // inverse-depth units (targets span 1/61 .. 1)
          const d = synth(s, t, 300, 0.01, out, seed);
          const f = fitScaleShift(d);
          expect(f.ok).toBe(true);
          expect(Math.abs(f.scale / s - 1)).toBeLessThan(0.02);
          expect(Math.abs(f.shift - t)).toBeLessThan(0.004);
          expect(f.inliers).toBeGreaterThan(300 * (1 - out) * 0.75);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is exact on noise-free data and deterministic', () => {
    const d = synth(3.5, -0.02, 50, 0, 0, 7);
    const a = fitScaleShift(d);
    expect(a.scale).toBeCloseTo(3.5, 9);
    expect(a.shift).toBeCloseTo(-0.02, 9);
    expect(fitScaleShift(d)).toEqual(a);
  });

  it('reports failure with too few samples', () => {
    expect(fitScaleShift({ pred: new Float64Array([1]), target: new Float64Array([1]) }).ok).toBe(false);
    expect(fitScaleShift(synth(1, 0, 5, 0, 0, 1)).ok).toBe(false); // < minInliers (8)
  });

  it('fixed-scale shift fit recovers the shift despite outliers', () => {
    const d = synth(2, 0.05, 200, 0.005, 0.3, 3);
    expect(fitShiftWithScale(d, 2)).toBeCloseTo(0.05, 3);
  });
});

describe('temporal stabilisation', () => {
  const T = 24;
  const trueS = 2.5;
  const trueT = (k: number) => 0.01 + 0.002 * Math.sin(k / 5);
  // one frame with garbage samples (all outliers at a wrong scale)
  const frames = Array.from({ length: T }, (_, k) =>
    k === 10 ? synth(trueS * 3, 0.2, 100, 0.01, 0, 100 + k) : synth(trueS, trueT(k), 100, 0.02, 0.2, 100 + k),
  );

  it('global-scale: one scale, per-frame shifts close to truth, bad frame repaired', () => {
    const r = stabiliseAlignments(frames, { mode: 'global-scale', window: 2 });
    for (let k = 0; k < T; k++) {
      expect(r.frames[k]!.scale).toBe(r.frames[0]!.scale);
      expect(Math.abs(r.frames[k]!.shift - trueT(k))).toBeLessThan(0.004);
    }
    expect(Math.abs(r.frames[0]!.scale / trueS - 1)).toBeLessThan(0.03);
    // the per-frame fit of the bad frame was far off; the stabilised one is not
    expect(Math.abs(r.perFrame[10]!.scale / trueS - 1)).toBeGreaterThan(0.5);
  });

  it('smoothed: windowed medians keep every frame near truth', () => {
    const r = stabiliseAlignments(frames, { mode: 'smoothed', window: 3 });
    for (let k = 0; k < T; k++) expect(Math.abs(r.frames[k]!.scale / trueS - 1)).toBeLessThan(0.05);
  });

  it('temporal: follows a drifting scale smoothly, repairs the bad frame, gives frames without points a fit', () => {
    // The model's scale drifts 1.5 % a frame (a per-image model over a shot); frame 10 is garbage, frames
    // 20–21 have no points at all.
    const N = 32;
    const s = (k: number) => trueS * Math.exp(0.015 * (k - 16));
    const none = { pred: new Float64Array(0), target: new Float64Array(0) };
    const drifting = Array.from({ length: N }, (_, k) =>
      k === 10
        ? synth(s(k) * 3, 0.2, 100, 0.01, 0, 100 + k)
        : k === 20 || k === 21
          ? none
          : synth(s(k), trueT(k), 150, 0.02, 0.2, 100 + k),
    );
    const r = stabiliseAlignments(drifting, { mode: 'temporal' });
    expect(r.perFrame[10]!.ok && Math.abs(Math.log(r.perFrame[10]!.scale / s(10))) > 0.5).toBe(true);
    expect(r.perFrame[20]!.ok).toBe(false);
    for (let k = 0; k < N; k++) {
      expect(Math.abs(Math.log(r.frames[k]!.scale / s(k))), `scale, frame ${k}`).toBeLessThan(0.01);
      expect(Math.abs(r.frames[k]!.shift - trueT(k)), `shift, frame ${k}`).toBeLessThan(0.003);
    }
    // No steps: consecutive scales differ by the drift (1.5 %) and little more, chunk boundaries or not.
    for (let k = 1; k < N; k++) {
      const d = Math.log(r.frames[k]!.scale / r.frames[k - 1]!.scale);
      expect(Math.abs(d - 0.015), `scale step at frame ${k}`).toBeLessThan(0.004);
    }
    // A scale shared per chunk of 8 frames (as 'global-scale' per chunk) steps by ~8 × 1.5 % instead.
    const chunk = (a: number) => stabiliseAlignments(drifting.slice(a, a + 8), { mode: 'global-scale' });
    expect(Math.log(chunk(8).frames[0]!.scale / chunk(0).frames[7]!.scale)).toBeGreaterThan(0.08);
    // Deterministic: the same samples give the same alignment, bit for bit.
    expect(stabiliseAlignments(drifting, { mode: 'temporal' }).frames).toEqual(r.frames);
  });

  it('temporal: frames that cannot align on their own fall back to one fit over all their points', () => {
    const few = Array.from({ length: 10 }, (_, k) => synth(trueS, 0.01, 5, 0.005, 0, 900 + k));
    const r = stabiliseAlignments(few, { mode: 'temporal' });
    expect(r.perFrame.every((f) => !f.ok)).toBe(true);
    for (const f of r.frames) {
      expect(f.scale).toBeCloseTo(trueS, 1);
      expect(f.shift).toBeCloseTo(0.01, 2);
    }
  });

  it('global: a single (scale, shift) for a temporally consistent model', () => {
    const same = Array.from({ length: 8 }, (_, k) => synth(4, 0.02, 60, 0.01, 0.2, 500 + k));
    const r = stabiliseAlignments(same, { mode: 'global' });
    expect(r.frames.every((f) => f.scale === r.frames[0]!.scale && f.shift === r.frames[0]!.shift)).toBe(
      true,
    );
    expect(r.frames[0]!.scale).toBeCloseTo(4, 1);
  });
});

describe('aligned depth', () => {
  it('inverts the affine model and invalidates non-positive inverse depth', () => {
    const pred = new Float32Array([1, 0.5, 0, -1]);
    const d = alignedDepth(pred, { scale: 2, shift: -0.5 });
    expect(d.depth[0]).toBeCloseTo(1 / 1.5, 6);
    expect(d.depth[1]).toBeCloseTo(2, 6);
    expect(Array.from(d.valid)).toEqual([1, 1, 0, 0]);
    expect(d.depth[2]).toBe(0);
    const capped = alignedDepth(pred, { scale: 2, shift: -0.5 }, 1.5);
    expect(Array.from(capped.valid)).toEqual([1, 0, 0, 0]);
  });

  it('says which pixels the fit puts at or beyond infinity (inverse depth ≤ 0), not those only past maxDepth', () => {
    // inverse depths 1.5, 0.5, 0 (at infinity), −2.5 (beyond it), NaN
    const pred = new Float32Array([1, 0.5, 0.25, -1, NaN]);
    const d = alignedDepth(pred, { scale: 2, shift: -0.5 });
    expect(Array.from(d.infinity)).toEqual([0, 0, 1, 1, 0]);
    expect(Array.from(d.valid)).toEqual([1, 1, 0, 0, 0]);
    const capped = alignedDepth(pred, { scale: 2, shift: -0.5 }, 1.5);
    expect(Array.from(capped.valid)).toEqual([1, 0, 0, 0, 0]);
    expect(Array.from(capped.infinity)).toEqual([0, 0, 1, 1, 0]);
  });
});

describe('alignment confidence', () => {
  const fit = { scale: 1, shift: 0, samples: 100, inliers: 80, rms: 0.02, medianAbsResidual: 0.02, ok: true };
  it('is the share of points that fit, less as their residual nears the inlier threshold', () => {
    expect(alignmentConfidence(fit)).toBeCloseTo(0.8 * 0.8, 12);
    expect(alignmentConfidence({ ...fit, inliers: 100, rms: 0 })).toBe(1);
    expect(alignmentConfidence({ ...fit, rms: 0.1 })).toBe(0);
    expect(alignmentConfidence({ ...fit, rms: 0.02 }, { inlierThreshold: 0.04 })).toBeCloseTo(0.4, 12);
  });
  it('is unknown for a frame without a fit of its own', () => {
    expect(alignmentConfidence({ ...fit, ok: false })).toBeNull();
    expect(alignmentConfidence({ ...fit, samples: 0, inliers: 0 })).toBeNull();
  });
});
