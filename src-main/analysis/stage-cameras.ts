/**
 * What the "Analyze shot" stages share in their worker: the source camera as the job sends it (a parsed
 * cameras.json document, not text to parse again), and a camera scaled to a depth grid.
 */
import {
  documentToTrack,
  type Camera,
  type CameraTrack,
  type CamerasDocument,
} from '../../src-shared/geometry';

export function camerasOf(doc: CamerasDocument): CameraTrack {
  return documentToTrack(doc);
}

/** The camera with its intrinsics scaled to an image s times the size. */
export function scaled(c: Camera, s: number, width: number, height: number): Camera {
  const k = c.intrinsics;
  return { ...c, intrinsics: { width, height, fx: k.fx * s, fy: k.fy * s, cx: k.cx * s, cy: k.cy * s } };
}
