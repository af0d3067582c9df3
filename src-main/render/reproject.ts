/**
 * The reprojection render of one target frame (SPEC §6, issue 14 item 1): the shot's own pixels, with their
 * depth, seen from the target camera.
 *
 * 1. **Geometry by forward splatting.** Every depth sample of every window frame is projected into the
 *    target camera and z-buffered on the *geometry grid* (the target image at the depth maps' density).
 *    Each sample covers a box as large as the distance to its projected neighbours (the local magnification
 *    of the move, slanted surfaces included), so a surface the target approaches stays closed; neighbours
 *    across a depth edge do not count, so a foreground object does not smear over the background. Samples
 *    at infinity (depth state "infinity": sky, far background) land by rotation alone, behind everything.
 * 2. **Colour by visibility-tested lookup.** Each target pixel takes its depth from the grid (bilinear in
 *    inverse depth inside a smooth surface, the nearest cell at an edge), goes back to 3D, and is looked
 *    up in the window frames in the order they were chosen: the first frame whose own depth agrees at that
 *    spot (within `depthTolerance`) sees the point, and its colour is sampled bilinearly. A frame where
 *    something nearer hides the point does not count, so disocclusions are filled from the frames that do
 *    see them. At a depth edge the other surface's depth is tried too.
 * 3. **Honest mask.** `seen` only where a window frame's depth confirms the point; `empty` everywhere else
 *    (nothing landed, or no frame sees the surface the grid holds). Filling holes is a separate, marked step
 *    (inpaint.ts).
 *
 * Colour is RGB with 16 bits per channel (0–65535); cameras are pinhole in pixels of their images
 * (SPEC §2: pixel (i, j)'s centre is at (i + ½, j + ½)); depth is planar z along the optical axis.
 */
import type { Camera } from '../../src-shared/geometry';
import { quatToMat3 } from '../../src-shared/geometry';

/** Mask values, also as written to mask PNGs: a window frame saw the pixel / inpainted / nothing. */
export const MASK_SEEN = 255;
export const MASK_FILLED = 128;
export const MASK_EMPTY = 0;

/** One window frame: its colour at the shot's resolution and its depth map. */
export interface PlateSource {
  /** The source camera, intrinsics in pixels of `colour`. */
  camera: Camera;
  width: number;
  height: number;
  /** RGB, 3 × 16 bits per pixel, row-major. */
  colour: Uint16Array;
  depthWidth: number;
  depthHeight: number;
  /** Planar z per depth pixel; 0 or not finite = no depth. */
  depth: Float32Array;
  /** 1 where the depth pixel is at infinity (its colour moves by rotation only). */
  infinity: Uint8Array | null;
}

export interface ReprojectOptions {
  /** Relative depth difference within which a window frame is said to see a point (default 0.03). */
  depthTolerance?: number;
  /** Largest box one depth sample covers on the geometry grid, in cells (default 12). */
  maxFootprint?: number;
  /** Neighbouring depth samples whose depths differ by more than this ratio are across an edge (default 1.1). */
  edgeRatio?: number;
  /** How many window frames that see a pixel are averaged (default 1: the first in the window's order). */
  blend?: number;
  /**
   * The first window frame is the target frame's own moment (the source frame at the same time): its depth
   * is taken wherever it has one, and the others only fill what it cannot see — so what moves in the shot
   * is rendered where it is at that moment instead of being voted away by frames from other moments.
   */
  primary?: boolean;
  /**
   * Blended frames must agree in colour with the first that sees the pixel, within this share of full
   * scale in every channel (default 0.06): a frame where something else stands there (a person who has
   * moved on) is not averaged in.
   */
  colourTolerance?: number;
}

export interface ReprojectedPlate {
  width: number;
  height: number;
  /** RGB, 16 bits per channel; 0 where the mask says empty. */
  colour: Uint16Array;
  /** MASK_SEEN or MASK_EMPTY per pixel. */
  mask: Uint8Array;
  /** The target depth on the geometry grid: planar z, Infinity at infinity, 0 where nothing landed. */
  depth: Float32Array;
  depthWidth: number;
  depthHeight: number;
  /** The share of pixels seen (0–1). */
  seen: number;
}

