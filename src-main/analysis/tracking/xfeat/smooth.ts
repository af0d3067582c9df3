/**
 * The XFeat tracker's smoothed luma, computed only where it is read. A frame (8-bit luma, one byte per
 * pixel, as ffmpeg decodes it) is divided into 16×16 tiles; the first time a window needs a pixel of a
 * tile, the tile is blurred with a margin (separable, replicated borders; the 5-tap binomial by
 * default). A pixel's value does not depend on which tiles were computed or in what order — it equals
 * the straightforward full-frame computation bit for bit (tests/unit/tracking/xfeat-refine.test.ts) —
 * so results are exact whatever the access pattern, and a restored tracker that recomputes tiles lazily
 * continues bit-identically. At 640×360 the tracker needs about a third of the tiles; no pass over the
 * whole frame is made.
 *
 * The frame before is kept too (its luma copied, its computed tiles kept), for the frame-to-frame
 * fallback when a track's anchored window does not align.
 */
import { gaussianKernel } from '../blur';
import type { GrayImage } from '../image';

export const SMOOTH_TILE = 16;

export class SmoothedFrame {
  readonly width: number;
  readonly height: number;
  /** The 8-bit luma the tiles are computed from: the caller's (current frame) or our copy ({@link keep}). */
  source: Uint8Array;
  private readonly own: Uint8Array;
  /** Smoothed luma; valid inside computed tiles only. */
  readonly data: Float32Array;
  /** As a GrayImage over `data` (for samplers that take one). */
  readonly image: GrayImage;
  private readonly done: Uint8Array;
  private readonly cols: number;
  private readonly rows: number;
  private readonly k: Float64Array;
  private readonly r: number;
  /** A tile's rows with their margin, edge pixels repeated (tiles on the frame's left or right edge); then its horizontal pass. */
  private readonly lum: Uint8Array;
  private readonly tmp: Float32Array;
  /** Tiles computed since the last reset, and the milliseconds they took (diagnostics). */
  computed = 0;
  ms = 0;

  /**
   * `sigma`: Gaussian σ in pixels (0: no smoothing). `binomial`: with σ = 1, use the 5-tap binomial
   * [1 4 6 4 1]/16 (variance 1) instead of the 7-tap sampled Gaussian — cheaper, nearly the same.
   */
  constructor(width: number, height: number, sigma: number, binomial = false) {
    this.width = width;
    this.height = height;
    this.own = new Uint8Array(width * height);
    this.source = this.own;
    this.data = new Float32Array(width * height);
    this.image = { width, height, data: this.data };
    this.cols = Math.ceil(width / SMOOTH_TILE);
    this.rows = Math.ceil(height / SMOOTH_TILE);
    this.done = new Uint8Array(this.cols * this.rows);
    // sigma 0: the identity (a one-tap kernel).
    const k =
      sigma === 1 && binomial
        ? new Float32Array([1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16])
        : sigma > 0
          ? gaussianKernel(sigma)
          : new Float32Array([1]);
    this.k = Float64Array.from(k);
    this.r = (k.length - 1) >> 1;
    this.lum = new Uint8Array((SMOOTH_TILE + 2 * this.r) ** 2);
    this.tmp = new Float32Array((SMOOTH_TILE + 2 * this.r) * SMOOTH_TILE);
  }

  /** A new frame (8-bit luma): nothing computed yet. It is read, not copied, until the next reset. */
  reset(source: Uint8Array): void {
    if (source.length !== this.width * this.height) throw new RangeError('Frame has the wrong size');
    this.source = source;
    this.done.fill(0);
    this.computed = 0;
    this.ms = 0;
  }

  /** Copies the frame into this one's own buffer, so the caller's may change (computed tiles stay valid). */
  keep(): void {
    if (this.source !== this.own) this.own.set(this.source);
    this.source = this.own;
  }

  /** Makes the smoothed pixels of the box [x0, x1] × [y0, y1] (pixel indices, clamped) valid. */
  ensure(x0: number, y0: number, x1: number, y1: number): void {
    const T = SMOOTH_TILE;
    const tx0 = x0 <= 0 ? 0 : Math.min(this.cols - 1, (x0 / T) | 0);
    const ty0 = y0 <= 0 ? 0 : Math.min(this.rows - 1, (y0 / T) | 0);
    const tx1 = x1 <= 0 ? 0 : Math.min(this.cols - 1, (x1 / T) | 0);
    const ty1 = y1 <= 0 ? 0 : Math.min(this.rows - 1, (y1 / T) | 0);
    for (let ty = ty0; ty <= ty1; ty++)
      for (let tx = tx0; tx <= tx1; tx++)
        if (!this.done[ty * this.cols + tx]) {
          const t = performance.now();
          this.tile(tx, ty);
          this.ms += performance.now() - t;
        }
  }

