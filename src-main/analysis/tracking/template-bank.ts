/**
 * Drift-free refinement: each track keeps the window it had when it was anchored (its birth, or the last
 * re-anchoring) and is re-aligned to that window in every new frame with an inverse-compositional affine
 * Lucas–Kanade (Baker & Matthews). Frame-to-frame tracking supplies the starting point; anchoring keeps
 * per-step errors from adding up as a random walk, and the affine part absorbs the slow perspective and
 * scale change of a moving camera. Storage is flat typed arrays indexed by slot.
 */
import type { GrayImage } from './image';
import { sampleBilinear, sampleWindow } from './sample';
import type { StateReader, StateWriter } from './tracker-state';

export interface TemplateOptions {
  halfWindow: number;
  maxIterations: number;
  /** Stop when the centre moves less than this (pixels). */
  epsilon: number;
  /**
   * A window anchors only if the smaller eigenvalue of its mean structure tensor ((intensity/px)²)
   * reaches this: flat or single-edge windows cannot be aligned.
   */
  minEigenvalue: number;
  /**
   * When the affine fit does not converge, try a translation-only fit with the last affine part held
   * fixed. Off by default: on the gt shots it keeps tracks alive whose appearance has really changed
   * and raises the 24-frame error (0.60 → 1.12 px on orbit_a); on static footage it avoids re-anchoring.
   */
  translationFallback: boolean;
  /** Match the window's brightness and contrast to the template before comparing (see `error`). */
  photometric: boolean;
}

export const DEFAULT_TEMPLATE_OPTIONS: TemplateOptions = {
  halfWindow: 7,
  maxIterations: 20,
  epsilon: 0.005,
  minEigenvalue: 1,
  translationFallback: false,
  photometric: true,
};

export interface RefineResult {
  ok: boolean;
  x: number;
  y: number;
  /** Mean absolute difference between template and aligned window (intensity levels). */
  residual: number;
}

export class TemplateBank {
  readonly options: TemplateOptions;
  private readonly n: number;
  private capacity = 0;
  private tpl = new Float32Array(0);
  private gx = new Float32Array(0);
  private gy = new Float32Array(0);
  private hinv = new Float64Array(0);
  /** Affine part per slot: a11, a12, a21, a22 (the translation is the track position). */
  private affine = new Float32Array(0);
  /** Inverse of the translation-only 2×2 normal matrix per slot (xx, xy, yy), for the fallback mode. */
  private tinv = new Float64Array(0);
  private readonly sd = new Float64Array(6);
  private readonly h = new Float64Array(36);
  private readonly hi = new Float64Array(36);
  private readonly win: Float32Array;
  private readonly grad = new Float64Array(6);
  private readonly dp = new Float64Array(6);

  constructor(options: Partial<TemplateOptions> = {}) {
    this.options = { ...DEFAULT_TEMPLATE_OPTIONS, ...options };
    this.n = (2 * this.options.halfWindow + 1) ** 2;
    this.win = new Float32Array(this.n);
  }

  reserve(slots: number): void {
    if (slots <= this.capacity) return;
    const cap = Math.max(slots, this.capacity * 2);
    const grow32 = (a: Float32Array, per: number) => {
      const b = new Float32Array(cap * per);
      b.set(a);
      return b;
    };
    this.tpl = grow32(this.tpl, this.n);
    this.gx = grow32(this.gx, this.n);
    this.gy = grow32(this.gy, this.n);
    this.affine = grow32(this.affine, 4);
    const h = new Float64Array(cap * 36);
    h.set(this.hinv);
    this.hinv = h;
    const ti = new Float64Array(cap * 3);
    ti.set(this.tinv);
    this.tinv = ti;
    this.capacity = cap;
  }

  /** Copies slot `from` into slot `to` (compaction when tracks die). */
  move(from: number, to: number): void {
    if (from === to) return;
    const n = this.n;
    this.tpl.copyWithin(to * n, from * n, from * n + n);
    this.gx.copyWithin(to * n, from * n, from * n + n);
    this.gy.copyWithin(to * n, from * n, from * n + n);
    this.affine.copyWithin(to * 4, from * 4, from * 4 + 4);
    this.hinv.copyWithin(to * 36, from * 36, from * 36 + 36);
    this.tinv.copyWithin(to * 3, from * 3, from * 3 + 3);
  }

