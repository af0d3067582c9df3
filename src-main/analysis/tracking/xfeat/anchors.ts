/**
 * Anchored windows for the XFeat tracker: each track keeps the window it had when it was anchored (its
 * birth, or the last re-anchoring) and is aligned to it in every new frame with an inverse-compositional
 * affine Lucas–Kanade (Baker & Matthews), brightness and contrast projected out — the fit of
 * template-bank.ts (KLT's), arranged for speed:
 * - Only every other pixel of the window in each direction takes part (`stride`; the frame is smoothed,
 *   so little is lost — on the gt shots the error is no worse). Each keeps its offset, template value
 *   and gradient.
 * - The brightness/contrast projection is applied to the six gradient sums (two extra sums per pixel)
 *   rather than to the error image (three passes): the same arithmetic, since the error image's
 *   projection equals the warped window's (the template lies in the projected-out subspace).
 * - Sampling and the sums are one pass, reading the lazily smoothed frame.
 *
 * Slots are flat typed arrays; a slot's data is exported whole (f64) for the lost list and snapshots.
 */
import type { SmoothedFrame } from './smooth';
import { invert6 } from '../template-bank';

export interface AnchorOptions {
  /** Window half-size (window is 2·half+1 square). */
  halfWindow: number;
  /**
   * Use every `stride`-th pixel of the window in both directions (the frame is smoothed with σ = 1, so
   * every other pixel keeps nearly all of the window's information at a quarter of the cost).
   */
  stride: number;
  maxIterations: number;
  /** Converged when the centre moves less than this (pixels). */
  epsilon: number;
  /** A window anchors only if the smaller eigenvalue of its mean (projected) structure tensor reaches this. */
  minEigenvalue: number;
  /** Give up when the centre has moved more than this (pixels, per axis) from the start. */
  maxMove: number;
}

export const DEFAULT_ANCHOR_OPTIONS: AnchorOptions = {
  halfWindow: 7,
  stride: 2,
  maxIterations: 8,
  epsilon: 0.02,
  minEigenvalue: 1,
  maxMove: 8,
};

export interface AlignResult {
  ok: boolean;
  x: number;
  y: number;
  /** Mean absolute error after brightness and contrast are matched (intensity levels). */
  residual: number;
  iterations: number;
}

/** Per used pixel (f32): normalised centred template value A1; template gradient x, y (offsets: shared). */
const PER_PIXEL = 3;
/** Per slot (f64): affine part a11 a12 a21 a22; c0 = Σ SD (6); c1 = Σ SD·A1 (6); H⁻¹ (36). */
const TAIL_C0 = 4;
const TAIL_C1 = 10;
const TAIL_HINV = 16;
const SLOT_TAIL = 52;

export class AnchorBank {
  readonly options: AnchorOptions;
  /** Pixels per window used in the fit. */
  readonly k: number;
  private readonly half: number;
  private readonly side: number;
  private readonly n: number;
  private capacity = 0;
  private pix = new Float32Array(0);
  private tail = new Float64Array(0);
  private readonly patch: Float32Array;
  /** A window being anchored (committed to its slot only when it can anchor). */
  private readonly next: Float32Array;
  /** Window pixels used (row-major indices into the window), and their offsets from its centre. */
  private readonly used: Int32Array;
  private readonly du: Float64Array;
  private readonly dv: Float64Array;
  private readonly h = new Float64Array(36);
  private readonly hi = new Float64Array(36);
  private readonly c0 = new Float64Array(6);
  private readonly c1 = new Float64Array(6);
  private readonly sd = new Float64Array(6);
  private readonly win: Float64Array;

  constructor(options: Partial<AnchorOptions> = {}) {
    this.options = { ...DEFAULT_ANCHOR_OPTIONS, ...options };
    this.half = this.options.halfWindow;
    this.side = 2 * this.half + 1;
    this.n = this.side * this.side;
    const stride = Math.max(1, Math.floor(this.options.stride));
    const offs: number[] = [];
    for (let v = 0; v < this.side; v += stride)
      for (let u = 0; u < this.side; u += stride) offs.push(v * this.side + u);
    this.k = offs.length;
    this.used = Int32Array.from(offs);
    this.du = Float64Array.from(offs, (i) => (i % this.side) - this.half);
    this.dv = Float64Array.from(offs, (i) => ((i / this.side) | 0) - this.half);
    this.patch = new Float32Array((this.side + 2) ** 2);
    this.win = new Float64Array(this.n);
    this.next = new Float32Array(PER_PIXEL * this.k);
  }

