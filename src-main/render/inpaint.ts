/**
 * Classical hole filling for a render (issue 14 item 1, "--fill inpaint"): push–pull interpolation. The
 * seen pixels are averaged down a pyramid (each level halves the size, weights saturating at 1), then
 * pulled back up: a hole takes the colour of the coarsest level that has something there, blended with
 * what finer levels know near its rim. Smooth, never invents texture, and fast (linear in the pixels).
 * Only empty pixels change; they become MASK_FILLED, so the mask still tells invented from seen.
 */
import { MASK_EMPTY, MASK_FILLED } from './reproject';

interface Level {
  w: number;
  h: number;
  /** Weighted colour (premultiplied by the weight) and the weight, per pixel. */
  c: Float32Array;
  a: Float32Array;
}

/** Fills the empty pixels of `colour` (RGB, 16 bits) in place; returns how many were filled. */
export function inpaintHoles(colour: Uint16Array, mask: Uint8Array, width: number, height: number): number {
  const n = width * height;
  let holes = 0;
  for (let p = 0; p < n; p++) if (mask[p] === MASK_EMPTY) holes++;
  const known = n - holes;
  if (holes === 0 || known === 0) return 0;
  const base: Level = { w: width, h: height, c: new Float32Array(n * 3), a: new Float32Array(n) };
  for (let p = 0; p < n; p++)
    if (mask[p] !== MASK_EMPTY) {
      base.a[p] = 1;
      base.c[3 * p] = colour[3 * p]!;
      base.c[3 * p + 1] = colour[3 * p + 1]!;
      base.c[3 * p + 2] = colour[3 * p + 2]!;
    }
  // push: average down (premultiplied), weights clamped to 1
  const levels: Level[] = [base];
  while (levels.at(-1)!.w > 1 || levels.at(-1)!.h > 1) {
    const f = levels.at(-1)!;
    const w = Math.max(1, Math.ceil(f.w / 2)),
      h = Math.max(1, Math.ceil(f.h / 2));
    const c = new Float32Array(w * h * 3),
      a = new Float32Array(w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let sa = 0,
          s0 = 0,
          s1 = 0,
          s2 = 0;
        for (let dy = 0; dy < 2; dy++) {
          const yy = 2 * y + dy;
          if (yy >= f.h) continue;
          for (let dx = 0; dx < 2; dx++) {
            const xx = 2 * x + dx;
            if (xx >= f.w) continue;
            const q = yy * f.w + xx;
            sa += f.a[q]!;
            s0 += f.c[3 * q]!;
            s1 += f.c[3 * q + 1]!;
            s2 += f.c[3 * q + 2]!;
          }
        }
        const p = y * w + x;
        if (sa > 0) {
          // keep the colour normalised to a weight of at most 1
          const k = sa > 1 ? 1 / sa : 1;
          a[p] = sa > 1 ? 1 : sa;
          c[3 * p] = s0 * k;
          c[3 * p + 1] = s1 * k;
          c[3 * p + 2] = s2 * k;
        }
      }
    levels.push({ w, h, c, a });
  }
  // pull: each level's missing weight is taken from the (bilinearly) upsampled coarser level
  for (let l = levels.length - 2; l >= 0; l--) {
    const f = levels[l]!,
      g = levels[l + 1]!;
    for (let y = 0; y < f.h; y++) {
      const gy = Math.min(g.h - 1, Math.max(0, (y + 0.5) / 2 - 0.5));
      const y0 = Math.floor(gy),
        y1 = Math.min(g.h - 1, y0 + 1),
        ty = gy - y0;
      for (let x = 0; x < f.w; x++) {
        const p = y * f.w + x;
        const a = f.a[p]!;
        if (a >= 1) continue;
        const gx = Math.min(g.w - 1, Math.max(0, (x + 0.5) / 2 - 0.5));
        const x0 = Math.floor(gx),
          x1 = Math.min(g.w - 1, x0 + 1),
          tx = gx - x0;
        const w00 = (1 - tx) * (1 - ty),
          w01 = tx * (1 - ty),
          w10 = (1 - tx) * ty,
          w11 = tx * ty;
        const q00 = y0 * g.w + x0,
          q01 = y0 * g.w + x1,
          q10 = y1 * g.w + x0,
          q11 = y1 * g.w + x1;
        const ga = w00 * g.a[q00]! + w01 * g.a[q01]! + w10 * g.a[q10]! + w11 * g.a[q11]!;
        if (!(ga > 0)) continue;
        const k = (1 - a) / ga;
        for (let ch = 0; ch < 3; ch++)
          f.c[3 * p + ch] =
            f.c[3 * p + ch]! +
            k *
              (w00 * g.c[3 * q00 + ch]! +
                w01 * g.c[3 * q01 + ch]! +
                w10 * g.c[3 * q10 + ch]! +
                w11 * g.c[3 * q11 + ch]!);
        f.a[p] = 1;
      }
    }
  }
  let filled = 0;
  for (let p = 0; p < n; p++)
    if (mask[p] === MASK_EMPTY && base.a[p]! > 0) {
      const k = 1 / base.a[p]!;
      for (let ch = 0; ch < 3; ch++)
        colour[3 * p + ch] = Math.min(65535, Math.max(0, Math.round(base.c[3 * p + ch]! * k)));
      mask[p] = MASK_FILLED;
      filled++;
    }
  return filled;
}