  /** Floats one slot occupies in {@link exportSlot}'s output. */
  get slotSize(): number {
    return 3 * this.n + 4 + 36 + 3;
  }

  /** Leading values of an exported slot that are single precision (window, gradients, affine part). */
  get singleSize(): number {
    return 3 * this.n + 4;
  }

  /** Copies a slot out (e.g. to keep a lost track's template for re-identification). */
  exportSlot(slot: number, out = new Float64Array(this.slotSize)): Float64Array {
    const n = this.n;
    out.set(this.tpl.subarray(slot * n, slot * n + n), 0);
    out.set(this.gx.subarray(slot * n, slot * n + n), n);
    out.set(this.gy.subarray(slot * n, slot * n + n), 2 * n);
    out.set(this.affine.subarray(slot * 4, slot * 4 + 4), 3 * n);
    out.set(this.hinv.subarray(slot * 36, slot * 36 + 36), 3 * n + 4);
    out.set(this.tinv.subarray(slot * 3, slot * 3 + 3), 3 * n + 40);
    return out;
  }

  importSlot(slot: number, data: Float64Array): void {
    this.reserve(slot + 1);
    const n = this.n;
    this.tpl.set(data.subarray(0, n), slot * n);
    this.gx.set(data.subarray(n, 2 * n), slot * n);
    this.gy.set(data.subarray(2 * n, 3 * n), slot * n);
    this.affine.set(data.subarray(3 * n, 3 * n + 4), slot * 4);
    this.hinv.set(data.subarray(3 * n + 4, 3 * n + 40), slot * 36);
    this.tinv.set(data.subarray(3 * n + 40, 3 * n + 43), slot * 3);
  }

  /** Writes slots 0…count−1 (exact) into a tracker snapshot. */
  writeState(w: StateWriter, count: number): void {
    const n = this.n;
    w.num(count);
    w.array(this.tpl.subarray(0, count * n));
    w.array(this.gx.subarray(0, count * n));
    w.array(this.gy.subarray(0, count * n));
    w.array(this.affine.subarray(0, count * 4));
    w.array(this.hinv.subarray(0, count * 36));
    w.array(this.tinv.subarray(0, count * 3));
  }

  /** Restores slots written by {@link writeState}; returns their count. */
  readState(r: StateReader): number {
    const count = r.num();
    this.reserve(count);
    const n = this.n;
    const parts: [Float32Array | Float64Array, Float32Array | Float64Array, number][] = [
      [r.f32(), this.tpl, n],
      [r.f32(), this.gx, n],
      [r.f32(), this.gy, n],
      [r.f32(), this.affine, 4],
      [r.f64(), this.hinv, 36],
      [r.f64(), this.tinv, 3],
    ];
    for (const [src, dst, per] of parts) {
      if (src.length !== count * per)
        throw new Error('Tracker state: template bank does not match its count');
      dst.set(src);
    }
    return count;
  }

  /**
   * Takes the window around (x, y) of `image` (with its gradients) as slot's template. Returns false when
   * the window cannot anchor an affine fit (singular Hessian).
   */
  anchor(slot: number, image: GrayImage, gradX: GrayImage, gradY: GrayImage, x: number, y: number): boolean {
    this.reserve(slot + 1);
    const n = this.n;
    const half = this.options.halfWindow;
    const side = 2 * half + 1;
    sampleWindow(image, x, y, half, this.win);
    this.tpl.set(this.win, slot * n);
    sampleWindow(gradX, x, y, half, this.win);
    this.gx.set(this.win, slot * n);
    sampleWindow(gradY, x, y, half, this.win);
    this.gy.set(this.win, slot * n);
    const H = this.h;
    H.fill(0);
    const sd = this.sd;
    for (let i = 0; i < n; i++) {
      const u = (i % side) - half;
      const v = Math.floor(i / side) - half;
      this.steepest(slot * n + i, u, v, sd);
      for (let r = 0; r < 6; r++)
        for (let c = r; c < 6; c++)
          H[r * 6 + c] = (H[r * 6 + c] as number) + (sd[r] as number) * (sd[c] as number);
    }
    for (let r = 0; r < 6; r++) for (let c = 0; c < r; c++) H[r * 6 + c] = H[c * 6 + r] as number;
    if (this.options.photometric) this.projectOutBrightness(slot, H);
    // Translation block (parameters 4, 5): the usual KLT trackability test.
    const a = (H[28] as number) / n;
    const b = (H[29] as number) / n;
    const c = (H[35] as number) / n;
    if ((a + c - Math.sqrt((a - c) * (a - c) + 4 * b * b)) / 2 < this.options.minEigenvalue) return false;
    const det2 = (a * c - b * b) * n;
    this.tinv[slot * 3] = c / det2;
    this.tinv[slot * 3 + 1] = -b / det2;
    this.tinv[slot * 3 + 2] = a / det2;
    if (!invert6(H, this.hi)) return false;
    this.hinv.set(this.hi, slot * 36);
    this.affine.set([1, 0, 0, 1], slot * 4);
    return true;
  }