interface Transform {
  /** Rotation (row-major) and translation taking camera-a coordinates to camera-b coordinates. */
  m: Float64Array;
  d: Float64Array;
}

/** X_b = R_bᵀ·R_a·X_a + R_bᵀ·(C_a − C_b): camera a's axes into camera b's. */
function relative(a: Camera, b: Camera): Transform {
  const Ra = quatToMat3(a.q);
  const Rb = quatToMat3(b.q);
  const m = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      m[3 * i + j] = Rb[i]! * Ra[j]! + Rb[3 + i]! * Ra[3 + j]! + Rb[6 + i]! * Ra[6 + j]!;
  const e0 = a.C[0] - b.C[0],
    e1 = a.C[1] - b.C[1],
    e2 = a.C[2] - b.C[2];
  const d = new Float64Array([
    Rb[0]! * e0 + Rb[3]! * e1 + Rb[6]! * e2,
    Rb[1]! * e0 + Rb[4]! * e1 + Rb[7]! * e2,
    Rb[2]! * e0 + Rb[5]! * e1 + Rb[8]! * e2,
  ]);
  return { m, d };
}

/** The geometry grid's size for a target of `width` × `height` and sources of the given density. */
export function geometryGridSize(
  width: number,
  height: number,
  sources: readonly PlateSource[],
): { width: number; height: number; scale: number } {
  const s0 = sources[0];
  const scale = s0 ? Math.min(1, s0.depthWidth / s0.width) : 1;
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
    scale,
  };
}

/**
 * Forward-splats the sources' depth into the target's geometry grid (nearest surface wins; Infinity where
 * only samples at infinity landed; 0 where nothing did).
 */
