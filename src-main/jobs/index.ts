/**
 * The job runner: a persistent queue per project, progress, cancel and resume. It knows no job kind:
 * each capability exports its own (shots: proxy, thumbnails; analysis: track, analyze) and the app wires
 * them (api/core.ts).
 */
export { JobRunner, type JobEvents } from './runner';
export { JobCancelled, type JobKind, type ChunkPlan, type ChunkContext, type FinishContext } from './kinds';
export { resolveWorker, stopWorker, type WorkerEntry, type WorkerSpawn } from './workers';
export { runWorker, type WorkerMessage } from './run-worker';
