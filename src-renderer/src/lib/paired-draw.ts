/**
 * Drawing the dual view's paired tracks: on the window's typed arrays directly, batched by visibility
 * state (one path per state for the trails, one for the points), so a frame of 5,000 tracks with
 * 12-frame trails is a handful of canvas calls (bench/paths/dual-view.ts). No I/O here.
 */
import type { PairedWindow } from '../../../src-shared/api/media-routes';
import { TRACK_FLAGS } from '../../../src-shared/geometry/paired-tracks';
import type { PictureRect } from './picture';

/** Frames of trail behind each point. */
export const PAIRED_TRAIL = 12;

/** What a track is at a frame, on the target side. */
export type PairedState = 'visible' | 'occluded' | 'out' | 'behind' | 'none';

export function pairedState(flags: number): PairedState {
  if (!(flags & TRACK_FLAGS.sourceVisible)) return 'none';
  if (!(flags & TRACK_FLAGS.inFront)) return 'behind';
  if (!(flags & TRACK_FLAGS.inFrame)) return 'out';
  if (!(flags & TRACK_FLAGS.unoccluded)) return 'occluded';
  return 'visible';
}

/** Colours of the states (also the legend's). */
export const STATE_COLOUR: Record<Exclude<PairedState, 'none'>, string> = {
  visible: '#4fd1a5',
  occluded: '#e0a030',
  out: '#8a8f98',
  behind: '#c05a5a',
};
/** Drawn on each side: the source shows every point it saw (coloured by what the target makes of it). */
const DRAWN: Record<'source' | 'target', Exclude<PairedState, 'none'>[]> = {
  source: ['visible', 'occluded', 'out', 'behind'],
  target: ['visible', 'occluded'],
};
const HIGHLIGHT = '#ffffff';

/** Counts per state at a frame (the legend). */
export function stateCounts(w: PairedWindow, frame: number): Record<PairedState, number> {
  const out: Record<PairedState, number> = { visible: 0, occluded: 0, out: 0, behind: 0, none: 0 };
  const n = w.trackIds.length;
  const t = frame - w.start;
  if (t < 0 || t >= w.count) return out;
  for (let j = 0; j < n; j++) out[pairedState(w.flags[t * n + j]!)]++;
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A '#rrggbb' colour at `alpha` 0–255 as one Uint32 over ImageData's RGBA bytes (in the host's order). */
function packed(hex: string, alpha: number): number {
  const v = parseInt(hex.slice(1), 16);
  const r = v >>> 16,
    g = (v >>> 8) & 0xff,
    b = v & 0xff;
  return (
    (LITTLE_ENDIAN ? (alpha << 24) | (b << 16) | (g << 8) | r : (r << 24) | (g << 16) | (b << 8) | alpha) >>>
    0
  );
}
const TRAIL_RGBA = Object.fromEntries(
  Object.entries(STATE_COLOUR).map(([k, c]) => [k, packed(c, 140)]),
) as Record<keyof typeof STATE_COLOUR, number>;
const POINT_RGBA = Object.fromEntries(
  Object.entries(STATE_COLOUR).map(([k, c]) => [k, packed(c, 255)]),
) as Record<keyof typeof STATE_COLOUR, number>;
/** Screen coordinate of a sample with no position (not seen by the source, or not projected). */
const NONE = -32768;
/** A window's samples in canvas pixels, per side, for the last picture rectangle (every draw reuses them). */
const coordCache = new WeakMap<PairedWindow, Map<'source' | 'target', { rect: string; q: Int16Array }>>();

/** Every sample of the window on `side` as whole canvas pixels (NONE where it has no position). */
function screenCoords(w: PairedWindow, side: 'source' | 'target', rect: PictureRect): Int16Array {
  const key = `${rect.x}:${rect.y}:${rect.w}:${rect.h}`;
  let perWindow = coordCache.get(w);
  const hit = perWindow?.get(side);
  if (hit && hit.rect === key) return hit.q;
  if (!perWindow) {
    perWindow = new Map();
    coordCache.set(w, perWindow);
  }
  const xy = side === 'source' ? w.sourceXY : w.targetXY;
  const sx = rect.w / w.width;
  const sy = rect.h / w.height;
  const out = new Int16Array(xy.length);
  for (let i = 0; i < w.flags.length; i++) {
    const x = xy[2 * i]!;
    const y = xy[2 * i + 1]!;
    const qx = Math.round(rect.x + x * sx);
    const qy = Math.round(rect.y + y * sy);
    // far outside the canvas (a point nearly behind the camera) clamps to the edge of int16
    const ok = w.flags[i]! & TRACK_FLAGS.sourceVisible && x === x && y === y;
    out[2 * i] = ok ? Math.max(-32767, Math.min(32767, qx)) : NONE;
    out[2 * i + 1] = ok ? Math.max(-32767, Math.min(32767, qy)) : 0;
  }
  perWindow.set(side, { rect: key, q: out });
  return out;
}

/** A reusable pixel buffer per canvas size. */
let scratch: { image: ImageData; px: Uint32Array } | null = null;

