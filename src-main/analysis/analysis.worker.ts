/**
 * "Analyze shot" worker: the CPU-heavy stages — camera solve, sparse triangulation with imported
 * cameras, plane-sweep depth for a chunk of frames, model depth for a chunk of frames and its alignment
 * over the whole shot, lifting 2D tracks to 3D — off the main thread.
 * Protocol: src-main/analysis/analysis-protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AnalysisRequest, AnalysisResult, AnalysisWorkerMessage } from './analysis-protocol';
import { cameraStage, sparseStage } from './camera/stages';
import { depthAlignStage, depthModelStage, depthStage } from './depth/stages';
import { tracks3dStage } from './tracks3d-stage';

const port = parentPort;
if (!port) throw new Error('analysis.worker: must be started as a worker thread');
const post = (m: AnalysisWorkerMessage) => port.postMessage(m);
// Cancelled: exit between two turns, never inside an onnxruntime call (runs block this thread, so a
// message is only handled outside them; terminating the thread mid-run would abort the process).
port.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') process.exit(0);
});

async function main(): Promise<void> {
  const req = workerData as AnalysisRequest;
  const progress = (done: number) => post({ type: 'progress', done });
  let result: AnalysisResult;
  switch (req.stage) {
    case 'camera':
      result = await cameraStage(req, progress);
      break;
    case 'sparse':
      result = await sparseStage(req, progress);
      break;
    case 'depth':
      result = await depthStage(req, progress);
      break;
    case 'depth-model':
      result = await depthModelStage(req, progress);
      break;
    case 'depth-align':
      result = await depthAlignStage(req, progress);
      break;
    case 'tracks3d':
      result = await tracks3dStage(req, progress);
      break;
  }
  post({ type: 'done', result });
}

main().catch((e: unknown) => post({ type: 'error', message: (e as Error).message ?? String(e) }));
