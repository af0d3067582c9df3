/**
 * Textureless planar regions (a uniformly coloured box face, a plain wall) give stereo nothing to match
 * inside, but their outline is usually measured. A plane in 3D is a linear function of the image in
 * inverse depth (ρ = a·u + b·v + c), so each flat hole is filled with the plane fitted, robustly, to the
 * measured pixels on its rim that have the hole's colour:
 *
 * 1. flat holes = connected regions of unmeasured, untextured pixels, grown only between neighbours of
 *    nearly equal intensity (so a hole does not run across a face edge);
 * 2. support = measured pixels within `ringRadius` of the hole whose intensity is within `colourTolerance`
 *    of the hole's mean;
 * 3. RANSAC (3 points) + least squares on inliers (|Δρ|/ρ < `maxRelResidual`); accepted when there are
 *    enough inliers, they are a large enough share of the support and not degenerate, and the plane stays
 *    in front of the camera over the hole.
 *
 * Pixels filled this way are "interpolated": not measured, but constrained by a surface model; the result
 * keeps them apart from measured pixels.
 */
import type { FloatImage } from './image';

export interface PlanarFillOptions {
  colourTolerance?: number;
  ringRadius?: number;
  minRegion?: number;
  minSupport?: number;
  minInlierShare?: number;
  maxRelResidual?: number;
  seed?: number;
}

export interface PlanarFillResult {
  /** 1 where a plane was written. */
  interpolated: Uint8Array;
  regions: number;
  accepted: number;
}

/** Fills flat holes of `depth` in place (where measured = 0 and textured = 0). */
export function planarFill(
  depth: Float32Array,
  measured: Uint8Array,
  textured: Uint8Array,
  guide: FloatImage,
  options: PlanarFillOptions = {},
): PlanarFillResult {
  const W = guide.width;
  const H = guide.height;
  const n = W * H;
  const I = guide.data;
  const tolI = options.colourTolerance ?? 0.03;
  const ring = options.ringRadius ?? 3;
  const minRegion = options.minRegion ?? 20;
  const minSupport = options.minSupport ?? 12;
  const minShare = options.minInlierShare ?? 0.6;
  const maxRes = options.maxRelResidual ?? 0.02;
  let seed = (options.seed ?? 99) >>> 0;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const label = new Int32Array(n).fill(-1);
  const interpolated = new Uint8Array(n);
  const stack = new Int32Array(n);
  const region = new Int32Array(n);
  const mark = new Int32Array(n).fill(-1);
  let regions = 0;
  let accepted = 0;
  const su: number[] = [],
    sv: number[] = [],
    sr: number[] = [];
  for (let s = 0; s < n; s++) {
    if (measured[s] || textured[s] || label[s]! >= 0) continue;
    // flood fill with an intensity-continuity constraint
    const id = regions++;
    let top = 0,
      len = 0,
      sumI = 0;
    stack[top++] = s;
    label[s] = id;
    while (top > 0) {
      const p = stack[--top]!;
      region[len++] = p;
      sumI += I[p]!;
      const x = p % W;
      const y = (p - x) / W;
      // the four neighbours (no array per pixel: this runs over every textureless pixel of a frame)
      for (let k = 0; k < 4; k++) {
        let q: number;
        if (k === 0) q = x > 0 ? p - 1 : -1;
        else if (k === 1) q = x < W - 1 ? p + 1 : -1;
        else if (k === 2) q = y > 0 ? p - W : -1;
        else q = y < H - 1 ? p + W : -1;
        if (q < 0 || label[q]! >= 0 || measured[q] || textured[q]) continue;
        if (Math.abs(I[q]! - I[p]!) > tolI * 0.5) continue;
        label[q] = id;
        stack[top++] = q;
      }
    }
    if (len < minRegion) continue;
    const meanI = sumI / len;
    // support on the rim
    su.length = sv.length = sr.length = 0;
    for (let k = 0; k < len; k++) {
      const p = region[k]!;
      const x = p % W;
      const y = (p - x) / W;
      // only look around boundary pixels of the region
      let boundary = false;
      if (x === 0 || y === 0 || x === W - 1 || y === H - 1) boundary = true;
      else if (label[p - 1] !== id || label[p + 1] !== id || label[p - W] !== id || label[p + W] !== id)
        boundary = true;
      if (!boundary) continue;
      for (let dy = -ring; dy <= ring; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= H) continue;
        for (let dx = -ring; dx <= ring; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= W) continue;
          const q = yy * W + xx;
          if (!measured[q] || mark[q] === id || !(depth[q]! > 0)) continue;
          mark[q] = id;
          if (Math.abs(I[q]! - meanI) > tolI) continue;
          su.push(xx + 0.5);
          sv.push(yy + 0.5);
          sr.push(1 / depth[q]!);
        }
      }
    }
    const m = su.length;
    if (m < minSupport) continue;
    // RANSAC on 3 points
    let bestCount = 0;
    let bp: [number, number, number] | null = null;
    for (let it = 0; it < 100; it++) {
      const i0 = Math.floor(rnd() * m),
        i1 = Math.floor(rnd() * m),
        i2 = Math.floor(rnd() * m);
      if (i0 === i1 || i1 === i2 || i0 === i2) continue;
      const pl = solvePlane3(su[i0]!, sv[i0]!, sr[i0]!, su[i1]!, sv[i1]!, sr[i1]!, su[i2]!, sv[i2]!, sr[i2]!);
      if (!pl) continue;
      let c = 0;
      for (let k = 0; k < m; k++)
        if (Math.abs(pl[0] * su[k]! + pl[1] * sv[k]! + pl[2] - sr[k]!) < maxRes * sr[k]!) c++;
      if (c > bestCount) {
        bestCount = c;
        bp = pl;
      }
    }
    if (!bp || bestCount < minSupport || bestCount < minShare * m) continue;
    // least squares on the inliers (relative residuals: rows scaled by 1/ρ)
    const A = new Float64Array(9);
    const b = new Float64Array(3);
    let uMin = Infinity,
      uMax = -Infinity,
      vMin = Infinity,
      vMax = -Infinity;
    for (let k = 0; k < m; k++) {
      const u = su[k]!,
        v = sv[k]!,
        r = sr[k]!;
      if (!(Math.abs(bp[0] * u + bp[1] * v + bp[2] - r) < maxRes * r)) continue;
      const w = 1 / (r * r);
      const row = [u, v, 1];
      for (let a = 0; a < 3; a++) {
        for (let c = 0; c < 3; c++) A[3 * a + c] = A[3 * a + c]! + w * row[a]! * row[c]!;
        b[a] = b[a]! + w * row[a]! * r;
      }
      uMin = Math.min(uMin, u);
      uMax = Math.max(uMax, u);
      vMin = Math.min(vMin, v);
      vMax = Math.max(vMax, v);
    }
    // degenerate support (all on a line or a point) cannot pin a plane across the hole
    if (uMax - uMin < 3 || vMax - vMin < 3) continue;
    const pl = solve3x3(A, b) ?? bp;
    let okPlane = true;
    for (let k = 0; k < len && okPlane; k++) {
      const p = region[k]!;
      const x = p % W;
      const y = (p - x) / W;
      if (!(pl[0] * (x + 0.5) + pl[1] * (y + 0.5) + pl[2] > 0)) okPlane = false;
    }
    if (!okPlane) continue;
    for (let k = 0; k < len; k++) {
      const p = region[k]!;
      const x = p % W;
      const y = (p - x) / W;
      depth[p] = 1 / (pl[0] * (x + 0.5) + pl[1] * (y + 0.5) + pl[2]);
      interpolated[p] = 1;
    }
    accepted++;
  }
  return { interpolated, regions, accepted };
}

