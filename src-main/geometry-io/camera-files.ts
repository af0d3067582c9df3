/**
 * Camera tracks on disk, in every format Reshoot reads and writes: cameras.json (Reshoot's interchange
 * format), Nuke .chan, USD .usda and COLMAP text folders. Errors name the file and the reason.
 */
import { extname, join } from 'node:path';
import {
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
import { GeometryFileError, isDirectory, readCamerasFile, readText, writeFileAtomic } from './index';

export const CAMERA_FORMATS = ['json', 'chan', 'usda', 'colmap'] as const;
export type CameraFileFormat = (typeof CAMERA_FORMATS)[number];

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
}

/** Writes atomically; COLMAP writes a folder with cameras.txt, images.txt and an empty points3D.txt. */
export function writeCameraTrack(
  track: CameraTrack,
  format: CameraFileFormat,
  out: string,
  opts: WriteCameraOptions,
): void {
  switch (format) {
    case 'json':
      return writeFileAtomic(out, serializeCamerasJson(trackToDocument(track, opts.template)));
    case 'chan':
      return writeFileAtomic(out, writeChan(track, { worldUp: opts.worldUp }));
    case 'usda':
      return writeFileAtomic(
        out,
        writeUsda(track, {
          worldUp: opts.worldUp,
          metersPerUnit: opts.metersPerUnit ?? 1,
          sensorWidthMm: opts.sensorWidthMm ?? 36,
        }),
      );
    case 'colmap': {
      const c = writeColmap(track);
      writeFileAtomic(join(out, 'cameras.txt'), c.camerasTxt);
      writeFileAtomic(join(out, 'images.txt'), c.imagesTxt);
      writeFileAtomic(join(out, 'points3D.txt'), c.points3DTxt);
      return;
    }
  }
}
