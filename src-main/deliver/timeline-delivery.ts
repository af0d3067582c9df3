/**
 * Timelines of a project for NLEs: reads the shots, their target paths and renders, chooses each path's
 * newest finished render version, builds the timeline model (src-shared/timeline) and writes it as
 * OTIO, FCPXML or a CMX3600 EDL. docs/delivery-timelines.md says what each holds and why.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import {
  buildTimeline,
  describeTimeline,
  TIMELINE_FORMATS,
  TimelineError,
  writeEdl,
  writeFcpxml,
  writeOtio,
  type PlateInput,
  type ShotInput,
  type Timeline,
  type TimelineFormat,
  type TimelineMedia,
} from '../../src-shared/timeline';
import { ApiError } from '../../src-shared/api/contract';
import { frameFileName } from '../render/render-files';
import { renderDir } from '../render';
import { resolveShotMediaPath } from '../shots';
import type { Project, RenderRecord, ShotRecord } from '../store';
import { guardOutputFile, OutputPathError, writeOutputFile } from '../util/output-guard';

export interface TimelineRequest {
  format: TimelineFormat;
  /** Shot ids to place, in project order; all shots when left out. */
  shots?: readonly number[];
  /**
   * Delivered plate files to reference instead of a render's frame sequence: shot id → absolute path of
   * a movie file holding that shot's rendered plate (with the source timecode). A shot given here must
   * have exactly one rendered plate on the timeline.
   */
  deliveredPlates?: Readonly<Record<number, string>>;
  /** The timeline's name (TITLE of an EDL, the FCP project, the OTIO timeline); the project's by default. */
  name?: string;
}

export interface TimelinePreview {
  timeline: Timeline;
  /** The file's text, exactly as it would be written. */
  text: string;
  /** One line per event: record timecodes, reel, clip, media. */
  lines: string[];
  /** Rendered plates on the timeline. */
  clips: number;
  /** What the user should know: shots without a render, offline source media. */
  warnings: string[];
}

export interface TimelineDelivery extends TimelineRequest {
  /** The file to write (relative paths start at `cwd`). */
  out: string;
  /** Replace `out` when it exists; without it an existing file is refused. */
  overwrite: boolean;
  cwd: string;
  /** How the user asks for `overwrite` where they are (e.g. "pass --overwrite to replace it"). */
  overwriteHint?: string;
}

export interface TimelineDelivered {
  /** The real path written. */
  file: string;
  clips: number;
  events: number;
  warnings: string[];
}

/** Each target path's newest finished render of a shot, by path (creation order) then version. */
export function chosenRenders(project: Project, shotId: number): RenderRecord[] {
  const newest = new Map<number, RenderRecord>();
  for (const r of project.renders.list(shotId)) {
    if (r.status !== 'done') continue;
    const had = newest.get(r.pathId);
    if (!had || r.version > had.version) newest.set(r.pathId, r);
  }
  return [...newest.values()].sort((a, b) => a.pathId - b.pathId);
}

function sourceMedia(project: Project, shot: ShotRecord, warnings: string[]): TimelineMedia {
  const now = resolveShotMediaPath(project, shot);
  if (!now)
    warnings.push(
      `shot ${shot.id} '${shot.name}': its media is offline; the timeline names ${shot.mediaPath}`,
    );
  const path = now ?? shot.mediaPath;
  const seq = shot.facts.sequence;
  if (shot.kind === 'sequence' && seq) {
    return {
      kind: 'sequence',
      folder: dirname(path),
      prefix: basename(seq.prefix),
      suffix: seq.suffix,
      firstNumber: seq.startNumber,
      padding: seq.padding,
    };
  }
  return { kind: 'file', path };
}

function deliveredPlate(shot: ShotRecord, file: string): TimelineMedia {
  if (!isAbsolute(file)) {
    throw new ApiError(
      'invalid-argument',
      `Delivered plate of shot '${shot.name}': '${file}' is not an absolute path`,
    );
  }
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new ApiError('not-found', `Delivered plate of shot '${shot.name}': ${file} does not exist`);
  }
  if (!isFile) {
    throw new ApiError('invalid-argument', `Delivered plate of shot '${shot.name}': ${file} is not a file`);
  }
  return { kind: 'file', path: file };
}

function plateOf(project: Project, shot: ShotRecord, r: RenderRecord): PlateInput {
  const dir = renderDir(project, shot.id, r.pathId, r.version);
  for (const f of [r.firstFrame, r.lastFrame]) {
    const file = join(dir, frameFileName(f));
    if (!existsSync(file)) {
      throw new ApiError(
        'not-found',
        `shot '${shot.name}', path '${r.pathName}' v${r.version}: the render's frame ${f} (${file}) is missing; render it again`,
      );
    }
  }
  const path = project.targetPaths.get(r.pathId)?.name ?? r.pathName;
  return {
    path,
    version: r.version,
    firstFrame: r.firstFrame,
    lastFrame: r.lastFrame,
    media: {
      kind: 'sequence',
      folder: dir,
      prefix: 'frame_',
      suffix: '.png',
      firstNumber: r.firstFrame + 1,
      padding: 4,
    },
  };
}

