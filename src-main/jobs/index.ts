export { JobRunner } from './runner';
export { proxyJob, PROXY_CHUNK_FRAMES } from './proxy-job';
export { thumbnailsJob } from './thumbnails-job';
export type { JobKind, ChunkPlan } from './kinds';

import { proxyJob } from './proxy-job';
import { thumbnailsJob } from './thumbnails-job';
import type { JobKind } from './kinds';

export const ALL_JOB_KINDS: JobKind[] = [thumbnailsJob, proxyJob];
