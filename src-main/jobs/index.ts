export { JobRunner } from './runner';
export { proxyJob, PROXY_CHUNK_FRAMES } from './proxy-job';
export { thumbnailsJob } from './thumbnails-job';
export type { JobKind, ChunkPlan } from './kinds';

import { proxyJob } from './proxy-job';
import { thumbnailsJob } from './thumbnails-job';
import type { JobKind } from './kinds';

import { createTrackJob } from '../analysis/track-job';
import { createAnalyzeJob, type AnalyzeJobDeps } from '../analysis/analyze-job';

/** Every job type the app runs; some need services of the app (the model manager). */
export function createJobKinds(deps: AnalyzeJobDeps): JobKind[] {
  return [thumbnailsJob, proxyJob, createTrackJob(deps), createAnalyzeJob(deps)];
}
