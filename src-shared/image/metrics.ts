/**
 * Picture quality of a render against a reference frame, over the pixels a mask selects: PSNR and SSIM.
 * Pure and allocation-light (typed arrays, a few rows of scratch), so that a 1080p frame scores in well
 * under a second in either process.
 *
 * Pictures are interleaved samples, rows top to bottom (grey, RGB or RGBA); a mask holds one byte a pixel
 * (≠ 0: the pixel counts) or is null for every pixel. With 4 channels the fourth (alpha) is not scored.
 */

/** Samples of a picture; integers for 8/16-bit pictures, any scale for float ones (see {@link ImageLayout.peak}). */
export type Samples = Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array | Float64Array;

export interface ImageLayout {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  /** The largest sample value, e.g. 255 for 8-bit, 65535 for 16-bit, 1 for normalised floats. */
  peak: number;
}

export interface PsnrResult {
  /** 10·log10(peak² / mse) in dB; Infinity where the pictures agree; NaN where the mask selects no pixel. */
  psnr: number;
  /** Mean squared difference over the selected pixels and their colour channels. */
  mse: number;
  /** Pixels the mask selected. */
  pixels: number;
}

export interface SsimResult {
  /** Mean SSIM over the windows whose centre the mask selects, in [-1, 1]; NaN where there is none. */
  ssim: number;
  /** How many windows were averaged. */
  windows: number;
}

/**
 * PSNR over the pixels where `mask` ≠ 0: one mean squared error over every colour sample of those pixels
 * (not a mean of per-channel PSNRs), as OpenCV's `cv2.PSNR` computes it over a whole picture.
 */
export function maskedPsnr(a: Samples, b: Samples, mask: Uint8Array | null, layout: ImageLayout): PsnrResult {
  checkInputs(a, b, mask, layout);
  const { width, height, channels, peak } = layout;
  const colours = Math.min(channels, 3);
  let sum = 0;
  let pixels = 0;
  for (let p = 0, n = width * height; p < n; p++) {
    if (mask && mask[p] === 0) continue;
    pixels++;
    const i = p * channels;
    for (let c = 0; c < colours; c++) {
      const d = a[i + c]! - b[i + c]!;
      sum += d * d;
    }
  }
  if (pixels === 0) return { psnr: NaN, mse: NaN, pixels: 0 };
  const mse = sum / (pixels * colours);
  return { psnr: mse === 0 ? Infinity : 10 * Math.log10((peak * peak) / mse), mse, pixels };
}

/** Side of the SSIM window, and its Gaussian's σ in pixels (Wang et al. 2004, §III-C). */
export const SSIM_WINDOW = 11;
export const SSIM_SIGMA = 1.5;
const K1 = 0.01;
const K2 = 0.03;
const R = (SSIM_WINDOW - 1) / 2;

/** BT.709 luma weights of R, G and B. */
export const LUMA_709 = [0.2126, 0.7152, 0.0722] as const;

/**
 * SSIM (Wang, Bovik, Sheikh and Simoncelli 2004) of the luma of `a` against that of `b`, averaged over the
 * windows centred on pixels where `mask` ≠ 0. Exactly:
 * - luma Y = 0.2126 R + 0.7152 G + 0.0722 B (BT.709 weights on the samples as they are, no linearisation);
 *   a grey picture is its own luma; L = `peak`, C1 = (0.01 L)², C2 = (0.03 L)²;
 * - local means, variances and covariance under an 11×11 Gaussian window, σ = 1.5, weights summing to 1
 *   (`cv2.getGaussianKernel(11, 1.5)` in each direction); σ² = E[Y²] − E[Y]², σ_ab = E[ab] − E[a]E[b];
 * - SSIM = (2 μa μb + C1)(2 σab + C2) / ((μa² + μb² + C1)(σa² + σb² + C2)) per window;
 * - only windows wholly inside the picture: centres at least 5 pixels from every edge (the 'valid' part,
 *   as in the authors' MATLAB `ssim_index`), so no border rule (reflection, zeros) enters the score, and a
 *   picture under 11 pixels a side has no window. Pixels near the edge still count inside other windows.
 * This equals `cv2.GaussianBlur(·, (11, 11), 1.5)` on float64 luma, maps cropped by 5 pixels a side, then
 * the mean of the SSIM map over the mask (tests/integration/image/metrics-opencv.test.ts checks it).
 */
