/**
 * 2D tracks of one shot (one method) for the viewer's overlay, and how they are drawn.
 *
 * Tracks come from the media route 'tracks' in windows of 120 frames that overlap by the trail length
 * (window k holds frames k·110−10 … k·110+109), so any frame and its trail are always in one window.
 * Latest request wins: at most one window in flight and one waiting, which the newest target replaces,
 * so fast scrubbing never builds a backlog. A few windows are kept.
 *
 * Drawing works on the window's typed arrays directly: tracks are sorted into hue buckets once per
 * window, and a frame is drawn as one path per confidence level and bucket (points) and per level,
 * bucket and fading step (trails), so a redraw allocates nothing per track. A track whose confidence at
 * the frame is low is drawn fainter, its point and its trail (CONFIDENCE_LEVELS).
 */
import type { TrackMethod } from '../../../src-shared/api/contract';
import { decodeTrackWindow, mediaUrl, type TrackWindow } from '../../../src-shared/api/media-routes';
import { mediaBase } from './api';
import type { PictureRect } from './picture';

/** Frames of trail behind each point. */
export const TRAIL = 10;
/** Frames a window adds; a window is STEP + TRAIL frames (≤ MAX_TRACK_FRAMES). */
const STEP = 110;
const MAX_WINDOWS = 4;
/** Hues the tracks are drawn in: one path per bucket. */
const BUCKETS = 24;
const GOLDEN = 0.6180339887498949;
/** Trail fading steps: [nearest, farthest] frames back, drawn with FADE_ALPHA. */
const FADE_STEPS: readonly (readonly [number, number])[] = [
  [1, 3],
  [4, 6],
  [7, TRAIL],
];
const FADE_ALPHA = [0.9, 0.55, 0.28];
/**
 * Opacity of a track by its confidence at the frame shown (the tracker's own, 0…1: forward–backward
 * agreement and window residual, and for XFeat descriptor agreement): the first level whose `min` it
 * reaches. Most KLT points are above 0.5; XFeat halves it for a point that follows the frame-to-frame
 * estimate instead of its original window.
 */
export const CONFIDENCE_LEVELS: readonly { readonly min: number; readonly alpha: number }[] = [
  { min: 0.5, alpha: 1 },
  { min: 0.25, alpha: 0.6 },
  { min: -Infinity, alpha: 0.3 },
];

export function confidenceLevel(confidence: number): number {
  let l = 0;
  while (l < CONFIDENCE_LEVELS.length - 1 && !(confidence >= CONFIDENCE_LEVELS[l]!.min)) l++;
  return l;
}

/** Per-track confidence level at the frame being drawn, and tracks per level: reused between draws. */
let levelScratch = new Uint8Array(1024);
const levelCounts = new Uint32Array(CONFIDENCE_LEVELS.length);

/** A stable hue (0…1) per track id: golden-ratio steps, so neighbouring ids differ clearly. */
export function trackHue(id: number): number {
  const h = id * GOLDEN;
  return h - Math.floor(h);
}

const BUCKET_COLOURS: string[] = Array.from(
  { length: BUCKETS },
  (_, b) => `hsl(${Math.round(((b + 0.5) / BUCKETS) * 360)} 95% 58%)`,
);

export interface PreparedWindow extends TrackWindow {
  /** Track indices (into trackIds) ordered by hue bucket. */
  order: Uint32Array;
  /** Tracks of bucket b are order[bucketStart[b]] … order[bucketStart[b + 1] − 1]. */
  bucketStart: Uint32Array;
}

function prepare(w: TrackWindow): PreparedWindow {
  const n = w.trackIds.length;
  const bucket = new Uint8Array(n);
  const bucketStart = new Uint32Array(BUCKETS + 1);
  for (let i = 0; i < n; i++) {
    const b = Math.min(BUCKETS - 1, Math.floor(trackHue(w.trackIds[i] ?? 0) * BUCKETS));
    bucket[i] = b;
    bucketStart[b + 1]!++;
  }
  for (let b = 0; b < BUCKETS; b++) bucketStart[b + 1]! += bucketStart[b]!;
  const next = bucketStart.slice(0, BUCKETS);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[next[bucket[i]!]!++] = i;
  return { ...w, order, bucketStart };
}

