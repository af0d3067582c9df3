/**
 * The curve editor's geometry, apart from the component so that it can be tested without a page: the
 * window of frames and values it shows (fit, zoom about a point, pan), box selection, the shift a group of
 * selected keys may take in time, and where a segment's Bézier easing handles sit on a channel's curve.
 */
import { BEZIER_Y_RANGE, type BezierEasing } from '../../../src-shared/geometry';

/** The frames (f0–f1) and values (v0–v1) the editor shows. */
export interface CurveWindow {
  f0: number;
  f1: number;
  v0: number;
  v1: number;
}

export interface CurvePoint {
  frame: number;
  value: number;
}

/** Narrowest and widest windows: a zoom stops there rather than lose the curve. */
const MIN_FRAMES = 2;
const MAX_FRAMES = 1e6;
const MIN_VALUES = 1e-9;
const MAX_VALUES = 1e12;

/**
 * The window showing frames `first`–`last` (widened by `padFrames` on each side) and every value with a
 * tenth of their spread above and below (±1 around a flat channel).
 */
export function fitWindow(
  first: number,
  last: number,
  values: readonly number[],
  padFrames = 0,
): CurveWindow {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 0];
  if (!(hi - lo > 1e-9)) {
    lo -= 1;
    hi += 1;
  }
  const m = 0.1 * (hi - lo);
  let f0 = first - padFrames;
  let f1 = last + padFrames;
  if (f1 - f0 < MIN_FRAMES) {
    const c = (f0 + f1) / 2;
    [f0, f1] = [c - MIN_FRAMES / 2, c + MIN_FRAMES / 2];
  }
  return { f0, f1, v0: lo - m, v1: hi + m };
}

/** The factor kept within the limits: a span times it stays between `min` and `max`. */
const limited = (span: number, factor: number, min: number, max: number): number =>
  Math.min(max / span, Math.max(min / span, factor));

/**
 * The window zoomed about `at` (which stays where it is on screen): frames by `frameFactor`, values by
 * `valueFactor` (> 1 shows more, < 1 less).
 */
export function zoomWindow(
  w: CurveWindow,
  at: CurvePoint,
  frameFactor: number,
  valueFactor: number,
): CurveWindow {
  const kf = limited(w.f1 - w.f0, frameFactor, MIN_FRAMES, MAX_FRAMES);
  const kv = limited(w.v1 - w.v0, valueFactor, MIN_VALUES, MAX_VALUES);
  return {
    f0: at.frame + (w.f0 - at.frame) * kf,
    f1: at.frame + (w.f1 - at.frame) * kf,
    v0: at.value + (w.v0 - at.value) * kv,
    v1: at.value + (w.v1 - at.value) * kv,
  };
}

export const panWindow = (w: CurveWindow, frames: number, values: number): CurveWindow => ({
  f0: w.f0 + frames,
  f1: w.f1 + frames,
  v0: w.v0 + values,
  v1: w.v1 + values,
});

/** The indices of the points inside the box with corners `a` and `b` (edges included). */
export function pointsInBox(points: readonly CurvePoint[], a: CurvePoint, b: CurvePoint): number[] {
  const [f0, f1] = a.frame < b.frame ? [a.frame, b.frame] : [b.frame, a.frame];
  const [v0, v1] = a.value < b.value ? [a.value, b.value] : [b.value, a.value];
  const out: number[] = [];
  points.forEach((p, i) => {
    if (p.frame >= f0 && p.frame <= f1 && p.value >= v0 && p.value <= v1) out.push(i);
  });
  return out;
}

/**
 * How far in time the selected keys move together when the pointer asks for `wanted` frames: the grabbed
 * key lands on a whole frame, and no selected key passes or comes within a frame of a key that stays
 * (nor closer than it already was), or leaves the shot (frames 0–`last`). 0 when no whole frame is free.
 * `frames` are the keys' frames in order.
 */
export function groupShift(
  frames: readonly number[],
  selected: readonly boolean[],
  grab: number,
  wanted: number,
  last: number,
): number {
  const n = frames.length;
  let lo = -Infinity;
  let hi = Infinity;
  frames.forEach((f, i) => {
    if (!selected[i]) return;
    const prev = frames[i - 1];
    const next = frames[i + 1];
    if (i === 0) lo = Math.max(lo, Math.min(0, -f));
    else if (!selected[i - 1]) lo = Math.max(lo, Math.min(0, prev! + Math.min(1, f - prev!) - f));
    if (i === n - 1) hi = Math.min(hi, Math.max(0, last - f));
    else if (!selected[i + 1]) hi = Math.min(hi, Math.max(0, next! - Math.min(1, next! - f) - f));
  });
  const g = frames[grab];
  if (g === undefined || !selected[grab]) return 0;
  const target = Math.min(
    Math.floor(g + hi + 1e-9),
    Math.max(Math.ceil(g + lo - 1e-9), Math.round(g + wanted)),
  );
  const d = target - g;
  return d !== 0 && d >= lo - 1e-9 && d <= hi + 1e-9 ? d : 0;
}

/**
 * The value rise a segment's handles are drawn against: the channel's rise from key `a` to key `b`, or a
 * quarter of the window's height where the two keys have the same value (the handles would lie flat).
 */
export function handleSpan(a: CurvePoint, b: CurvePoint, w: CurveWindow): number {
  const d = b.value - a.value;
  return Math.abs(d) > 1e-6 * (w.v1 - w.v0) ? d : (w.v1 - w.v0) / 4;
}

/** Where the easing's two handles sit on the segment from key `a` to key `b`. */
export function handlePoints(
  a: CurvePoint,
  b: CurvePoint,
  h: BezierEasing,
  span: number,
): [CurvePoint, CurvePoint] {
  const df = b.frame - a.frame;
  return [
    { frame: a.frame + h.x1 * df, value: a.value + h.y1 * span },
    { frame: a.frame + h.x2 * df, value: a.value + h.y2 * span },
  ];
}

/** The easing with handle `which` dragged to `p`: progress kept in 0–1, the share in BEZIER_Y_RANGE. */
export function draggedHandle(
  a: CurvePoint,
  b: CurvePoint,
  h: BezierEasing,
  which: 1 | 2,
  p: CurvePoint,
  span: number,
): BezierEasing {
  const x = Math.min(1, Math.max(0, (p.frame - a.frame) / (b.frame - a.frame)));
  const y = Math.min(BEZIER_Y_RANGE[1], Math.max(BEZIER_Y_RANGE[0], (p.value - a.value) / span));
  return which === 1 ? { ...h, x1: x, y1: y } : { ...h, x2: x, y2: y };
}

/** A step of 1, 2 or 5 × 10ⁿ that cuts `span` into about `count` parts (grid lines, labels). */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}
