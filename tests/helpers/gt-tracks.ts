/**
 * True 2D tracks for the synthetic ground-truth shots in ../shared/gt: back-project a frame-0 pixel with
 * its depth, move it to frame t's camera and project. Camera math is a tiny private helper here (the
 * geometry core is being written concurrently) — OpenCV axes, X_c = R_cw·X_w + t_cw, X_w = R_wc·X_c + C,
 * K with pixel centres at +0.5.
 *
 * Depth is stored at half resolution (depth_K = K/2): full-res point u maps to depth-grid coordinate u/2
 * (depth pixel i's centre i+0.5 is full-res 2i+1). Depth is interpolated as inverse depth (affine in the
 * image for planes) only when the four neighbours agree within `edgeTolerance`; at depth discontinuities
 * and on the sky the true track of a pixel is undefined and the point is reported as `defined = 0`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

type M3 = [number, number, number, number, number, number, number, number, number];
type V3 = [number, number, number];

export interface GtFrame {
  C: V3;
  R_wc: M3;
  R_cw: M3;
  t_cw: V3;
  depthFile: string;
  frameFile: string;
}

export interface GtShot {
  dir: string;
  width: number;
  height: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  depthWidth: number;
  depthHeight: number;
  frames: GtFrame[];
}

const flat = (m: number[][]): M3 => m.flat() as M3;

export function loadGtShot(dir: string): GtShot {
  const j = JSON.parse(readFileSync(path.join(dir, 'cameras.json'), 'utf8')) as {
    width: number;
    height: number;
    K: number[][];
    depth_width: number;
    depth_height: number;
    frames: { C: V3; R_wc: number[][]; R_cw: number[][]; t_cw: V3; file: string; depth_file: string }[];
  };
  const K = j.K;
  return {
    dir,
    width: j.width,
    height: j.height,
    fx: K[0]?.[0] ?? 0,
    fy: K[1]?.[1] ?? 0,
    cx: K[0]?.[2] ?? 0,
    cy: K[1]?.[2] ?? 0,
    depthWidth: j.depth_width,
    depthHeight: j.depth_height,
    frames: j.frames.map((f) => ({
      C: f.C,
      R_wc: flat(f.R_wc),
      R_cw: flat(f.R_cw),
      t_cw: f.t_cw,
      depthFile: f.depth_file,
      frameFile: f.file,
    })),
  };
}

const depthCache = new Map<string, Float32Array>();

export function loadDepth(shot: GtShot, frame: number): Float32Array {
  const f = shot.frames[frame];
  if (!f) throw new RangeError(`frame ${frame} not in shot`);
  const p = path.join(shot.dir, f.depthFile);
  let d = depthCache.get(p);
  if (!d) {
    const buf = readFileSync(p);
    d = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    depthCache.set(p, d);
  }
  return d;
}

/**
 * Depth at full-res point (u, v) of a depth map: inverse-depth bilinear when the four neighbours are
 * valid and agree within `tol` (relative); otherwise NaN (`edge`) — or, with `farthest`, the largest
 * neighbour depth (Infinity for sky), which is what an occlusion test wants at edges.
 */
function depthAt(
  shot: GtShot,
  depth: Float32Array,
  u: number,
  v: number,
  tol: number,
  farthest: boolean,
): number {
  const W = shot.depthWidth;
  const H = shot.depthHeight;
  const fx = Math.min(Math.max(u / 2 - 0.5, 0), W - 1);
  const fy = Math.min(Math.max(v / 2 - 0.5, 0), H - 1);
  const x0 = Math.min(Math.floor(fx), W - 2);
  const y0 = Math.min(Math.floor(fy), H - 2);
  const ax = fx - x0;
  const ay = fy - y0;
  const d00 = depth[y0 * W + x0] ?? 0;
  const d10 = depth[y0 * W + x0 + 1] ?? 0;
  const d01 = depth[(y0 + 1) * W + x0] ?? 0;
  const d11 = depth[(y0 + 1) * W + x0 + 1] ?? 0;
  const lo = Math.min(d00, d10, d01, d11);
  const hi = Math.max(d00, d10, d01, d11);
  if (lo > 0 && hi / lo <= 1 + tol) {
    const inv = ((1 - ax) * (1 - ay)) / d00 + (ax * (1 - ay)) / d10 + ((1 - ax) * ay) / d01 + (ax * ay) / d11;
    return 1 / inv;
  }
  if (!farthest) return NaN;
  return lo <= 0 ? Infinity : hi;
}

