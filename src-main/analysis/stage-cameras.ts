/**
 * What the "Analyze shot" stages share in their worker: the source camera frame by frame (a partial solve
 * has no pose for some frames), and a camera scaled to a depth grid (its width and height given, as the
 * grid's height is rounded to even; no distortion on the grid).
 */
import { documentToTrack, type Camera, type CamerasDocument } from '../../src-shared/geometry';

/**
 * The camera of each frame 0 … frameCount − 1, null for a frame the camera has no pose for (the cameras
 * document lists only the frames that have one).
 */
export function camerasByFrame(doc: CamerasDocument, frameCount: number): (Camera | null)[] {
  const out = new Array<Camera | null>(frameCount).fill(null);
  for (const f of documentToTrack(doc).frames)
    if (f.index >= 0 && f.index < frameCount) out[f.index] = f.camera;
  return out;
}

/** The camera with its intrinsics scaled to an image s times the size. */
export function scaled(c: Camera, s: number, width: number, height: number): Camera {
  const k = c.intrinsics;
  return { ...c, intrinsics: { width, height, fx: k.fx * s, fy: k.fy * s, cx: k.cx * s, cy: k.cy * s } };
}