  /**
   * Brightness-invariant fit ("project out", Baker & Matthews): the error is taken orthogonal to the
   * appearance subspace {constant, template − its mean} (see `error`), so the Hessian is that of the
   * steepest-descent images with the same subspace projected out: H − Σₖ cₖcₖᵀ, cₖ = ⟨SD, Aₖ⟩ for the
   * orthonormal basis A₀ = 1/√n, A₁ = (T − T̄)/‖T − T̄‖. Without this correction, matching brightness
   * biases the geometry whenever the window's content changes with the warp (scale, perspective).
   */
  private projectOutBrightness(slot: number, H: Float64Array): void {
    const n = this.n;
    const half = this.options.halfWindow;
    const base = slot * n;
    let mt = 0;
    for (let i = 0; i < n; i++) mt += this.tpl[base + i] as number;
    mt /= n;
    let tt = 0;
    for (let i = 0; i < n; i++) tt += ((this.tpl[base + i] as number) - mt) ** 2;
    const c0 = new Float64Array(6);
    const c1 = new Float64Array(6);
    const sd = this.sd;
    const inv = tt > 1e-9 ? 1 / Math.sqrt(tt) : 0;
    let i = 0;
    for (let v = -half; v <= half; v++)
      for (let u = -half; u <= half; u++, i++) {
        this.steepest(base + i, u, v, sd);
        const a1 = ((this.tpl[base + i] as number) - mt) * inv;
        for (let r = 0; r < 6; r++) {
          c0[r] = (c0[r] as number) + (sd[r] as number);
          c1[r] = (c1[r] as number) + (sd[r] as number) * a1;
        }
      }
    const k0 = 1 / n; // c0 used unnormalised: ⟨SD, 1/√n⟩² = (Σ SD)² / n
    for (let r = 0; r < 6; r++)
      for (let c = 0; c < 6; c++)
        H[r * 6 + c] =
          (H[r * 6 + c] as number) -
          k0 * (c0[r] as number) * (c0[c] as number) -
          (c1[r] as number) * (c1[c] as number);
  }

  // Steepest-descent image for parameters (a11−1, a21, a12, a22−1, tx, ty) at window offset (u, v).
  private steepest(k: number, u: number, v: number, out: Float64Array): void {
    const ix = this.gx[k] as number;
    const iy = this.gy[k] as number;
    out[0] = ix * u;
    out[1] = iy * u;
    out[2] = ix * v;
    out[3] = iy * v;
    out[4] = ix;
    out[5] = iy;
  }

  /**
   * Aligns slot's template to `image`, starting at (x, y) with the slot's last affine part. On success
   * the slot's affine part is updated. See `translationFallback` for what happens when it fails.
   */
  refine(slot: number, image: GrayImage, x: number, y: number, out: RefineResult): void {
    this.align(slot, image, x, y, out, true);
    if (!out.ok && this.options.translationFallback) this.align(slot, image, x, y, out, false);
  }

  /**
   * Samples slot's window under the affine warp (tx, ty, a) from `image` into `this.win`, row by row with
   * incremental coordinates; bilinear, clamped at the border.
   */
  private warp(
    image: GrayImage,
    tx: number,
    ty: number,
    a11: number,
    a12: number,
    a21: number,
    a22: number,
  ): void {
    const half = this.options.halfWindow;
    const side = 2 * half + 1;
    const { width: w, height: h, data } = image;
    const win = this.win;
    let k = 0;
    for (let v = -half; v <= half; v++) {
      let x = tx - a11 * half + a12 * v - 0.5;
      let y = ty - a21 * half + a22 * v - 0.5;
      const xe = x + a11 * (side - 1);
      const ye = y + a21 * (side - 1);
      if (
        Math.min(x, xe) >= 0 &&
        Math.min(y, ye) >= 0 &&
        Math.max(x, xe) < w - 1 &&
        Math.max(y, ye) < h - 1
      ) {
        for (let u = 0; u < side; u++, x += a11, y += a21) {
          const x0 = x | 0;
          const y0 = y | 0;
          const ax = x - x0;
          const ay = y - y0;
          const p = y0 * w + x0;
          const a = data[p] as number;
          const b = data[p + 1] as number;
          const c = data[p + w] as number;
          const d = data[p + w + 1] as number;
          win[k++] = a + ax * (b - a) + ay * (c - a + ax * (d - c - b + a));
        }
      } else {
        for (let u = 0; u < side; u++, x += a11, y += a21) win[k++] = sampleBilinear(image, x + 0.5, y + 0.5);
      }
    }
  }

