/**
 * A depth map brought from its grid to a larger picture (the shot's resolution) without inventing
 * surfaces: pixel centres at +0.5 on both grids; a pixel is valid where the nearest depth pixel is valid
 * (the mask keeps its edges); its depth is bilinear over the valid ones of the four depth pixels around it,
 * except across a depth edge (valid neighbours more than `edge` apart relative to the nearer), where the
 * nearest valid one is taken so no depth lands between foreground and background. Invalid pixels get 0.
 */

export interface DepthGrid {
  width: number;
  height: number;
  depth: Float32Array;
  /** 1 valid, 0 invalid; same size as depth. */
  valid: Uint8Array;
}

/** Relative depth difference above which four neighbours are taken to straddle an edge. */
export const DEPTH_EDGE_RATIO = 0.05;

export function upsampleDepth(
  src: DepthGrid,
  width: number,
  height: number,
  edge = DEPTH_EDGE_RATIO,
): DepthGrid {
  const { width: sw, height: sh, depth, valid } = src;
  if (depth.length !== sw * sh || valid.length !== sw * sh)
    throw new RangeError(
      `upsampleDepth: ${depth.length} depth / ${valid.length} mask samples for ${sw}×${sh}`,
    );
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1))
    throw new RangeError(`upsampleDepth: target size ${width}×${height}`);
  const out = new Float32Array(width * height);
  const ok = new Uint8Array(width * height);
  const sx = sw / width;
  const sy = sh / height;
  const xs = new Float64Array(4);
  const ws = new Float64Array(4);
  const zs = new Float64Array(4);
  for (let y = 0; y < height; y++) {
    const v = Math.min(sh - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(v);
    const y1 = Math.min(sh - 1, y0 + 1);
    const fy = v - y0;
    const ny = Math.min(sh - 1, Math.floor((y + 0.5) * sy));
    for (let x = 0; x < width; x++) {
      const o = y * width + x;
      const nx = Math.min(sw - 1, Math.floor((x + 0.5) * sx));
      if (!valid[ny * sw + nx]) continue;
      const u = Math.min(sw - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(u);
      const x1 = Math.min(sw - 1, x0 + 1);
      const fx = u - x0;
      xs[0] = y0 * sw + x0;
      xs[1] = y0 * sw + x1;
      xs[2] = y1 * sw + x0;
      xs[3] = y1 * sw + x1;
      ws[0] = (1 - fx) * (1 - fy);
      ws[1] = fx * (1 - fy);
      ws[2] = (1 - fx) * fy;
      ws[3] = fx * fy;
      let sum = 0;
      let wsum = 0;
      let lo = Infinity;
      let hi = 0;
      for (let k = 0; k < 4; k++) {
        const p = xs[k]!;
        zs[k] = valid[p] ? depth[p]! : 0;
        if (!valid[p] || ws[k] === 0) continue;
        sum += ws[k]! * zs[k]!;
        wsum += ws[k]!;
        lo = Math.min(lo, zs[k]!);
        hi = Math.max(hi, zs[k]!);
      }
      ok[o] = 1;
      out[o] = wsum > 0 && hi - lo <= edge * lo ? sum / wsum : depth[ny * sw + nx]!;
    }
  }
  return { width, height, depth: out, valid: ok };
}
