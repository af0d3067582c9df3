/**
 * False colour for depth. Turbo (Google's perceptual rainbow, here its published polynomial fit) over
 * inverse depth between the shot's near and far: near is warm (red), far is cool (blue). Inverse depth
 * spends the colours where a camera sees detail — a linear ramp would paint everything beyond the
 * foreground the same blue. Turbo's darkest ends are left out (the scale runs over 0.08–0.96 of it) so
 * that far depth never reads as the black of invalid pixels.
 */
import { DepthState } from '../../../src-shared/depth-layout';

/** Turbo at t ∈ [0,1] as 0–255 RGB (Mikhailov 2019, polynomial approximation). */
export function turbo(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  const x2 = x * x;
  const x3 = x2 * x;
  const x4 = x3 * x;
  const x5 = x4 * x;
  const r =
    0.13572138 + 4.6153926 * x - 42.66032258 * x2 + 132.13108234 * x3 - 152.94239396 * x4 + 59.28637943 * x5;
  const g =
    0.09140261 + 2.19418839 * x + 4.84296658 * x2 - 14.18503333 * x3 + 4.27729857 * x4 + 2.82956604 * x5;
  const b =
    0.1066733 + 12.64194608 * x - 60.58204836 * x2 + 110.36276771 * x3 - 89.90310912 * x4 + 27.34824973 * x5;
  const c = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)));
  return [c(r), c(g), c(b)];
}

const TURBO_LO = 0.08;
const TURBO_HI = 0.96;

/** The depth scale's colour at t ∈ [0,1] (0 far, 1 near). */
export function scaleColour(t: number): [number, number, number] {
  return turbo(TURBO_LO + Math.min(1, Math.max(0, t)) * (TURBO_HI - TURBO_LO));
}

/** 256 entries of the scale, RGB interleaved: the per-pixel loop only indexes. */
const LUT: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(scaleColour(i / 255), 3 * i);
  return lut;
})();

/** Where depth `z` sits on the colour scale: 1 at near (warm), 0 at far (cool), clamped. */
export function depthToT(z: number, near: number, far: number): number {
  const inv = 1 / z;
  const a = 1 / far;
  const b = 1 / near;
  return b > a ? Math.min(1, Math.max(0, (inv - a) / (b - a))) : 0.5;
}

/** The depth at position t of the scale (the inverse of `depthToT`), for the legend's ticks. */
export function tToDepth(t: number, near: number, far: number): number {
  return 1 / (1 / far + t * (1 / near - 1 / far));
}

/** Propagated pixels (not matched in the frame itself) are darkened, more so on every fourth diagonal. */
const PROPAGATED_DIM = 0.75;
const PROPAGATED_HATCH = 0.4;

/**
 * Paints a planar-z depth map (0 or non-finite = invalid) into RGBA pixels; invalid pixels are left
 * transparent. With the map's state bytes (and its width), propagated pixels are dimmed and hatched
 * with diagonal stripes, so that they read apart from measured ones. Returns how many pixels were valid.
 */
export function paintDepth(
  depth: Float32Array,
  near: number,
  far: number,
  out: Uint8ClampedArray,
  states?: { state: Uint8Array; width: number },
): number {
  const a = 1 / far;
  const span = 1 / near - a;
  const scale = span > 0 ? 255 / span : 0;
  const st = states?.state;
  const W = states?.width ?? 1;
  let valid = 0;
  for (let i = 0, j = 0; i < depth.length; i++, j += 4) {
    const z = depth[i]!;
    if (!(z > 0) || !Number.isFinite(z)) {
      out[j + 3] = 0;
      continue;
    }
    valid++;
    const k = 3 * Math.min(255, Math.max(0, Math.round((1 / z - a) * scale)));
    if (st && (st[i]! & 3) === DepthState.propagated) {
      const x = i % W;
      const f = ((x + (i - x) / W) & 3) === 0 ? PROPAGATED_HATCH : PROPAGATED_DIM;
      out[j] = LUT[k]! * f;
      out[j + 1] = LUT[k + 1]! * f;
      out[j + 2] = LUT[k + 2]! * f;
    } else {
      out[j] = LUT[k]!;
      out[j + 1] = LUT[k + 1]!;
      out[j + 2] = LUT[k + 2]!;
    }
    out[j + 3] = 255;
  }
  return valid;
}

/** A CSS gradient of the scale, far (left, cool) to near (right, warm). */
export function legendGradient(stops = 16): string {
  const parts: string[] = [];
  for (let i = 0; i <= stops; i++) {
    const [r, g, b] = scaleColour(i / stops);
    parts.push(`rgb(${r} ${g} ${b}) ${((100 * i) / stops).toFixed(1)}%`);
  }
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

/** A depth in scene units, short: `2.00`, `12.5`, `340`. */
export function depthLabel(z: number): string {
  if (!Number.isFinite(z)) return '—';
  const a = Math.abs(z);
  return a >= 100 ? z.toFixed(0) : a >= 10 ? z.toFixed(1) : z.toFixed(2);
}
