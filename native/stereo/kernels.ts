/**
 * Stereo matching kernels in AssemblyScript, compiled to WebAssembly with SIMD by scripts/build-wasm.mjs
 * (the module lands, base64, in src-main/analysis/depth/stereo-kernels.wasm.ts, which is committed; a unit
 * test rebuilds it from this file and fails when they differ).
 *
 * Each kernel is the exact counterpart of a TypeScript function in src-main/analysis/depth (named below):
 * the same operations on the same values in the same order, in f64 like JavaScript, so the results are
 * identical bit for bit (tests compare them). What WebAssembly adds is speed: no bounds checks, and the
 * column sums of the NCC windows two columns at a time (f64x2).
 *
 * Memory is the caller's: every argument named like a pointer is a byte offset into this module's memory,
 * laid out by stereo-kernels.ts. No allocation happens here (runtime "stub").
 */

/** plane-sweep.ts warpSurface: the source image seen through the surface ρ(p) + delta. */
export function warpSurface(
  src: usize,
  sw: i32,
  sh: i32,
  geo: usize,
  rho: usize,
  hasRho: i32,
  delta: f64,
  width: i32,
  height: i32,
  out: usize,
  mask: usize,
): void {
  const a0 = load<f64>(geo, 0);
  const a1 = load<f64>(geo, 8);
  const a2 = load<f64>(geo, 16);
  const a3 = load<f64>(geo, 24);
  const a4 = load<f64>(geo, 32);
  const a5 = load<f64>(geo, 40);
  const a6 = load<f64>(geo, 48);
  const a7 = load<f64>(geo, 56);
  const a8 = load<f64>(geo, 64);
  const b0 = load<f64>(geo, 72);
  const b1 = load<f64>(geo, 80);
  const b2 = load<f64>(geo, 88);
  const xmax = sw - 1;
  const ymax = sh - 1;
  const fxmax = <f64>xmax;
  const fymax = <f64>ymax;
  for (let y = 0; y < height; y++) {
    const v = <f64>y + 0.5;
    const r0 = a1 * v + a2;
    const r1 = a4 * v + a5;
    const r2 = a7 * v + a8;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const u = <f64>x + 0.5;
      const p = (<usize>(row + x)) << 2;
      const q = hasRho != 0 ? <f64>load<f32>(rho + p) + delta : delta;
      const w = a6 * u + r2 + q * b2;
      const iw = 1 / w;
      const fx = (a0 * u + r0 + q * b0) * iw - 0.5;
      const fy = (a3 * u + r1 + q * b1) * iw - 0.5;
      if (!(w > 0 && fx >= 0 && fy >= 0 && fx <= fxmax && fy <= fymax)) {
        store<f32>(out + p, 0);
        store<f32>(mask + p, 0);
        continue;
      }
      let x0 = <i32>fx;
      let y0 = <i32>fy;
      if (x0 >= xmax) x0 = xmax - 1;
      if (y0 >= ymax) y0 = ymax - 1;
      const ax = fx - <f64>x0;
      const ay = fy - <f64>y0;
      const i = src + ((<usize>(y0 * sw + x0)) << 2);
      const q00 = <f64>load<f32>(i);
      const q10 = <f64>load<f32>(i, 4);
      const q01 = <f64>load<f32>(i + ((<usize>sw) << 2));
      const q11 = <f64>load<f32>(i + ((<usize>sw) << 2), 4);
      store<f32>(out + p, <f32>(q00 + ax * (q10 - q00) + ay * (q01 - q00 + ax * (q00 - q10 - q01 + q11))));
      store<f32>(mask + p, 1);
    }
  }
}

/**
 * Adds row `y` of W, W², I·W and the mask to the column sums, times `sign` (1 or −1: x + (−1)·v is
 * exactly x − v, so both directions are the reference's additions and subtractions).
 */
function columnSums(image: usize, warped: usize, mask: usize, cols: usize, W: i32, y: i32, sign: f64): void {
  const cW = cols;
  const cWW = cols + ((<usize>W) << 3);
  const cIW = cols + ((<usize>W) << 4);
  const cM = cols + <usize>W * 24;
  const row = (<usize>(y * W)) << 2;
  const s2 = f64x2.splat(sign);
  let x = 0;
  for (; x + 1 < W; x += 2) {
    const o4 = row + ((<usize>x) << 2);
    const o8 = (<usize>x) << 3;
    const v = f64x2.promote_low_f32x4(v128.load64_zero(warped + o4));
    const iv = f64x2.promote_low_f32x4(v128.load64_zero(image + o4));
    const mv = f64x2.promote_low_f32x4(v128.load64_zero(mask + o4));
    v128.store(cW + o8, f64x2.add(v128.load(cW + o8), f64x2.mul(s2, v)));
    v128.store(cWW + o8, f64x2.add(v128.load(cWW + o8), f64x2.mul(s2, f64x2.mul(v, v))));
    v128.store(cIW + o8, f64x2.add(v128.load(cIW + o8), f64x2.mul(s2, f64x2.mul(v, iv))));
    v128.store(cM + o8, f64x2.add(v128.load(cM + o8), f64x2.mul(s2, mv)));
  }
  for (; x < W; x++) {
    const o4 = row + ((<usize>x) << 2);
    const o8 = (<usize>x) << 3;
    const v = <f64>load<f32>(warped + o4);
    const iv = <f64>load<f32>(image + o4);
    const mv = <f64>load<f32>(mask + o4);
    store<f64>(cW + o8, load<f64>(cW + o8) + sign * v);
    store<f64>(cWW + o8, load<f64>(cWW + o8) + sign * (v * v));
    store<f64>(cIW + o8, load<f64>(cIW + o8) + sign * (v * iv));
    store<f64>(cM + o8, load<f64>(cM + o8) + sign * mv);
  }
}