  /**
   * Turns `this.win` (the warped window) into the error against slot's template, in place. With
   * `photometric`, the window's brightness and contrast relative to the template (least-squares offset
   * and gain) are taken out first, so slow lighting changes, flicker and exposure drift do not pull the
   * alignment. Returns the mean absolute error.
   */
  private error(base: number): number {
    const n = this.n;
    const win = this.win;
    const tpl = this.tpl;
    if (!this.options.photometric) {
      let sad = 0;
      for (let i = 0; i < n; i++) {
        const e = (win[i] as number) - (tpl[base + i] as number);
        win[i] = e;
        sad += Math.abs(e);
      }
      return sad / n;
    }
    // Residual of the error e = I − T regressed on {1, T − T̄}: the least-squares gain and offset
    // between window and template are removed (see projectOutBrightness).
    let se = 0;
    let st = 0;
    for (let i = 0; i < n; i++) {
      se += (win[i] as number) - (tpl[base + i] as number);
      st += tpl[base + i] as number;
    }
    const me = se / n;
    const mt = st / n;
    let et = 0;
    let tt = 0;
    for (let i = 0; i < n; i++) {
      const tc = (tpl[base + i] as number) - mt;
      et += ((win[i] as number) - (tpl[base + i] as number) - me) * tc;
      tt += tc * tc;
    }
    const beta = tt > 1e-9 ? et / tt : 0;
    let sad = 0;
    for (let i = 0; i < n; i++) {
      const tc = (tpl[base + i] as number) - mt;
      const e = (win[i] as number) - (tpl[base + i] as number) - me - beta * tc;
      win[i] = e;
      sad += Math.abs(e);
    }
    return sad / n;
  }

