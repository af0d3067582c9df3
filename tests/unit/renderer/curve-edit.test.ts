import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  draggedHandle,
  fitWindow,
  groupShift,
  handlePoints,
  handleSpan,
  niceStep,
  panWindow,
  pointsInBox,
  zoomWindow,
  type CurveWindow,
} from '../../../src-renderer/src/lib/curve-edit';
import { BEZIER_Y_RANGE, type BezierEasing } from '../../../src-shared/geometry';

const W: CurveWindow = { f0: 0, f1: 100, v0: -1, v1: 1 };

describe('the curve window', () => {
  it('fits the frames and the values with a tenth of margin, ±1 around a flat channel', () => {
    expect(fitWindow(0, 15, [2, 4, 3])).toEqual({ f0: 0, f1: 15, v0: 1.8, v1: 4.2 });
    expect(fitWindow(0, 15, [5, 5])).toEqual({ f0: 0, f1: 15, v0: 3.8, v1: 6.2 });
    // one key: at least two frames wide, centred on it
    expect(fitWindow(7, 7, [1, 2], 0)).toMatchObject({ f0: 6, f1: 8 });
    expect(fitWindow(3, 9, [0, 1], 2)).toMatchObject({ f0: 1, f1: 11 });
  });

  it('zooms about a point that stays put, and zooming back undoes it', () => {
    const at = { frame: 30, value: 0.5 };
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        (kf, kv) => {
          const z = zoomWindow(W, at, kf, kv);
          // the anchor sits at the same fraction of the window before and after
          expect((at.frame - z.f0) / (z.f1 - z.f0)).toBeCloseTo((at.frame - W.f0) / (W.f1 - W.f0), 12);
          expect((at.value - z.v0) / (z.v1 - z.v0)).toBeCloseTo((at.value - W.v0) / (W.v1 - W.v0), 12);
          expect(z.f1 - z.f0).toBeCloseTo(100 * kf, 9);
          const back = zoomWindow(z, at, 1 / kf, 1 / kv);
          expect(back.f0).toBeCloseTo(W.f0, 9);
          expect(back.v1).toBeCloseTo(W.v1, 9);
        },
      ),
    );
  });

  it('zooms in time only, or in values only, and stops at two frames', () => {
    const t = zoomWindow(W, { frame: 50, value: 0 }, 0.5, 1);
    expect(t).toEqual({ f0: 25, f1: 75, v0: -1, v1: 1 });
    const v = zoomWindow(W, { frame: 50, value: 1 }, 1, 2);
    expect(v).toEqual({ f0: 0, f1: 100, v0: -3, v1: 1 });
    const tight = zoomWindow(W, { frame: 10, value: 0 }, 1e-6, 1);
    expect(tight.f1 - tight.f0).toBeCloseTo(2, 12);
  });

  it('pans by frames and values', () => {
    expect(panWindow(W, -10, 0.5)).toEqual({ f0: -10, f1: 90, v0: -0.5, v1: 1.5 });
  });

  it('steps grid lines by 1, 2 or 5 × 10ⁿ', () => {
    expect(niceStep(15, 6)).toBe(2);
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(0.8, 4)).toBeCloseTo(0.2, 12);
    expect(niceStep(7, 1)).toBe(5);
    expect(niceStep(0, 4)).toBe(1);
  });
});

describe('box selection', () => {
  const pts = [
    { frame: 0, value: 0 },
    { frame: 5, value: 1 },
    { frame: 10, value: 2 },
    { frame: 15, value: -1 },
  ];
  it('picks the keys inside the box, whichever corner it was dragged from', () => {
    expect(pointsInBox(pts, { frame: 4, value: 3 }, { frame: 11, value: 0.5 })).toEqual([1, 2]);
    expect(pointsInBox(pts, { frame: 11, value: 0.5 }, { frame: 4, value: 3 })).toEqual([1, 2]);
    expect(pointsInBox(pts, { frame: 4, value: 3 }, { frame: 16, value: 1.5 })).toEqual([2]);
    expect(pointsInBox(pts, { frame: 1, value: 5 }, { frame: 2, value: 6 })).toEqual([]);
  });
});