  /** Values one exported slot holds. */
  get slotSize(): number {
    return PER_PIXEL * this.k + SLOT_TAIL;
  }

  reserve(slots: number): void {
    if (slots <= this.capacity) return;
    const cap = Math.max(slots, this.capacity * 2);
    const p = new Float32Array(cap * PER_PIXEL * this.k);
    p.set(this.pix);
    this.pix = p;
    const t = new Float64Array(cap * SLOT_TAIL);
    t.set(this.tail);
    this.tail = t;
    this.capacity = cap;
  }

  move(from: number, to: number): void {
    if (from === to) return;
    const m = PER_PIXEL * this.k;
    this.pix.copyWithin(to * m, from * m, from * m + m);
    this.tail.copyWithin(to * SLOT_TAIL, from * SLOT_TAIL, from * SLOT_TAIL + SLOT_TAIL);
  }

  exportSlot(slot: number, out: Float64Array, at = 0): void {
    const m = PER_PIXEL * this.k;
    out.set(this.pix.subarray(slot * m, slot * m + m), at);
    out.set(this.tail.subarray(slot * SLOT_TAIL, slot * SLOT_TAIL + SLOT_TAIL), at + m);
  }

  importSlot(slot: number, data: Float64Array, at = 0): void {
    this.reserve(slot + 1);
    const m = PER_PIXEL * this.k;
    this.pix.set(data.subarray(at, at + m), slot * m);
    this.tail.set(data.subarray(at + m, at + m + SLOT_TAIL), slot * SLOT_TAIL);
  }

  /** Slots 0…count−1 (exact), for a snapshot. */
  state(count: number): [Float32Array, Float64Array] {
    return [this.pix.subarray(0, count * PER_PIXEL * this.k), this.tail.subarray(0, count * SLOT_TAIL)];
  }

  /** Restores what {@link state} gave; returns the slot count (throws when the arrays disagree). */
  setState(pix: Float32Array, tail: Float64Array): number {
    const count = tail.length / SLOT_TAIL;
    if (!Number.isInteger(count) || pix.length !== count * PER_PIXEL * this.k)
      throw new Error('Tracker state: anchored windows do not match their count');
    this.reserve(count);
    this.pix.set(pix);
    this.tail.set(tail);
    return count;
  }

  /** Largest absolute entry of slot's affine part minus the identity (how far its window has changed shape). */
  distortion(slot: number): number {
    const t = slot * SLOT_TAIL;
    const tail = this.tail;
    return Math.max(
      Math.abs((tail[t] as number) - 1),
      Math.abs(tail[t + 1] as number),
      Math.abs(tail[t + 2] as number),
      Math.abs((tail[t + 3] as number) - 1),
    );
  }

