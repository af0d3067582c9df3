/**
 * The masks of one render version for the dual view's mask overlay: each frame's mask PNG from the
 * media route 'render-mask', turned into the overlay's colours (render-view.ts colouriseMask) once and
 * kept as a bitmap for a few frames. One request at a time: the playhead's frame first, then, while
 * playing, the next few in the direction of play; a newer playhead replaces what was waiting.
 */
import { mediaUrl } from '../../../src-shared/api/media-routes';
import { mediaBase } from './api';
import { colouriseMask, type MaskClass } from './render-view';

const MAX_MASKS = 24;
const AHEAD = 6;

export interface OverlayMask {
  bitmap: ImageBitmap;
  /** Share of the frame in each class. */
  shares: Record<MaskClass, number>;
}

export class MaskSource {
  private readonly masks = new Map<number, OverlayMask>();
  private queue: number[] = [];
  private loading = false;
  private disposed = false;
  error: string | null = null;

  constructor(
    readonly shotId: number,
    readonly renderId: number,
    readonly first: number,
    readonly last: number,
    private readonly cacheKey: string,
    private readonly onChange: () => void,
  ) {}

  get(frame: number): OverlayMask | undefined {
    return this.masks.get(frame);
  }

  /** Asks for `frame`'s mask and, playing (`direction` ≠ 0), the next few. */
  want(frame: number, direction: number): void {
    const frames = [frame];
    if (direction !== 0) for (let k = 1; k <= AHEAD; k++) frames.push(frame + k * Math.sign(direction));
    this.queue = frames.filter((f) => f >= this.first && f <= this.last && !this.masks.has(f));
    if (!this.loading) void this.pump();
  }

  dispose(): void {
    this.disposed = true;
    for (const m of this.masks.values()) m.bitmap.close();
    this.masks.clear();
  }

  private async pump(): Promise<void> {
    this.loading = true;
    while (!this.disposed) {
      const frame = this.queue.shift();
      if (frame === undefined) break;
      if (this.masks.has(frame)) continue;
      try {
        const mask = await this.load(frame);
        if (this.disposed) {
          mask.bitmap.close();
          break;
        }
        this.masks.set(frame, mask);
        while (this.masks.size > MAX_MASKS) {
          const oldest = this.masks.keys().next().value!;
          this.masks.get(oldest)?.bitmap.close();
          this.masks.delete(oldest);
        }
        this.error = null;
      } catch (e) {
        this.error = e instanceof Error ? e.message : String(e);
      }
      this.onChange();
    }
    this.loading = false;
  }

  private async load(frame: number): Promise<OverlayMask> {
    const url = mediaUrl(
      mediaBase,
      { kind: 'render-mask', shotId: this.shotId, renderId: this.renderId, frame },
      this.cacheKey,
    );
    const res = await fetch(url);
    if (!res.ok) throw new Error(`mask of frame ${frame}: the media server answered ${res.status}`);
    const grey = await createImageBitmap(await res.blob(), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
    const canvas = new OffscreenCanvas(grey.width, grey.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D canvas for the mask');
    ctx.drawImage(grey, 0, 0);
    grey.close();
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const shares = colouriseMask(pixels.data);
    return { bitmap: await createImageBitmap(pixels), shares };
  }
}
