/**
 * The depth overlay's State view: what each pixel of a depth map is (src-shared/depth-layout.ts) in four
 * colours (Okabe–Ito, told apart with the common colour-vision deficiencies too), brighter the surer
 * Reshoot is of it, and the share of each state in the frame.
 */
import {
  DepthState,
  depthConfidenceOf,
  depthStateOf,
  type DepthStateCode,
} from '../../../src-shared/depth-layout';

export interface DepthStateStyle {
  state: DepthStateCode;
  /** The user's word for it, as the legend shows it. */
  label: string;
  rgb: [number, number, number];
  /** What it means, for the legend's tooltip. */
  title: string;
}

/** In the legend's order. */
export const DEPTH_STATE_STYLES: readonly DepthStateStyle[] = [
  {
    state: DepthState.measured,
    label: 'measured',
    rgb: [0, 158, 115],
    title: 'Matched in the images and confirmed by another frame’s depth',
  },
  {
    state: DepthState.propagated,
    label: 'propagated',
    rgb: [240, 228, 66],
    title:
      'Not confirmed here, carried from measured depth (neighbouring frames that agree with this one’s match, or the plane of a flat patch’s rim)',
  },
  {
    state: DepthState.infinity,
    label: 'infinity',
    rgb: [86, 180, 233],
    title: 'Sky or background too far for any parallax: a direction, not a distance',
  },
  {
    state: DepthState.invalid,
    label: 'invalid',
    rgb: [213, 94, 0],
    title: 'No depth: not matched, hidden, or out of the other frames’ view',
  },
];

/** Opacity (over black) of a pixel at confidence 0 and of an invalid pixel (whose confidence is 0). */
const MIN_ALPHA = 0.3;
const INVALID_ALPHA = 0.6;

/** RGBA per state byte (the confidence in the high 6 bits sets the alpha): the pixel loop only indexes. */
const LUT: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 4);
  for (let b = 0; b < 256; b++) {
    const state = depthStateOf(b);
    const style = DEPTH_STATE_STYLES.find((s) => s.state === state)!;
    const alpha =
      state === DepthState.invalid ? INVALID_ALPHA : MIN_ALPHA + (1 - MIN_ALPHA) * depthConfidenceOf(b);
    lut.set([...style.rgb, Math.round(255 * alpha)], 4 * b);
  }
  return lut;
})();

/** Paints state bytes into RGBA pixels. Returns how many pixels are in each state (by DepthStateCode). */
export function paintDepthStates(states: Uint8Array, out: Uint8ClampedArray): Uint32Array {
  const counts = new Uint32Array(4);
  for (let i = 0, j = 0; i < states.length; i++, j += 4) {
    const b = states[i]!;
    counts[b & 3]!++;
    const k = 4 * b;
    out[j] = LUT[k]!;
    out[j + 1] = LUT[k + 1]!;
    out[j + 2] = LUT[k + 2]!;
    out[j + 3] = LUT[k + 3]!;
  }
  return counts;
}

/** Each state's share of the frame, in the legend's order: `measured 71 % · … · invalid 8 %`. */
export function depthStateShares(counts: Uint32Array): { style: DepthStateStyle; share: number }[] {
  const total = counts.reduce((a, n) => a + n, 0);
  return DEPTH_STATE_STYLES.map((style) => ({
    style,
    share: total > 0 ? counts[style.state]! / total : 0,
  }));
}

export function sharesLabel(shares: { style: DepthStateStyle; share: number }[]): string {
  return shares.map((s) => `${s.style.label} ${Math.round(100 * s.share)} %`).join(' · ');
}
