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
  const zbuf = consensusDepth(perSource, options.depthTolerance ?? 0.03);
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
    let chosen = 0;
    for (let i = 0; i < k && chosen === 0; i++) {
      const z = vals[i]!;
      const next = vals[i + 1];
      if (next !== undefined && i + 1 < k && (next === z || next - z <= tol * z)) chosen = z;
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
 * frames, or a sign the target sees around). So the ray is marched from the nearest to the farthest depth
 * the window saw: a point on it that some window frame has in view behind a surface it saw, and that no
 * frame sees as free space (its surface behind the point, or at infinity), may be inside an object; then
 * the cell becomes "nothing landed": an honest hole instead of sky. Points no frame has in view are no
 * evidence either way (else every sky the target tilts up to would be a hole).
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
        // free unless a frame has the point in view behind a surface and none sees it as free space
        let hidden = false,
          clear = false;
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
          } else if (seen > 0) hidden = true;
        }
        free = clear || !hidden;
      }
      if (!free) zbuf[c] = 0;
    }
  }
}

/** Per source, what the lookup needs: target camera → source camera, intrinsics, buffers. */
interface Lookup {
  m: Float64Array;
  d: Float64Array;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  W: number;
  H: number;
  colour: Uint16Array;
  dW: number;
  dH: number;
  kx: number;
  ky: number;
  depth: Float32Array;
  infinity: Uint8Array | null;
}

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
  return lookupColour(target, sources, splatTargetDepth(target, sources, options), options);
}

