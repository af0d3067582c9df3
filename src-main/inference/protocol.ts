/** Messages between `InferenceRuntime` (any thread) and `inference.worker` (owns the sessions). */
import type { Feeds, LoadRequest, ProviderName, RunResult, SessionInfo } from './types';

export interface WorkerInit {
  providers: ProviderName[];
}

export type ToWorker =
  | { type: 'load'; id: number; req: LoadRequest }
  | { type: 'run'; id: number; key: string; feeds: Feeds; outputs?: string[] }
  | { type: 'unload'; id: number; key: string }
  /** Exit once nothing is in flight (a thread must never be terminated while onnxruntime runs in it). */
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'log'; line: string }
  | { type: 'loaded'; id: number; info: SessionInfo }
  | { type: 'result'; id: number; result: RunResult }
  | { type: 'unloaded'; id: number; existed: boolean }
  | { type: 'error'; id: number; name: string; code?: string; message: string };

/** The ArrayBuffers behind a set of tensors, for `postMessage(…, transfer)`. */
export function transferList(feeds: Feeds): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  for (const t of Object.values(feeds)) {
    const b = t.data.buffer;
    if (b instanceof ArrayBuffer && t.data.byteOffset === 0 && t.data.byteLength === b.byteLength)
      seen.add(b);
  }
  return [...seen];
}
