/**
 * Gaussian-like image pyramid with per-level Scharr gradients. Each level halves the previous one with
 * the separable [1 3 3 1]/8 filter centred between pixels 2i and 2i+1, so with pixel centres at +0.5 a
 * point x at level 0 is exactly x / 2^L at level L (no half-pixel drift between levels).
 */
import { createGray, type GrayImage } from './image';
import { scharrGradients, type Gradients } from './gradients';

export interface PyramidLevel {
  image: GrayImage;
  grad: Gradients;
}

export interface Pyramid {
  levels: PyramidLevel[];
}

/** Number of levels such that the coarsest side stays ≥ `minSide` pixels. */
export function pyramidDepth(width: number, height: number, maxLevels: number, minSide = 24): number {
  let n = 1;
  let w = width;
  let h = height;
  while (n < maxLevels && Math.floor(w / 2) >= minSide && Math.floor(h / 2) >= minSide) {
    w = Math.floor(w / 2);
    h = Math.floor(h / 2);
    n++;
  }
  return n;
}

/** Halves `src` into `dst` (dst size floor(w/2) × floor(h/2)); `tmp` holds the horizontal pass. */
export function downsample(src: GrayImage, dst: GrayImage, tmp: Float32Array): void {
  const { width: w, height: h, data: s } = src;
  const w2 = dst.width;
  const h2 = dst.height;
  // Horizontal pass: tmp is h × w2.
  for (let y = 0; y < h; y++) {
    const r = y * w;
    for (let i = 0; i < w2; i++) {
      const x = 2 * i;
      const a = s[r + (x > 0 ? x - 1 : 0)] as number;
      const b = s[r + x] as number;
      const c = s[r + x + 1] as number;
      const d = s[r + (x + 2 < w ? x + 2 : w - 1)] as number;
      tmp[y * w2 + i] = (a + 3 * b + 3 * c + d) * 0.125;
    }
  }
  const o = dst.data;
  for (let j = 0; j < h2; j++) {
    const y = 2 * j;
    const ra = (y > 0 ? y - 1 : 0) * w2;
    const rb = y * w2;
    const rc = (y + 1) * w2;
    const rd = (y + 2 < h ? y + 2 : h - 1) * w2;
    for (let i = 0; i < w2; i++) {
      o[j * w2 + i] =
        ((tmp[ra + i] as number) +
          3 * (tmp[rb + i] as number) +
          3 * (tmp[rc + i] as number) +
          (tmp[rd + i] as number)) *
        0.125;
    }
  }
}

/**
 * Builds (or refills, when `reuse` has the same geometry) a pyramid of `levels` levels over `base`.
 * Level 0 shares `base`'s pixels; it is not copied.
 */
export function buildPyramid(base: GrayImage, levels: number, reuse?: Pyramid): Pyramid {
  const fits =
    reuse &&
    reuse.levels.length === levels &&
    reuse.levels[0]?.image.width === base.width &&
    reuse.levels[0]?.image.height === base.height;
  const out: Pyramid = fits ? reuse : { levels: [] };
  let tmp: Float32Array | null = null;
  for (let l = 0; l < levels; l++) {
    let level = out.levels[l];
    if (l === 0) {
      if (!level) {
        level = { image: base, grad: scharrGradients(base) };
        out.levels.push(level);
      } else {
        level.image = base;
        scharrGradients(base, level.grad);
      }
      continue;
    }
    const prev = out.levels[l - 1] as PyramidLevel;
    const w2 = Math.floor(prev.image.width / 2);
    const h2 = Math.floor(prev.image.height / 2);
    if (!tmp || tmp.length < prev.image.height * w2) tmp = new Float32Array(prev.image.height * w2);
    if (!level) {
      const image = createGray(w2, h2);
      downsample(prev.image, image, tmp);
      out.levels.push({ image, grad: scharrGradients(image) });
    } else {
      downsample(prev.image, level.image, tmp);
      scharrGradients(level.image, level.grad);
    }
  }
  return out;
}