/** The shots a request names, in project order; an unknown id is an error naming it. */
function requestedShots(project: Project, ids: readonly number[] | undefined): ShotRecord[] {
  const all = project.shots.list();
  if (ids === undefined) return all;
  if (ids.length === 0) throw new ApiError('invalid-argument', 'No shots chosen for the timeline');
  for (const id of ids) {
    if (!all.some((s) => s.id === id)) throw new ApiError('not-found', `No shot ${id} in ${project.dir}`);
  }
  return all.filter((s) => ids.includes(s.id));
}

/** What the timeline of a request holds and the file's exact text, without writing anything. */
export function previewTimeline(project: Project, req: TimelineRequest): TimelinePreview {
  if (!(TIMELINE_FORMATS as readonly string[]).includes(req.format)) {
    throw new ApiError(
      'invalid-argument',
      `Timeline format '${req.format}' is not one of ${TIMELINE_FORMATS.join(', ')}`,
    );
  }
  const warnings: string[] = [];
  const shots = requestedShots(project, req.shots);
  if (shots.length === 0)
    throw new ApiError('invalid-argument', `${project.dir} has no shots to place on a timeline`);
  const delivered = req.deliveredPlates ?? {};
  for (const id of Object.keys(delivered)) {
    if (!shots.some((s) => String(s.id) === id)) {
      throw new ApiError(
        'invalid-argument',
        `A delivered plate is given for shot ${id}, which is not on this timeline`,
      );
    }
  }
  const inputs: ShotInput[] = shots.map((s) => {
    const plates = chosenRenders(project, s.id).map((r) => plateOf(project, s, r));
    const file = delivered[s.id];
    if (file !== undefined) {
      if (plates.length !== 1) {
        throw new ApiError(
          'invalid-argument',
          `shot '${s.name}' has ${plates.length} rendered plates on the timeline; a delivered plate file can stand in only for one`,
        );
      }
      plates[0] = { ...plates[0]!, media: deliveredPlate(s, file) };
    }
    if (plates.length === 0)
      warnings.push(`shot ${s.id} '${s.name}' has no finished render: only its source is placed`);
    return {
      id: s.id,
      name: s.name,
      reel: s.reelName,
      fps: { num: s.fpsNum, den: s.fpsDen },
      startTimecode: s.startTimecode,
      frameCount: s.frameCount,
      width: s.width,
      height: s.height,
      media: sourceMedia(project, s, warnings),
      plates,
    };
  });
  let timeline: Timeline;
  let text: string;
  try {
    timeline = buildTimeline({ name: req.name ?? project.name, shots: inputs });
    text =
      req.format === 'otio'
        ? writeOtio(timeline)
        : req.format === 'fcpxml'
          ? writeFcpxml(timeline)
          : writeEdl(timeline);
  } catch (e) {
    if (e instanceof TimelineError || e instanceof RangeError)
      throw new ApiError('invalid-argument', e.message);
    throw e;
  }
  const clips = timeline.events.filter((e) => e.plate !== null).length;
  if (req.format === 'edl' && clips === 0) {
    throw new ApiError(
      'invalid-argument',
      'None of these shots has a finished render, and an EDL lists only the rendered plates; render first, or export OTIO/FCPXML (they hold the source shots too)',
    );
  }
  if (timeline.placement === 'back-to-back') {
    warnings.push(
      'Some plates overlap in source timecode (several paths of one shot?): they are placed back to back',
    );
  }
  return { timeline, text, lines: describeTimeline(timeline), clips, warnings };
}

/**
 * Writes the timeline of a request to `out`. Never over an existing file without `overwrite`, never
 * into a project's own files (output-guard), atomically.
 */
export function deliverTimeline(project: Project, req: TimelineDelivery): TimelineDelivered {
  const file = guardOutputFile(req.out, { cwd: req.cwd });
  if (existsSync(file) && !req.overwrite) {
    throw new OutputPathError(
      'exists',
      `'${req.out}' already exists; ${req.overwriteHint ?? 'allow overwriting to replace it'}, or choose another name.`,
    );
  }
  const p = previewTimeline(project, req);
  // --overwrite replaces an old timeline, never the media the timeline refers to.
  for (const e of p.timeline.events) {
    for (const m of [e.source.media, e.plate?.media]) {
      if (m?.kind === 'file' && existsSync(m.path) && realpathSync(m.path) === file) {
        throw new OutputPathError(
          'protected',
          `'${req.out}' is media this timeline refers to (${m.path}); choose another name.`,
        );
      }
    }
  }
  writeOutputFile(file, p.text);
  return { file, clips: p.clips, events: p.timeline.events.length, warnings: p.warnings };
}
