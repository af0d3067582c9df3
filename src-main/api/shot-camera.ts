/**
 * A shot's source camera: importing an existing camera solve (cameras.json, COLMAP text, Nuke .chan,
 * USD) as the shot's camera, and exporting it. Imports are checked against the shot — one camera per
 * frame, an image of the shot's shape — and journalled, so Undo restores the previous camera.
 */
import {
  documentToTrack,
  parseCamerasJson,
  serializeCamerasJson,
  trackToDocument,
  type CameraTrack,
  type WorldUp,
} from '../../src-shared/geometry';
import { ApiError } from '../../src-shared/api/contract';
import { readCameraTrack, writeCameraTrack, type CameraFileFormat } from '../geometry-io/camera-files';
import type { Project, ShotCameraRecord, ShotRecord } from '../store';
import { commitEdit } from './shot-edits';

/** Fits a track to the shot: same frame count, intrinsics scaled when the solve was made at another size. */
export function fitTrackToShot(track: CameraTrack, shot: ShotRecord, file: string): CameraTrack {
  const n = track.frames.length;
  if (n !== shot.frameCount) {
    throw new ApiError(
      'invalid-argument',
      `${file}: ${n} cameras, but shot '${shot.name}' has ${shot.frameCount} frames — a source camera needs one camera per frame.`,
    );
  }
  const frames = [...track.frames].sort((a, b) => a.index - b.index);
  return {
    fps: [shot.fpsNum, shot.fpsDen],
    frames: frames.map((f, i) => {
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
      return { ...f, index: i, camera: { ...f.camera, intrinsics } };
    }),
  };
}

export function importShotCamera(
  project: Project,
  shot: ShotRecord,
  path: string,
  worldUp: WorldUp,
): ShotCameraRecord {
  let read: ReturnType<typeof readCameraTrack>;
  try {
    read = readCameraTrack(path, {
      width: shot.width,
      height: shot.height,
      fps: [shot.fpsNum, shot.fpsDen],
      worldUp,
    });
  } catch (e) {
    throw new ApiError('invalid-argument', (e as Error).message);
  }
  const track = fitTrackToShot(read.track, shot, path);
  const record: ShotCameraRecord = {
    shotId: shot.id,
    origin: 'imported',
    status: 'imported',
    message: `Imported from ${read.format === 'colmap' ? 'a COLMAP model' : `a ${read.format} file`}`,
    sourceFile: path,
    format: read.format,
    frames: track.frames.length,
    trackJson: serializeCamerasJson(trackToDocument(track)),
    createdAt: new Date().toISOString(),
  };
  commitEdit(
    project,
    `Import camera for ${shot.name}`,
    { op: 'camera', shotId: shot.id, camera: record },
    { op: 'camera', shotId: shot.id, camera: project.cameras.get(shot.id) ?? null },
  );
  return record;
}

export function shotCameraTrack(project: Project, shotId: number): CameraTrack | null {
  const rec = project.cameras.get(shotId);
  return rec ? documentToTrack(parseCamerasJson(rec.trackJson)) : null;
}

/**
 * Writes the shot's source camera to `out` (absolute) through the output guard: never over a project's
 * own files; a single file the user named is replaced atomically; a COLMAP folder's existing files only
 * with `overwrite`. Returns the real path written and the number of cameras.
 */
export function exportShotCamera(
  project: Project,
  shot: ShotRecord,
  format: CameraFileFormat,
  out: string,
  worldUp: WorldUp,
  overwrite = false,
): { path: string; frames: number } {
  const track = shotCameraTrack(project, shot.id);
  if (!track) {
    throw new ApiError(
      'not-found',
      `Shot '${shot.name}' has no source camera yet: analyse the shot or import a camera.`,
    );
  }
  const path = writeCameraTrack(track, format, out, { worldUp, overwrite });
  return { path, frames: track.frames.length };
}
