export {
  assignXFeatOutputs,
  XFEAT_CELL,
  XFEAT_DESCRIPTOR_DIM,
  type XFeatOutputs,
  type XFeatRunner,
} from './contract';
export { rgbToXFeatInput } from './preprocess';
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
  DEFAULT_MATCH_OPTIONS,
  type MatchOptions,
} from './match';
export {
  XFeatTracker,
  DEFAULT_XFEAT_TRACKER_OPTIONS,
  type XFeatTrackerOptions,
  type XFeatTrackingStats,
} from './xfeat-tracker';
