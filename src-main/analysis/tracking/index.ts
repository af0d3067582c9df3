/**
 * 2D point tracking (issue 4): a classical pyramidal Lucas–Kanade tracker (the no-model default) and an
 * XFeat-based tracker (model run through an injected function), both producing a {@link TrackSet}:
 * N tracks × T frames in full-resolution pixels with centres at +0.5; plus the compact track file and
 * the tracks.json interchange form.
 *
 * Resumable tracking (a "Track shot" job that stops and resumes per frame chunk):
 * - `tracker.snapshot(): Uint8Array` captures the complete state after the last pushed frame (format in
 *   tracker-state.ts; a few MB at 640×360 with ~1,000 tracks, growing with the observations recorded —
 *   the Track job therefore saves each chunk's observations apart from the bounded rest, see
 *   track-set.ts and analysis/track-job.ts);
 *   `KltTracker.restore(bytes)` / `XFeatTracker.restore(bytes, run)` rebuild a tracker that continues
 *   with the next frame (`tracker.framesPushed`) and gives bit-identical `result()` to an uninterrupted
 *   run. A snapshot from another format version ({@link TRACKER_STATE_VERSION}) or a corrupt one makes
 *   restore throw: start the shot again.
 * - Partial results: `sliceTrackSet(result, start, end)` cuts frames [start, end) out (all tracks kept,
 *   row = track id); `concatTrackSets([a, b, …])` joins consecutive ranges back (later parts may have
 *   more tracks; earlier parts are padded as not visible). concat(slice(r, 0, k), slice(r, k)) equals r.
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
export { TrackRecorder, emptyTrackSet, sliceTrackSet, concatTrackSets, type TrackSet } from './track-set';
export { TRACKER_STATE_VERSION } from './tracker-state';
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
export { grayFrames, lumaFrames, rgbFrames, type FrameRange, type LumaFrame, type RgbFrame } from './frames';
export * from './xfeat';