/** A line of pixels from (x0, y0) to (x1, y1) (Bresenham), clipped to the buffer. */
function line(
  px: Uint32Array,
  W: number,
  H: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  c: number,
) {
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  for (let guard = 0; guard < 4096; guard++) {
    if (x0 >= 0 && y0 >= 0 && x0 < W && y0 < H) px[y0 * W + x0] = c;
    if (x0 === x1 && y0 === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

/**
 * Draws one side of the pairs at `frame`: each track that the source saw there, at its place on that side,
 * with its trail over the last PAIRED_TRAIL frames, coloured by its state in the target (on the source
 * side too, so one sees which points the move hides); `highlight` (a track id) drawn over everything in
 * white with its whole trail. Trails and points are rastered into one pixel buffer (thousands of short
 * lines cost a fraction of what canvas strokes do) and put on the canvas at once, which must be clear.
 * Returns the number of points drawn.
 */
export function drawPaired(
  ctx: CanvasRenderingContext2D,
  w: PairedWindow,
  frame: number,
  side: 'source' | 'target',
  rect: PictureRect,
  dpr: number,
  highlight: number | null,
): number {
  const n = w.trackIds.length;
  const t = frame - w.start;
  if (t < 0 || t >= w.count) return 0;
  const W = ctx.canvas.width;
  const H = ctx.canvas.height;
  if (!scratch || scratch.image.width !== W || scratch.image.height !== H) {
    const image = ctx.createImageData(W, H);
    scratch = { image, px: new Uint32Array(image.data.buffer) };
  } else scratch.px.fill(0);
  const px = scratch.px;
  const xy = side === 'source' ? w.sourceXY : w.targetXY;
  const sx = rect.w / w.width;
  const sy = rect.h / w.height;
  const half = Math.max(1, Math.round(1.5 * dpr));
  const t0 = Math.max(0, t - PAIRED_TRAIL);
  const drawnStates = DRAWN[side];
  let hi = -1;
  // each track's colours at this frame, 0 = not drawn on this side
  const trailOf = new Uint32Array(n);
  const pointOf = new Uint32Array(n);
  for (let j = 0; j < n; j++) {
    const state = pairedState(w.flags[t * n + j]!);
    if (state === 'none' || !drawnStates.includes(state)) continue;
    trailOf[j] = TRAIL_RGBA[state];
    pointOf[j] = POINT_RGBA[state];
    if (w.trackIds[j] === highlight) hi = j;
  }
  let drawn = 0;
  const q = screenCoords(w, side, rect);
  // trails first, then points over them
  for (let j = 0; j < n; j++) {
    const c = trailOf[j]!;
    if (!c) continue;
    let px0 = NONE;
    let py0 = 0;
    for (let k = t0; k <= t; k++) {
      const i = 2 * (k * n + j);
      const qx = q[i]!;
      const qy = q[i + 1]!;
      if (qx === NONE) {
        px0 = NONE;
        continue;
      }
      if (px0 !== NONE) {
        const ax = qx - px0;
        const ay = qy - py0;
        // most steps are a pixel or two: set them directly
        if (ax >= -1 && ax <= 1 && ay >= -1 && ay <= 1) {
          if (qx >= 0 && qy >= 0 && qx < W && qy < H) px[qy * W + qx] = c;
        } else line(px, W, H, px0, py0, qx, qy, c);
      }
      px0 = qx;
      py0 = qy;
    }
  }
  for (let j = 0; j < n; j++) {
    const c = pointOf[j]!;
    if (!c) continue;
    const i = 2 * (t * n + j);
    const cx = q[i]!;
    const cy = q[i + 1]!;
    if (cx === NONE) continue;
    const y1 = Math.min(H, cy + half);
    const x1 = Math.min(W, cx + half);
    for (let yy = Math.max(0, cy - half); yy < y1; yy++) {
      const row = yy * W;
      for (let xx = Math.max(0, cx - half); xx < x1; xx++) px[row + xx] = c;
    }
    drawn++;
  }
  ctx.putImageData(scratch.image, 0, 0);
  if (hi < 0 && highlight !== null) hi = w.trackIds.indexOf(highlight);
  if (hi >= 0) {
    ctx.strokeStyle = HIGHLIGHT;
    ctx.lineWidth = 2 * dpr;
    ctx.beginPath();
    let pen = false;
    let last: [number, number] | null = null;
    for (let k = 0; k <= t; k++) {
      const i = k * n + hi;
      const x = xy[2 * i]!;
      const y = xy[2 * i + 1]!;
      if (x !== x || y !== y) {
        pen = false;
        continue;
      }
      const qx = rect.x + x * sx;
      const qy = rect.y + y * sy;
      if (pen) ctx.lineTo(qx, qy);
      else ctx.moveTo(qx, qy);
      pen = true;
      if (k === t) last = [qx, qy];
    }
    ctx.stroke();
    if (last) {
      ctx.beginPath();
      ctx.arc(last[0], last[1], 6 * dpr, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  return drawn;
}

/** The track (id) whose point at `frame` on `side` is nearest to (x, y) (CSS px in the pane), within `reach` px. */
export function trackAt(
  w: PairedWindow,
  frame: number,
  side: 'source' | 'target',
  rect: PictureRect,
  x: number,
  y: number,
  reach = 8,
): number | null {
  const n = w.trackIds.length;
  const t = frame - w.start;
  if (t < 0 || t >= w.count) return null;
  const xy = side === 'source' ? w.sourceXY : w.targetXY;
  const sx = rect.w / w.width;
  const sy = rect.h / w.height;
  let best: number | null = null;
  let bestD = reach * reach;
  for (let j = 0; j < n; j++) {
    const i = t * n + j;
    if (!DRAWN[side].includes(pairedState(w.flags[i]!) as Exclude<PairedState, 'none'>)) continue;
    const dx = rect.x + xy[2 * i]! * sx - x;
    const dy = rect.y + xy[2 * i + 1]! * sy - y;
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      bestD = d;
      best = w.trackIds[j]!;
    }
  }
  return best;
}