  private align(
    slot: number,
    image: GrayImage,
    x: number,
    y: number,
    out: RefineResult,
    affine: boolean,
  ): void {
    const n = this.n;
    const half = this.options.halfWindow;
    const base = slot * n;
    const hb = slot * 36;
    let a11 = this.affine[slot * 4] as number;
    let a12 = this.affine[slot * 4 + 1] as number;
    let a21 = this.affine[slot * 4 + 2] as number;
    let a22 = this.affine[slot * 4 + 3] as number;
    let tx = x;
    let ty = y;
    const grad = this.grad;
    const dp = this.dp;
    const gxs = this.gx;
    const gys = this.gy;
    const win = this.win;
    const hinv = this.hinv;
    let ok = false;
    let res = Infinity;
    let lastStep = Infinity;
    for (let it = 0; it < this.options.maxIterations; it++) {
      this.warp(image, tx, ty, a11, a12, a21, a22);
      res = this.error(base);
      let g0 = 0;
      let g1 = 0;
      let g2 = 0;
      let g3 = 0;
      let g4 = 0;
      let g5 = 0;
      let i = 0;
      for (let v = -half; v <= half; v++) {
        for (let u = -half; u <= half; u++, i++) {
          const e = win[i] as number;
          const ex = (gxs[base + i] as number) * e;
          const ey = (gys[base + i] as number) * e;
          g0 += ex * u;
          g1 += ey * u;
          g2 += ex * v;
          g3 += ey * v;
          g4 += ex;
          g5 += ey;
        }
      }
      grad[0] = g0;
      grad[1] = g1;
      grad[2] = g2;
      grad[3] = g3;
      grad[4] = g4;
      grad[5] = g5;
      if (affine) {
        for (let r = 0; r < 6; r++) {
          const h = hb + r * 6;
          dp[r] =
            (hinv[h] as number) * g0 +
            (hinv[h + 1] as number) * g1 +
            (hinv[h + 2] as number) * g2 +
            (hinv[h + 3] as number) * g3 +
            (hinv[h + 4] as number) * g4 +
            (hinv[h + 5] as number) * g5;
        }
      } else {
        const t = slot * 3;
        dp.fill(0);
        dp[4] = (this.tinv[t] as number) * g4 + (this.tinv[t + 1] as number) * g5;
        dp[5] = (this.tinv[t + 1] as number) * g4 + (this.tinv[t + 2] as number) * g5;
      }
      // Inverse composition: W ← W ∘ ΔW⁻¹. ΔW = [[1+dp0, dp2],[dp1, 1+dp3]], t = (dp4, dp5).
      const d11 = 1 + (dp[0] as number);
      const d12 = dp[2] as number;
      const d21 = dp[1] as number;
      const d22 = 1 + (dp[3] as number);
      const det = d11 * d22 - d12 * d21;
      if (!(Math.abs(det) > 1e-6)) break;
      const i11 = d22 / det;
      const i12 = -d12 / det;
      const i21 = -d21 / det;
      const i22 = d11 / det;
      const itx = -(i11 * (dp[4] as number) + i12 * (dp[5] as number));
      const ity = -(i21 * (dp[4] as number) + i22 * (dp[5] as number));
      const n11 = a11 * i11 + a12 * i21;
      const n12 = a11 * i12 + a12 * i22;
      const n21 = a21 * i11 + a22 * i21;
      const n22 = a21 * i12 + a22 * i22;
      const ntx = tx + a11 * itx + a12 * ity;
      const nty = ty + a21 * itx + a22 * ity;
      const step = Math.hypot(ntx - tx, nty - ty);
      lastStep = step;
      a11 = n11;
      a12 = n12;
      a21 = n21;
      a22 = n22;
      tx = ntx;
      ty = nty;
      if (!Number.isFinite(tx) || !Number.isFinite(ty)) break;
      if (step < this.options.epsilon) {
        ok = true;
        break;
      }
    }
    // Slow convergence (oscillating within a few hundredths of a pixel) still counts.
    if (!ok && lastStep < 0.05 && Number.isFinite(tx) && Number.isFinite(ty)) ok = true;
    if (ok) {
      // Final residual at the converged warp.
      this.warp(image, tx, ty, a11, a12, a21, a22);
      res = this.error(base);
      const det = a11 * a22 - a12 * a21;
      ok = det > 0.5 && det < 2 && Math.abs(a12) < 0.5 && Math.abs(a21) < 0.5;
      if (ok) this.affine.set([a11, a12, a21, a22], slot * 4);
    }
    out.ok = ok;
    out.x = tx;
    out.y = ty;
    out.residual = res;
  }
}

/**
 * Inverts a symmetric positive-definite 6×6 (row-major) by Gauss–Jordan with partial pivoting. `scratch`
 * (72 values) spares the allocation in hot loops.
 */
export function invert6(m: Float64Array, out: Float64Array, scratch?: Float64Array): boolean {
  const a = scratch ?? new Float64Array(72);
  if (scratch) a.fill(0);
  for (let r = 0; r < 6; r++) {
    for (let c = 0; c < 6; c++) a[r * 12 + c] = m[r * 6 + c] as number;
    a[r * 12 + 6 + r] = 1;
  }
  for (let c = 0; c < 6; c++) {
    let p = c;
    for (let r = c + 1; r < 6; r++)
      if (Math.abs(a[r * 12 + c] as number) > Math.abs(a[p * 12 + c] as number)) p = r;
    const pv = a[p * 12 + c] as number;
    if (Math.abs(pv) < 1e-9) return false;
    if (p !== c)
      for (let k = 0; k < 12; k++) {
        const t = a[c * 12 + k] as number;
        a[c * 12 + k] = a[p * 12 + k] as number;
        a[p * 12 + k] = t;
      }
    for (let k = 0; k < 12; k++) a[c * 12 + k] = (a[c * 12 + k] as number) / pv;
    for (let r = 0; r < 6; r++) {
      if (r === c) continue;
      const f = a[r * 12 + c] as number;
      if (f === 0) continue;
      for (let k = 0; k < 12; k++) a[r * 12 + k] = (a[r * 12 + k] as number) - f * (a[c * 12 + k] as number);
    }
  }
  for (let r = 0; r < 6; r++) for (let c = 0; c < 6; c++) out[r * 6 + c] = a[r * 12 + 6 + c] as number;
  return true;
}
