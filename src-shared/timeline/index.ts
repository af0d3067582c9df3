/** Delivery timelines: the model and its OTIO, FCPXML and CMX3600 EDL writers (pure text out). */
export {
  buildTimeline,
  describeTimeline,
  fileStem,
  sequenceFileName,
  TimelineError,
  type Timeline,
  type TimelineClip,
  type TimelineEvent,
  type TimelineInput,
  type TimelineMedia,
  type ShotInput,
  type PlateInput,
} from './model';
export { writeOtio, otioDocument, PLATES_TRACK, SOURCES_TRACK } from './otio';
export { writeFcpxml, fcpTime, FCPXML_VERSION, FCP_REEL_KEY } from './fcpxml';
export { writeEdl, edlReelNames, EDL_REEL_LENGTH, EDL_MAX_EVENTS, type EdlOptions } from './edl';
export { fileUrl, pathOfFileUrl } from './file-url';

export const TIMELINE_FORMATS = ['otio', 'fcpxml', 'edl'] as const;
export type TimelineFormat = (typeof TIMELINE_FORMATS)[number];

/** The usual file extension of each format. */
export const TIMELINE_EXTENSIONS: Record<TimelineFormat, string> = {
  otio: '.otio',
  fcpxml: '.fcpxml',
  edl: '.edl',
};