/**
 * Step 2 of reprojectFrame: the colour of every target pixel, looked up in the window through the target
 * depth `grid` (planar z on a grid of the target image; Infinity at infinity; 0 = nothing).
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
  const GW = grid.width,
    GH = grid.height,
    gz = grid.depth;
  const gsx = GW / W,
    gsy = GH / H;
  const lookups: Lookup[] = sources.map((s) => {
    const { m, d } = relative(target, s.camera);
    const k = s.camera.intrinsics;
    return {
      m,
      d,
      fx: k.fx,
      fy: k.fy,
      cx: k.cx,
      cy: k.cy,
      W: s.width,
      H: s.height,
      colour: s.colour,
      dW: s.depthWidth,
      dH: s.depthHeight,
      kx: s.depthWidth / s.width,
      ky: s.depthHeight / s.height,
      depth: s.depth,
      infinity: s.infinity,
    };
  });
  const colour = new Uint16Array(W * H * 3);
  const mask = new Uint8Array(W * H);
  const xns = new Float64Array(W);
  for (let x = 0; x < W; x++) xns[x] = (x + 0.5 - kt.cx) / kt.fx;
  const sample = new Float64Array(3);
  const candidates = new Float64Array(4);

  /**
   * Looks the point (xn·z, yn·z, z) (z = Infinity: the direction) up in the window; writes its colour to
   * `sample` and returns true when a frame sees it.
   */
  const look = (xn: number, yn: number, z: number): boolean => {
    const atInfinity = z === Infinity;
    sample[0] = sample[1] = sample[2] = 0;
    let found = 0;
    for (let s = 0; s < lookups.length; s++) {
      const L = lookups[s]!;
      const m = L.m;
      let X0 = m[0]! * xn + m[1]! * yn + m[2]!,
        X1 = m[3]! * xn + m[4]! * yn + m[5]!,
        X2 = m[6]! * xn + m[7]! * yn + m[8]!;
      if (!atInfinity) {
        X0 = X0 * z + L.d[0]!;
        X1 = X1 * z + L.d[1]!;
        X2 = X2 * z + L.d[2]!;
      }
      if (!(X2 > 1e-9)) continue;
      const iz = 1 / X2;
      const u = L.fx * X0 * iz + L.cx,
        v = L.fy * X1 * iz + L.cy;
      // colour pixel centres at +½: bilinear needs u − ½ in [0, W − 1]
      const fu = u - 0.5,
        fv = v - 0.5;
      if (!(fu >= 0 && fv >= 0 && fu <= L.W - 1 && fv <= L.H - 1)) continue;
      // visibility: the frame's own depth around the spot (the 2×2 depth pixels about it)
      const du = u * L.kx - 0.5,
        dv = v * L.ky - 0.5;
      let dx0 = Math.floor(du),
        dy0 = Math.floor(dv);
      if (dx0 < 0) dx0 = 0;
      if (dy0 < 0) dy0 = 0;
      const dx1 = dx0 + 1 < L.dW ? dx0 + 1 : dx0,
        dy1 = dy0 + 1 < L.dH ? dy0 + 1 : dy0;
      const p00 = dy0 * L.dW + dx0,
        p01 = dy0 * L.dW + dx1,
        p10 = dy1 * L.dW + dx0,
        p11 = dy1 * L.dW + dx1;
      let ok: boolean;
      if (atInfinity) {
        const inf = L.infinity;
        ok = inf !== null && (inf[p00] === 1 || inf[p01] === 1 || inf[p10] === 1 || inf[p11] === 1);
      } else {
        const dep = L.depth;
        const lim = tol * X2;
        const a = dep[p00]!,
          b = dep[p01]!,
          c = dep[p10]!,
          e = dep[p11]!;
        ok =
          (a > 0 && Math.abs(a - X2) <= lim) ||
          (b > 0 && Math.abs(b - X2) <= lim) ||
          (c > 0 && Math.abs(c - X2) <= lim) ||
          (e > 0 && Math.abs(e - X2) <= lim);
      }
      if (!ok) continue;
      let ix = Math.floor(fu),
        iy = Math.floor(fv);
      if (ix > L.W - 2) ix = Math.max(0, L.W - 2);
      if (iy > L.H - 2) iy = Math.max(0, L.H - 2);
      const ax = fu - ix,
        ay = fv - iy;
      const w00 = (1 - ax) * (1 - ay),
        w01 = ax * (1 - ay),
        w10 = (1 - ax) * ay,
        w11 = ax * ay;
      const stepX = L.W > 1 ? 3 : 0,
        stepY = L.H > 1 ? 3 * L.W : 0;
      const q = 3 * (iy * L.W + ix);
      const col = L.colour;
      for (let ch = 0; ch < 3; ch++) {
        const o = q + ch;
        sample[ch] =
          sample[ch]! +
          w00 * col[o]! +
          w01 * col[o + stepX]! +
          w10 * col[o + stepY]! +
          w11 * col[o + stepX + stepY]!;
      }
      if (++found >= blend) break;
    }
    if (found > 1) {
      const k = 1 / found;
      sample[0] *= k;
      sample[1] *= k;
      sample[2] *= k;
    }
    return found > 0;
  };

  let seen = 0;
  for (let y = 0; y < H; y++) {
    const yn = (y + 0.5 - kt.cy) / kt.fy;
    const gyf = (y + 0.5) * gsy - 0.5;
    let gy0 = Math.floor(gyf);
    const ay = gyf - gy0;
    if (gy0 < 0) gy0 = 0;
    const gy1 = gy0 + 1 < GH ? gy0 + 1 : gy0;
    const gyn = Math.min(GH - 1, Math.max(0, Math.round(gyf)));
    for (let x = 0; x < W; x++) {
      const gxf = (x + 0.5) * gsx - 0.5;
      let gx0 = Math.floor(gxf);
      const ax = gxf - gx0;
      if (gx0 < 0) gx0 = 0;
      const gx1 = gx0 + 1 < GW ? gx0 + 1 : gx0;
      const a = gz[gy0 * GW + gx0]!,
        b = gz[gy0 * GW + gx1]!,
        c = gz[gy1 * GW + gx0]!,
        e = gz[gy1 * GW + gx1]!;
      const nearest = gz[gyn * GW + Math.min(GW - 1, Math.max(0, Math.round(gxf)))]!;
      let z = nearest;
      if (a > 0 && b > 0 && c > 0 && e > 0 && a < Infinity && b < Infinity && c < Infinity && e < Infinity) {
        const lo = Math.min(a, b, c, e),
          hi = Math.max(a, b, c, e);
        if (hi <= lo * 1.05) z = 1 / ((1 - ay) * ((1 - ax) / a + ax / b) + ay * ((1 - ax) / c + ax / e));
      }
      const xn = xns[x]!;
      let hit = z > 0 && look(xn, yn, z);
      if (!hit) {
        // at an edge the pixel may belong to the other surface: try the neighbouring cells' depths
        let n = 0;
        for (const cz of [a, b, c, e])
          if (cz > 0 && cz !== z && Math.abs(cz - z) > 0.02 * Math.min(cz, z)) {
            let dup = false;
            for (let i = 0; i < n; i++) if (candidates[i] === cz) dup = true;
            if (!dup) candidates[n++] = cz;
          }
        for (let i = 0; i < n && !hit; i++) hit = look(xn, yn, candidates[i]!);
      }
      if (hit) {
        const p = y * W + x;
        const o = 3 * p;
        colour[o] = sample[0]! + 0.5;
        colour[o + 1] = sample[1]! + 0.5;
        colour[o + 2] = sample[2]! + 0.5;
        mask[p] = MASK_SEEN;
        seen++;
      }
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