  /**
   * Takes the window around (x, y) of the smoothed frame as slot's template (gradients: Scharr on the
   * smoothed pixels). False when it cannot anchor an affine fit (too little texture, singular Hessian);
   * the slot is then left as it was.
   */
  anchor(slot: number, frame: SmoothedFrame, x: number, y: number): boolean {
    this.reserve(slot + 1);
    const { half, side, k } = this;
    const ps = side + 2;
    samplePatch(frame, x, y, half + 1, this.patch);
    const P = this.patch;
    const next = this.next;
    const used = this.used;
    // Template and Scharr gradients at the pixels used (f32, as the slot stores them).
    let mt = 0;
    for (let q = 0, o = 0; q < k; q++, o += PER_PIXEL) {
      const i = used[q] as number;
      const c = (((i / side) | 0) + 1) * ps + (i % side) + 1;
      const ul = P[c - ps - 1] as number;
      const uc = P[c - ps] as number;
      const ur = P[c - ps + 1] as number;
      const dl = P[c + ps - 1] as number;
      const dc = P[c + ps] as number;
      const dr = P[c + ps + 1] as number;
      next[o] = P[c] as number;
      next[o + 1] = (3 * (ur - ul) + 10 * ((P[c + 1] as number) - (P[c - 1] as number)) + 3 * (dr - dl)) / 32;
      next[o + 2] = (3 * (dl - ul) + 10 * (dc - uc) + 3 * (dr - ur)) / 32;
      mt += P[c] as number;
    }
    mt /= k;
    let tt = 0;
    for (let o = 0; o < PER_PIXEL * k; o += PER_PIXEL) tt += ((next[o] as number) - mt) ** 2;
    const inv = tt > 1e-9 ? 1 / Math.sqrt(tt) : 0;
    // Hessian of the steepest-descent images (a11−1, a21, a12, a22−1, tx, ty) with the appearance
    // subspace {1/√k, A1} projected out: H − c0c0ᵀ/k − c1c1ᵀ. A1 = (T − T̄)/‖T − T̄‖ replaces T.
    const H = this.h;
    const c0 = this.c0;
    const c1 = this.c1;
    const sd = this.sd;
    H.fill(0);
    c0.fill(0);
    c1.fill(0);
    const du = this.du;
    const dv = this.dv;
    for (let q = 0, o = 0; q < k; q++, o += PER_PIXEL) {
      next[o] = ((next[o] as number) - mt) * inv;
      const u = du[q] as number;
      const v = dv[q] as number;
      const af = next[o] as number;
      const gx = next[o + 1] as number;
      const gy = next[o + 2] as number;
      sd[0] = gx * u;
      sd[1] = gy * u;
      sd[2] = gx * v;
      sd[3] = gy * v;
      sd[4] = gx;
      sd[5] = gy;
      for (let r = 0; r < 6; r++) {
        const sr = sd[r] as number;
        c0[r] = (c0[r] as number) + sr;
        c1[r] = (c1[r] as number) + sr * af;
        for (let c = r; c < 6; c++) H[r * 6 + c] = (H[r * 6 + c] as number) + sr * (sd[c] as number);
      }
    }
    for (let r = 0; r < 6; r++)
      for (let c = r; c < 6; c++) {
        const v =
          (H[r * 6 + c] as number) -
          ((c0[r] as number) * (c0[c] as number)) / k -
          (c1[r] as number) * (c1[c] as number);
        H[r * 6 + c] = v;
        H[c * 6 + r] = v;
      }
    // Trackability (translation block, per pixel used, as KLT's test).
    const a = (H[28] as number) / k;
    const b = (H[29] as number) / k;
    const c = (H[35] as number) / k;
    if ((a + c - Math.sqrt((a - c) * (a - c) + 4 * b * b)) / 2 < this.options.minEigenvalue) return false;
    if (!invert6(H, this.hi, AUG)) return false;
    this.pix.set(next, slot * PER_PIXEL * k);
    const t = slot * SLOT_TAIL;
    const tail = this.tail;
    tail[t] = 1;
    tail[t + 1] = 0;
    tail[t + 2] = 0;
    tail[t + 3] = 1;
    tail.set(c0, t + TAIL_C0);
    tail.set(c1, t + TAIL_C1);
    tail.set(this.hi, t + TAIL_HINV);
    return true;
  }