export function splatTargetDepth(
  target: Camera,
  sources: readonly PlateSource[],
  options: ReprojectOptions = {},
): { depth: Float32Array; width: number; height: number; scale: number } {
  const kt = target.intrinsics;
  const grid = geometryGridSize(kt.width, kt.height, sources);
  const GW = grid.width,
    GH = grid.height;
  const sx = GW / kt.width,
    sy = GH / kt.height;
  const fx = kt.fx * sx,
    fy = kt.fy * sy,
    cx = kt.cx * sx,
    cy = kt.cy * sy;
  // one z-buffer per window frame; the consensus below makes the target's
  const perSource = sources.map(() => new Float32Array(GW * GH));
  const maxFoot = Math.max(1, options.maxFootprint ?? 12);
  const edge = Math.max(1, options.edgeRatio ?? 1.1);
  // the nearest and farthest finite depth the window saw (in its own cameras and in the target's): where
  // unseen geometry could stand
  let near = Infinity,
    far = 0;
  for (let si = 0; si < sources.length; si++) {
    const src = sources[si]!;
    const zbuf = perSource[si]!;
    const W = src.depthWidth,
      H = src.depthHeight;
    const ks = src.camera.intrinsics;
    const kx = W / src.width,
      ky = H / src.height;
    const sfx = ks.fx * kx,
      sfy = ks.fy * ky,
      scx = ks.cx * kx,
      scy = ks.cy * ky;
    const { m, d } = relative(src.camera, target);
    const m0 = m[0]!,
      m1 = m[1]!,
      m2 = m[2]!,
      m3 = m[3]!,
      m4 = m[4]!,
      m5 = m[5]!,
      m6 = m[6]!,
      m7 = m[7]!,
      m8 = m[8]!;
    const d0 = d[0]!,
      d1 = d[1]!,
      d2 = d[2]!;
    const depth = src.depth,
      inf = src.infinity;
    const xns = new Float64Array(W);
    for (let x = 0; x < W; x++) xns[x] = (x + 0.5 - scx) / sfx;
    // three rows of projections (previous, current, next): u, v and the sample's depth (NaN = none;
    // Infinity = at infinity) so each sample's box can use all four neighbours
    const U = [new Float64Array(W), new Float64Array(W), new Float64Array(W)];
    const V = [new Float64Array(W), new Float64Array(W), new Float64Array(W)];
    const Z = [new Float64Array(W), new Float64Array(W), new Float64Array(W)];
    const project = (y: number, u: Float64Array, v: Float64Array, z: Float64Array): void => {
      const yn = (y + 0.5 - scy) / sfy;
      const row = y * W;
      for (let x = 0; x < W; x++) {
        const p = row + x;
        const xn = xns[x]!;
        const r0 = m0 * xn + m1 * yn + m2,
          r1 = m3 * xn + m4 * yn + m5,
          r2 = m6 * xn + m7 * yn + m8;
        let X0: number, X1: number, X2: number, zs: number;
        if (inf !== null && inf[p] === 1) {
          X0 = r0;
          X1 = r1;
          X2 = r2;
          zs = Infinity;
        } else {
          const s = depth[p]!;
          if (!(s > 0 && s < Infinity)) {
            z[x] = NaN;
            continue;
          }
          X0 = r0 * s + d0;
          X1 = r1 * s + d1;
          X2 = r2 * s + d2;
          zs = X2;
          if (s < near) near = s;
          if (X2 < near) near = X2;
          if (s > far) far = s;
        }
        if (!(X2 > 1e-9)) {
          z[x] = NaN;
          continue;
        }
        const iz = 1 / X2;
        u[x] = fx * X0 * iz + cx;
        v[x] = fy * X1 * iz + cy;
        z[x] = zs;
      }
    };
    project(0, U[1]!, V[1]!, Z[1]!);
    for (let y = 0; y < H; y++) {
      if (y + 1 < H) project(y + 1, U[2]!, V[2]!, Z[2]!);
      else Z[2]!.fill(NaN);
      const u0 = U[0]!,
        v0 = V[0]!,
        z0 = Z[0]!,
        u1 = U[1]!,
        v1 = V[1]!,
        z1 = Z[1]!,
        u2 = U[2]!,
        v2 = V[2]!,
        z2 = Z[2]!;
      const hasUp = y > 0;
      for (let x = 0; x < W; x++) {
        const z = z1[x]!;
        if (!(z === z)) continue; // NaN: no sample
        const u = u1[x]!,
          v = v1[x]!;
        // the box: half the largest distance to a neighbour on the same surface (left, right, up, down)
        let ex = 0,
          ey = 0,
          n = 0;
        for (let k = 0; k < 4; k++) {
          let nz: number, nu: number, nv: number;
          if (k === 0) {
            if (x === 0) continue;
            nz = z1[x - 1]!;
            nu = u1[x - 1]!;
            nv = v1[x - 1]!;
          } else if (k === 1) {
            if (x + 1 >= W) continue;
            nz = z1[x + 1]!;
            nu = u1[x + 1]!;
            nv = v1[x + 1]!;
          } else if (k === 2) {
            if (!hasUp) continue;
            nz = z0[x]!;
            nu = u0[x]!;
            nv = v0[x]!;
          } else {
            nz = z2[x]!;
            nu = u2[x]!;
            nv = v2[x]!;
          }
          if (!(nz === nz)) continue;
          // both at infinity: Infinity/Infinity is NaN, which passes (same surface)
          if (nz > z ? nz > z * edge : z > nz * edge) continue;
          const du = Math.abs(nu - u),
            dv = Math.abs(nv - v);
          if (du > maxFoot || dv > maxFoot) continue;
          if (du > ex) ex = du;
          if (dv > ey) ey = dv;
          n++;
        }
        if (n === 0) ex = ey = 1;
        const hx = 0.5 * ex + 0.02,
          hy = 0.5 * ey + 0.02;
        // cells whose centres (c + ½) fall inside [u − hx, u + hx] × [v − hy, v + hy]; at least u's own
        let xa = Math.ceil(u - hx - 0.5),
          xb = Math.floor(u + hx - 0.5);
        let ya = Math.ceil(v - hy - 0.5),
          yb = Math.floor(v + hy - 0.5);
        if (xb < xa) xa = xb = Math.floor(u);
        if (yb < ya) ya = yb = Math.floor(v);
        if (xa < 0) xa = 0;
        if (ya < 0) ya = 0;
        if (xb >= GW) xb = GW - 1;
        if (yb >= GH) yb = GH - 1;
        const zf = Math.fround(z);
        for (let gy = ya; gy <= yb; gy++) {
          const row = gy * GW;
          for (let gx = xa; gx <= xb; gx++) {
            const c = row + gx;
            const cur = zbuf[c]!;
            if (cur === 0 || zf < cur) zbuf[c] = zf;
          }
        }
      }
      // rotate the rows
      U.push(U.shift()!);
      V.push(V.shift()!);
      Z.push(Z.shift()!);
    }
  }
  const tol = options.depthTolerance ?? 0.03;
  let zbuf: Float32Array;
  if (options.primary && perSource.length > 1) {
    zbuf = consensusDepth(perSource.slice(1), tol);
    const own = perSource[0]!;
    for (let c = 0; c < zbuf.length; c++) if (own[c]! > 0) zbuf[c] = own[c]!;
  } else zbuf = consensusDepth(perSource, tol);
  if (far > 0)
    carveInfinity(
      { fx, fy, cx, cy, width: GW, height: GH },
      target,
      zbuf,
      sources,
      0.5 * near,
      far,
      options.depthTolerance ?? 0.03,
    );
  return { depth: zbuf, width: GW, height: GH, scale: grid.scale };
}

