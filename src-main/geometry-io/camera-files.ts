/**
 * Camera tracks on disk, in every format Reshoot reads and writes: cameras.json (Reshoot's interchange
 * format), Nuke .chan, USD .usda and COLMAP text folders; and, written only, a Nuke Camera3 node (.nk text
 * to paste into Nuke's node graph). Errors name the file and the reason.
 */
import { extname, join } from 'node:path';
import {
  CHAN_FIRST_FRAME,
  chanRotationOrder,
  COLMAP_FIRST_IMAGE_ID,
  documentToTrack,
  readChan,
  readColmap,
  readUsda,
  serializeCamerasJson,
  trackToDocument,
  writeChan,
  writeCamera3,
  writeColmap,
  writeUsda,
  type CamerasDocument,
  type CameraTrack,
  type EulerOrder,
  type WorldUp,
} from '../../src-shared/geometry';
import { existsSync, lstatSync } from 'node:fs';
import { guardOutputFile, guardOutputFolder, OutputPathError, writeOutputFile } from '../util/output-guard';
import { GeometryFileError, isDirectory, readCamerasFile, readText } from './index';

export const CAMERA_FORMATS = ['json', 'chan', 'usda', 'colmap', 'nuke'] as const;
export type CameraFileFormat = (typeof CAMERA_FORMATS)[number];

/**
 * The number each format gives the shot's first frame (frame index 0): cameras.json "index" and USD time
 * codes count from 0; Nuke .chan and Camera3 frames and COLMAP IMAGE_IDs from 1 (the gt layout's frame_0001
 * is index 0). A delivery may number .chan, Camera3 and USD frames as the shot does (`firstFrame`).
 * The readers subtract it; messages about a file's frames add it back.
 */
export const FIRST_FRAME_NUMBER: Record<CameraFileFormat, number> = {
  json: 0,
  usda: 0,
  chan: CHAN_FIRST_FRAME,
  colmap: COLMAP_FIRST_IMAGE_ID,
  nuke: 1,
};

/** A COLMAP text model is a folder; the other formats are told by their extension. */
export function detectCameraFormat(path: string): CameraFileFormat {
  if (isDirectory(path)) return 'colmap';
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.chan') return 'chan';
  if (ext === '.usda') return 'usda';
  if (ext === '.txt' && /(cameras|images)\.txt$/i.test(path)) return 'colmap';
  throw new GeometryFileError(
    path,
    'cannot tell the camera format (expected a cameras.json, a .chan, a .usda or a COLMAP text folder)',
  );
}

export interface ReadCameraOptions {
  /** Image size: .chan carries none, USD only a film back. */
  width?: number;
  height?: number;
  fps: [number, number];
  worldUp: WorldUp;
}

export function readCameraTrack(
  path: string,
  opts: ReadCameraOptions,
): { track: CameraTrack; format: CameraFileFormat; template?: CamerasDocument } {
  const format = detectCameraFormat(path);
  const folder = format === 'colmap' && !isDirectory(path) ? join(path, '..') : path;
  try {
    switch (format) {
      case 'json': {
        const template = readCamerasFile(path);
        return { track: documentToTrack(template), format, template };
      }
      case 'colmap':
        return {
          track: readColmap(
            {
              camerasTxt: readText(join(folder, 'cameras.txt')),
              imagesTxt: readText(join(folder, 'images.txt')),
            },
            opts.fps,
          ),
          format,
        };
      case 'usda':
        return {
          track: readUsda(readText(path), {
            worldUp: opts.worldUp,
            ...(opts.width ? { width: opts.width } : {}),
            ...(opts.height ? { height: opts.height } : {}),
          }),
          format,
        };
      case 'chan':
        if (!opts.width || !opts.height)
          throw new GeometryFileError(path, 'reading a .chan needs the image size');
        return {
          track: readChan(readText(path), {
            width: opts.width,
            height: opts.height,
            worldUp: opts.worldUp,
            fps: opts.fps,
          }),
          format,
        };
      case 'nuke':
        throw new GeometryFileError(
          path,
          "reading a Nuke node is not supported: export a .chan from the Camera's File menu",
        );
    }
  } catch (e) {
    if (e instanceof GeometryFileError) throw e;
    throw new GeometryFileError(format === 'colmap' ? folder : path, (e as Error).message);
  }
}

export interface WriteCameraOptions {
  worldUp: WorldUp;
  metersPerUnit?: number;
  sensorWidthMm?: number;
  /** cameras.json fields to keep (e.g. from the file the track was read from). */
  template?: CamerasDocument;
  /** Where a relative `out` starts (default: the process's working folder). */
  cwd?: string;
  /**
   * COLMAP: replace cameras.txt/images.txt/points3D.txt that already exist in the folder. With
   * `refuseExisting`, single files too (a delivery never replaces a file unless asked).
   */
  overwrite?: boolean;
  /** Refuse a single file that exists already unless `overwrite` (default: replace it, the user named it). */
  refuseExisting?: boolean;
  /** How the user asks for `overwrite` where they are (see guardOutputFolder). */
  overwriteHint?: string;
  /**
   * .chan and Camera3: the Euler order ('auto': Nuke's ZXY unless the path nears its gimbal lock, then the
   * order farthest from it). Default: ZXY for .chan (it has no field to say otherwise), 'auto' for Camera3.
   */
  rotationOrder?: EulerOrder | 'auto';
  /** The frame number of frame index 0 in .chan, Camera3 and USD (default: FIRST_FRAME_NUMBER). */
  firstFrame?: number;
}

