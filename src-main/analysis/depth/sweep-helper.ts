/**
 * A second thread for stereo sweeps: the depth stage runs the frame-by-frame work (consistency,
 * propagation, filling) on its own thread and hands sweeps of frames ahead to this helper, so both of a
 * laptop's cores work. The frames live in shared memory (SharedArrayBuffer), sent once; each request
 * names the reference and its views by index. A sweep is the same computation on either thread, so the
 * depth maps are identical whichever thread swept a frame and however many cores the machine has.
 */
import type { Worker } from 'node:worker_threads';
import { resolveWorker, stopWorker, type WorkerEntry } from '../../jobs/workers';
import type { CoarseToFineOptions, CoarseToFineResult } from './coarse-to-fine';
import type { StereoView } from './plane-sweep';

export const DEPTH_SWEEP_WORKER: WorkerEntry = {
  name: 'depth-sweep',
  source: new URL('./depth-sweep.worker.ts', import.meta.url),
};

/** What the helper is asked to sweep: frame `ref` against `neighbours` (indices into the shared views). */
export interface SweepRequest {
  ref: number;
  neighbours: number[];
  options: Omit<CoarseToFineOptions, 'signal'>;
}

export type SweepHelperMessage =
  { type: 'swept'; id: number; result: CoarseToFineResult } | { type: 'failed'; id: number; message: string };

export interface SweepHelper {
  sweep(req: SweepRequest): Promise<CoarseToFineResult>;
  close(): Promise<void>;
}

/** Views whose images are in shared memory (so a helper thread reads them without a copy). */
export function sharedImage(width: number, height: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(4 * width * height));
}

/** Starts the helper thread over `views` (their images must be in shared memory, see sharedImage). */
export function startSweepHelper(views: readonly (StereoView | null)[]): SweepHelper {
  for (const v of views)
    if (v && !(v.image.data.buffer instanceof SharedArrayBuffer))
      throw new TypeError('startSweepHelper: view images must be in shared memory');
  const worker: Worker = resolveWorker(DEPTH_SWEEP_WORKER.name, DEPTH_SWEEP_WORKER.source).start({
    views: views.map((v) =>
      v ? { width: v.image.width, height: v.image.height, data: v.image.data, camera: v.camera } : null,
    ),
  });
  let next = 0;
  let stopped: Error | null = null;
  const waiting = new Map<number, { resolve: (r: CoarseToFineResult) => void; reject: (e: Error) => void }>();
  const failAll = (e: Error) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on('message', (m: SweepHelperMessage) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.type === 'swept') w.resolve(m.result);
    else w.reject(new Error(m.message));
  });
  worker.on('error', (e) => {
    stopped = e;
    failAll(e);
  });
  worker.on('exit', (code) => {
    stopped ??= new Error(`the depth-sweep worker stopped (exit code ${code})`);
    failAll(stopped);
  });
  return {
    sweep(req) {
      // a helper that stopped (closed, crashed) answers nothing more: refuse at once
      if (stopped) return Promise.reject(stopped);
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ type: 'sweep', id, req });
      });
    },
    async close() {
      stopped ??= new Error('the depth-sweep worker was closed');
      failAll(stopped);
      await stopWorker(worker, () => worker.postMessage({ type: 'stop' }), 5000);
    },
  };
}