/**
 * The target depth from the window frames' own z-buffers. Each frame's depth has its errors (a wrong
 * match, sky given a distance), but they rarely agree on the same wrong surface, while a real one is seen
 * alike by every frame that sees it. So a cell takes the nearest depth that another frame confirms
 * (within `tol`; two frames at infinity confirm each other); a depth only one frame has there is taken
 * when no other frame has anything nearer or confirmed there (a disocclusion only one frame saw).
 * A lone near depth that other frames see through is dropped.
 */
export function consensusDepth(perSource: readonly Float32Array[], tol: number): Float32Array {
  const n = perSource[0]?.length ?? 0;
  const out = new Float32Array(n);
  const S = perSource.length;
  const vals = new Float64Array(S);
  for (let c = 0; c < n; c++) {
    let k = 0;
    for (let s = 0; s < S; s++) {
      const z = perSource[s]![c]!;
      if (z > 0) {
        // insertion sort: at most a window's worth of values
        let i = k++;
        while (i > 0 && vals[i - 1]! > z) {
          vals[i] = vals[i - 1]!;
          i--;
        }
        vals[i] = z;
      }
    }
    if (k === 0) continue;
    if (k === 1) {
      out[c] = vals[0]!;
      continue;
    }
    // the nearest run of depths within tol of its first: averaged (each frame's noise is its own)
    let chosen = 0;
    for (let i = 0; i < k - 1 && chosen === 0; i++) {
      const z = vals[i]!;
      if (z === Infinity) {
        if (vals[i + 1] === Infinity) chosen = Infinity;
        continue;
      }
      let j = i + 1,
        sum = z;
      while (j < k && vals[j]! - z <= tol * z) sum += vals[j++]!;
      if (j - i >= 2) chosen = sum / (j - i);
    }
    // nothing confirmed: the farthest (what the others see through to), as no frame agrees on more
    out[c] = chosen !== 0 ? chosen : vals[k - 1]!;
  }
  return out;
}

/** Depths at which a ray at infinity is checked for free space (log-spaced between near and far). */
const FREE_SPACE_STEPS = 32;

/**
 * A cell at infinity is only at infinity when nothing stands between the target camera and the sky along
 * its ray: a source that saw the sky in that direction from elsewhere says nothing about a nearby object
 * that the target sees and no source did (a push-in that reveals the top of a post above the source
 * frames, or a sign the target sees around). So the ray is marched from half the nearest to the farthest
 * depth the window saw, and every point on it must be seen as free space by some window frame (in its
 * view, with its surface behind the point or at infinity). Where one is not — hidden behind a surface, or
 * in no frame's view — the cell becomes "nothing landed": an honest hole instead of a guessed sky. (Taking
 * points no frame has in view as free instead covers ~10 % more of orbit_a_target but paints sky over the
 * tops of near posts there: 1.3 dB worse; docs/BENCHMARKS.md.)
 */
