/**
 * Tracking a rendered plate for "Verify render" with the render's mask in mind. The KLT tracker takes no
 * mask, so the mask acts around it:
 * - before a frame is tracked, what the mask does not call seen (empty, and inpainted: neither is the
 *   scene seen from the target camera) is filled smoothly from the seen pixels around it (push–pull), so
 *   the hard edges of holes give the corner detector nothing to find and the Lucas–Kanade windows nothing
 *   to lock onto;
 * - after tracking, an observation whose window is mostly not seen ({@link MAX_NOT_SEEN} of it) is
 *   dropped, and its track is cut there: what follows becomes a track of its own, so a point that slid
 *   while it crossed a hole cannot tie two places together.
 * And a path that zooms: the tracks of each frame are rescaled about the principal point to one focal
 * (exact for a pinhole camera: the same ray, seen with another focal), since the solve models one lens.
 */
import { type TrackSet, emptyTrackSet, type GrayImage } from '../analysis/tracking';
import { inpaintHoles } from './inpaint';
import { MASK_EMPTY } from './reproject';

/** Pixels of the not-seen share map's blocks. */
export const SHARE_BLOCK = 4;
/** An observation is dropped when more than this share of its window is not seen. */
export const MAX_NOT_SEEN = 0.25;
/** Half the side of the window judged around an observation: the tracker's own window (7) and a pixel. */
export const WINDOW_HALF = 8;

/**
 * How much of a mask pixel (as decoded, perhaps scaled by area: 255 seen, 128 filled, 0 empty, mixtures
 * between) shows the scene as seen: 1 for seen, 0 for filled or empty, in proportion for mixtures.
 */
export function seenWeight(v: number): number {
  return v >= 255 ? 1 : v <= 128 ? 0 : (v - 128) / 127;
}

/** The share of each SHARE_BLOCK² block that is not seen, 0…255, row-major (ceil(w/4) × ceil(h/4)). */
export function notSeenBlocks(
  mask: Uint8Array,
  width: number,
  height: number,
): { bw: number; bh: number; share: Uint8Array } {
  const bw = Math.ceil(width / SHARE_BLOCK),
    bh = Math.ceil(height / SHARE_BLOCK);
  const sum = new Float32Array(bw * bh);
  const cnt = new Uint16Array(bw * bh);
  for (let y = 0; y < height; y++) {
    const row = ((y / SHARE_BLOCK) | 0) * bw;
    for (let x = 0; x < width; x++) {
      const b = row + ((x / SHARE_BLOCK) | 0);
      sum[b] = sum[b]! + 1 - seenWeight(mask[y * width + x]!);
      cnt[b] = cnt[b]! + 1;
    }
  }
  const share = new Uint8Array(bw * bh);
  for (let b = 0; b < share.length; b++) share[b] = Math.round((255 * sum[b]!) / cnt[b]!);
  return { bw, bh, share };
}

/** The not-seen share (0…1) of the window of half-side `half` px around (x, y), from a block map. */
export function notSeenAround(
  map: { bw: number; bh: number; share: Uint8Array },
  x: number,
  y: number,
  half = WINDOW_HALF,
): number {
  const x0 = Math.max(0, Math.floor((x - half) / SHARE_BLOCK)),
    x1 = Math.min(map.bw - 1, Math.floor((x + half) / SHARE_BLOCK));
  const y0 = Math.max(0, Math.floor((y - half) / SHARE_BLOCK)),
    y1 = Math.min(map.bh - 1, Math.floor((y + half) / SHARE_BLOCK));
  if (x1 < x0 || y1 < y0) return 1;
  let s = 0;
  for (let by = y0; by <= y1; by++) for (let bx = x0; bx <= x1; bx++) s += map.share[by * map.bw + bx]!;
  return s / (255 * (x1 - x0 + 1) * (y1 - y0 + 1));
}

/**
 * Fills the pixels of a gray frame (0…255) that the mask does not call seen, in place, smoothly from the
 * seen ones (the render's push–pull inpaint). Returns how many were filled.
 */
export function fillNotSeen(image: GrayImage, mask: Uint8Array): number {
  const { width: w, height: h, data } = image;
  const n = w * h;
  const colour = new Uint16Array(3 * n);
  const m = new Uint8Array(n);
  let holes = 0;
  for (let p = 0; p < n; p++) {
    if (seenWeight(mask[p]!) < 0.5) {
      m[p] = MASK_EMPTY;
      holes++;
    } else {
      m[p] = 255;
      const v = Math.round(Math.min(255, Math.max(0, data[p]!)) * 257);
      colour[3 * p] = v;
      colour[3 * p + 1] = v;
      colour[3 * p + 2] = v;
    }
  }
  if (holes === 0 || holes === n) return 0;
  inpaintHoles(colour, m, w, h);
  for (let p = 0; p < n; p++) if (m[p] !== 255) data[p] = colour[3 * p]! / 257;
  return holes;
}

/**
 * Drops the observations `drop(track, frame, x, y)` refuses and cuts their tracks there: every run of
 * kept observations becomes a track of its own (runs of one observation are left out). Returns the new
 * set and how many observations were dropped.
 */
