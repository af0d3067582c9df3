/**
 * Forward–backward consistency: a point tracked a→b and back b→a should land where it started. The
 * distance is the FB error; points whose error exceeds a threshold are rejected.
 */
export function forwardBackwardErrors(
  x0: Float32Array,
  y0: Float32Array,
  xBack: Float32Array,
  yBack: Float32Array,
  count: number,
  out: Float32Array,
): void {
  for (let i = 0; i < count; i++) {
    const dx = (xBack[i] as number) - (x0[i] as number);
    const dy = (yBack[i] as number) - (y0[i] as number);
    out[i] = Math.sqrt(dx * dx + dy * dy);
  }
}

/** Confidence from the FB error and the window residual: 1 for a perfect track, 0 at the rejection limit. */
export function trackConfidence(
  fbError: number,
  fbThreshold: number,
  residual: number,
  residualScale: number,
): number {
  const fb = Math.max(0, 1 - fbError / fbThreshold);
  return fb / (1 + residual / residualScale);
}