function carveInfinity(
  k: { fx: number; fy: number; cx: number; cy: number; width: number; height: number },
  target: Camera,
  zbuf: Float32Array,
  sources: readonly PlateSource[],
  near: number,
  far: number,
  tol: number,
): void {
  const GW = k.width,
    GH = k.height;
  const views = sources.map((s) => {
    const { m, d } = relative(target, s.camera);
    const ks = s.camera.intrinsics;
    const kx = s.depthWidth / s.width,
      ky = s.depthHeight / s.height;
    return { m, d, fx: ks.fx * kx, fy: ks.fy * ky, cx: ks.cx * kx, cy: ks.cy * ky, src: s };
  });
  const steps = new Float64Array(FREE_SPACE_STEPS);
  const lo = Math.max(near, 1e-6),
    ratio = Math.max(1, far / lo);
  for (let i = 0; i < FREE_SPACE_STEPS; i++) steps[i] = lo * Math.pow(ratio, i / (FREE_SPACE_STEPS - 1));
  let order = 0;
  for (let gy = 0; gy < GH; gy++) {
    const yn = (gy + 0.5 - k.cy) / k.fy;
    for (let gx = 0; gx < GW; gx++) {
      const c = gy * GW + gx;
      if (zbuf[c] !== Infinity) continue;
      const xn = (gx + 0.5 - k.cx) / k.fx;
      let free = true;
      for (let i = 0; i < FREE_SPACE_STEPS && free; i++) {
        const z = steps[i]!;
        let clear = false;
        // start with the frame that answered last: neighbouring samples mostly share it
        for (let j = 0; j < views.length && !clear; j++) {
          const jj = (order + j) % views.length;
          const v = views[jj]!;
          const m = v.m;
          const X0 = (m[0]! * xn + m[1]! * yn + m[2]!) * z + v.d[0]!;
          const X1 = (m[3]! * xn + m[4]! * yn + m[5]!) * z + v.d[1]!;
          const X2 = (m[6]! * xn + m[7]! * yn + m[8]!) * z + v.d[2]!;
          if (!(X2 > 1e-9)) continue;
          const u = Math.floor((v.fx * X0) / X2 + v.cx),
            w = Math.floor((v.fy * X1) / X2 + v.cy);
          const s = v.src;
          if (u < 0 || w < 0 || u >= s.depthWidth || w >= s.depthHeight) continue;
          const p = w * s.depthWidth + u;
          const seen = s.depth[p]!;
          if ((s.infinity !== null && s.infinity[p] === 1) || seen > X2 * (1 + tol)) {
            clear = true;
            order = jj;
          }
        }
        free = clear;
      }
      if (!free) zbuf[c] = 0;
    }
  }
}

/**
 * Per window frame, the projection of a target ray into it: for the ray r = (xn, yn, 1) of a target pixel
 * at planar depth z, the homogeneous source pixel is h = z·(A·r) + b (A = K_s·M, b = K_s·d; at infinity
 * h = A·r), and the pixel (u, v) = (h0/h2, h1/h2).
 */
interface Projector {
  a: Float64Array;
  b: Float64Array;
  src: PlateSource;
  /** Depth pixels per source pixel. */
  kx: number;
  ky: number;
}

function projectorOf(target: Camera, s: PlateSource): Projector {
  const { m, d } = relative(target, s.camera);
  const k = s.camera.intrinsics;
  const a = new Float64Array(9);
  for (let j = 0; j < 3; j++) {
    a[j] = k.fx * m[j]! + k.cx * m[6 + j]!;
    a[3 + j] = k.fy * m[3 + j]! + k.cy * m[6 + j]!;
    a[6 + j] = m[6 + j]!;
  }
  const b = new Float64Array([k.fx * d[0]! + k.cx * d[2]!, k.fy * d[1]! + k.cy * d[2]!, d[2]!]);
  return { a, b, src: s, kx: s.depthWidth / s.width, ky: s.depthHeight / s.height };
}

