/**
 * Exact rational numbers for frame rates and time bases (SPEC §2: a frame rate is always a rational,
 * 24000/1001, never 23.976). Pure TypeScript, no Node or DOM imports.
 */

export interface Rational {
  num: number;
  den: number;
}

function gcdInt(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Greatest common divisor of two integers (gcd(0, 0) = 0). */
export function gcd(a: number, b: number): number {
  return gcdInt(a, b);
}

/** Builds a reduced rational; throws on a zero denominator or non-integer parts. */
export function rational(num: number, den = 1): Rational {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) {
    throw new RangeError(`A rational needs integer parts, got ${num}/${den}`);
  }
  if (den === 0) throw new RangeError(`A rational cannot have a zero denominator (${num}/0)`);
  return reduce({ num, den });
}

/** Lowest terms with a positive denominator. */
export function reduce(r: Rational): Rational {
  if (r.den === 0) throw new RangeError(`A rational cannot have a zero denominator (${r.num}/0)`);
  const g = gcdInt(r.num, r.den) || 1;
  const sign = r.den < 0 ? -1 : 1;
  return { num: (sign * r.num) / g + 0, den: (sign * r.den) / g };
}

/**
 * Parses ffprobe-style rationals: "24000/1001", "30/1", "25", "1:1" (aspect ratios) and decimal strings
 * ("29.97" is taken literally as 2997/100; use {@link snapToStandardRate} to map it to 30000/1001).
 * Returns null for ffprobe's "unknown" values ("0/0", "N/A", "") and for anything unparseable.
 */
export function tryParseRational(text: string | null | undefined): Rational | null {
  if (text == null) return null;
  const s = text.trim();
  const frac = /^(-?\d+)\s*[/:]\s*(-?\d+)$/.exec(s);
  if (frac) {
    const num = Number(frac[1]);
    const den = Number(frac[2]);
    if (den === 0 || !Number.isSafeInteger(num) || !Number.isSafeInteger(den)) return null;
    return reduce({ num, den });
  }
  const dec = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (dec) {
    const frac2 = dec[3] ?? '';
    if (frac2.length > 9) return null;
    const den = 10 ** frac2.length;
    const num = Number((dec[2] ?? '0') + frac2) * (dec[1] === '-' ? -1 : 1);
    if (!Number.isSafeInteger(num)) return null;
    return reduce({ num, den });
  }
  return null;
}

/** Like {@link tryParseRational} but throws a clear error. */
export function parseRational(text: string): Rational {
  const r = tryParseRational(text);
  if (!r) throw new RangeError(`"${text}" is not a rational number (expected e.g. "24000/1001" or "25")`);
  return r;
}

export function toNumber(r: Rational): number {
  return r.num / r.den;
}

export function equals(a: Rational, b: Rational): boolean {
  return a.num * b.den === b.num * a.den;
}

/** "24000/1001" — the canonical, lossless text form. */
export function formatRational(r: Rational): string {
  const x = reduce(r);
  return `${x.num}/${x.den}`;
}

/** A short human label for a frame rate: "23.976", "29.97", "24", "59.94". */
export function formatFps(r: Rational): string {
  const x = reduce(r);
  if (x.den === 1) return String(x.num);
  const v = x.num / x.den;
  const s = v.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

/** Duration of one frame in seconds. */
export function frameDuration(fps: Rational): number {
  assertPositive(fps);
  return fps.den / fps.num;
}

/** Start time in seconds of frame `index` (frame 0 starts at 0). */
export function frameToSeconds(index: number, fps: Rational): number {
  assertPositive(fps);
  return (index * fps.den) / fps.num;
}

/**
 * The frame shown at time `seconds`: the frame whose interval [start, next start) contains it.
 * A tiny tolerance absorbs floating error so that frameToSeconds → secondsToFrame round-trips.
 */
export function secondsToFrame(seconds: number, fps: Rational, mode: 'floor' | 'round' = 'floor'): number {
  assertPositive(fps);
  const f = (seconds * fps.num) / fps.den;
  if (mode === 'round') return Math.round(f);
  return Math.floor(f + 1e-6);
}

function assertPositive(fps: Rational): void {
  if (!(fps.num > 0 && fps.den > 0))
    throw new RangeError(`Frame rate must be positive, got ${fps.num}/${fps.den}`);
}

/** Standard film/video rates, exact. */
export const STANDARD_RATES: readonly Rational[] = [
  { num: 24000, den: 1001 },
  { num: 24, den: 1 },
  { num: 25, den: 1 },
  { num: 30000, den: 1001 },
  { num: 30, den: 1 },
  { num: 48, den: 1 },
  { num: 50, den: 1 },
  { num: 60000, den: 1001 },
  { num: 60, den: 1 },
  { num: 120000, den: 1001 },
  { num: 120, den: 1 },
];

/**
 * Maps an approximate rate (23.976, 29.97, 59.94…) to the exact standard rational within `tolerance`
 * (relative); otherwise returns null.
 */
export function snapToStandardRate(value: number, tolerance = 0.0005): Rational | null {
  for (const r of STANDARD_RATES) {
    const v = r.num / r.den;
    if (Math.abs(value - v) <= v * tolerance) return r;
  }
  return null;
}
