/**
 * Paired tracks of one target path for the dual view (SPEC §4, Track2View), loaded a window at a time:
 * windows of frames come from the media route 'paired' (window k holds frames k·STEP − TRAIL … k·STEP +
 * STEP − 1, so any frame and its trail are in one window); the latest request wins, a few windows are
 * kept. Drawing them: paired-draw.ts.
 */
import { decodePairedWindow, mediaUrl, type PairedWindow } from '../../../src-shared/api/media-routes';
import { mediaBase } from './api';
import { PAIRED_TRAIL } from './paired-draw';

const STEP = 48;
const MAX_WINDOWS = 4;

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