/** Whether window frame `P` sees the point at planar depth z (Infinity: the direction) along target ray (xn, yn). */
function sees(P: Projector, xn: number, yn: number, z: number, tol: number): boolean {
  const a = P.a;
  let h0 = a[0]! * xn + a[1]! * yn + a[2]!,
    h1 = a[3]! * xn + a[4]! * yn + a[5]!,
    h2 = a[6]! * xn + a[7]! * yn + a[8]!;
  const atInfinity = z === Infinity;
  if (!atInfinity) {
    h0 = h0 * z + P.b[0]!;
    h1 = h1 * z + P.b[1]!;
    h2 = h2 * z + P.b[2]!;
  }
  if (!(h2 > 1e-9)) return false;
  const u = h0 / h2,
    v = h1 / h2;
  const s = P.src;
  // in the colour image, where bilinear sampling has its four pixels (centres at +½)
  if (!(u >= 0.5 && v >= 0.5 && u <= s.width - 0.5 && v <= s.height - 0.5)) return false;
  // the frame's own depth about the spot: the 2×2 depth pixels around it
  const du = u * P.kx - 0.5,
    dv = v * P.ky - 0.5;
  const dW = s.depthWidth;
  const dx0 = du < 0 ? 0 : Math.floor(du),
    dy0 = dv < 0 ? 0 : Math.floor(dv);
  const dx1 = dx0 + 1 < dW ? dx0 + 1 : dx0,
    dy1 = dy0 + 1 < s.depthHeight ? dy0 + 1 : dy0;
  const p00 = dy0 * dW + dx0,
    p01 = dy0 * dW + dx1,
    p10 = dy1 * dW + dx0,
    p11 = dy1 * dW + dx1;
  if (atInfinity) {
    const inf = s.infinity;
    return inf !== null && (inf[p00] === 1 || inf[p01] === 1 || inf[p10] === 1 || inf[p11] === 1);
  }
  const dep = s.depth;
  const lim = tol * h2;
  const e00 = dep[p00]!,
    e01 = dep[p01]!,
    e10 = dep[p10]!,
    e11 = dep[p11]!;
  return (
    (e00 > 0 && Math.abs(e00 - h2) <= lim) ||
    (e01 > 0 && Math.abs(e01 - h2) <= lim) ||
    (e10 > 0 && Math.abs(e10 - h2) <= lim) ||
    (e11 > 0 && Math.abs(e11 - h2) <= lim)
  );
}

/** Most window frames one target frame can be rendered from (visibility is a 16-bit mask per cell). */
export const MAX_WINDOW = 16;

/**
 * Renders one target frame from its window (`sources`, best first): see the module comment. The result's
 * mask says seen or empty; nothing is invented here.
 */
export function reprojectFrame(
  target: Camera,
  sources: readonly PlateSource[],
  options: ReprojectOptions = {},
): ReprojectedPlate {
  const kt = target.intrinsics;
  const W = kt.width,
    H = kt.height;
  if (!(Number.isInteger(W) && Number.isInteger(H) && W > 0 && H > 0))
    throw new RangeError(`the target camera's image size ${W}×${H} is not a positive whole size`);
  if (sources.length > MAX_WINDOW)
    throw new RangeError(`a window of ${sources.length} frames is more than ${MAX_WINDOW}`);
  return lookupColour(target, sources, splatTargetDepth(target, sources, options), options);
}

/**
 * Step 2 of reprojectFrame: the colour of every target pixel, looked up in the window through the target
 * depth `grid` (planar z on a grid of the target image; Infinity at infinity; 0 = nothing).
 *
 * Which frames see a point is decided once per grid cell, at its centre, with the cell's depth (at a depth
 * edge a cell no frame sees with its own depth tries its neighbours' depths: it may belong to the other
 * surface). Each pixel then takes its depth from the grid (bilinear in inverse depth inside a smooth
 * surface, else its cell's) and samples, bilinearly, the first `blend` frames that see its cell, averaged.
 */
