/**
 * Camera delivery: a shot's source camera or one of its target paths, written for a DCC (Nuke Camera3
 * node, .chan, USD, COLMAP text, cameras.json) at the shot's frame numbering and rate, in the world up the
 * scene was oriented to, with the focal in mm on the shot's film back. The cameras are the ones
 * `export camera` and `path export` write (exportedSourceCamera, exportedPath); only the numbering, the
 * film back and the rotation order are the delivery's.
 */
import { ApiError } from '../../src-shared/api/contract';
import type { CameraTrack, EulerOrder, WorldUp } from '../../src-shared/geometry';
import { GeometryFileError } from '../geometry-io';
import { FIRST_FRAME_NUMBER, writeCameraFile, type CameraFileFormat } from '../geometry-io/camera-files';
import { exportedPath } from '../paths';
import { exportedSourceCamera } from '../shots';
import { shotLens, type Project, type ShotRecord } from '../store';
import { defaultWorldUp } from './delivery-world-up';

/** The film back a focal in mm refers to when the shot's lens is not known: full frame. */
export const DEFAULT_FILM_BACK_MM = 36;

export interface DeliverCameraRequest {
  /** Without it, the shot's source camera; with it, the target path of that name. */
  pathName?: string;
  format: CameraFileFormat;
  /** Absolute path of the file to write (a folder for COLMAP). */
  out: string;
  /** Default: the up the scene was oriented to (defaultWorldUp). */
  worldUp?: WorldUp;
  /** Replace an existing file, or a COLMAP folder's model files. Without it, nothing is overwritten. */
  overwrite?: boolean;
  /** .chan and Nuke: a fixed Euler order, or 'auto' (default for Nuke; ZXY for .chan). */
  rotationOrder?: EulerOrder | 'auto';
  /** How the user asks for `overwrite` where they are (e.g. "pass --overwrite to replace it"). */
  overwriteHint?: string;
}

export interface DeliveredCamera {
  /** The real path written. */
  path: string;
  /** "source camera" or "target path 'NAME'". */
  what: string;
  frames: number;
  /** The file's frame numbers of the first and last camera. */
  firstFrame: number;
  lastFrame: number;
  fps: [number, number];
  worldUp: WorldUp;
  worldUpFrom: 'given' | 'scene';
  /** The film back the focal in mm refers to (USD, Nuke). */
  sensorWidthMm: number;
  sensorFrom: 'lens' | 'default';
  rotationOrder?: EulerOrder;
  gimbalMarginDeg?: number;
}

/**
 * The frame number the shot's first frame has where the shot came from: an image sequence's own first
 * number (plate.1001.exr → 1001), else 1 (Nuke and Blender number a movie's frames from 1). cameras.json
 * and COLMAP keep their own numbering (from 0 and from 1).
 */
export function shotFirstFrameNumber(shot: ShotRecord): number {
  return shot.facts.sequence?.startNumber ?? 1;
}

const NUMBERED_AS_SHOT: ReadonlySet<CameraFileFormat> = new Set(['chan', 'nuke', 'usda']);

export function deliverCamera(
  project: Project,
  shot: ShotRecord,
  req: DeliverCameraRequest,
): DeliveredCamera {
  let track: CameraTrack;
  let what = 'source camera';
  if (req.pathName === undefined) track = exportedSourceCamera(project, shot);
  else {
    const paths = project.targetPaths.list(shot.id);
    const p = paths.find((x) => x.name === req.pathName);
    if (!p) {
      const names = paths.map((x) => `'${x.name}'`).join(', ');
      throw new ApiError(
        'not-found',
        `Shot '${shot.name}' has no target path named '${req.pathName}'${names ? ` (it has ${names})` : ''}.`,
      );
    }
    track = exportedPath(project, p.id).track;
    what = `target path '${p.name}'`;
  }
  track = { ...track, fps: [shot.fpsNum, shot.fpsDen] };
  const worldUp = req.worldUp ?? defaultWorldUp(project, shot);
  const lens = shotLens(shot);
  const sensorWidthMm = lens?.sensorWidthMm ?? DEFAULT_FILM_BACK_MM;
  const firstFrame = NUMBERED_AS_SHOT.has(req.format)
    ? shotFirstFrameNumber(shot)
    : FIRST_FRAME_NUMBER[req.format];
  try {
    const written = writeCameraFile(track, req.format, req.out, {
      worldUp,
      sensorWidthMm,
      firstFrame,
      overwrite: req.overwrite ?? false,
      refuseExisting: true,
      ...(req.overwriteHint ? { overwriteHint: req.overwriteHint } : {}),
      ...(req.rotationOrder ? { rotationOrder: req.rotationOrder } : {}),
    });
    const indices = track.frames.map((f) => f.index);
    return {
      path: written.path,
      what,
      frames: track.frames.length,
      firstFrame: Math.min(...indices) + firstFrame,
      lastFrame: Math.max(...indices) + firstFrame,
      fps: [shot.fpsNum, shot.fpsDen],
      worldUp,
      worldUpFrom: req.worldUp ? 'given' : 'scene',
      sensorWidthMm,
      sensorFrom: lens ? 'lens' : 'default',
      ...(written.rotationOrder ? { rotationOrder: written.rotationOrder } : {}),
      ...(written.gimbalMarginDeg !== undefined ? { gimbalMarginDeg: written.gimbalMarginDeg } : {}),
    };
  } catch (e) {
    if (e instanceof GeometryFileError || e instanceof RangeError)
      throw new ApiError('invalid-argument', `${e.message}.`);
    throw e;
  }
}
