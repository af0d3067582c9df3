/**
 * Pyramidal Lucas–Kanade (Bouguet's formulation): translation-only windows, coarse-to-fine, inverse-
 * compositional style normal matrix from the template gradients, subpixel bilinear windows. One instance
 * owns its scratch buffers; tracking allocates nothing per point.
 */
import type { Pyramid } from './pyramid';
import { sampleWindow } from './sample';

export interface LucasKanadeOptions {
  /** Window half-size in pixels at every level (window is 2·half+1 square). */
  halfWindow: number;
  maxIterations: number;
  /** Stop when the update is below this many pixels (at the level being solved). */
  epsilon: number;
  /**
   * Minimum of the smaller eigenvalue of the window's normalised structure tensor, in (intensity/px)²:
   * below it the window is an edge or flat, and its position is not defined.
   */
  minEigenvalue: number;
}

export const DEFAULT_LK_OPTIONS: LucasKanadeOptions = {
  halfWindow: 7,
  maxIterations: 30,
  epsilon: 0.01,
  minEigenvalue: 1e-2,
};

/** Per-point outcome codes written to `status`. */
export const LK_OK = 0;
export const LK_OUT_OF_FRAME = 1;
export const LK_LOW_TEXTURE = 2;
export const LK_DIVERGED = 3;

export class LucasKanade {
  readonly options: LucasKanadeOptions;
  private readonly t: Float32Array;
  private readonly ix: Float32Array;
  private readonly iy: Float32Array;
  private readonly j: Float32Array;

  constructor(options: Partial<LucasKanadeOptions> = {}) {
    this.options = { ...DEFAULT_LK_OPTIONS, ...options };
    const n = (2 * this.options.halfWindow + 1) ** 2;
    this.t = new Float32Array(n);
    this.ix = new Float32Array(n);
    this.iy = new Float32Array(n);
    this.j = new Float32Array(n);
  }

  /**
   * Tracks `count` points from `prev` to `next`. Positions are level-0 pixels, centres at +0.5. `guessX/Y`
   * (optional) are initial positions in `next`; the result goes to outX/outY, a status code to `status`,
   * and the mean absolute residual (intensity levels) of the final level-0 window to `residual`.
   * `levels` limits the pyramid levels used (from level 0), e.g. 1 for a pure level-0 refinement.
   */
  track(
    prev: Pyramid,
    next: Pyramid,
    xs: Float32Array,
    ys: Float32Array,
    count: number,
    outX: Float32Array,
    outY: Float32Array,
    status: Uint8Array,
    residual: Float32Array,
    guessX?: Float32Array,
    guessY?: Float32Array,
    levels = prev.levels.length,
  ): void {
    for (let i = 0; i < count; i++) {
      const gx0 = guessX ? (guessX[i] as number) - (xs[i] as number) : 0;
      const gy0 = guessY ? (guessY[i] as number) - (ys[i] as number) : 0;
      this.trackOne(
        prev,
        next,
        xs[i] as number,
        ys[i] as number,
        gx0,
        gy0,
        levels,
        outX,
        outY,
        status,
        residual,
        i,
      );
    }
  }

  private trackOne(
    prev: Pyramid,
    next: Pyramid,
    x: number,
    y: number,
    guessDx: number,
    guessDy: number,
    levelCount: number,
    outX: Float32Array,
    outY: Float32Array,
    status: Uint8Array,
    residual: Float32Array,
    k: number,
  ): void {
    const { halfWindow: half, maxIterations, epsilon, minEigenvalue } = this.options;
    const n = (2 * half + 1) ** 2;
    const T = this.t;
    const IX = this.ix;
    const IY = this.iy;
    const J = this.j;
    const top = Math.min(levelCount, prev.levels.length, next.levels.length) - 1;
    // Displacement carried between levels, in units of the current level.
    let gx = guessDx / 2 ** top;
    let gy = guessDy / 2 ** top;
    let res = 0;
    for (let l = top; l >= 0; l--) {
      const pl = prev.levels[l];
      const nl = next.levels[l];
      if (!pl || !nl) break;
      const s = 1 / 2 ** l;
      const px = x * s;
      const py = y * s;
      const w = pl.image.width;
      const h = pl.image.height;
      if (px < 0 || py < 0 || px > w || py > h) {
        status[k] = LK_OUT_OF_FRAME;
        outX[k] = x + guessDx;
        outY[k] = y + guessDy;
        residual[k] = Infinity;
        return;
      }
      sampleWindow(pl.image, px, py, half, T);
      sampleWindow(pl.grad.gx, px, py, half, IX);
      sampleWindow(pl.grad.gy, px, py, half, IY);
      let a = 0;
      let b = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        const u = IX[i] as number;
        const v = IY[i] as number;
        a += u * u;
        b += u * v;
        c += v * v;
      }
      const minEig = (a + c - Math.sqrt((a - c) * (a - c) + 4 * b * b)) / (2 * n);
      const det = a * c - b * b;
      if (minEig < minEigenvalue || det < 1e-12) {
        status[k] = LK_LOW_TEXTURE;
        outX[k] = x + gx * 2 ** l;
        outY[k] = y + gy * 2 ** l;
        residual[k] = Infinity;
        return;
      }
      const ia = c / det;
      const ib = -b / det;
      const ic = a / det;
      let dx = 0;
      let dy = 0;
      for (let it = 0; it < maxIterations; it++) {
        const qx = px + gx + dx;
        const qy = py + gy + dy;
        if (qx < 0 || qy < 0 || qx > w || qy > h) {
          status[k] = LK_OUT_OF_FRAME;
          outX[k] = qx / s;
          outY[k] = qy / s;
          residual[k] = Infinity;
          return;
        }
        sampleWindow(nl.image, qx, qy, half, J);
        let bx = 0;
        let by = 0;
        for (let i = 0; i < n; i++) {
          const e = (T[i] as number) - (J[i] as number);
          bx += e * (IX[i] as number);
          by += e * (IY[i] as number);
        }
        const ux = ia * bx + ib * by;
        const uy = ib * bx + ic * by;
        dx += ux;
        dy += uy;
        if (ux * ux + uy * uy < epsilon * epsilon) break;
      }
      if (!Number.isFinite(dx) || !Number.isFinite(dy)) {
        status[k] = LK_DIVERGED;
        outX[k] = x;
        outY[k] = y;
        residual[k] = Infinity;
        return;
      }
      if (l > 0) {
        gx = 2 * (gx + dx);
        gy = 2 * (gy + dy);
      } else {
        gx += dx;
        gy += dy;
        sampleWindow(nl.image, px + gx, py + gy, half, J);
        res = 0;
        for (let i = 0; i < n; i++) res += Math.abs((T[i] as number) - (J[i] as number));
        res /= n;
      }
    }
    const fx = x + gx;
    const fy = y + gy;
    const W = prev.levels[0]?.image.width ?? 0;
    const H = prev.levels[0]?.image.height ?? 0;
    status[k] = fx < 0 || fy < 0 || fx > W || fy > H ? LK_OUT_OF_FRAME : LK_OK;
    outX[k] = fx;
    outY[k] = fy;
    residual[k] = res;
  }
}
