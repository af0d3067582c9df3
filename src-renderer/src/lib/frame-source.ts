/**
 * Frames for the viewer: a shot's, or a render version's (the dual view's target side). JPEGs come from
 * the media routes: batches of up to 48 around the playhead (prefetch, one batch in flight) and single
 * frames for scrubbing targets that are not loaded yet — latest request wins: at most one single-frame
 * request in flight and one waiting, which the newest target replaces, so fast scrubbing never builds a
 * backlog.
 *
 * Compressed frames are kept (small); decoded bitmaps only for the few frames around the playhead.
 */
import { MAX_BATCH_FRAMES, decodeFrameBatch, mediaUrl } from '../../../src-shared/api/media-routes';
import { mediaBase } from './api';

const MAX_JPEGS = 720;
const MAX_BITMAPS = 48;

/** Where a source's frames come from: frames start…start+count−1 as a batch, and one frame as a JPEG. */
export interface FrameRoutes {
  batch(start: number, count: number): string;
  single(frame: number): string;
}

/** A shot's frames, `width` wide (null: full size). */
export function shotFrameRoutes(shotId: number, width: number | null, cacheKey: string): FrameRoutes {
  return {
    batch: (start, count) => mediaUrl(mediaBase, { kind: 'frames', shotId, start, count, width }, cacheKey),
    single: (frame) => mediaUrl(mediaBase, { kind: 'frame', shotId, frame, width }, cacheKey),
  };
}

/** A render version's frames (by shot frame), `width` wide (null: full size). */
export function renderFrameRoutes(
  shotId: number,
  renderId: number,
  width: number | null,
  cacheKey: string,
): FrameRoutes {
  return {
    batch: (start, count) =>
      mediaUrl(mediaBase, { kind: 'render-frames', shotId, renderId, start, count, width }, cacheKey),
    single: (frame) =>
      mediaUrl(mediaBase, { kind: 'render-frame', shotId, renderId, frame, width }, cacheKey),
  };
}

export class FrameSource {
  private readonly jpegs = new Map<number, Blob>();
  private readonly bitmaps = new Map<number, ImageBitmap>();
  private readonly decoding = new Map<number, Promise<ImageBitmap | null>>();
  private readonly loadedBlocks = new Set<number>();
  private readonly failedBlocks = new Set<number>();
  private batch: { block: number; controller: AbortController } | null = null;
  private singleInFlight = false;
  private singleWanted: number | null = null;
  private prefetchAround: { frame: number; direction: number } | null = null;
  private disposed = false;
  /** The last error a request met, for the viewer to show; null after a success. */
  error: string | null = null;

  constructor(
    /** The frames there are: first…last (a shot's 0…frameCount−1, a render's range). */
    readonly first: number,
    readonly last: number,
    private readonly routes: FrameRoutes,
    /** Called whenever a frame's JPEG arrives (or a request fails) so the viewer can redraw. */
    private readonly onChange: () => void,
  ) {}

  /** Whether `frame` is one of this source's frames. */
  covers(frame: number): boolean {
    return frame >= this.first && frame <= this.last;
  }

  has(frame: number): boolean {
    return this.jpegs.has(frame);
  }

  /** The decoded frame if it is ready now. */
  bitmap(frame: number): ImageBitmap | undefined {
    const b = this.bitmaps.get(frame);
    if (b) {
      this.bitmaps.delete(frame);
      this.bitmaps.set(frame, b);
    }
    return b;
  }

  /** Decodes a loaded frame; resolves null when its JPEG is not here yet or cannot be decoded. */
  decode(frame: number): Promise<ImageBitmap | null> {
    const ready = this.bitmap(frame);
    if (ready) return Promise.resolve(ready);
    const pending = this.decoding.get(frame);
    if (pending) return pending;
    const jpeg = this.jpegs.get(frame);
    if (!jpeg) return Promise.resolve(null);
    const p = createImageBitmap(jpeg)
      .then((bmp) => {
        this.decoding.delete(frame);
        if (this.disposed) {
          bmp.close();
          return null;
        }
        this.bitmaps.set(frame, bmp);
        this.evictBitmaps();
        return bmp;
      })
      .catch(() => {
        this.decoding.delete(frame);
        this.error = `frame ${frame} could not be decoded`;
        return null;
      });
    this.decoding.set(frame, p);
    return p;
  }

