/**
 * Camera tracks on disk, in every format Reshoot reads and writes: cameras.json (Reshoot's interchange
 * format), Nuke .chan, USD .usda and COLMAP text folders. Errors name the file and the reason.
 */
import { extname, join } from 'node:path';
import {
  CHAN_FIRST_FRAME,
  COLMAP_FIRST_IMAGE_ID,
  documentToTrack,
  readChan,
  readColmap,
  readUsda,
  serializeCamerasJson,
  trackToDocument,
  writeChan,
  writeColmap,
  writeUsda,
  type CamerasDocument,
  type CameraTrack,
  type WorldUp,
} from '../../src-shared/geometry';
import { guardOutputFile, guardOutputFolder, writeOutputFile } from '../util/output-guard';
import { GeometryFileError, isDirectory, readCamerasFile, readText } from './index';

export const CAMERA_FORMATS = ['json', 'chan', 'usda', 'colmap'] as const;
export type CameraFileFormat = (typeof CAMERA_FORMATS)[number];

/**
 * The number each format gives the shot's first frame (frame index 0): cameras.json "index" and USD time
 * codes count from 0; Nuke .chan frames and COLMAP IMAGE_IDs from 1 (the gt layout's frame_0001 is index 0).
 * The readers subtract it; messages about a file's frames add it back.
 */
export const FIRST_FRAME_NUMBER: Record<CameraFileFormat, number> = {
  json: 0,
  usda: 0,
  chan: CHAN_FIRST_FRAME,
  colmap: COLMAP_FIRST_IMAGE_ID,
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
  /** COLMAP: replace cameras.txt/images.txt/points3D.txt that already exist in the folder. */
  overwrite?: boolean;
  /** How the user asks for `overwrite` where they are (see guardOutputFolder). */
  overwriteHint?: string;
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
    return folder.dir;
  }
  const file = guardOutputFile(out, { cwd });
  writeOutputFile(file, cameraFileText(track, format, opts));
  return file;
}

function cameraFileText(
  track: CameraTrack,
  format: 'json' | 'chan' | 'usda',
  opts: WriteCameraOptions,
): string {
  switch (format) {
    case 'json':
      return serializeCamerasJson(trackToDocument(track, opts.template));
    case 'chan':
      return writeChan(track, { worldUp: opts.worldUp });
    case 'usda':
      return writeUsda(track, {
        worldUp: opts.worldUp,
        metersPerUnit: opts.metersPerUnit ?? 1,
        sensorWidthMm: opts.sensorWidthMm ?? 36,
      });
  }
}
