/** What the "Analyze shot" stages share in their worker: the source camera as sent, scaled to a grid. */
import { documentToTrack, parseCamerasJson, type Camera, type CameraTrack } from '../../src-shared/geometry';

export function camerasOf(json: string): CameraTrack {
  return documentToTrack(parseCamerasJson(json));
}

/** The camera with its intrinsics scaled to an image s times the size. */
export function scaled(c: Camera, s: number, width: number, height: number): Camera {
  const k = c.intrinsics;
  return { ...c, intrinsics: { width, height, fx: k.fx * s, fy: k.fy * s, cx: k.cx * s, cy: k.cy * s } };
}
