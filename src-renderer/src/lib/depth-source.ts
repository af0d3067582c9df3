/**
 * Depth maps of one shot for the viewer's depth overlay, one frame per request from the media route
 * 'depth' (a 320×180 float32 map is ~230 KB). Latest request wins: one in flight, one waiting that the
 * newest frame replaces, so scrubbing never builds a backlog. A few recent frames are kept.
 */
import { decodeDepthFrame, mediaUrl } from '../../../src-shared/api/media-routes';
import { mediaBase } from './api';

export type DepthFrame = ReturnType<typeof decodeDepthFrame>;

const KEEP = 24;

export class DepthSource {
  private readonly frames = new Map<number, DepthFrame>();
  /** Frames whose request failed: not asked again (the error is shown instead). */
  private readonly failed = new Set<number>();
  private inFlight: { frame: number; controller: AbortController } | null = null;
  private waiting: number | null = null;
  private disposed = false;
  /** The last error a request met; null after a success. */
  error: string | null = null;

  constructor(
    private readonly shotId: number,
    /** Changes whenever the depth is recomputed, so the browser cache never serves an old map. */
    private readonly cacheKey: string,
    private readonly onArrive: () => void,
  ) {}

  get(frame: number): DepthFrame | undefined {
    return this.frames.get(frame);
  }

  want(frame: number): void {
    if (this.disposed || this.frames.has(frame) || this.failed.has(frame) || this.inFlight?.frame === frame)
      return;
    if (this.inFlight) {
      this.waiting = frame;
      return;
    }
    void this.fetch(frame);
  }

  private async fetch(frame: number): Promise<void> {
    const controller = new AbortController();
    this.inFlight = { frame, controller };
    try {
      const url = mediaUrl(mediaBase, { kind: 'depth', shotId: this.shotId, frame }, this.cacheKey);
      const res = await fetch(url, { signal: controller.signal });
      if (!res.ok) throw new Error(`${res.status} ${(await res.text()).slice(0, 200)}`);
      const decoded = decodeDepthFrame(await res.arrayBuffer());
      if (this.disposed) return;
      this.frames.set(frame, decoded);
      if (this.frames.size > KEEP) {
        const oldest = this.frames.keys().next().value;
        if (oldest !== undefined) this.frames.delete(oldest);
      }
      this.error = null;
    } catch (e) {
      if (this.disposed) return;
      this.failed.add(frame);
      this.error = `depth of frame ${frame}: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      if (!this.disposed) {
        this.inFlight = null;
        const next = this.waiting;
        this.waiting = null;
        this.onArrive();
        if (next !== null) this.want(next);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.inFlight?.controller.abort();
  }
}