  /** Makes every pixel valid. */
  ensureAll(): void {
    this.ensure(0, 0, this.width - 1, this.height - 1);
  }

  private tile(tx: number, ty: number): void {
    this.done[ty * this.cols + tx] = 1;
    this.computed++;
    const w = this.width;
    const h = this.height;
    const s = this.source;
    const d = this.data;
    const lum = this.lum;
    const tmp = this.tmp;
    const r = this.r;
    const T = SMOOTH_TILE;
    const xa = tx * T;
    const xb = Math.min(w, xa + T);
    const ya = ty * T;
    const yb = Math.min(h, ya + T);
    const tw = xb - xa;
    const th = yb - ya;
    const lw = tw + 2 * r;
    const lh = th + 2 * r;
    const k = this.k;
    const k0 = k[r] as number;
    const k1 = r >= 1 ? (k[r + 1] as number) : 0;
    const k2 = r >= 2 ? (k[r + 2] as number) : 0;
    const x0 = xa - r;
    const inside = x0 >= 0 && xb + r <= w;
    // Each row of the tile and a margin of r (rows clamped to the frame) is read straight from the frame
    // when the margin lies inside it, else from a copy with edge pixels repeated: bytes either way.
    const src = inside ? s : lum;
    for (let yy = 0; yy < lh; yy++) {
      const y = ya - r + yy;
      const row = (y < 0 ? 0 : y >= h ? h - 1 : y) * w;
      let q = row + x0;
      if (!inside) {
        q = yy * lw;
        for (let xx = 0; xx < lw; xx++) {
          const x = x0 + xx;
          lum[q + xx] = s[row + (x < 0 ? 0 : x >= w ? w - 1 : x)] as number;
        }
      }
      const t0 = yy * tw;
      if (r === 2) {
        // Symmetric taps folded over a sliding window, so each value is read once.
        q += 2;
        let m2 = src[q - 2] as number;
        let m1 = src[q - 1] as number;
        let c0 = src[q] as number;
        let p1 = src[q + 1] as number;
        for (let t = t0, e = t0 + tw; t < e; t++, q++) {
          const p2 = src[q + 2] as number;
          tmp[t] = k0 * c0 + k1 * (m1 + p1) + k2 * (m2 + p2);
          m2 = m1;
          m1 = c0;
          c0 = p1;
          p1 = p2;
        }
        continue;
      }
      // Any other kernel: plain taps.
      for (let x = 0; x < tw; x++) {
        let acc = 0;
        for (let i = 0, p = q + x; i <= 2 * r; i++, p++) acc += (k[i] as number) * (src[p] as number);
        tmp[t0 + x] = acc;
      }
    }
    if (r === 2) {
      // The vertical pass, sliding down each column.
      this.vertical2(xa, ya, yb, tw, k0, k1, k2);
      return;
    }
    for (let y = 0; y < th; y++)
      for (let x = 0; x < tw; x++) {
        let acc = 0;
        for (let i = 0, q = y * tw + x; i <= 2 * r; i++, q += tw)
          acc += (k[i] as number) * (tmp[q] as number);
        d[(ya + y) * w + xa + x] = acc;
      }
  }

  /** The vertical 5-tap pass of a tile (horizontal results in tmp, with r = 2 margin rows). */
  private vertical2(
    xa: number,
    ya: number,
    yb: number,
    tw: number,
    k0: number,
    k1: number,
    k2: number,
  ): void {
    const w = this.width;
    const d = this.data;
    const tmp = this.tmp;
    for (let x = 0; x < tw; x++) {
      let q = 2 * tw + x;
      let m2 = tmp[q - 2 * tw] as number;
      let m1 = tmp[q - tw] as number;
      let c0 = tmp[q] as number;
      let p1 = tmp[q + tw] as number;
      for (let y = ya, o = ya * w + xa + x; y < yb; y++, q += tw, o += w) {
        const p2 = tmp[q + 2 * tw] as number;
        d[o] = k0 * c0 + k1 * (m1 + p1) + k2 * (m2 + p2);
        m2 = m1;
        m1 = c0;
        c0 = p1;
        p1 = p2;
      }
    }
  }
}