  /**
   * Aligns slot's window to the smoothed frame starting at (x, y) with the slot's last affine part.
   * On success the slot's affine part is updated. The residual is that of the last iteration's window
   * (the final update moved it by less than `epsilon`, or 0.05 px after `maxIterations`).
   */
  align(slot: number, frame: SmoothedFrame, x: number, y: number, out: AlignResult): void {
    const k = this.k;
    const half = this.half;
    const base = slot * PER_PIXEL * k;
    const end = base + PER_PIXEL * k;
    const t = slot * SLOT_TAIL;
    const tail = this.tail;
    const pix = this.pix;
    const win = this.win;
    const du = this.du;
    const dv = this.dv;
    let a11 = tail[t] as number;
    let a12 = tail[t + 1] as number;
    let a21 = tail[t + 2] as number;
    let a22 = tail[t + 3] as number;
    const invK = 1 / k;
    let tx = x;
    let ty = y;
    let ok = false;
    let lastStep = Infinity;
    let it = 0;
    const maxIt = this.options.maxIterations;
    const eps = this.options.epsilon;
    const maxMove = this.options.maxMove;
    const w = frame.width;
    const hgt = frame.height;
    const data = frame.data;
    let sw = 0;
    let sa = 0;
    while (it < maxIt) {
      // The window (pixel-index space: centre − 0.5) must lie inside the frame.
      const cx = tx - 0.5;
      const cy = ty - 0.5;
      const ex = (Math.abs(a11) + Math.abs(a12)) * half;
      const ey = (Math.abs(a21) + Math.abs(a22)) * half;
      if (!(cx - ex >= 0 && cy - ey >= 0 && cx + ex < w - 1 && cy + ey < hgt - 1)) break;
      frame.ensure((cx - ex) | 0, (cy - ey) | 0, ((cx + ex) | 0) + 1, ((cy + ey) | 0) + 1);
      sw = 0;
      sa = 0;
      let g0 = 0;
      let g1 = 0;
      let g2 = 0;
      let g3 = 0;
      let g4 = 0;
      let g5 = 0;
      for (let o = base, q = 0; o < end; o += PER_PIXEL, q++) {
        const u = du[q] as number;
        const v = dv[q] as number;
        const px = cx + a11 * u + a12 * v;
        const py = cy + a21 * u + a22 * v;
        const xi = px | 0;
        const yi = py | 0;
        const fx = px - xi;
        const fy = py - yi;
        const p = yi * w + xi;
        const a = data[p] as number;
        const b = data[p + 1] as number;
        const c = data[p + w] as number;
        const val = a + fx * (b - a) + fy * (c - a + fx * ((data[p + w + 1] as number) - c - b + a));
        win[q] = val;
        sw += val;
        sa += val * (pix[o] as number);
        const gx = (pix[o + 1] as number) * val;
        const gy = (pix[o + 2] as number) * val;
        g0 += gx * u;
        g1 += gy * u;
        g2 += gx * v;
        g3 += gy * v;
        g4 += gx;
        g5 += gy;
      }
      it++;
      // Projected gradient: Σ SD_r · (window with brightness and contrast taken out).
      const mw = sw * invK;
      g0 -= (tail[t + 4] as number) * mw + (tail[t + 10] as number) * sa;
      g1 -= (tail[t + 5] as number) * mw + (tail[t + 11] as number) * sa;
      g2 -= (tail[t + 6] as number) * mw + (tail[t + 12] as number) * sa;
      g3 -= (tail[t + 7] as number) * mw + (tail[t + 13] as number) * sa;
      g4 -= (tail[t + 8] as number) * mw + (tail[t + 14] as number) * sa;
      g5 -= (tail[t + 9] as number) * mw + (tail[t + 15] as number) * sa;
      // dp = H⁻¹ g (the projected error image equals the projected window, so g is the usual one).
      const h = t + TAIL_HINV;
      const d0 = hrow(tail, h, g0, g1, g2, g3, g4, g5);
      const d1 = hrow(tail, h + 6, g0, g1, g2, g3, g4, g5);
      const d2 = hrow(tail, h + 12, g0, g1, g2, g3, g4, g5);
      const d3 = hrow(tail, h + 18, g0, g1, g2, g3, g4, g5);
      const d4 = hrow(tail, h + 24, g0, g1, g2, g3, g4, g5);
      const d5 = hrow(tail, h + 30, g0, g1, g2, g3, g4, g5);
      // Inverse composition: W ← W ∘ ΔW⁻¹. ΔW = [[1+d0, d2],[d1, 1+d3]], t = (d4, d5).
      const e11 = 1 + d0;
      const e12 = d2;
      const e21 = d1;
      const e22 = 1 + d3;
      const det = e11 * e22 - e12 * e21;
      if (!(Math.abs(det) > 1e-6)) break;
      const i11 = e22 / det;
      const i12 = -e12 / det;
      const i21 = -e21 / det;
      const i22 = e11 / det;
      const itx = -(i11 * d4 + i12 * d5);
      const ity = -(i21 * d4 + i22 * d5);
      const n11 = a11 * i11 + a12 * i21;
      const n12 = a11 * i12 + a12 * i22;
      const n21 = a21 * i11 + a22 * i21;
      const n22 = a21 * i12 + a22 * i22;
      const ntx = tx + a11 * itx + a12 * ity;
      const nty = ty + a21 * itx + a22 * ity;
      const sx = ntx - tx;
      const sy = nty - ty;
      lastStep = Math.sqrt(sx * sx + sy * sy);
      a11 = n11;
      a12 = n12;
      a21 = n21;
      a22 = n22;
      tx = ntx;
      ty = nty;
      if (!Number.isFinite(tx) || !Number.isFinite(ty)) break;
      // Wandered off: the caller's gate would reject it anyway.
      if (Math.abs(tx - x) > maxMove || Math.abs(ty - y) > maxMove) break;
      if (lastStep < eps) {
        ok = true;
        break;
      }
    }
    // Out of iterations: slow convergence (oscillating within a few hundredths of a pixel) still counts.
    if (!ok && it === maxIt && lastStep < 0.05 && Number.isFinite(tx) && Number.isFinite(ty)) ok = true;
    // Too distorted to be the same window.
    const dt = a11 * a22 - a12 * a21;
    if (ok && !(dt > 0.5 && dt < 2 && Math.abs(a12) < 0.5 && Math.abs(a21) < 0.5)) ok = false;
    let res = Infinity;
    if (ok) {
      const mw = sw * invK;
      let s2 = 0;
      for (let o = base, q = 0; q < k; o += PER_PIXEL, q++)
        s2 += Math.abs((win[q] as number) - mw - sa * (pix[o] as number));
      res = s2 * invK;
      tail[t] = a11;
      tail[t + 1] = a12;
      tail[t + 2] = a21;
      tail[t + 3] = a22;
    }
    out.ok = ok;
    out.x = tx;
    out.y = ty;
    out.residual = res;
    out.iterations = it;
  }
}