/** What was written: the real path, and for Euler formats the rotation order and its gimbal margin. */
export interface WrittenCameraFile {
  path: string;
  rotationOrder?: EulerOrder;
  /** How close the middle Euler angle comes to ±90° (gimbal lock) over the path, as a margin in degrees. */
  gimbalMarginDeg?: number;
}

/** The files a COLMAP text model is written as (inside the folder the user names). */
export const COLMAP_FILES = ['cameras.txt', 'images.txt', 'points3D.txt'] as const;

/**
 * Writes a camera track to the path a user named, through the output guard (never a project's own
 * files; a folder for COLMAP whose existing files are replaced only with `overwrite`). Each file is
 * written atomically; all checks run before the first write. Returns the real path written.
 */
export function writeCameraTrack(
  track: CameraTrack,
  format: CameraFileFormat,
  out: string,
  opts: WriteCameraOptions,
): string {
  return writeCameraFile(track, format, out, opts).path;
}

/** writeCameraTrack, telling also the rotation order an Euler format was written in. */
export function writeCameraFile(
  track: CameraTrack,
  format: CameraFileFormat,
  out: string,
  opts: WriteCameraOptions,
): WrittenCameraFile {
  const cwd = opts.cwd ?? process.cwd();
  if (format === 'colmap') {
    const folder = guardOutputFolder(out, COLMAP_FILES, {
      cwd,
      overwrite: opts.overwrite ?? false,
      ...(opts.overwriteHint ? { overwriteHint: opts.overwriteHint } : {}),
    });
    const c = writeColmap(track);
    writeOutputFile(folder.file('cameras.txt'), c.camerasTxt);
    writeOutputFile(folder.file('images.txt'), c.imagesTxt);
    writeOutputFile(folder.file('points3D.txt'), c.points3DTxt);
    return { path: folder.dir };
  }
  const file = guardOutputFile(out, { cwd });
  if (opts.refuseExisting && !opts.overwrite && (existsSync(file) || isSymlink(file))) {
    const hint = opts.overwriteHint ? `, or ${opts.overwriteHint}` : '';
    throw new OutputPathError('exists', `${out} already exists: choose another name${hint}.`);
  }
  if (format === 'json') oneLensOrRefuse(track, file);
  // the text first: a track a format cannot hold is refused before anything is written
  const { text, ...info } = cameraFileText(track, format, opts);
  writeOutputFile(file, text);
  return { path: file, ...info };
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** cameras.json holds one K for the whole shot: a camera whose lens changes is refused, naming the frames. */
function oneLensOrRefuse(track: CameraTrack, file: string): void {
  const k0 = track.frames[0]?.camera.intrinsics;
  const other = track.frames.find(({ camera: { intrinsics: k } }) =>
    k0 ? k.fx !== k0.fx || k.fy !== k0.fy || k.cx !== k0.cx || k.cy !== k0.cy : false,
  );
  if (k0 && other)
    throw new GeometryFileError(
      file,
      `the lens changes along the camera (focal ${k0.fx.toFixed(1)} px at frame index ${track.frames[0]!.index}, ${other.camera.intrinsics.fx.toFixed(1)} px at ${other.index}) and cameras.json holds one lens for the whole shot: write .chan, USD, a Nuke node or COLMAP instead`,
    );
}

function cameraFileText(
  track: CameraTrack,
  format: 'json' | 'chan' | 'usda' | 'nuke',
  opts: WriteCameraOptions,
): { text: string; rotationOrder?: EulerOrder; gimbalMarginDeg?: number } {
  const first = opts.firstFrame ?? FIRST_FRAME_NUMBER[format];
  switch (format) {
    case 'json':
      return { text: serializeCamerasJson(trackToDocument(track, opts.template)) };
    case 'chan': {
      const { order, gimbalMarginDeg } = chanRotationOrder(track, {
        worldUp: opts.worldUp,
        rotationOrder: opts.rotationOrder ?? 'ZXY',
      });
      return {
        text: writeChan(track, { worldUp: opts.worldUp, rotationOrder: order, firstFrame: first }),
        rotationOrder: order,
        gimbalMarginDeg,
      };
    }
    case 'usda':
      return {
        text: writeUsda(track, {
          worldUp: opts.worldUp,
          metersPerUnit: opts.metersPerUnit ?? 1,
          sensorWidthMm: opts.sensorWidthMm ?? 36,
          firstFrame: first,
        }),
      };
    case 'nuke': {
      const { text, rotationOrder, gimbalMarginDeg } = writeCamera3(track, {
        worldUp: opts.worldUp,
        rotationOrder: opts.rotationOrder ?? 'auto',
        firstFrame: first,
        sensorWidthMm: opts.sensorWidthMm ?? 36,
      });
      return { text, rotationOrder, gimbalMarginDeg };
    }
  }
}
