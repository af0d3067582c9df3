/**
 * Depth maps of one shot for the viewer's depth overlay, one frame at a time from the media routes
 * 'depth' (a 320×180 float32 map is ~230 KB) and 'depth-state' (what each pixel is, 57 KB), asked for
 * together. Latest request wins: one in flight, one waiting that the newest frame replaces, so scrubbing
 * never builds a backlog. A few recent frames are kept.
 */
import { depthStatesFromDepth } from '../../../src-shared/depth-layout';
import { decodeDepthFrame, decodeDepthStateFrame, mediaUrl } from '../../../src-shared/api/media-routes';
import { mediaBase } from './api';

export type DepthFrame = ReturnType<typeof decodeDepthFrame> & {
  /** A state byte per pixel (src-shared/depth-layout.ts). */
  state: Uint8Array;
  /** The depth came without states (made by an older Reshoot): read off the depth, valid = measured. */
  stateDerived: boolean;
};

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
      const get = (kind: 'depth' | 'depth-state') =>
        fetch(mediaUrl(mediaBase, { kind, shotId: this.shotId, frame }, this.cacheKey), {
          signal: controller.signal,
        });
      const [res, stateRes] = await Promise.all([get('depth'), get('depth-state')]);
      if (!res.ok) throw new Error(`${res.status} ${(await res.text()).slice(0, 200)}`);
      const decoded = decodeDepthFrame(await res.arrayBuffer());
      let state: Uint8Array;
      let stateDerived = false;
      if (stateRes.ok) {
        const s = decodeDepthStateFrame(await stateRes.arrayBuffer());
        if (s.width !== decoded.width || s.height !== decoded.height)
          throw new Error(`states ${s.width}×${s.height} for depth ${decoded.width}×${decoded.height}`);
        state = s.state;
      } else if (stateRes.status === 404) {
        await stateRes.body?.cancel();
        state = depthStatesFromDepth(decoded.depth);
        stateDerived = true;
      } else throw new Error(`states: ${stateRes.status} ${(await stateRes.text()).slice(0, 200)}`);
      if (this.disposed) return;
      this.frames.set(frame, { ...decoded, state, stateDerived });
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