export interface TrueTracks {
  /** Projected position at frame t (NaN where undefined). */
  x: Float64Array;
  y: Float64Array;
  /** 1 when the start point has a defined 3D position (valid depth, not on a depth edge). */
  defined: Uint8Array;
  /** 1 when defined and truly visible at t: in front, inside the frame, not occluded. */
  visible: Uint8Array;
}

export interface TrueTrackOptions {
  /** Relative spread of neighbouring depths above which a start point is on a depth edge (default 2 %). */
  edgeTolerance?: number;
  /** Relative depth tolerance of the occlusion test (default 3 %). */
  occlusionTolerance?: number;
}

/** True positions at frame `t` of points (xs, ys) seen at frame `t0`. */
export function trueTracks(
  shot: GtShot,
  t0: number,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  t: number,
  opts: TrueTrackOptions = {},
): TrueTracks {
  const edgeTol = opts.edgeTolerance ?? 0.02;
  const occTol = opts.occlusionTolerance ?? 0.03;
  const n = xs.length;
  const out: TrueTracks = {
    x: new Float64Array(n).fill(NaN),
    y: new Float64Array(n).fill(NaN),
    defined: new Uint8Array(n),
    visible: new Uint8Array(n),
  };
  const a = shot.frames[t0];
  const b = shot.frames[t];
  if (!a || !b) throw new RangeError('frame out of range');
  const d0 = loadDepth(shot, t0);
  const d1 = loadDepth(shot, t);
  for (let i = 0; i < n; i++) {
    const u = xs[i] ?? NaN;
    const v = ys[i] ?? NaN;
    const z = depthAt(shot, d0, u, v, edgeTol, false);
    if (!Number.isFinite(z)) continue;
    out.defined[i] = 1;
    const xc: V3 = [((u - shot.cx) / shot.fx) * z, ((v - shot.cy) / shot.fy) * z, z];
    const R = a.R_wc;
    const xw: V3 = [
      R[0] * xc[0] + R[1] * xc[1] + R[2] * xc[2] + a.C[0],
      R[3] * xc[0] + R[4] * xc[1] + R[5] * xc[2] + a.C[1],
      R[6] * xc[0] + R[7] * xc[1] + R[8] * xc[2] + a.C[2],
    ];
    const Q = b.R_cw;
    const X = Q[0] * xw[0] + Q[1] * xw[1] + Q[2] * xw[2] + b.t_cw[0];
    const Y = Q[3] * xw[0] + Q[4] * xw[1] + Q[5] * xw[2] + b.t_cw[1];
    const Z = Q[6] * xw[0] + Q[7] * xw[1] + Q[8] * xw[2] + b.t_cw[2];
    if (!(Z > 1e-6)) continue;
    const pu = shot.fx * (X / Z) + shot.cx;
    const pv = shot.fy * (Y / Z) + shot.cy;
    out.x[i] = pu;
    out.y[i] = pv;
    if (pu < 0 || pv < 0 || pu > shot.width || pv > shot.height) continue;
    const dt = depthAt(shot, d1, pu, pv, edgeTol, true);
    if (Z <= dt * (1 + occTol)) out.visible[i] = 1;
  }
  return out;
}

/** Frame PNG path of a gt shot (frame index 0 is frame_0001.png). */
export function gtFramePath(shot: GtShot, frame: number): string {
  const f = shot.frames[frame];
  if (!f) throw new RangeError(`frame ${frame} not in shot`);
  return path.join(shot.dir, f.frameFile);
}