function solvePlane3(
  u0: number,
  v0: number,
  r0: number,
  u1: number,
  v1: number,
  r1: number,
  u2: number,
  v2: number,
  r2: number,
): [number, number, number] | null {
  const A = new Float64Array([u0, v0, 1, u1, v1, 1, u2, v2, 1]);
  return solve3x3(A, new Float64Array([r0, r1, r2]));
}

/** Cramer's rule; null when (near) singular. */
function solve3x3(A: Float64Array, b: Float64Array): [number, number, number] | null {
  const a = A[0]!,
    bb = A[1]!,
    c = A[2]!,
    d = A[3]!,
    e = A[4]!,
    f = A[5]!,
    g = A[6]!,
    h = A[7]!,
    i = A[8]!;
  const det = a * (e * i - f * h) - bb * (d * i - f * g) + c * (d * h - e * g);
  const scale = Math.abs(a * e * i) + Math.abs(bb * f * g) + Math.abs(c * d * h) + 1e-300;
  if (!(Math.abs(det) > 1e-12 * scale)) return null;
  const x0 = b[0]!,
    x1 = b[1]!,
    x2 = b[2]!;
  return [
    (x0 * (e * i - f * h) - bb * (x1 * i - f * x2) + c * (x1 * h - e * x2)) / det,
    (a * (x1 * i - f * x2) - x0 * (d * i - f * g) + c * (d * x2 - x1 * g)) / det,
    (a * (e * x2 - x1 * h) - bb * (d * x2 - x1 * g) + x0 * (d * h - e * g)) / det,
  ];
}
