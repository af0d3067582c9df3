/**
 * A render worker: renders the frames it is sent (reprojection, optional fill) and writes their files,
 * one at a time, so the app's main thread stays free and both cores render. Protocol: render-protocol.ts.
 */
import { parentPort } from 'node:worker_threads';
import type { RenderFrameRequest, RenderWorkerAnswer } from './render-protocol';
import { renderAndWrite } from './render-frame';

const port = parentPort;
if (!port) throw new Error('render.worker: must be started as a worker thread');
const post = (m: RenderWorkerAnswer) => port.postMessage(m);

port.on('message', (m: RenderFrameRequest | { type: 'stop' }) => {
  if (m.type === 'stop') process.exit(0);
  if (m.type !== 'frame') return;
  renderAndWrite(m.target, m.sources, m.frame, m.dir, m.settings).then(
    (r) => post({ type: 'frame-done', id: m.id, seen: r.seen, filled: r.filled }),
    (e: unknown) =>
      post({ type: 'frame-error', id: m.id, message: e instanceof Error ? e.message : String(e) }),
  );
});
