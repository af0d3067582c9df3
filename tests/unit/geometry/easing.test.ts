import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BEZIER_Y_RANGE,
  bezierEase,
  bezierHandlesOf,
  bezierParameterAt,
  ease,
  easingName,
  evaluatePath,
  NAMED_EASINGS,
  quatAngle,
  quatDot,
  TargetPathError,
  validateTargetPath,
  type BezierEasing,
  type Keyframe,
  type Vec3,
} from '../../../src-shared/geometry';
import { arbQuat, arbVec3 } from './arb';

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const inside = fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true });
const arbHandles: fc.Arbitrary<BezierEasing> = fc.record({
  kind: fc.constant('bezier' as const),
  x1: unit,
  y1: fc.double({ min: BEZIER_Y_RANGE[0], max: BEZIER_Y_RANGE[1], noNaN: true }),
  x2: unit,
  y2: fc.double({ min: BEZIER_Y_RANGE[0], max: BEZIER_Y_RANGE[1], noNaN: true }),
});
const bz = (x1: number, y1: number, x2: number, y2: number): BezierEasing => ({
  kind: 'bezier',
  x1,
  y1,
  x2,
  y2,
});
/** x(t) of the timing curve, written out independently of the module. */
const xOf = (b: BezierEasing, t: number) =>
  3 * (1 - t) ** 2 * t * b.x1 + 3 * (1 - t) * t ** 2 * b.x2 + t ** 3;

