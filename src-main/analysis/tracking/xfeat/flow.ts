/**
 * Frame-to-frame translational Lucas–Kanade on the smoothed frames, one level, computed on the spot (no
 * pyramid, no full-frame gradients): the XFeat tracker's fallback for a track whose anchored window does
 * not align in a frame. It starts at the predicted position or the matched keypoint, so the motion left
 * to find is the few pixels a single level converges over. Like the anchored fit, it uses every other
 * pixel of the window in both directions (the frames are smoothed, so little is lost).
 */
import { samplePatch } from './anchors';
import type { SmoothedFrame } from './smooth';

export interface FlowResult {
  ok: boolean;
  x: number;
  y: number;
  /** Mean absolute difference of the two windows at the result (intensity levels). */
  residual: number;
}

export class LocalFlow {
  private readonly half: number;
  /** Pixels used (window offsets u, v and their index in the (2·half+3)² patch). */
  private readonly m: number;
  private readonly du: Int32Array;
  private readonly dv: Int32Array;
  private readonly at: Int32Array;
  private readonly patch: Float32Array;
  private readonly t: Float64Array;
  private readonly ix: Float64Array;
  private readonly iy: Float64Array;

  constructor(
    half: number,
    private readonly maxIterations = 20,
    private readonly epsilon = 0.01,
    private readonly minEigenvalue = 1e-2,
  ) {
    this.half = half;
    const side = 2 * half + 1;
    const ps = side + 2;
    const us: number[] = [];
    for (let v = -half; v <= half; v += 2) for (let u = -half; u <= half; u += 2) us.push(u, v);
    this.m = us.length / 2;
    this.du = new Int32Array(this.m);
    this.dv = new Int32Array(this.m);
    this.at = new Int32Array(this.m);
    for (let q = 0; q < this.m; q++) {
      const u = us[2 * q] as number;
      const v = us[2 * q + 1] as number;
      this.du[q] = u;
      this.dv[q] = v;
      this.at[q] = (v + half + 1) * ps + u + half + 1;
    }
    this.patch = new Float32Array(ps * ps);
    this.t = new Float64Array(this.m);
    this.ix = new Float64Array(this.m);
    this.iy = new Float64Array(this.m);
  }

  /** Tracks (x, y) of `from` into `to`, starting at (gx, gy). */
  track(
    from: SmoothedFrame,
    to: SmoothedFrame,
    x: number,
    y: number,
    gx: number,
    gy: number,
    out: FlowResult,
  ): void {
    const half = this.half;
    const ps = 2 * half + 3;
    const m = this.m;
    out.ok = false;
    out.x = gx;
    out.y = gy;
    out.residual = Infinity;
    const lim = half + 2;
    if (x < lim || y < lim || x > from.width - lim || y > from.height - lim) return;
    samplePatch(from, x, y, half + 1, this.patch);
    const P = this.patch;
    const T = this.t;
    const IX = this.ix;
    const IY = this.iy;
    let a = 0;
    let b = 0;
    let c = 0;
    for (let q = 0; q < m; q++) {
      const i = this.at[q] as number;
      T[q] = P[i] as number;
      const ul = P[i - ps - 1] as number;
      const uc = P[i - ps] as number;
      const ur = P[i - ps + 1] as number;
      const dl = P[i + ps - 1] as number;
      const dc = P[i + ps] as number;
      const dr = P[i + ps + 1] as number;
      const gxv = (3 * (ur - ul) + 10 * ((P[i + 1] as number) - (P[i - 1] as number)) + 3 * (dr - dl)) / 32;
      const gyv = (3 * (dl - ul) + 10 * (dc - uc) + 3 * (dr - ur)) / 32;
      IX[q] = gxv;
      IY[q] = gyv;
      a += gxv * gxv;
      b += gxv * gyv;
      c += gyv * gyv;
    }
    const minEig = (a + c - Math.sqrt((a - c) * (a - c) + 4 * b * b)) / (2 * m);
    const det = a * c - b * b;
    if (minEig < this.minEigenvalue || det < 1e-12) return;
    const ia = c / det;
    const ib = -b / det;
    const ic = a / det;
    const w = to.width;
    const data = to.data;
    const du = this.du;
    const dv = this.dv;
    let qx = gx;
    let qy = gy;
    let converged = false;
    let res = 0;
    for (let it = 0; it < this.maxIterations; it++) {
      if (qx < lim || qy < lim || qx > to.width - lim || qy > to.height - lim) return;
      // One set of bilinear weights for the whole (translated) window.
      const fx = qx - 0.5 - half;
      const fy = qy - 0.5 - half;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      to.ensure(x0, y0, x0 + 2 * half + 1, y0 + 2 * half + 1);
      const ax = fx - x0;
      const ay = fy - y0;
      const w00 = (1 - ax) * (1 - ay);
      const w10 = ax * (1 - ay);
      const w01 = (1 - ax) * ay;
      const w11 = ax * ay;
      const o0 = y0 * w + x0 + half * (w + 1);
      let bx = 0;
      let by = 0;
      res = 0;
      for (let q = 0; q < m; q++) {
        const p = o0 + (dv[q] as number) * w + (du[q] as number);
        const j =
          w00 * (data[p] as number) +
          w10 * (data[p + 1] as number) +
          w01 * (data[p + w] as number) +
          w11 * (data[p + w + 1] as number);
        const e = (T[q] as number) - j;
        res += Math.abs(e);
        bx += e * (IX[q] as number);
        by += e * (IY[q] as number);
      }
      const ux = ia * bx + ib * by;
      const uy = ib * bx + ic * by;
      qx += ux;
      qy += uy;
      if (!Number.isFinite(qx) || !Number.isFinite(qy)) return;
      if (ux * ux + uy * uy < this.epsilon * this.epsilon) {
        converged = true;
        break;
      }
    }
    if (!converged || qx < lim || qy < lim || qx > to.width - lim || qy > to.height - lim) return;
    out.ok = true;
    out.x = qx;
    out.y = qy;
    // Residual of the last window (the final update moved it by less than epsilon).
    out.residual = res / m;
  }
}
