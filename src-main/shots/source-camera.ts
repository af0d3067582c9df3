/**
 * A shot's source camera: importing an existing camera solve (cameras.json, COLMAP text, Nuke .chan,
 * USD) as the shot's camera, and exporting it. Imports are checked against the shot — each of its frames
 * exactly once (or, asked for, some of them with the rest interpolated), an image of the shot's shape —
 * and journalled, so Undo restores the previous camera. A refused file leaves the project unchanged.
 */
import {
  orientedWorld,
  describeFrameProblems,
  documentToTrack,
  fillCameraFrames,
  frameProblems,
  parseCamerasJson,
  serializeCamerasJson,
  trackToDocument,
  type CameraTrack,
  type WorldUp,
} from '../../src-shared/geometry';
import { ApiError, type CameraReport } from '../../src-shared/api/contract';
import { oneSegmentReport } from '../../src-shared/camera-report';
import {
  FIRST_FRAME_NUMBER,
  readCameraTrack,
  writeCameraTrack,
  type CameraFileFormat,
} from '../geometry-io/camera-files';
import { shotOrientation, type Project, type SourceCameraRecord, type ShotRecord } from '../store';
import type { EditRegistry } from '../edits';
import type { ShotEditRecord } from './shot-edits';

export interface FitOptions {
  /** The number the file gives the shot's first frame (FIRST_FRAME_NUMBER of its format); default 0. */
  firstNumber?: number;
  /** The file may give some of the shot's frames; the others are interpolated. Default false. */
  interpolate?: boolean;
}

/**
 * Fits a track to the shot: its frame indices checked (src-shared/geometry/camera-frames.ts) and sorted,
 * intrinsics scaled when the solve was made at another size, and with `interpolate` the frames it leaves
 * out filled in. Refuses, naming the file and the first few offending frames, anything else.
 */
export function fitTrackToShot(
  track: CameraTrack,
  shot: ShotRecord,
  file: string,
  opts: FitOptions = {},
): CameraTrack {
  const check = {
    frameCount: shot.frameCount,
    firstNumber: opts.firstNumber ?? 0,
    sparse: opts.interpolate ?? false,
  };
  const problems = frameProblems(
    track.frames.map((f) => f.index),
    check,
  );
  if (problems.length > 0) {
    const n = track.frames.length;
    const onlyMissing = problems.every((p) => p.kind === 'missing');
    throw new ApiError(
      'invalid-argument',
      `${file}: ${n} camera${n === 1 ? '' : 's'} for the ${shot.frameCount} frames of shot '${shot.name}': ` +
        `${describeFrameProblems(problems, check)}.` +
        (check.firstNumber !== 0
          ? ` Frame numbers are the file's own: its frame ${check.firstNumber} is the shot's first frame.`
          : '') +
        (onlyMissing
          ? ' A source camera needs every frame once; to fill in the frames a file leaves out, import it with interpolation.'
          : ''),
    );
  }
  const frames = [...track.frames].sort((a, b) => a.index - b.index);
  const fitted: CameraTrack = {
    fps: [shot.fpsNum, shot.fpsDen],
    frames: frames.map((f) => {
      const k = f.camera.intrinsics;
      let intrinsics = k;
      if (k.width !== shot.width || k.height !== shot.height) {
        const sx = shot.width / k.width;
        const sy = shot.height / k.height;
        if (Math.abs(sx / sy - 1) > 0.005) {
          throw new ApiError(
            'invalid-argument',
            `${file}: the cameras are for a ${k.width}×${k.height} image, which does not have the shape of shot '${shot.name}' (${shot.width}×${shot.height}).`,
          );
        }
        intrinsics = {
          ...k,
          width: shot.width,
          height: shot.height,
          fx: k.fx * sx,
          fy: k.fy * sy,
          cx: k.cx * sx,
          cy: k.cy * sy,
        };
      }
      return { ...f, camera: { ...f.camera, intrinsics } };
    }),
  };
  if (fitted.frames.length < shot.frameCount)
    fitted.frames = fillCameraFrames(fitted.frames, shot.frameCount);
  return fitted;
}