describe('moving selected keys in time', () => {
  const frames = [0, 5, 10, 15];
  it('moves by whole frames as far as the keys that stay allow', () => {
    // keys 1 and 2 together, between key 0 (frame 0) and key 3 (frame 15)
    const sel = [false, true, true, false];
    expect(groupShift(frames, sel, 1, 2.4, 20)).toBe(2);
    expect(groupShift(frames, sel, 2, -2.6, 20)).toBe(-3);
    expect(groupShift(frames, sel, 1, 100, 20)).toBe(4); // key 2 stops at frame 14
    expect(groupShift(frames, sel, 1, -100, 20)).toBe(-4); // key 1 stops at frame 1
  });

  it('keeps the shot: the first key stops at 0, the last at the last frame', () => {
    expect(groupShift(frames, [true, true, true, true], 0, -7, 20)).toBe(0);
    expect(groupShift(frames, [true, true, true, true], 3, 9, 20)).toBe(5);
    expect(groupShift(frames, [false, false, false, true], 3, 9, 20)).toBe(5);
  });

  it('lands a fractional key on a whole frame and moves the others by as much', () => {
    expect(groupShift([0, 4.5, 9], [false, true, false], 1, 1.2, 20)).toBe(1.5);
    // no whole frame free between close neighbours: it stays
    expect(groupShift([4, 4.6, 5.2], [false, true, false], 1, 0.4, 20)).toBe(0);
  });

  it('never reorders the keys (random selections and pointer moves)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.nat(),
        (gaps, pick, wanted, g) => {
          let f = -1;
          const fr = gaps.map((d) => (f += d));
          const sel = fr.map((_, i) => pick[i]!);
          const chosen = sel.map((s, i) => (s ? i : -1)).filter((i) => i >= 0);
          if (chosen.length === 0) return;
          const grab = chosen[g % chosen.length]!;
          const last = fr.at(-1)! + 10;
          const d = groupShift(fr, sel, grab, wanted, last);
          expect(Number.isInteger(fr[grab]! + d)).toBe(true);
          const moved = fr.map((x, i) => (sel[i] ? x + d : x));
          for (let i = 1; i < moved.length; i++) expect(moved[i]! - moved[i - 1]!).toBeGreaterThanOrEqual(1);
          expect(moved[0]).toBeGreaterThanOrEqual(0);
          expect(moved.at(-1)).toBeLessThanOrEqual(last);
        },
      ),
    );
  });
});

describe('Bézier handles on a channel', () => {
  const a = { frame: 10, value: 2 };
  const b = { frame: 30, value: 6 };
  const h: BezierEasing = { kind: 'bezier', x1: 0.25, y1: 0.1, x2: 0.75, y2: 1.2 };

  it('sit on the segment scaled by its frames and rise', () => {
    const span = handleSpan(a, b, W);
    expect(span).toBe(4);
    expect(handlePoints(a, b, h, span)).toEqual([
      { frame: 15, value: 2.4 },
      { frame: 25, value: 2 + 1.2 * 4 },
    ]);
  });

  it('use a quarter of the window where the two keys have the same value', () => {
    expect(handleSpan(a, { frame: 30, value: 2 }, W)).toBe(0.5);
  });

  it('dragged back to where they are drawn give the same easing; progress and share are kept in range', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: BEZIER_Y_RANGE[0], max: BEZIER_Y_RANGE[1], noNaN: true }),
        fc.constantFrom(1 as const, 2 as const),
        (x, y, which) => {
          const e: BezierEasing = which === 1 ? { ...h, x1: x, y1: y } : { ...h, x2: x, y2: y };
          const span = handleSpan(a, b, W);
          const p = handlePoints(a, b, e, span)[which - 1]!;
          const back = draggedHandle(a, b, h, which, p, span);
          expect(back.x1).toBeCloseTo(e.x1, 12);
          expect(back.y1).toBeCloseTo(e.y1, 12);
          expect(back.x2).toBeCloseTo(e.x2, 12);
          expect(back.y2).toBeCloseTo(e.y2, 12);
        },
      ),
    );
    const far = draggedHandle(a, b, h, 1, { frame: -100, value: 1000 }, 4);
    expect(far).toEqual({ ...h, x1: 0, y1: BEZIER_Y_RANGE[1] });
    const late = draggedHandle(a, b, h, 2, { frame: 100, value: -1000 }, 4);
    expect(late).toEqual({ ...h, x2: 1, y2: BEZIER_Y_RANGE[0] });
  });
});
