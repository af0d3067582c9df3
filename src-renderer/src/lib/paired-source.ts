/**
 * Paired tracks of one target path for the dual view (SPEC §4, Track2View), and how they are drawn.
 *
 * Windows of frames come from the media route 'paired' (window k holds frames k·STEP − TRAIL … k·STEP +
 * STEP − 1, so any frame and its trail are in one window); the latest request wins, a few windows are
 * kept. Drawing works on the window's typed arrays directly, batched by visibility state: one path per
 * state for the trails and one for the points, so a frame of 5,000 tracks with 12-frame trails is a few
 * canvas calls (bench/paths/dual-view.ts).
 */
import { decodePairedWindow, mediaUrl, type PairedWindow } from '../../../src-shared/api/media-routes';
import { TRACK_FLAGS } from '../../../src-shared/geometry/paired-tracks';
import { mediaBase } from './api';
import type { PictureRect } from './picture';

/** Frames of trail behind each point. */
export const PAIRED_TRAIL = 12;
const STEP = 48;
const MAX_WINDOWS = 4;

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

function blockOf(frame: number): number {
  return Math.floor(frame / STEP);
}

export class PairedSource {
  private readonly windows = new Map<number, PairedWindow>();
  private inFlight: { block: number; controller: AbortController } | null = null;
  private waiting: number | null = null;
  private disposed = false;
  error: string | null = null;

  constructor(
    readonly shotId: number,
    readonly pathId: number,
    readonly numFrames: number,
    private readonly cacheKey: string,
    private readonly onChange: () => void,
  ) {}

  window(frame: number): PairedWindow | undefined {
    return this.windows.get(blockOf(frame));
  }

  /** Asks for the window holding `frame` (and, playing, the next one). */
  want(frame: number, direction: number): void {
    const blocks = [blockOf(frame)];
    if (direction > 0) blocks.push(blockOf(frame) + 1);
    for (const b of blocks) {
      if (b < 0 || b * STEP >= this.numFrames || this.windows.has(b)) continue;
      if (this.inFlight?.block === b) continue;
      if (this.inFlight) {
        this.waiting = b;
        continue;
      }
      this.fetch(b);
      break;
    }
  }

  private fetch(block: number): void {
    const controller = new AbortController();
    this.inFlight = { block, controller };
    const start = Math.max(0, block * STEP - PAIRED_TRAIL);
    const count = Math.min(this.numFrames, block * STEP + STEP) - start;
    const url = mediaUrl(
      mediaBase,
      { kind: 'paired', shotId: this.shotId, pathId: this.pathId, start, count },
      this.cacheKey,
    );
    void fetch(url, { signal: controller.signal })
      .then(async (res) => {
        if (!res.ok) throw new Error(`${res.status} ${(await res.text()).slice(0, 200)}`);
        return decodePairedWindow(await res.arrayBuffer());
      })
      .then((w) => {
        if (this.disposed) return;
        this.windows.set(block, w);
        while (this.windows.size > MAX_WINDOWS) this.windows.delete(this.windows.keys().next().value!);
        this.error = null;
      })
      .catch((e: unknown) => {
        if (this.disposed || controller.signal.aborted) return;
        this.error = e instanceof Error ? e.message : String(e);
      })
      .finally(() => {
        if (this.disposed) return;
        this.inFlight = null;
        const next = this.waiting;
        this.waiting = null;
        if (next !== null && !this.windows.has(next)) this.fetch(next);
        this.onChange();
      });
  }

  dispose(): void {
    this.disposed = true;
    this.inFlight?.controller.abort();
  }
}

/** Counts per state at a frame (the legend). */
export function stateCounts(w: PairedWindow, frame: number): Record<PairedState, number> {
  const out: Record<PairedState, number> = { visible: 0, occluded: 0, out: 0, behind: 0, none: 0 };
  const n = w.trackIds.length;
  const t = frame - w.start;
  if (t < 0 || t >= w.count) return out;
  for (let j = 0; j < n; j++) out[pairedState(w.flags[t * n + j]!)]++;
  return out;
}

/**
 * Draws one side of the pairs at `frame`: each track that the source saw there, at its place on that side,
 * with its trail over the last PAIRED_TRAIL frames, coloured by its state in the target (on the source
 * side too, so one sees which points the move hides); `highlight` (a track id) drawn over everything in
 * white with its whole trail. Returns the number of points drawn.
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
  const xy = side === 'source' ? w.sourceXY : w.targetXY;
  const sx = rect.w / w.width;
  const sy = rect.h / w.height;
  const r = 1.5 * dpr;
  const t0 = Math.max(0, t - PAIRED_TRAIL);
  let drawn = 0;
  let hi = -1;
  ctx.lineWidth = dpr;
  for (const state of DRAWN[side]) {
    const colour = STATE_COLOUR[state];
    ctx.strokeStyle = colour;
    ctx.globalAlpha = 0.5;
    ctx.beginPath();
    for (let j = 0; j < n; j++) {
      const f = w.flags[t * n + j]!;
      if (pairedState(f) !== state) continue;
      if (w.trackIds[j] === highlight) hi = j;
      let pen = false;
      for (let k = t0; k <= t; k++) {
        const i = k * n + j;
        const x = xy[2 * i]!;
        const y = xy[2 * i + 1]!;
        if (!(w.flags[i]! & TRACK_FLAGS.sourceVisible) || x !== x || y !== y) {
          pen = false;
          continue;
        }
        const px = rect.x + x * sx;
        const py = rect.y + y * sy;
        if (pen) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        pen = true;
      }
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.fillStyle = colour;
    for (let j = 0; j < n; j++) {
      const i = t * n + j;
      if (pairedState(w.flags[i]!) !== state) continue;
      const x = xy[2 * i]!;
      const y = xy[2 * i + 1]!;
      if (x !== x || y !== y) continue;
      ctx.fillRect(rect.x + x * sx - r, rect.y + y * sy - r, 2 * r, 2 * r);
      drawn++;
    }
  }
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
      const px = rect.x + x * sx;
      const py = rect.y + y * sy;
      if (pen) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      pen = true;
      if (k === t) last = [px, py];
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
