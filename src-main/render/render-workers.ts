/**
 * A small pool of render workers (one per core, at most RENDER_WORKERS): each renders one frame at a time;
 * a frame is given to an idle worker, or waits for one. Closing stops them; a worker that dies fails the
 * frames it had.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { resolveWorker, stopWorker } from '../jobs/workers';
import type { Camera } from '../../src-shared/geometry';
import type { FrameSettings } from './render-frame';
import { RENDER_WORKER, type RenderFrameRequest, type RenderWorkerAnswer } from './render-protocol';
import type { PlateSource } from './reproject';

export const RENDER_WORKERS = 4;

interface Slot {
  worker: Worker;
  busy: {
    id: number;
    resolve: (r: { seen: number; filled: number }) => void;
    reject: (e: Error) => void;
  } | null;
}

export class RenderWorkers {
  private readonly slots: Slot[] = [];
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private closed = false;

  constructor(size = Math.max(1, Math.min(RENDER_WORKERS, availableParallelism()))) {
    for (let i = 0; i < size; i++) {
      const worker = resolveWorker(RENDER_WORKER.name, RENDER_WORKER.source).start({});
      // an idle worker never keeps the process alive; a busy one does (its frame is awaited)
      worker.unref();
      const slot: Slot = { worker, busy: null };
      worker.on('message', (m: RenderWorkerAnswer) => {
        const b = slot.busy;
        if (!b || b.id !== m.id) return;
        slot.busy = null;
        worker.unref();
        if (m.type === 'frame-done') b.resolve({ seen: m.seen, filled: m.filled });
        else b.reject(new Error(m.message));
        this.waiting.shift()?.();
      });
      const fail = (e: Error) => {
        const b = slot.busy;
        slot.busy = null;
        b?.reject(e);
      };
      worker.on('error', fail);
      worker.on('exit', (code) =>
        fail(new Error(`a render worker stopped unexpectedly (exit code ${code})`)),
      );
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Renders and writes one frame on the first idle worker. */
  async render(
    frame: number,
    target: Camera,
    sources: PlateSource[],
    settings: FrameSettings,
    dir: string,
  ): Promise<{ seen: number; filled: number }> {
    let slot = this.slots.find((s) => s.busy === null);
    while (!slot) {
      if (this.closed) throw new Error('the render workers were stopped');
      await new Promise<void>((r) => this.waiting.push(r));
      slot = this.slots.find((s) => s.busy === null);
    }
    if (this.closed) throw new Error('the render workers were stopped');
    const id = this.nextId++;
    const s = slot;
    return new Promise((resolve, reject) => {
      s.busy = { id, resolve, reject };
      s.worker.ref();
      const req: RenderFrameRequest = { type: 'frame', id, frame, target, sources, settings, dir };
      s.worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w();
    await Promise.all(
      this.slots.map((s) => stopWorker(s.worker, () => s.worker.postMessage({ type: 'stop' }))),
    );
  }
}