export function maskedSsim(a: Samples, b: Samples, mask: Uint8Array | null, layout: ImageLayout): SsimResult {
  checkInputs(a, b, mask, layout);
  const { width: w, height: h, channels, peak } = layout;
  const c1 = (K1 * peak) ** 2;
  const c2 = (K2 * peak) ** 2;
  const ow = w - 2 * R; // columns of window centres
  if (ow < 1 || h < SSIM_WINDOW) return { ssim: NaN, windows: 0 };

  const g = gaussianWeights(SSIM_WINDOW, SSIM_SIGMA);
  const [g0, g1, g2, g3, g4, g5] = [g[5]!, g[4]!, g[3]!, g[2]!, g[1]!, g[0]!];
  // Horizontally filtered rows of E[a], E[b], E[a²], E[b²], E[ab]: a ring of the last 11 rows, each of the
  // five quantities in its own block.
  const ring = new Float64Array(5 * SSIM_WINDOW * ow);
  const block = SSIM_WINDOW * ow;
  const ya = new Float64Array(w);
  const yb = new Float64Array(w);
  const q = [
    new Float64Array(w),
    new Float64Array(w),
    new Float64Array(w),
    new Float64Array(w),
    new Float64Array(w),
  ];
  const rowOf = new Int32Array(SSIM_WINDOW);
  const rowNeeded = rowsNeeded(mask, w, h);

  let sum = 0;
  let windows = 0;
  for (let y = 0; y < h; y++) {
    const cy = y - R; // the centre row whose windows are complete once row y is in
    // A row is filtered only when some window that needs it has its centre in the mask.
    if (!rowNeeded[y]) continue;
    lumaRow(a, y, w, channels, ya);
    lumaRow(b, y, w, channels, yb);
    const [qa, qb, qaa, qbb, qab] = q as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    for (let x = 0; x < w; x++) {
      const va = ya[x]!;
      const vb = yb[x]!;
      qa[x] = va;
      qb[x] = vb;
      qaa[x] = va * va;
      qbb[x] = vb * vb;
      qab[x] = va * vb;
    }
    const slot = (y % SSIM_WINDOW) * ow;
    for (let k = 0; k < 5; k++) {
      const src = q[k]!;
      const dst = k * block + slot;
      // The window is symmetric: pair the taps either side of the centre.
      for (let x = 0; x < ow; x++) {
        const c = x + R;
        ring[dst + x] =
          g0 * src[c]! +
          g1 * (src[c - 1]! + src[c + 1]!) +
          g2 * (src[c - 2]! + src[c + 2]!) +
          g3 * (src[c - 3]! + src[c + 3]!) +
          g4 * (src[c - 4]! + src[c + 4]!) +
          g5 * (src[c - 5]! + src[c + 5]!);
      }
    }
    if (cy < R || cy >= h - R) continue;
    for (let k = 0; k < SSIM_WINDOW; k++) rowOf[k] = ((cy - R + k) % SSIM_WINDOW) * ow;
    const maskRow = cy * w + R;
    for (let x = 0; x < ow; x++) {
      if (mask && mask[maskRow + x] === 0) continue;
      let ma = 0;
      let mb = 0;
      let maa = 0;
      let mbb = 0;
      let mab = 0;
      for (let k = 0; k < SSIM_WINDOW; k++) {
        const wk = g[k]!;
        const i = rowOf[k]! + x;
        ma += wk * ring[i]!;
        mb += wk * ring[block + i]!;
        maa += wk * ring[2 * block + i]!;
        mbb += wk * ring[3 * block + i]!;
        mab += wk * ring[4 * block + i]!;
      }
      const va = maa - ma * ma;
      const vb = mbb - mb * mb;
      const cov = mab - ma * mb;
      sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      windows++;
    }
  }
  return { ssim: windows > 0 ? sum / windows : NaN, windows };
}

/** Normalised 1-D Gaussian weights (the SSIM window is their outer product). */
function gaussianWeights(size: number, sigma: number): Float64Array {
  const r = (size - 1) / 2;
  const g = new Float64Array(size);
  let total = 0;
  for (let i = 0; i < size; i++) total += g[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < size; i++) g[i]! /= total;
  return g;
}

/** Per row: whether it lies in a window whose centre (at least R pixels from every edge) the mask selects. */
function rowsNeeded(mask: Uint8Array | null, w: number, h: number): Uint8Array {
  const needed = new Uint8Array(h);
  for (let cy = R; cy < h - R; cy++) {
    let any = !mask;
    for (let i = cy * w + R, end = cy * w + w - R; !any && i < end; i++) any = mask![i] !== 0;
    if (any) needed.fill(1, cy - R, cy + R + 1);
  }
  return needed;
}

function lumaRow(src: Samples, y: number, w: number, channels: 1 | 3 | 4, out: Float64Array): void {
  const i0 = y * w * channels;
  if (channels === 1) {
    for (let x = 0; x < w; x++) out[x] = src[i0 + x]!;
    return;
  }
  const [wr, wg, wb] = LUMA_709;
  for (let x = 0, i = i0; x < w; x++, i += channels)
    out[x] = wr * src[i]! + wg * src[i + 1]! + wb * src[i + 2]!;
}

function checkInputs(a: Samples, b: Samples, mask: Uint8Array | null, layout: ImageLayout): void {
  const { width, height, channels, peak } = layout;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1)
    throw new RangeError(`Picture size must be whole numbers ≥ 1, not ${width}×${height}`);
  if (channels !== 1 && channels !== 3 && channels !== 4)
    throw new RangeError(`Channels must be 1, 3 or 4, not ${String(channels)}`);
  if (!(peak > 0) || !Number.isFinite(peak))
    throw new RangeError(`Peak must be a positive number, not ${peak}`);
  const n = width * height * channels;
  if (a.length !== n || b.length !== n)
    throw new RangeError(
      `A ${width}×${height} picture with ${channels} channel(s) has ${n} samples; got ${a.length} and ${b.length}`,
    );
  if (mask && mask.length !== width * height)
    throw new RangeError(`The mask must have one byte per pixel (${width * height}), not ${mask.length}`);
}