export function cutTracks(
  set: TrackSet,
  drop: (frame: number, x: number, y: number) => boolean,
): { set: TrackSet; dropped: number } {
  const T = set.numFrames;
  const keep = new Uint8Array(set.visible.length);
  let dropped = 0;
  for (let k = 0; k < set.numTracks; k++)
    for (let t = 0; t < T; t++) {
      const i = k * T + t;
      if (!set.visible[i]) continue;
      if (drop(t, set.xy[2 * i]!, set.xy[2 * i + 1]!)) dropped++;
      else keep[i] = 1;
    }
  // runs of kept observations: a dropped one (not a frame the tracker simply did not see it) ends a run
  const runs: [number, number, number][] = [];
  for (let k = 0; k < set.numTracks; k++) {
    let start = -1,
      count = 0,
      last = -1;
    const close = () => {
      if (start >= 0 && count >= 2) runs.push([k, start, last]);
      start = -1;
      count = 0;
    };
    for (let t = 0; t < T; t++) {
      const i = k * T + t;
      if (!set.visible[i]) continue;
      if (!keep[i]) {
        close();
        continue;
      }
      if (start < 0) start = t;
      count++;
      last = t;
    }
    close();
  }
  const out = emptyTrackSet(set.width, set.height, T, runs.length);
  runs.forEach(([k, a, b], r) => {
    for (let t = a; t <= b; t++) {
      const i = k * T + t;
      if (!keep[i]) continue;
      const o = r * T + t;
      out.visible[o] = 1;
      out.xy[2 * o] = set.xy[2 * i]!;
      out.xy[2 * o + 1] = set.xy[2 * i + 1]!;
      out.confidence[o] = set.confidence[i]!;
    }
  });
  return { set: out, dropped };
}

/**
 * Rescales each frame's observations about the principal point (cx, cy) from that frame's focal
 * (fx[t], and fy = fx[t]·aspect) to `f0` on both axes, in place: the tracks a camera of focal f0 and
 * square pixels at the same poses would have made.
 */
export function normaliseFocal(
  set: TrackSet,
  fx: ArrayLike<number>,
  aspect: number,
  cx: number,
  cy: number,
  f0: number,
): void {
  const T = set.numFrames;
  for (let t = 0; t < T; t++) {
    const sx = f0 / fx[t]!,
      sy = f0 / (fx[t]! * aspect);
    if (sx === 1 && sy === 1) continue;
    for (let k = 0; k < set.numTracks; k++) {
      const i = k * T + t;
      if (!set.visible[i]) continue;
      set.xy[2 * i] = cx + (set.xy[2 * i]! - cx) * sx;
      set.xy[2 * i + 1] = cy + (set.xy[2 * i + 1]! - cy) * sy;
    }
  }
}

/**
 * The size of a render's target-depth grid (a `depth_NNNN.f32` of `values` floats) for a picture of
 * `width` × `height`: the grid has the picture's aspect at a coarser density (reproject.ts's geometry
 * grid, each side rounded). Null when no such size fits.
 */
export function depthGridSize(
  values: number,
  width: number,
  height: number,
): { width: number; height: number } | null {
  const guess = Math.round(Math.sqrt((values * width) / height));
  for (let d = 0; d <= 3; d++)
    for (const gw of [guess - d, guess + d]) {
      if (gw < 1 || values % gw !== 0) continue;
      const gh = values / gw;
      const s = gw / width;
      if (Math.abs(Math.round(height * s) - gh) <= 1) return { width: gw, height: gh };
    }
  return null;
}

/** Median of the first `n` values (sorted in place); NaN when n is 0. */
function medianOf(a: Float64Array, n: number): number {
  if (n === 0) return NaN;
  const s = a.subarray(0, n).sort();
  return n % 2 ? s[n >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/**
 * Z̄ of each frame measured twice on the same scene points — the tracked points of the frame that the
 * solve made a 3D point of: their depth as the render drew it (`renderedDepth(frame, x, y)`, shot units;
 * ≤ 0 or not finite = unknown) and their depth in the recovered camera (the solve's units). Medians over
 * the points where both are known; NaN for a frame with fewer than `minPoints`. `xy` holds the tracks'
 * positions in the picture (the set's own may have been rescaled for the solve).
 */
export function pairedDepths(
  set: TrackSet,
  xy: Float32Array,
  points: { xyz: Float32Array; trackId: Int32Array },
  poses: readonly ({ C: readonly number[]; q: readonly number[] } | null)[],
  renderedDepth: (frame: number, x: number, y: number) => number,
  minPoints = 8,
): { rendered: Float64Array; recovered: Float64Array } {
  const T = set.numFrames;
  const rendered = new Float64Array(T).fill(NaN);
  const recovered = new Float64Array(T).fill(NaN);
  const m = points.trackId.length;
  const a = new Float64Array(m),
    b = new Float64Array(m);
  for (let t = 0; t < T; t++) {
    const pose = poses[t];
    if (!pose) continue;
    const [w, x, y, z] = pose.q as [number, number, number, number];
    // the camera's optical axis in the world: third column of R_wc
    const ax = 2 * (x * z + w * y),
      ay = 2 * (y * z - w * x),
      az = 1 - 2 * (x * x + y * y);
    let n = 0;
    for (let p = 0; p < m; p++) {
      const k = points.trackId[p]!;
      const i = k * T + t;
      if (!set.visible[i]) continue;
      const zr =
        ax * (points.xyz[3 * p]! - pose.C[0]!) +
        ay * (points.xyz[3 * p + 1]! - pose.C[1]!) +
        az * (points.xyz[3 * p + 2]! - pose.C[2]!);
      const zd = renderedDepth(t, xy[2 * i]!, xy[2 * i + 1]!);
      if (!(zr > 0) || !(zd > 0) || !Number.isFinite(zd)) continue;
      a[n] = zd;
      b[n] = zr;
      n++;
    }
    if (n >= minPoints) {
      rendered[t] = medianOf(a, n);
      recovered[t] = medianOf(b, n);
    }
  }
  return { rendered, recovered };
}