function blockOf(frame: number): number {
  return Math.floor(frame / STEP);
}

export class TrackSource {
  private readonly windows = new Map<number, PreparedWindow>();
  private readonly failed = new Set<number>();
  private inFlight: { block: number; controller: AbortController } | null = null;
  private waiting: number | null = null;
  private disposed = false;
  /** The last error a request met, for the legend; null after a success. */
  error: string | null = null;

  constructor(
    readonly shotId: number,
    readonly method: TrackMethod,
    readonly numFrames: number,
    private readonly cacheKey: string,
    /** Called when a window arrives (or a request fails) so the overlay can redraw. */
    private readonly onChange: () => void,
  ) {}

  /** The loaded window holding `frame` and its trail, if any. */
  window(frame: number): PreparedWindow | undefined {
    const block = blockOf(frame);
    const w = this.windows.get(block);
    if (w) {
      this.windows.delete(block);
      this.windows.set(block, w);
    }
    return w;
  }

  /** True while the window for `frame` is being fetched or waits to be. */
  loading(frame: number): boolean {
    const block = blockOf(frame);
    return this.inFlight?.block === block || this.waiting === block;
  }

  /** Asks for the window around `frame` (latest wins), and the next one ahead while playing. */
  want(frame: number, direction: number): void {
    if (this.disposed || frame < 0 || frame >= this.numFrames) return;
    const block = blockOf(frame);
    if (!this.windows.has(block)) {
      this.request(block);
      return;
    }
    const ahead = block + Math.sign(direction);
    if (direction !== 0 && ahead >= 0 && ahead <= blockOf(this.numFrames - 1) && !this.inFlight) {
      if (!this.windows.has(ahead)) this.request(ahead);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.inFlight?.controller.abort();
    this.windows.clear();
  }

  private request(block: number): void {
    if (this.failed.has(block) || this.inFlight?.block === block) return;
    if (this.inFlight) {
      this.waiting = block;
      return;
    }
    void this.load(block);
  }

  private async load(block: number): Promise<void> {
    const start = Math.max(0, block * STEP - TRAIL);
    const count = Math.min((block + 1) * STEP, this.numFrames) - start;
    const controller = new AbortController();
    this.inFlight = { block, controller };
    const url = mediaUrl(
      mediaBase,
      { kind: 'tracks', shotId: this.shotId, method: this.method, start, count },
      this.cacheKey,
    );
    try {
      const response = await fetch(url, { signal: controller.signal });
      if (!response.ok) throw new Error(`the media server answered ${response.status}`);
      const w = prepare(decodeTrackWindow(await response.arrayBuffer()));
      if (this.disposed) return;
      this.windows.set(block, w);
      while (this.windows.size > MAX_WINDOWS) {
        const oldest = this.windows.keys().next();
        if (oldest.done) break;
        this.windows.delete(oldest.value);
      }
      this.error = null;
    } catch (e) {
      if (this.disposed) return;
      this.failed.add(block);
      this.error = `tracks could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      if (this.inFlight?.controller === controller) this.inFlight = null;
    }
    const next = this.waiting;
    this.waiting = null;
    if (next !== null && !this.windows.has(next)) this.request(next);
    this.onChange();
  }
}

/**
 * Draws the tracks visible at `frame` into `ctx` (device pixels): a short fading trail over the last
 * TRAIL frames and a point, both only where the track is visible, mapped from the shot's full-resolution
 * pixels (centres at +0.5) into the picture's rectangle, and both fainter when the track's confidence at
 * `frame` is low (CONFIDENCE_LEVELS). Returns how many tracks are visible; `perLevel`, when given, gets
 * how many of them are drawn at each confidence level.
 */
export function drawTracks(
  ctx: CanvasRenderingContext2D,
  w: PreparedWindow,
  frame: number,
  rect: PictureRect,
  dpr: number,
  perLevel?: number[],
): number {
  if (perLevel) perLevel.length = 0;
  const f = frame - w.start;
  const c = w.count;
  if (f < 0 || f >= c) return 0;
  const { xy, visible, confidence, order, bucketStart } = w;
  const n = w.trackIds.length;
  const sx = rect.w / w.width;
  const sy = rect.h / w.height;
  const ox = rect.x;
  const oy = rect.y;

  if (levelScratch.length < n) levelScratch = new Uint8Array(Math.max(n, 2 * levelScratch.length));
  const level = levelScratch;
  const levels = CONFIDENCE_LEVELS.length;
  const used = levelCounts;
  used.fill(0);
  let shown = 0;
  for (let t = 0; t < n; t++) {
    if (!visible[t * c + f]) continue;
    shown++;
    const l = confidenceLevel(confidence[t * c + f]!);
    level[t] = l;
    used[l]!++;
  }
  if (perLevel) perLevel.push(...used);
  if (shown === 0) return 0;

  ctx.save();
  ctx.beginPath();
  ctx.rect(rect.x, rect.y, rect.w, rect.h);
  ctx.clip();

  // Trails, oldest (faintest) first, in a few fading steps: per step, confidence level and hue bucket
  // one path of polylines (a track's run of visible samples within the step).
  ctx.lineWidth = 1.25 * dpr;
  ctx.lineJoin = 'bevel';
  for (let s = FADE_STEPS.length - 1; s >= 0; s--) {
    const [near, far] = FADE_STEPS[s]!;
    // Samples a … z: the segment from each to the next belongs to this step.
    const a = f - far;
    const z = f - near + 1;
    if (z <= 0) continue;
    const from = Math.max(0, a);
    for (let l = levels - 1; l >= 0; l--) {
      if (!used[l]) continue;
      ctx.globalAlpha = FADE_ALPHA[s]! * CONFIDENCE_LEVELS[l]!.alpha;
      for (let b = 0; b < BUCKETS; b++) {
        const end = bucketStart[b + 1]!;
        let any = false;
        for (let i = bucketStart[b]!; i < end; i++) {
          const t = order[i]!;
          const base = t * c;
          if (!visible[base + f] || level[t] !== l) continue;
          let pen = false;
          for (let k = from; k <= z; k++) {
            if (!visible[base + k]) {
              pen = false;
              continue;
            }
            const p = 2 * (base + k);
            const x = ox + xy[p]! * sx;
            const y = oy + xy[p + 1]! * sy;
            if (!pen) {
              if (!any) {
                ctx.beginPath();
                any = true;
              }
              ctx.moveTo(x, y);
              pen = true;
            } else ctx.lineTo(x, y);
          }
        }
        if (any) {
          ctx.strokeStyle = BUCKET_COLOURS[b]!;
          ctx.stroke();
        }
      }
    }
  }

  // Points, faintest level first: a dark ring under them (legible on bright plates), then one fill per
  // hue bucket.
  const r = 2.25 * dpr;
  for (let l = levels - 1; l >= 0; l--) {
    if (!used[l]) continue;
    ctx.globalAlpha = CONFIDENCE_LEVELS[l]!.alpha;
    ctx.beginPath();
    for (let t = 0; t < n; t++) {
      const base = t * c + f;
      if (!visible[base] || level[t] !== l) continue;
      const x = ox + xy[2 * base]! * sx;
      const y = oy + xy[2 * base + 1]! * sy;
      ctx.moveTo(x + r + dpr, y);
      ctx.arc(x, y, r + dpr, 0, 2 * Math.PI);
    }
    ctx.fillStyle = 'rgb(0 0 0 / 60%)';
    ctx.fill();
    for (let b = 0; b < BUCKETS; b++) {
      const end = bucketStart[b + 1]!;
      let any = false;
      for (let i = bucketStart[b]!; i < end; i++) {
        const t = order[i]!;
        const base = t * c + f;
        if (!visible[base] || level[t] !== l) continue;
        if (!any) {
          ctx.beginPath();
          any = true;
        }
        const x = ox + xy[2 * base]! * sx;
        const y = oy + xy[2 * base + 1]! * sy;
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, 2 * Math.PI);
      }
      if (any) {
        ctx.fillStyle = BUCKET_COLOURS[b]!;
        ctx.fill();
      }
    }
  }
  ctx.restore();
  return shown;
}
