export * from './image';
export * from './depth-anything';
export * from './cotracker';

import { COTRACKER3_ADAPTER } from './cotracker';
import { DEPTH_ANYTHING_V2_ADAPTER, VIDEO_DEPTH_ANYTHING_ADAPTER } from './depth-anything';

/**
 * Adapter ids a manifest may name. 'xfeat' belongs to the tracking engine (src-main/analysis), which
 * implements its decoding; it is listed here so manifests naming it validate.
 */
export const ADAPTER_IDS = [
  DEPTH_ANYTHING_V2_ADAPTER,
  VIDEO_DEPTH_ANYTHING_ADAPTER,
  COTRACKER3_ADAPTER,
  'xfeat',
] as const;
export type AdapterId = (typeof ADAPTER_IDS)[number];
