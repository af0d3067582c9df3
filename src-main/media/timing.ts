/** Pure analysis of frame timestamps: variable-frame-rate detection and frame-rate choice. */
import { reduce, snapToStandardRate, toNumber } from '../../src-shared/rational';
import type { Rational } from './types';

/**
 * Whether presentation timestamps (seconds, any order) show a variable frame rate.
 * A frame interval is "off" when it differs from the nominal frame duration by more than
 * max(1.5 time-base ticks, 10 % of a frame); timestamps stored in a coarse time base (e.g. 1/600
 * for 59.94 fps) jitter by a tick and are not VFR. The clip is VFR when more than 2 intervals and
 * more than 2 % of them are off.
 */
export function detectVfr(
  ptsSeconds: readonly number[],
  nominalFps: Rational | null,
  timeBase: Rational,
): boolean {
  const sorted = [...ptsSeconds].sort((a, b) => a - b);
  const deltas: number[] = [];
  for (let i = 1; i < sorted.length; i++) deltas.push((sorted[i] as number) - (sorted[i - 1] as number));
  if (deltas.length < 2) return false;
  const nominal = nominalFps && nominalFps.num > 0 ? nominalFps.den / nominalFps.num : median(deltas);
  const tick = timeBase.num > 0 && timeBase.den > 0 ? timeBase.num / timeBase.den : 0;
  const tolerance = Math.max(1.5 * tick, 0.1 * nominal);
  const off = deltas.filter((d) => Math.abs(d - nominal) > tolerance).length;
  return off > 2 && off / deltas.length > 0.02;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * The frame rate of a constant-frame-rate stream from ffprobe's r_frame_rate and avg_frame_rate and
 * the measured median frame interval: prefers r_frame_rate when it matches the measurement, maps
 * approximate rates (2997/100) to exact standard ones (30000/1001).
 */
export function chooseFps(
  r: Rational | null,
  avg: Rational | null,
  medianInterval: number | null,
): Rational | null {
  const measured = medianInterval && medianInterval > 0 ? 1 / medianInterval : null;
  const close = (x: Rational | null) =>
    x !== null && x.num > 0 && (measured === null || Math.abs(toNumber(x) - measured) / measured < 0.01);
  const pick = close(r)
    ? r
    : close(avg)
      ? avg
      : measured !== null
        ? (snapToStandardRate(measured, 0.002) ?? approx(measured))
        : (r ?? avg);
  if (!pick) return null;
  const exact = reduce(pick);
  if (exact.den !== 1 && exact.den !== 1001) {
    const snapped = snapToStandardRate(toNumber(exact));
    if (snapped) return snapped;
  }
  return exact;
}

function approx(x: number): Rational {
  return reduce({ num: Math.round(x * 1000), den: 1000 });
}
