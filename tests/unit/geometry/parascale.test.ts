import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parallaxNumbers,
  pce,
  quatAngle,
  quatConjugate,
  quatMultiply,
  representativeDepth,
  representativeDepthFromPoints,
  transfer,
  type Pose,
} from '../../../src-shared/geometry';
import { arbQuat, arbVec3 } from './arb';

const arbPi = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 });

describe('Parallax Number Π', () => {
  it('is invariant when translation and depth are scaled by the same s (gauge)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbVec3(5), arbQuat), { minLength: 2, maxLength: 10 }),
        fc.array(fc.double({ min: 0.5, max: 50, noNaN: true }), { minLength: 10, maxLength: 10 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (pq, z, s) => {
          const poses: Pose[] = pq.map(([C, q]) => ({ C, q }));
          const scaled: Pose[] = poses.map((p) => ({ C: [p.C[0] * s, p.C[1] * s, p.C[2] * s], q: p.q }));
          const a = parallaxNumbers(poses, z);
          const b = parallaxNumbers(
            scaled,
            z.map((v) => v * s),
          );
          a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 9));
        },
      ),
    );
  });
  it('representative depth is the median of valid samples (mask, zeros, NaN ignored)', () => {
    const d = new Float32Array([0, 1, 2, 3, NaN, 100, 5]);
    expect(representativeDepth(d)).toBe(3);
    expect(representativeDepth(d, { mask: new Uint8Array([1, 1, 1, 1, 1, 0, 1]) })).toBe(2.5);
    expect(representativeDepth(new Float32Array([0, 0]))).toBeNaN();
  });
  it('representative depth from points counts only what the camera sees', () => {
    const cam = {
      C: [0, 0, 0] as [number, number, number],
      q: [1, 0, 0, 0] as [number, number, number, number],
      intrinsics: { width: 100, height: 100, fx: 50, fy: 50, cx: 50, cy: 50 },
    };
    const pts = new Float64Array([0, 0, 2, 0, 0, 4, 0, 0, 6, 0, 0, -10, 100, 0, 5]);
    expect(representativeDepthFromPoints(cam, pts)).toBe(4);
  });
});

describe('PCE', () => {
  it('is zero iff equal and symmetric', () => {
    fc.assert(
      fc.property(arbPi, arbPi, (a, b0) => {
        const b = b0.slice(0, a.length).concat(a.slice(b0.length));
        expect(pce(a, a)).toBe(0);
        expect(pce(a, b)).toBeCloseTo(pce(b, a), 14);
        if (a.some((v, i) => Math.abs(v - b[i]!) > 1e-9)) expect(pce(a, b)).toBeGreaterThan(0);
      }),
    );
  });
  it('charges ×k and ×1/k the same (exactly with ε = 0; to O(kε/Π) with the default ε)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-3, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 1, max: 1000, noNaN: true }),
        (a, k) => {
          const up = a.map((v) => v * k);
          const down = a.map((v) => v / k);
          expect(pce(up, a, 0)).toBeCloseTo(pce(down, a, 0), 9);
          expect(pce(up, a, 0)).toBeCloseTo(Math.log(k), 9);
          // default ε = 1e-4: the gap is bounded by log(1 + ε/min(Π/k)) ≤ k·ε/min Π
          const gap = Math.abs(pce(up, a) - pce(down, a));
          expect(gap).toBeLessThanOrEqual(Math.log(1 + (1e-4 * k) / Math.min(...a)) + 1e-12);
        },
      ),
    );
  });
  it('treats pure-rotation steps (Π = 0) gracefully through ε', () => {
    expect(pce([0, 0], [0, 0])).toBe(0);
    expect(Number.isFinite(pce([0], [0.01]))).toBe(true);
  });
});

describe('transfer (SPEC §3)', () => {
  const ref: Pose[] = Array.from({ length: 10 }, (_, i) => ({
    C: [0.1 * i, 0.02 * i * i, 0],
    q: [Math.cos(i * 0.02), 0, Math.sin(i * 0.02), 0],
  }));
  const refDepths = ref.map(() => 5);
  const start: Pose = { C: [10, 10, 10], q: [Math.SQRT1_2, Math.SQRT1_2, 0, 0] };
  it('copies rotation increments untouched and reproduces Π against the target depth', () => {
    const targetZ = 500;
    const out = transfer({ poses: ref, depths: refDepths }, { start, depthAt: () => targetZ });
    const outPi = parallaxNumbers(out.poses, out.targetDepths);
    expect(pce(outPi, out.referencePi, 0)).toBeLessThan(1e-12);
    for (let i = 0; i + 1 < ref.length; i++) {
      const dRef = quatMultiply(quatConjugate(ref[i]!.q), ref[i + 1]!.q);
      const dOut = quatMultiply(quatConjugate(out.poses[i]!.q), out.poses[i + 1]!.q);
      expect(quatAngle(dRef, dOut)).toBeLessThan(1e-12);
    }
    out.poses[0]!.C.forEach((v, k) => expect(v).toBe(start.C[k]));
    expect(quatAngle(out.poses[0]!.q, start.q)).toBeLessThan(1e-15);
  });
  it('raw transfer copies lengths and so is off by the scale ratio', () => {
    const raw = transfer({ poses: ref, depths: refDepths }, { start, depthAt: () => 500 }, 'raw');
    const rawPi = parallaxNumbers(
      raw.poses,
      raw.poses.map(() => 500),
    );
    expect(pce(rawPi, parallaxNumbers(ref, refDepths), 0)).toBeCloseTo(Math.log(100), 6);
  });
  it('re-realises depth from the current output pose each frame', () => {
    const seen: Pose[] = [];
    transfer({ poses: ref, depths: refDepths }, { start, depthAt: (p) => (seen.push(p), 3) });
    expect(seen).toHaveLength(ref.length - 1);
    expect(seen[3]).not.toEqual(seen[2]);
  });
  it('falls back to the previous depth when the target sees nothing, and says so', () => {
    const out = transfer(
      { poses: ref, depths: refDepths },
      { start, depthAt: (_p, i) => (i === 4 ? NaN : 3) },
    );
    expect(out.fallbackSteps).toEqual([4]);
    expect(() => transfer({ poses: ref, depths: refDepths }, { start, depthAt: () => NaN })).toThrow(
      /not seen from output frame 0/,
    );
  });
});