export function lookupColour(
  target: Camera,
  sources: readonly PlateSource[],
  grid: { depth: Float32Array; width: number; height: number },
  options: ReprojectOptions = {},
): ReprojectedPlate {
  const kt = target.intrinsics;
  const W = kt.width,
    H = kt.height;
  const tol = options.depthTolerance ?? 0.03;
  const blend = Math.max(1, options.blend ?? 1);
  const colourLimit = 65535 * (options.colourTolerance ?? 0.06);
  const GW = grid.width,
    GH = grid.height;
  const gz = grid.depth;
  const S = Math.min(sources.length, MAX_WINDOW);
  const projectors = sources.slice(0, S).map((s) => projectorOf(target, s));
  // the grid's rays
  const gfx = (kt.fx * GW) / W,
    gfy = (kt.fy * GH) / H,
    gcx = (kt.cx * GW) / W,
    gcy = (kt.cy * GH) / H;
  // 1. per cell: which frames see it (bit s), and the depth they see it at (its own, or a neighbour's)
  const visible = new Uint16Array(GW * GH);
  const cellDepth = new Float32Array(GW * GH);
  for (let gy = 0; gy < GH; gy++) {
    const yn = (gy + 0.5 - gcy) / gfy;
    for (let gx = 0; gx < GW; gx++) {
      const c = gy * GW + gx;
      const xn = (gx + 0.5 - gcx) / gfx;
      let z = gz[c]!;
      let bits = 0;
      if (z > 0) for (let s = 0; s < S; s++) if (sees(projectors[s]!, xn, yn, z, tol)) bits |= 1 << s;
      if (bits === 0) {
        // at an edge the cell may belong to a neighbour's surface
        for (let k = 0; k < 4 && bits === 0; k++) {
          const nx = gx + (k === 0 ? -1 : k === 1 ? 1 : 0),
            ny = gy + (k === 2 ? -1 : k === 3 ? 1 : 0);
          if (nx < 0 || ny < 0 || nx >= GW || ny >= GH) continue;
          const nz = gz[ny * GW + nx]!;
          if (!(nz > 0) || nz === z) continue;
          for (let s = 0; s < S; s++) if (sees(projectors[s]!, xn, yn, nz, tol)) bits |= 1 << s;
          if (bits !== 0) z = nz;
        }
      }
      visible[c] = bits;
      cellDepth[c] = bits !== 0 ? z : 0;
    }
  }
  // 2. per pixel: depth, then the colour of the frames that see its cell
  const colour = new Uint16Array(W * H * 3);
  const mask = new Uint8Array(W * H);
  const gsx = GW / W,
    gsy = GH / H;
  const xns = new Float64Array(W);
  const gxs = new Int32Array(W),
    gx0s = new Int32Array(W),
    axs = new Float64Array(W);
  for (let x = 0; x < W; x++) {
    xns[x] = (x + 0.5 - kt.cx) / kt.fx;
    const gxf = (x + 0.5) * gsx - 0.5;
    const g0 = Math.floor(gxf);
    gx0s[x] = Math.max(0, Math.min(GW - 1, g0));
    axs[x] = g0 < 0 ? 0 : g0 >= GW - 1 ? 0 : gxf - g0;
    gxs[x] = Math.min(GW - 1, Math.max(0, Math.round(gxf)));
  }
  let seen = 0;
  for (let y = 0; y < H; y++) {
    const yn = (y + 0.5 - kt.cy) / kt.fy;
    const gyf = (y + 0.5) * gsy - 0.5;
    const g0 = Math.floor(gyf);
    const gy0 = Math.max(0, Math.min(GH - 1, g0));
    const ay = g0 < 0 ? 0 : g0 >= GH - 1 ? 0 : gyf - g0;
    const gy1 = gy0 + 1 < GH ? gy0 + 1 : gy0;
    const gyn = Math.min(GH - 1, Math.max(0, Math.round(gyf)));
    const rowN = gyn * GW,
      row0 = gy0 * GW,
      row1 = gy1 * GW;
    for (let x = 0; x < W; x++) {
      const cell = rowN + gxs[x]!;
      let bits = visible[cell]!;
      if (bits === 0) continue;
      let z = cellDepth[cell]!;
      if (z !== Infinity) {
        const gx0 = gx0s[x]!;
        const gx1 = gx0 + 1 < GW ? gx0 + 1 : gx0;
        const ax = axs[x]!;
        const a = cellDepth[row0 + gx0]!,
          b = cellDepth[row0 + gx1]!,
          c = cellDepth[row1 + gx0]!,
          e = cellDepth[row1 + gx1]!;
        if (
          a > 0 &&
          b > 0 &&
          c > 0 &&
          e > 0 &&
          a < Infinity &&
          b < Infinity &&
          c < Infinity &&
          e < Infinity
        ) {
          const lo = Math.min(a, b, c, e),
            hi = Math.max(a, b, c, e);
          if (hi <= lo * 1.05) z = 1 / ((1 - ay) * ((1 - ax) / a + ax / b) + ay * ((1 - ax) / c + ax / e));
        }
      }
      const xn = xns[x]!;
      let r0 = 0,
        r1 = 0,
        r2 = 0,
        f0 = 0,
        f1 = 0,
        f2 = 0,
        n = 0;
      for (let s = 0; bits !== 0 && n < blend; s++, bits >>>= 1) {
        if ((bits & 1) === 0) continue;
        const P = projectors[s]!;
        const A = P.a;
        let h0 = A[0]! * xn + A[1]! * yn + A[2]!,
          h1 = A[3]! * xn + A[4]! * yn + A[5]!,
          h2 = A[6]! * xn + A[7]! * yn + A[8]!;
        if (z !== Infinity) {
          h0 = h0 * z + P.b[0]!;
          h1 = h1 * z + P.b[1]!;
          h2 = h2 * z + P.b[2]!;
        }
        if (!(h2 > 1e-9)) continue;
        const src = P.src;
        const sw = src.width;
        // bilinear at (u − ½, v − ½), clamped into the image
        let fu = h0 / h2 - 0.5,
          fv = h1 / h2 - 0.5;
        if (!(fu >= 0)) fu = 0;
        if (!(fv >= 0)) fv = 0;
        if (fu > sw - 1) fu = sw - 1;
        if (fv > src.height - 1) fv = src.height - 1;
        const ix = Math.min(Math.floor(fu), sw > 1 ? sw - 2 : 0),
          iy = Math.min(Math.floor(fv), src.height > 1 ? src.height - 2 : 0);
        const tx = fu - ix,
          ty = fv - iy;
        const q = 3 * (iy * sw + ix);
        const sx = sw > 1 ? 3 : 0,
          sy = src.height > 1 ? 3 * sw : 0;
        const col = src.colour;
        const w00 = (1 - tx) * (1 - ty),
          w01 = tx * (1 - ty),
          w10 = (1 - tx) * ty,
          w11 = tx * ty;
        const c0 = w00 * col[q]! + w01 * col[q + sx]! + w10 * col[q + sy]! + w11 * col[q + sx + sy]!;
        const c1 =
          w00 * col[q + 1]! + w01 * col[q + sx + 1]! + w10 * col[q + sy + 1]! + w11 * col[q + sx + sy + 1]!;
        const c2 =
          w00 * col[q + 2]! + w01 * col[q + sx + 2]! + w10 * col[q + sy + 2]! + w11 * col[q + sx + sy + 2]!;
        if (n === 0) {
          f0 = c0;
          f1 = c1;
          f2 = c2;
        } else if (
          Math.abs(c0 - f0) > colourLimit ||
          Math.abs(c1 - f1) > colourLimit ||
          Math.abs(c2 - f2) > colourLimit
        )
          continue;
        r0 += c0;
        r1 += c1;
        r2 += c2;
        n++;
      }
      if (n === 0) continue;
      const p = y * W + x;
      const k = 1 / n;
      colour[3 * p] = r0 * k + 0.5;
      colour[3 * p + 1] = r1 * k + 0.5;
      colour[3 * p + 2] = r2 * k + 0.5;
      mask[p] = MASK_SEEN;
      seen++;
    }
  }
  return {
    width: W,
    height: H,
    colour,
    mask,
    depth: gz,
    depthWidth: GW,
    depthHeight: GH,
    seen: seen / (W * H),
  };
}
