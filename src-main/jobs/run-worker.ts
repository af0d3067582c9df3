import { resolveWorker, stopWorker, type WorkerEntry } from './workers';

/** The messages every analysis worker sends: progress, then exactly one done or error. */
export type WorkerMessage<P, D> =
  ({ type: 'progress' } & P) | ({ type: 'done' } & D) | { type: 'error'; message: string };

/**
 * Runs one piece of heavy work in a worker thread (`source`, bundled as `<name>.worker.js`) and resolves with
 * its 'done' message; a crash or an 'error' message rejects. Aborting asks the worker to stop (it exits
 * between two turns, never inside an onnxruntime call, which would abort the process) and rejects once
 * it has exited.
 */
export function runWorker<P, D>(
  { name, source }: WorkerEntry,
  data: unknown,
  signal: AbortSignal,
  onProgress: (m: P) => void,
): Promise<D> {
  return new Promise((resolve, reject) => {
    const worker = resolveWorker(name, source).start(data);
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = () => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      const why = signal.reason instanceof Error ? signal.reason : new Error('cancelled');
      void stopWorker(worker, () => worker.postMessage({ type: 'stop' })).then(() => reject(why));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerMessage<P, D>) => {
      if (m.type === 'progress') onProgress(m);
      else if (m.type === 'done') finish(() => resolve(m));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`the ${name} worker stopped unexpectedly (exit code ${code})`))),
    );
  });
}
