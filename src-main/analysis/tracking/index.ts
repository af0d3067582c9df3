/**
 * 2D point tracking (issue 4): a classical pyramidal Lucas–Kanade tracker (the no-model default) and an
 * XFeat-based tracker (model run through an injected function), both producing a {@link TrackSet}:
 * N tracks × T frames in full-resolution pixels with centres at +0.5; plus the compact track file and
 * the tracks.json interchange form.
 */
export { createGray, grayFromU8, grayFromRgb24, type GrayImage } from './image';
export { sampleBilinear, sampleWindow } from './sample';
export { scharrGradients, type Gradients } from './gradients';
export { gaussianBlur, gaussianKernel } from './blur';
export { buildPyramid, pyramidDepth, downsample, type Pyramid, type PyramidLevel } from './pyramid';
export { CornerDetector, DEFAULT_CORNER_OPTIONS, type CornerOptions, type Corners } from './corners';
export {
  LucasKanade,
  DEFAULT_LK_OPTIONS,
  LK_OK,
  LK_OUT_OF_FRAME,
  LK_LOW_TEXTURE,
  LK_DIVERGED,
  type LucasKanadeOptions,
} from './lucas-kanade';
export {
  TemplateBank,
  DEFAULT_TEMPLATE_OPTIONS,
  type TemplateOptions,
  type RefineResult,
} from './template-bank';
export { forwardBackwardErrors, trackConfidence } from './forward-backward';
export { PointGrid } from './point-grid';
export { KltTracker, DEFAULT_KLT_OPTIONS, type KltOptions, type TrackingStats } from './klt-tracker';
export { TrackRecorder, emptyTrackSet, type TrackSet } from './track-set';
export {
  encodeTrackFile,
  decodeTrackFile,
  writeTrackFile,
  readTrackFile,
  readTrackFileHeader,
  readTrackFrameRange,
  queryFrameRange,
  TRACK_FILE_MAGIC,
  TRACK_FILE_VERSION,
  type TrackFileHeader,
  type TrackRange,
} from './track-file';
export { toTracksJson, stringifyTracksJson, type TracksJson } from './tracks-json';
export { grayFrames, rgbFrames, type FrameRange, type RgbFrame } from './frames';
export * from './xfeat';
