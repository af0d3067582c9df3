export {
  assignXFeatOutputs,
  XFEAT_CELL,
  XFEAT_DESCRIPTOR_DIM,
  type XFeatOutputs,
  type XFeatRunner,
} from './contract';
export { lumaToXFeatInput } from './preprocess';
export {
  XFeatDecoder,
  nonMaxSuppression,
  DEFAULT_DECODE_OPTIONS,
  type DecodeOptions,
  type Keypoints,
} from './decode';
export {
  similarityMatrix,
  mutualNearest,
  matchDescriptors,
  matchGated,
  GatedMatcher,
  DEFAULT_MATCH_OPTIONS,
  type MatchOptions,
} from './match';
export { SmoothedFrame, SMOOTH_TILE } from './smooth';
export {
  AnchorBank,
  DEFAULT_ANCHOR_OPTIONS,
  samplePatch,
  type AnchorOptions,
  type AlignResult,
} from './anchors';
export { LocalFlow, type FlowResult } from './flow';
export {
  XFeatTracker,
  DEFAULT_XFEAT_TRACKER_OPTIONS,
  type XFeatTrackerOptions,
  type XFeatTrackingStats,
} from './xfeat-tracker';
