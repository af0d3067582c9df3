/** Test/bench helper: an XFeat runner over a plain onnxruntime-node session (no worker pool). */
import ort from 'onnxruntime-node';
import path from 'node:path';
import { assignXFeatOutputs, type XFeatRunner } from '../../../src-main/analysis/tracking';

export const XFEAT_MODEL = path.resolve(process.cwd(), '../shared/models/xfeat/xfeat_320x224.onnx');

export interface XFeatSession {
  run: XFeatRunner;
  /** Total milliseconds inside session.run and the number of calls. */
  timing: { ms: number; calls: number };
  release(): Promise<void>;
}

export async function openXFeatSession(file = XFEAT_MODEL): Promise<XFeatSession> {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const inputName = session.inputNames[0] ?? 'input';
  const timing = { ms: 0, calls: 0 };
  const run: XFeatRunner = async (input, dims) => {
    const feeds = { [inputName]: new ort.Tensor('float32', input, [...dims]) };
    const t = performance.now();
    const out = await session.run(feeds);
    timing.ms += performance.now() - t;
    timing.calls++;
    return assignXFeatOutputs(out as unknown as Record<string, { dims: readonly number[]; data: unknown }>);
  };
  return { run, timing, release: () => session.release() };
}
