/**
 * Inference worker: owns onnxruntime sessions (one per model key, cached) so that `session.run` never
 * blocks the main event loop. Bundled to dist/main/workers/inference.worker.js; started from source
 * (tsx) in tests and dev. Protocol: src-main/inference/protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { transferList, type FromWorker, type ToWorker, type WorkerInit } from './protocol';
import { SessionHost } from './session-host';

const port = parentPort;
if (!port) throw new Error('inference.worker: must be started as a worker thread');
const init = (workerData ?? { providers: ['cpu'] }) as WorkerInit;
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const host = new SessionHost({ providers: init.providers, log: (line) => post({ type: 'log', line }) });

/**
 * Terminating this thread while onnxruntime is inside a call (a run, a session being created) aborts
 * the whole process, so the owner asks it to stop: it exits as soon as nothing is in flight.
 */
let inFlight = 0;
let stopping = false;
const exitIfIdle = () => {
  if (stopping && inFlight === 0) process.exit(0);
};

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'stop') {
    stopping = true;
    exitIfIdle();
    return;
  }
  inFlight++;
  void handle(msg).finally(() => {
    inFlight--;
    exitIfIdle();
  });
});

async function handle(msg: Exclude<ToWorker, { type: 'stop' }>): Promise<void> {
  try {
    switch (msg.type) {
      case 'load':
        post({ type: 'loaded', id: msg.id, info: await host.load(msg.req) });
        return;
      case 'run': {
        const result = await host.run(msg.key, msg.feeds, msg.outputs ? { outputs: msg.outputs } : {});
        post({ type: 'result', id: msg.id, result }, transferList(result.outputs));
        return;
      }
      case 'unload':
        post({ type: 'unloaded', id: msg.id, existed: await host.unload(msg.key) });
        return;
    }
  } catch (e) {
    const err = e as Error & { code?: string };
    post({
      type: 'error',
      id: msg.id,
      name: err.name ?? 'Error',
      message: err.message ?? String(e),
      ...(err.code ? { code: err.code } : {}),
    });
  }
}

post({ type: 'ready' });
