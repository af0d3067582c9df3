/**
 * Easing of a camera-path segment: how the segment's progress (0 at its first keyframe, 1 at the next)
 * maps to the share of the move done. Either a named easing or Bézier handles — a timing curve like CSS
 * `cubic-bezier(x1, y1, x2, y2)` from (0, 0) to (1, 1), with x the segment's progress and y the share of
 * the move. With x1, x2 in [0, 1] the curve's x only grows, so every progress has one share; y1, y2 may
 * leave [0, 1] (an anticipation or an overshoot), within BEZIER_Y_RANGE.
 *
 * The named easings are Bézier curves too (except hold): linear = (⅓, ⅓, ⅔, ⅔), ease-in = t³ =
 * (⅓, 0, ⅔, 0), ease-out = (⅓, 1, ⅔, 1), ease-in-out = smoothstep = (⅓, 0, ⅔, 1); `bezierHandlesOf` gives
 * them, so turning a segment into Bézier keeps its shape.
 */

/** 'hold': the segment keeps its first keyframe's values until the next keyframe (a cut in the move). */
export type NamedEasing = 'linear' | 'ease-in' | 'ease-out' | 'ease-in-out' | 'hold';

export interface BezierEasing {
  kind: 'bezier';
  /** First handle: progress 0–1 and share of the move. */
  x1: number;
  y1: number;
  /** Second handle. */
  x2: number;
  y2: number;
}

export type Easing = NamedEasing | BezierEasing;

export const NAMED_EASINGS: readonly NamedEasing[] = ['linear', 'ease-in', 'ease-out', 'ease-in-out', 'hold'];

/** How far a handle's share of the move may go below 0 or above 1 (an overshoot of twice the move). */
export const BEZIER_Y_RANGE: readonly [number, number] = [-2, 3];

export const isBezier = (e: Easing | undefined): e is BezierEasing => typeof e === 'object' && e !== null;

/** The easing's name as a menu shows it: 'bezier' for handles. */
export const easingName = (e: Easing | undefined): NamedEasing | 'bezier' =>
  isBezier(e) ? 'bezier' : (e ?? 'linear');

/** Handles that give the same timing as `e` (hold, a jump, has none: it gets CSS's ease-in-out). */
export function bezierHandlesOf(e: Easing | undefined): BezierEasing {
  if (isBezier(e)) return { ...e };
  const t = 1 / 3;
  const u = 2 / 3;
  switch (e ?? 'linear') {
    case 'linear':
      return { kind: 'bezier', x1: t, y1: t, x2: u, y2: u };
    case 'ease-in':
      return { kind: 'bezier', x1: t, y1: 0, x2: u, y2: 0 };
    case 'ease-out':
      return { kind: 'bezier', x1: t, y1: 1, x2: u, y2: 1 };
    case 'ease-in-out':
      return { kind: 'bezier', x1: t, y1: 0, x2: u, y2: 1 };
    case 'hold':
      return { kind: 'bezier', x1: 0.42, y1: 0, x2: 0.58, y2: 1 };
  }
}

/** One coordinate of the cubic Bézier with control values 0, a, b, 1 at parameter t. */
const cubic = (a: number, b: number, t: number): number => {
  const s = 1 - t;
  return 3 * s * s * t * a + 3 * s * t * t * b + t * t * t;
};
const cubicSlope = (a: number, b: number, t: number): number => {
  const s = 1 - t;
  return 3 * s * s * a + 6 * s * t * (b - a) + 3 * t * t * (1 - b);
};

/**
 * The curve's parameter t where its x is `u` (0 < u < 1): Newton steps kept inside a bracket that
 * bisection shrinks whenever a step would leave it or stalls (a flat spot, x1 = x2 = 0 near t = 0), so it
 * always converges. x(t) grows with t when x1, x2 are in [0, 1], so the root is unique.
 */
export function bezierParameterAt(x1: number, x2: number, u: number): number {
  let lo = 0;
  let hi = 1;
  let t = u;
  for (let i = 0; i < 100; i++) {
    const x = cubic(x1, x2, t) - u;
    if (Math.abs(x) < 1e-14) return t;
    if (x < 0) lo = t;
    else hi = t;
    const d = cubicSlope(x1, x2, t);
    let next = d > 1e-12 ? t - x / d : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (hi - lo < 1e-15) return next;
    t = next;
  }
  return t;
}

/** The share of the move at progress `u` along a Bézier timing curve: 0 at u ≤ 0, 1 at u ≥ 1 exactly. */
export function bezierEase(b: BezierEasing, u: number): number {
  if (!(u > 0)) return 0;
  if (u >= 1) return 1;
  return cubic(b.y1, b.y2, bezierParameterAt(b.x1, b.x2, u));
}

/** The share of the move at progress `s` (0–1) along the segment. */
export function ease(e: Easing | undefined, s: number): number {
  if (isBezier(e)) return bezierEase(e, s);
  switch (e ?? 'linear') {
    case 'linear':
      return s;
    case 'ease-in':
      return s * s * s;
    case 'ease-out':
      return 1 - (1 - s) ** 3;
    case 'ease-in-out':
      return s * s * (3 - 2 * s);
    case 'hold':
      return s < 1 ? 0 : 1;
  }
}

/**
 * Why `v` is not an easing, or null when it is one (named, or handles with x1, x2 in [0, 1] and y1, y2
 * finite within BEZIER_Y_RANGE). Untrusted input: a stored path, a file, the renderer.
 */
export function easingProblem(v: unknown): string | null {
  if (typeof v === 'string')
    return (NAMED_EASINGS as readonly string[]).includes(v)
      ? null
      : `easing must be one of ${NAMED_EASINGS.join(', ')} or Bézier handles {kind: 'bezier', x1, y1, x2, y2}, got '${v}'`;
  if (typeof v !== 'object' || v === null || (v as { kind?: unknown }).kind !== 'bezier')
    return `easing must be one of ${NAMED_EASINGS.join(', ')} or Bézier handles {kind: 'bezier', x1, y1, x2, y2}`;
  const h = v as Record<string, unknown>;
  const extra = Object.keys(h).filter((k) => !['kind', 'x1', 'y1', 'x2', 'y2'].includes(k));
  if (extra.length > 0) return `Bézier easing has unknown field ${extra.map((k) => `'${k}'`).join(', ')}`;
  for (const k of ['x1', 'x2'] as const) {
    const x = h[k];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 1)
      return `Bézier easing ${k} must be a number in 0–1 (the segment's progress), got ${String(x)}`;
  }
  const [lo, hi] = BEZIER_Y_RANGE;
  for (const k of ['y1', 'y2'] as const) {
    const y = h[k];
    if (typeof y !== 'number' || !Number.isFinite(y) || y < lo || y > hi)
      return `Bézier easing ${k} must be a number in ${lo}–${hi} (the share of the move), got ${String(y)}`;
  }
  return null;
}
