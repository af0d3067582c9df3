/**
 * The depth stage's helper thread (sweep-helper.ts): sweeps the frames it is asked for, over views that
 * live in shared memory, and sends each result back (its arrays transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Camera } from '../../../src-shared/geometry';
import { coarseToFineSweep } from './coarse-to-fine';
import type { StereoView } from './plane-sweep';
import type { SweepHelperMessage, SweepRequest } from './sweep-helper';

const port = parentPort;
if (!port) throw new Error('depth-sweep.worker: must be started as a worker thread');
const data = workerData as {
  views: ({ width: number; height: number; data: Float32Array; camera: Camera } | null)[];
};
const views: (StereoView | null)[] = data.views.map((v) =>
  v ? { image: { width: v.width, height: v.height, data: v.data }, camera: v.camera } : null,
);
const view = (i: number): StereoView => {
  const v = views[i];
  if (!v) throw new RangeError(`depth-sweep: no view ${i}`);
  return v;
};

port.on('message', (m: { type: 'stop' } | { type: 'sweep'; id: number; req: SweepRequest }) => {
  if (m.type === 'stop') process.exit(0);
  let reply: SweepHelperMessage;
  const transfer = new Set<ArrayBuffer>();
  try {
    const result = coarseToFineSweep(view(m.req.ref), m.req.neighbours.map(view), m.req.options);
    for (const a of Object.values(result))
      if (ArrayBuffer.isView(a) && a.buffer instanceof ArrayBuffer) transfer.add(a.buffer);
    reply = { type: 'swept', id: m.id, result };
  } catch (e) {
    reply = { type: 'failed', id: m.id, message: (e as Error).message ?? String(e) };
  }
  port.postMessage(reply, [...transfer]);
});