describe('Bézier easing', () => {
  it('(0, 0, 1, 1) and every curve with its handles on the diagonal is linear', () => {
    fc.assert(
      fc.property(unit, unit, unit, (a, b, u) => {
        expect(bezierEase(bz(0, 0, 1, 1), u)).toBeCloseTo(u, 10);
        expect(bezierEase(bz(a, a, b, b), u)).toBeCloseTo(u, 10);
      }),
    );
  });

  it('(0.42, 0, 0.58, 1), CSS ease-in-out, is within 0.03 of the ease-in-out timing', () => {
    const css = bz(0.42, 0, 0.58, 1);
    let worst = 0;
    for (let i = 0; i <= 1000; i++)
      worst = Math.max(worst, Math.abs(bezierEase(css, i / 1000) - ease('ease-in-out', i / 1000)));
    expect(worst).toBeLessThan(0.03);
    // …and is not the same curve: the comparison can tell them apart
    expect(worst).toBeGreaterThan(0.01);
  });

  it("a named easing's handles give the named timing exactly (hold has none)", () => {
    for (const name of NAMED_EASINGS.filter((n) => n !== 'hold')) {
      const h = bezierHandlesOf(name);
      for (let i = 0; i <= 200; i++) expect(bezierEase(h, i / 200)).toBeCloseTo(ease(name, i / 200), 12);
    }
    expect(bezierHandlesOf(undefined)).toEqual(bezierHandlesOf('linear'));
    expect(bezierHandlesOf('hold')).toEqual(bz(0.42, 0, 0.58, 1));
    const h = bz(0.1, 2, 0.9, -1);
    expect(bezierHandlesOf(h)).toEqual(h);
    expect(bezierHandlesOf(h)).not.toBe(h);
    expect(easingName(h)).toBe('bezier');
    expect(easingName(undefined)).toBe('linear');
    expect(easingName('hold')).toBe('hold');
  });

  it('starts at 0 and ends at 1 exactly, whatever the handles', () => {
    fc.assert(
      fc.property(arbHandles, (b) => {
        expect(bezierEase(b, 0)).toBe(0);
        expect(bezierEase(b, 1)).toBe(1);
        expect(bezierEase(b, -0.5)).toBe(0);
        expect(bezierEase(b, 1.5)).toBe(1);
        expect(ease(b, 0)).toBe(0);
        expect(ease(b, 1)).toBe(1);
      }),
    );
  });

  it('solves x(t) = u to 1e-12 with t growing with u, flat spots and cusp-like handles included', () => {
    const extremes = fc.constantFrom(bz(0, 0, 0, 1), bz(1, 0, 0, 1), bz(1, 0, 1, 1), bz(0, 0, 1, 1));
    fc.assert(
      fc.property(fc.oneof(arbHandles, extremes), inside, inside, (b, u1, u2) => {
        const [lo, hi] = u1 < u2 ? [u1, u2] : [u2, u1];
        const t1 = bezierParameterAt(b.x1, b.x2, lo);
        const t2 = bezierParameterAt(b.x1, b.x2, hi);
        expect(t1).toBeGreaterThanOrEqual(0);
        expect(t2).toBeLessThanOrEqual(1);
        expect(Math.abs(xOf(b, t1) - lo)).toBeLessThan(1e-12);
        expect(Math.abs(xOf(b, t2) - hi)).toBeLessThan(1e-12);
        expect(t2).toBeGreaterThanOrEqual(t1);
      }),
    );
  });

  it('with both handles inside the unit square the timing never goes back', () => {
    fc.assert(
      fc.property(unit, unit, unit, unit, inside, inside, (x1, y1, x2, y2, u1, u2) => {
        const b = bz(x1, y1, x2, y2);
        const [lo, hi] = u1 < u2 ? [u1, u2] : [u2, u1];
        expect(bezierEase(b, hi)).toBeGreaterThanOrEqual(bezierEase(b, lo) - 1e-12);
        expect(bezierEase(b, lo)).toBeGreaterThanOrEqual(-1e-12);
        expect(bezierEase(b, hi)).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it('a handle above 1 overshoots the next key', () => {
    const over = bz(0.2, 0.2, 0.6, 1.8);
    expect(
      Math.max(...Array.from({ length: 99 }, (_, i) => bezierEase(over, (i + 1) / 100))),
    ).toBeGreaterThan(1.05);
  });
});

describe('camera paths with Bézier easing', () => {
  const k = (frame: number, position: Vec3, easing?: Keyframe['easing']): Keyframe => ({
    frame,
    position,
    orientation: [1, 0, 0, 0],
    focalPx: 800,
    ...(easing ? { easing } : {}),
  });

  it("a named easing's handles evaluate to the same path at every frame", () => {
    // neighbouring orientations a half turn apart have no shortest arc: left out
    const arbKeys = fc
      .array(fc.tuple(fc.integer({ min: 1, max: 20 }), arbVec3(10), arbQuat), { minLength: 2, maxLength: 5 })
      .filter((ks) => ks.every((k, i) => i === 0 || Math.abs(quatDot(k[2], ks[i - 1]![2])) > 1e-3));
    fc.assert(
      fc.property(
        arbKeys,
        fc.constantFrom('linear', 'ease-in', 'ease-out', 'ease-in-out' as const),
        (ks, e) => {
          let f = 0;
          const named = ks.map(([df, p, q]) => ({ ...k((f += df), p, e), orientation: q }));
          const handles = named.map((x) => ({ ...x, easing: bezierHandlesOf(e) }));
          for (let g = 0; g <= f; g += 0.5) {
            const a = evaluatePath({ keyframes: named }, g);
            const b = evaluatePath({ keyframes: handles }, g);
            for (let i = 0; i < 3; i++) expect(b.position[i]).toBeCloseTo(a.position[i]!, 6);
            expect(quatAngle(b.orientation, a.orientation)).toBeLessThan(1e-6);
          }
        },
      ),
    );
  });

  it('on a straight two-key move the position is the eased share of the move, overshoot included', () => {
    const h = bz(0.3, -0.4, 0.7, 1.6);
    const path = { keyframes: [k(10, [1, 2, 3], h), k(30, [5, 2, 3])] };
    for (let f = 10; f <= 30; f++) {
      const p = evaluatePath(path, f).position;
      expect(p[0]).toBeCloseTo(1 + 4 * bezierEase(h, (f - 10) / 20), 9);
      expect(p[1]).toBeCloseTo(2, 12);
    }
    const xs = Array.from({ length: 21 }, (_, i) => evaluatePath(path, 10 + i).position[0]);
    expect(Math.max(...xs)).toBeGreaterThan(5);
    expect(Math.min(...xs)).toBeLessThan(1);
  });
});

describe('Bézier easing in a stored path', () => {
  const key = (frame: number, easing?: unknown) => ({
    frame,
    position: [0, 0, 0],
    orientation: [1, 0, 0, 0],
    focalPx: 500,
    ...(easing === undefined ? {} : { easing }),
  });

  it('is accepted beside the named easings and copied clean', () => {
    const h = bz(0.25, -0.5, 0.75, 2.5);
    const p = validateTargetPath(
      { kind: 'keyframes', keyframes: [key(0, h), key(5, 'ease-out'), key(9)] },
      24,
    );
    expect(p.kind === 'keyframes' && p.keyframes.map((x) => x.easing)).toEqual([h, 'ease-out', undefined]);
    expect(p.kind === 'keyframes' && p.keyframes[0]!.easing).not.toBe(h);
  });

  it.each([
    [bz(1.5, 0, 0.5, 1), /keyframe 1 \(frame 7\): Bézier easing x1 must be a number in 0–1.*got 1\.5/],
    [bz(0.5, 0, -0.1, 1), /keyframe 1 \(frame 7\): Bézier easing x2 must be a number in 0–1/],
    [bz(0.5, 3.5, 0.5, 1), /keyframe 1 \(frame 7\): Bézier easing y1 must be a number in -2–3.*got 3\.5/],
    [bz(0.5, 0, 0.5, Number.NaN), /Bézier easing y2 must be a number in -2–3.*got NaN/],
    [{ kind: 'bezier', x1: 0.5, y1: 0, x2: 0.5 }, /Bézier easing y2 must be .*got undefined/],
    [{ kind: 'bezier', x1: '0.5', y1: 0, x2: 0.5, y2: 1 }, /Bézier easing x1 must be/],
    [
      { ...bz(0.5, 0, 0.5, 1), tension: 2 },
      /keyframe 1 \(frame 7\): Bézier easing has unknown field 'tension'/,
    ],
    [
      { kind: 'spline', x1: 0, y1: 0, x2: 1, y2: 1 },
      /keyframe 1 \(frame 7\): easing must be one of .*Bézier/,
    ],
    ['bounce', /easing must be one of linear, ease-in, ease-out, ease-in-out, hold or Bézier.*got 'bounce'/],
    [null, /keyframe 1 \(frame 7\): easing must be one of/],
  ])('refuses %j naming the keyframe and its frame', (easing, message) => {
    const content = { kind: 'keyframes', keyframes: [key(0), key(7, easing), key(12)] };
    expect(() => validateTargetPath(content, 24)).toThrow(TargetPathError);
    expect(() => validateTargetPath(content, 24)).toThrow(message);
  });
});