  /** Asks for one frame now (scrubbing). Only the newest target is remembered while one is loading. */
  want(frame: number): void {
    if (this.jpegs.has(frame) || this.disposed || !this.covers(frame)) return;
    if (this.batch && this.batch.block === blockOf(frame)) return;
    this.singleWanted = frame;
    if (!this.singleInFlight) void this.loadSingle();
  }

  /** Keeps the batches around `frame` loaded, ahead in the direction of play. */
  prefetch(frame: number, direction: number): void {
    this.prefetchAround = { frame, direction };
    this.pumpBatches();
  }

  dispose(): void {
    this.disposed = true;
    this.batch?.controller.abort();
    for (const b of this.bitmaps.values()) b.close();
    this.bitmaps.clear();
    this.jpegs.clear();
  }

  private wantedBlocks(): number[] {
    if (!this.prefetchAround) return [];
    const { frame, direction } = this.prefetchAround;
    const here = blockOf(frame);
    const first = blockOf(this.first);
    const last = blockOf(this.last);
    const order =
      direction > 0
        ? [here, here + 1, here + 2]
        : direction < 0
          ? [here, here - 1, here - 2]
          : [here, here + 1, here - 1];
    return order.filter((b) => b >= first && b <= last && !this.failedBlocks.has(b));
  }

  private pumpBatches(): void {
    if (this.disposed) return;
    const wanted = this.wantedBlocks();
    if (this.batch) {
      if (wanted.includes(this.batch.block)) return;
      this.batch.controller.abort();
      this.batch = null;
    }
    const next = wanted.find((b) => !this.loadedBlocks.has(b));
    if (next !== undefined) void this.loadBatch(next);
  }

  private async loadBatch(block: number): Promise<void> {
    const start = Math.max(this.first, block * MAX_BATCH_FRAMES);
    const count = Math.min((block + 1) * MAX_BATCH_FRAMES, this.last + 1) - start;
    const controller = new AbortController();
    this.batch = { block, controller };
    const url = this.routes.batch(start, count);
    try {
      const response = await fetch(url, { signal: controller.signal });
      if (!response.ok) throw new Error(await describeFailure(response));
      const { header, body } = decodeFrameBatch(await response.arrayBuffer());
      const relative = header.frames.some((f) => f.index < header.start);
      for (const f of header.frames) {
        const index = relative ? header.start + f.index : f.index;
        this.storeJpeg(index, new Blob([body.slice(f.offset, f.offset + f.length)], { type: 'image/jpeg' }));
      }
      this.loadedBlocks.add(block);
      this.error = null;
    } catch (e) {
      if (controller.signal.aborted) return;
      this.failedBlocks.add(block);
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      if (this.batch?.controller === controller) this.batch = null;
    }
    if (this.disposed) return;
    this.onChange();
    this.pumpBatches();
  }

  private async loadSingle(): Promise<void> {
    while (this.singleWanted !== null && !this.disposed) {
      const frame = this.singleWanted;
      this.singleWanted = null;
      if (this.jpegs.has(frame)) continue;
      this.singleInFlight = true;
      try {
        const response = await fetch(this.routes.single(frame));
        if (!response.ok) throw new Error(await describeFailure(response));
        this.storeJpeg(frame, await response.blob());
        this.error = null;
      } catch (e) {
        this.error = e instanceof Error ? e.message : String(e);
      } finally {
        this.singleInFlight = false;
      }
      if (!this.disposed) this.onChange();
    }
  }

  private storeJpeg(frame: number, jpeg: Blob): void {
    this.jpegs.delete(frame);
    this.jpegs.set(frame, jpeg);
    if (this.jpegs.size > MAX_JPEGS) {
      const oldest = this.jpegs.keys().next().value;
      if (oldest !== undefined) {
        this.jpegs.delete(oldest);
        this.loadedBlocks.delete(blockOf(oldest));
      }
    }
  }

  private evictBitmaps(): void {
    while (this.bitmaps.size > MAX_BITMAPS) {
      const oldest = this.bitmaps.keys().next();
      if (oldest.done) break;
      this.bitmaps.get(oldest.value)?.close();
      this.bitmaps.delete(oldest.value);
    }
  }
}

function blockOf(frame: number): number {
  return Math.floor(frame / MAX_BATCH_FRAMES);
}

async function describeFailure(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // Not JSON: fall through to the status.
  }
  return `the media server answered ${response.status}`;
}
