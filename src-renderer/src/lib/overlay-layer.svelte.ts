/**
 * What the viewer's overlays over the picture (depth, tracks) have in common:
 * - a data source, opened when the data behind the overlay changes and disposed with it (or with the
 *   overlay), asked for what the playhead needs whenever the playhead moves;
 * - a canvas covering the picture's box in device pixels, cleared and painted again whenever data
 *   arrives or anything the painting reads changes (the shown frame, the box, the device pixel ratio).
 *
 * Made while a component initialises (it sets up effects that live as long as the component); the
 * canvas takes `{@attach layer.canvas}`.
 */
import { untrack } from 'svelte';
import type { Attachment } from 'svelte/attachments';
import { canvasSize } from './picture';

export interface OverlaySource {
  /** The last error a request met; null after a success. */
  readonly error: string | null;
  dispose(): void;
}

export interface OverlayCanvas {
  /** Device pixels. */
  cw: number;
  ch: number;
  dpr: number;
}

export interface OverlayLayerOptions<S extends OverlaySource> {
  /** Names the data behind the overlay: a new source is opened only when it changes. */
  key: () => string;
  /** Opens the source for the current data, or null when there is none; `arrived` is called as data comes in. */
  open: (arrived: () => void) => S | null;
  /** Asks the source for what the playhead needs. */
  want: (source: S) => void;
  /** The box the canvas covers, in CSS pixels. */
  box: () => { width: number; height: number };
  /** Paints into the cleared canvas. */
  paint: (ctx: CanvasRenderingContext2D, source: S | null, canvas: OverlayCanvas) => void;
}

export class OverlayLayer<S extends OverlaySource> {
  source = $state<S | null>(null);
  /** The source's last error, for the legend. */
  error = $state<string | null>(null);
  /** Bumped when data arrives, so the painting runs again. */
  private arrivals = $state(0);
  readonly canvas: Attachment<HTMLCanvasElement>;

  constructor(options: OverlayLayerOptions<S>) {
    $effect(() => {
      options.key();
      return untrack(() => {
        this.error = null;
        let opened: S | null = null;
        opened = options.open(() => {
          this.arrivals++;
          this.error = opened?.error ?? null;
        });
        this.source = opened;
        return () => opened?.dispose();
      });
    });

    $effect(() => {
      if (this.source) options.want(this.source);
    });

    this.canvas = (canvas) => {
      const source = this.source;
      void this.arrivals;
      const { width, height } = options.box();
      const { cw, ch, dpr } = canvasSize(width, height);
      if (canvas.width !== cw) canvas.width = cw;
      if (canvas.height !== ch) canvas.height = ch;
      // A CPU-backed canvas: thousands of tiny antialiased strokes and dots (tracks) raster faster there
      // than as GPU draw calls (measured: playback with the tracks on kept its pace only this way in
      // headless Chromium), and reading an overlay back (depth at full frame, tests) is cheap.
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) return;
      ctx.clearRect(0, 0, cw, ch);
      options.paint(ctx, source, { cw, ch, dpr });
    };
  }
}
