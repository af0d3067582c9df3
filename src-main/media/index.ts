/** Media I/O: probe, frame-accurate decode, thumbnails, proxies, fingerprints, PNG writing. */
export type { LensFacts, MediaFacts, MediaIntegrity, MediaKind, Rational, SequencePattern } from './types';
export { lensFromTags } from './lens-metadata';
export { MediaError, isMediaError, mediaErrorReason, type MediaErrorCode } from './errors';
export {
  findMediaTools,
  resetMediaToolsCache,
  MissingToolError,
  INSTALL_HELP,
  type MediaTools,
  type ToolName,
  type ToolSource,
  type FindToolsOptions,
} from './tools';
export { probeMedia, type ProbeOptions } from './probe';
export {
  decodeFrames,
  decodeFrameImage,
  decodeFrameBatch,
  frameTimestamps,
  outputSize,
  BYTES_PER_PIXEL,
  type DecodeOptions,
  type DecodedFrame,
  type RawPixelFormat,
  type FrameImageOptions,
} from './decode';
export {
  SEQUENCE_EXTENSIONS,
  isSequenceImageName,
  parseFrameName,
  sequenceFrameName,
  sequenceFramePath,
  sequenceFromFile,
  sequenceInDirectory,
} from './sequence';
export { writeThumbnail, writeFilmstrip, posterFrameIndex, filmstripFrameIndices } from './thumbnails';
export { encodeProxySegment, concatProxySegments, proxySize, type ProxySegmentOptions } from './proxy';
export {
  ProgressParser,
  parseProgressBlock,
  toJobProgress,
  type FfmpegProgress,
  type JobProgress,
} from './progress';
export { fingerprintFile, fingerprintMedia, FINGERPRINT_CHUNK } from './fingerprint';
export {
  encodePng,
  encodePngAsync,
  writePngAtomic,
  DEFAULT_PNG_LEVEL,
  type RasterImage,
  type PngFilter,
  type PngOptions,
} from './png';