function hrow(
  m: Float64Array,
  h: number,
  g0: number,
  g1: number,
  g2: number,
  g3: number,
  g4: number,
  g5: number,
): number {
  return (
    (m[h] as number) * g0 +
    (m[h + 1] as number) * g1 +
    (m[h + 2] as number) * g2 +
    (m[h + 3] as number) * g3 +
    (m[h + 4] as number) * g4 +
    (m[h + 5] as number) * g5
  );
}

/**
 * Samples the (2·half+1)² patch centred on (cx, cy) of the smoothed frame (bilinear, one set of weights,
 * clamped at the border) into `out`.
 */
export function samplePatch(
  frame: SmoothedFrame,
  cx: number,
  cy: number,
  half: number,
  out: Float32Array,
): void {
  const { width: w, height: h } = frame;
  const fx = cx - 0.5 - half;
  const fy = cy - 0.5 - half;
  const ix = Math.floor(fx);
  const iy = Math.floor(fy);
  const ax = fx - ix;
  const ay = fy - iy;
  const n = 2 * half + 1;
  frame.ensure(ix, iy, ix + n, iy + n);
  const data = frame.data;
  const w00 = (1 - ax) * (1 - ay);
  const w10 = ax * (1 - ay);
  const w01 = (1 - ax) * ay;
  const w11 = ax * ay;
  let k = 0;
  if (ix >= 0 && iy >= 0 && ix + n < w && iy + n < h) {
    for (let r = 0; r < n; r++) {
      let p = (iy + r) * w + ix;
      for (let c = 0; c < n; c++, p++)
        out[k++] =
          w00 * (data[p] as number) +
          w10 * (data[p + 1] as number) +
          w01 * (data[p + w] as number) +
          w11 * (data[p + w + 1] as number);
    }
    return;
  }
  const cl = (i: number, m: number) => (i < 0 ? 0 : i >= m ? m - 1 : i);
  for (let r = 0; r < n; r++) {
    const y0 = cl(iy + r, h) * w;
    const y1 = cl(iy + r + 1, h) * w;
    for (let c = 0; c < n; c++) {
      const x0 = cl(ix + c, w);
      const x1 = cl(ix + c + 1, w);
      out[k++] =
        w00 * (data[y0 + x0] as number) +
        w10 * (data[y0 + x1] as number) +
        w01 * (data[y1 + x0] as number) +
        w11 * (data[y1 + x1] as number);
    }
  }
}

/** Scratch for invert6. */
const AUG = new Float64Array(72);