/**
 * plane-sweep.ts nccCost: 1 − NCC of (2r+1)² windows (clipped at the frame) between the reference image
 * and the warped neighbour; NO_MEASUREMENT_COST (1) where the reference window has no texture, the
 * warped window leaves the neighbour's frame or is flat. `cols` is scratch for 4·W f64.
 */
export function nccCost(
  image: usize,
  warped: usize,
  mask: usize,
  count: usize,
  sI: usize,
  varSum: usize,
  textured: usize,
  cost: usize,
  W: i32,
  H: i32,
  r: i32,
  cols: usize,
): void {
  memory.fill(cols, 0, (<usize>W) << 5);
  const cW = cols;
  const cWW = cols + ((<usize>W) << 3);
  const cIW = cols + ((<usize>W) << 4);
  const cM = cols + <usize>W * 24;
  const firstY = r < H - 1 ? r : H - 1;
  for (let y = 0; y <= firstY; y++) columnSums(image, warped, mask, cols, W, y, 1);
  const first = r < W - 1 ? r : W - 1;
  for (let y = 0; y < H; y++) {
    const row = y * W;
    let aW: f64 = 0;
    let aWW: f64 = 0;
    let aIW: f64 = 0;
    let aM: f64 = 0;
    for (let x = 0; x <= first; x++) {
      const o = (<usize>x) << 3;
      aW += load<f64>(cW + o);
      aWW += load<f64>(cWW + o);
      aIW += load<f64>(cIW + o);
      aM += load<f64>(cM + o);
    }
    for (let x = 0; x < W; x++) {
      const i = <usize>(row + x);
      const i4 = i << 2;
      const c = <f64>load<f32>(count + i4);
      let out: f64;
      if (load<u8>(textured + i) == 0 || aM < c - 0.5) out = 1;
      else {
        const vw = aWW - (aW * aW) / c;
        if (!(vw > 1e-7 * c)) out = 1;
        else {
          let z = (aIW - (<f64>load<f32>(sI + i4) * aW) / c) / Math.sqrt(<f64>load<f32>(varSum + i4) * vw);
          if (z > 1) z = 1;
          else if (z < -1) z = -1;
          out = 1 - z;
        }
      }
      store<f32>(cost + i4, <f32>out);
      const add = x + r + 1;
      if (add < W) {
        const o = (<usize>add) << 3;
        aW += load<f64>(cW + o);
        aWW += load<f64>(cWW + o);
        aIW += load<f64>(cIW + o);
        aM += load<f64>(cM + o);
      }
      const sub = x - r;
      if (sub >= 0) {
        const o = (<usize>sub) << 3;
        aW -= load<f64>(cW + o);
        aWW -= load<f64>(cWW + o);
        aIW -= load<f64>(cIW + o);
        aM -= load<f64>(cM + o);
      }
    }
    if (y + r + 1 < H) columnSums(image, warped, mask, cols, W, y + r + 1, 1);
    if (y - r >= 0) columnSums(image, warped, mask, cols, W, y - r, -1);
  }
}

/**
 * coarse-to-fine.ts aggregateSeen: per pixel, the mean of the k lowest costs among the N views that
 * measured it (cost ≠ 1); 1 where none did. `costs` holds the N cost maps one after another; `best` is
 * scratch for N f64.
 */
export function aggregateSeen(costs: usize, N: i32, k: i32, agg: usize, n: i32, best: usize): void {
  const stride = (<usize>n) << 2;
  for (let i = 0; i < n; i++) {
    const i4 = (<usize>i) << 2;
    let m = 0;
    for (let j = 0; j < N; j++) {
      const c = <f64>load<f32>(costs + <usize>j * stride + i4);
      if (c == 1) continue;
      let t = m++;
      while (t > 0 && load<f64>(best + ((<usize>(t - 1)) << 3)) > c) {
        store<f64>(best + ((<usize>t) << 3), load<f64>(best + ((<usize>(t - 1)) << 3)));
        t--;
      }
      store<f64>(best + ((<usize>t) << 3), c);
    }
    if (m == 0) {
      store<f32>(agg + i4, 1);
      continue;
    }
    const kk = m < k ? m : k;
    let s: f64 = 0;
    for (let t = 0; t < kk; t++) s += load<f64>(best + ((<usize>t) << 3));
    store<f32>(agg + i4, <f32>(s / <f64>kk));
  }
}
