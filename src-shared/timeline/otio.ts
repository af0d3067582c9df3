/**
 * OpenTimelineIO (.otio) JSON of a delivery timeline, in the schema versions OTIO writes today:
 * Timeline.1 › Stack.1 › Track.1 (kind "Video") › Clip.2 / Gap.1, with ExternalReference.1 (movie
 * files) and ImageSequenceReference.1 (rendered frame sequences), RationalTime.1 and TimeRange.1.
 * Every field each schema serializes is written, in the order OTIO writes them, with null where OTIO
 * writes null (no colour, no image bounds).
 *
 * Tracks: "Plates" (the rendered plates, the stack's first child) and "Source shots" (disabled, so the
 * plates are what plays; enable it to compare). Times are at the timeline's rate (24000/1001 written as
 * the double OTIO uses, 23.976023976023978) in whole frames: a clip's source range is in its media's
 * own timecode frames (its available range starts at the media's start timecode); the timeline's
 * `global_start_time` is its first record frame, so track time 0 is that timecode.
 */
import { toNumber } from '../rational';
import { fileUrl } from './file-url';
import type { Timeline, TimelineClip, TimelineEvent, TimelineMedia } from './model';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export const OTIO_KIND_VIDEO = 'Video';
export const PLATES_TRACK = 'Plates';
export const SOURCES_TRACK = 'Source shots';

function rationalTime(rate: number, value: number): Json {
  return { OTIO_SCHEMA: 'RationalTime.1', rate, value };
}

function timeRange(rate: number, start: number, duration: number): Json {
  return {
    OTIO_SCHEMA: 'TimeRange.1',
    duration: rationalTime(rate, duration),
    start_time: rationalTime(rate, start),
  };
}

function mediaReference(clip: TimelineClip, rate: number): Json {
  const available = timeRange(rate, clip.available.start, clip.available.duration);
  const m: TimelineMedia = clip.media;
  if (m.kind === 'file') {
    return {
      OTIO_SCHEMA: 'ExternalReference.1',
      metadata: {},
      name: '',
      available_range: available,
      available_image_bounds: null,
      target_url: fileUrl(m.path),
    };
  }
  return {
    OTIO_SCHEMA: 'ImageSequenceReference.1',
    metadata: {},
    name: '',
    available_range: available,
    available_image_bounds: null,
    target_url_base: `${fileUrl(m.folder.replace(/[\\/]+$/, ''))}/`,
    name_prefix: m.prefix,
    name_suffix: m.suffix,
    start_frame: m.firstNumber,
    frame_step: 1,
    rate,
    frame_zero_padding: m.padding,
    missing_frame_policy: 'error',
  };
}

function item(
  schema: 'Gap.1' | 'Clip.2' | 'Track.1',
  name: string,
  range: Json,
  metadata: Json,
  enabled = true,
) {
  return {
    OTIO_SCHEMA: schema,
    metadata,
    name,
    source_range: range,
    effects: [] as Json[],
    markers: [] as Json[],
    enabled,
    color: null,
  };
}

function gap(rate: number, duration: number): Json {
  return item('Gap.1', '', timeRange(rate, 0, duration), {});
}

function clip(e: TimelineEvent, c: TimelineClip, rate: number, plate: boolean): Json {
  const metadata: Json = {
    // The EDL adapter of OTIO reads a clip's reel from here.
    cmx_3600: { reel: e.reel },
    reshoot: {
      shot_id: e.shotId,
      shot: e.shotName,
      track: plate ? 'plate' : 'source',
      ...(plate && e.plate ? { path: e.plate.path, version: e.plate.version } : {}),
    },
  };
  return {
    ...item('Clip.2', c.name, timeRange(rate, e.sourceIn, e.sourceOut - e.sourceIn), metadata),
    media_references: { DEFAULT_MEDIA: mediaReference(c, rate) },
    active_media_reference_key: 'DEFAULT_MEDIA',
  };
}

function track(t: Timeline, rate: number, name: string, plates: boolean, enabled: boolean): Json {
  const children: Json[] = [];
  let at = t.start;
  for (const e of t.events) {
    const c = plates ? e.plate : e.source;
    if (!c) continue;
    if (e.recordIn > at) children.push(gap(rate, e.recordIn - at));
    children.push(clip(e, c, rate, plates));
    at = e.recordOut;
  }
  return {
    ...item('Track.1', name, null, {}, enabled),
    children,
    kind: OTIO_KIND_VIDEO,
  };
}

/** The timeline as an OTIO document (a plain object; {@link writeOtio} gives the text). */
export function otioDocument(t: Timeline): Json {
  const rate = toNumber(t.fps);
  return {
    OTIO_SCHEMA: 'Timeline.1',
    metadata: {
      reshoot: {
        rate: `${t.fps.num}/${t.fps.den}`,
        drop_frame: t.dropFrame,
        placement: t.placement,
        width: t.width,
        height: t.height,
      },
    },
    name: t.name,
    global_start_time: rationalTime(rate, t.start),
    tracks: {
      OTIO_SCHEMA: 'Stack.1',
      metadata: {},
      name: 'tracks',
      source_range: null,
      effects: [],
      markers: [],
      enabled: true,
      color: null,
      children: [track(t, rate, PLATES_TRACK, true, true), track(t, rate, SOURCES_TRACK, false, false)],
    },
  };
}

/** The .otio text (JSON, 4-space indent as OTIO writes it). */
export function writeOtio(t: Timeline): string {
  return JSON.stringify(otioDocument(t), null, 4) + '\n';
}