/**
 * What an imported camera says about each frame: the frames the file gives are taken as measured
 * ('solved'), the ones interpolated between them 'interpolated'; one segment in one gauge, the file's.
 * There is nothing to grade it by, so its confidence is 1 and it has no error figures.
 */
export function importedCameraReport(frameCount: number, given: readonly number[]): CameraReport {
  const known = new Set(given);
  return oneSegmentReport(
    Array.from({ length: frameCount }, (_, i) => (known.has(i) ? 'solved' : 'interpolated')),
    0,
  );
}

/** A camera file read for a shot (its size and rate where the format carries none); a bad file: 400. */
export function readCameraFileForShot(
  path: string,
  shot: ShotRecord,
  worldUp: WorldUp,
): ReturnType<typeof readCameraTrack> {
  try {
    return readCameraTrack(path, {
      width: shot.width,
      height: shot.height,
      fps: [shot.fpsNum, shot.fpsDen],
      worldUp,
    });
  } catch (e) {
    throw new ApiError('invalid-argument', (e as Error).message);
  }
}

export function importSourceCamera(
  edits: EditRegistry,
  project: Project,
  shot: ShotRecord,
  path: string,
  worldUp: WorldUp,
  interpolate = false,
): SourceCameraRecord {
  const read = readCameraFileForShot(path, shot, worldUp);
  const track = fitTrackToShot(read.track, shot, path, {
    firstNumber: FIRST_FRAME_NUMBER[read.format],
    interpolate,
  });
  const known = read.track.frames.length;
  const record: SourceCameraRecord = {
    shotId: shot.id,
    origin: 'imported',
    status: 'imported',
    message:
      `Imported from ${read.format === 'colmap' ? 'a COLMAP model' : `a ${read.format} file`}` +
      (known < shot.frameCount
        ? ` with cameras for ${known} of ${shot.frameCount} frames, the others interpolated`
        : ''),
    sourceFile: path,
    format: read.format,
    frames: track.frames.length,
    trackJson: serializeCamerasJson(trackToDocument(track)),
    report: importedCameraReport(
      shot.frameCount,
      read.track.frames.map((f) => f.index),
    ),
    createdAt: new Date().toISOString(),
  };
  edits.commit<ShotEditRecord>(
    project,
    `Import camera for ${shot.name}`,
    { op: 'camera', shotId: shot.id, camera: record },
    { op: 'camera', shotId: shot.id, camera: project.sourceCameras.get(shot.id) ?? null },
  );
  return record;
}

export function sourceCameraTrack(project: Project, shotId: number): CameraTrack | null {
  const rec = project.sourceCameras.get(shotId);
  return rec ? documentToTrack(parseCamerasJson(rec.trackJson)) : null;
}

/**
 * Writes the shot's source camera to `out` (absolute) through the output guard: never over a project's
 * own files; a single file the user named is replaced atomically; a COLMAP folder's existing files only
 * with `overwrite`. Returns the real path written and the number of cameras.
 */
export function exportSourceCamera(
  project: Project,
  shot: ShotRecord,
  format: CameraFileFormat,
  out: string,
  worldUp: WorldUp,
  overwrite = false,
): { path: string; frames: number } {
  const written = exportedSourceCamera(project, shot);
  const path = writeCameraTrack(written, format, out, { worldUp, overwrite });
  return { path, frames: written.frames.length };
}

/** The shot's source camera as exports write it (404 when it has none). */
export function exportedSourceCamera(project: Project, shot: ShotRecord): CameraTrack {
  const track = sourceCameraTrack(project, shot.id);
  if (!track) {
    throw new ApiError(
      'not-found',
      `Shot '${shot.name}' has no source camera yet: analyse the shot or import a camera.`,
    );
  }
  // the oriented world when the scene was oriented (its up the file's up, its origin the floor point); a
  // camera imported from a file and never re-oriented keeps its own world
  const o = shotOrientation(shot);
  const to = o ? orientedWorld(o).apply : null;
  return to
    ? { ...track, frames: track.frames.map((f) => ({ ...f, camera: { ...f.camera, ...to(f.camera) } })) }
    : track;
}
