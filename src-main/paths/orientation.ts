/**
 * Orienting a shot's scene (issue 13 item 2): the floor fitted to the shot's point cloud (sparse points
 * and, when there is depth, the points from the depth maps), the floor through three picked points, or a
 * new origin; stored with the shot as one undoable edit (the shot's 'update' edit). The up it gives is the
 * one presets and the pan/tilt/roll editor use; a camera imported from a file keeps its own world until
 * the user orients it.
 */
import {
  fitFloor,
  orientationFromPoints,
  OrientationError,
  sceneUp,
  type SceneOrientation,
  type Vec3,
} from '../../src-shared/geometry';
import { ApiError } from '../../src-shared/api/contract';
import { readPoints } from '../analysis/point-file';
import type { EditRegistry } from '../edits';
import { sourceCameraTrack, updateShot } from '../shots';
import { shotOrientation, type Project, type ShotRecord } from '../store';

export type OrientRequest =
  | { method: 'auto-floor' }
  | { method: 'three-points'; points: [Vec3, Vec3, Vec3] }
  | { method: 'origin'; origin: Vec3 }
  | { method: 'clear' };

/** The scene's up: the shot's orientation, else the source cameras' mean up (snapped to an axis). */
export function sceneUpOf(project: Project, shot: ShotRecord): Vec3 {
  const o = shotOrientation(shot);
  if (o) return o.up;
  const track = sourceCameraTrack(project, shot.id);
  return track ? sceneUp(track.frames.map((f) => f.camera.q)) : [0, 0, 1];
}

async function cloud(project: Project, shot: ShotRecord): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (const file of [project.paths.sparsePoints(shot.id), project.paths.densePoints(shot.id)]) {
    try {
      parts.push((await readPoints(file)).xyz);
    } catch {
      // not made (no analysis, or no depth)
    }
  }
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export async function orientShot(
  edits: EditRegistry,
  project: Project,
  shot: ShotRecord,
  req: OrientRequest,
): Promise<void> {
  let orientation: SceneOrientation | null = null;
  const track = sourceCameraTrack(project, shot.id);
  const hint = track ? sceneUp(track.frames.map((f) => f.camera.q)) : null;
  try {
    if (req.method === 'auto-floor') {
      if (!track || !hint)
        throw new ApiError('not-found', `Shot '${shot.name}' has no source camera: analyse it first.`);
      const points = await cloud(project, shot);
      if (points.length === 0)
        throw new ApiError(
          'not-found',
          `Shot '${shot.name}' has no 3D points to find the floor in: analyse it first.`,
        );
      const fit = fitFloor(
        points,
        track.frames.map((f) => f.camera.C),
        hint,
      );
      if (!fit)
        throw new ApiError(
          'invalid-argument',
          `No floor found in shot '${shot.name}': no plane under the cameras, within 40° of their up, holds 5 % of the points. Pick three points on the floor instead.`,
        );
      orientation = fit.orientation;
    } else if (req.method === 'three-points') {
      orientation = orientationFromPoints(req.points, shotOrientation(shot)?.up ?? hint ?? [0, 0, 1]);
    } else if (req.method === 'origin') {
      if (!req.origin.every(Number.isFinite))
        throw new ApiError('invalid-argument', 'The origin must be finite.');
      const up = shotOrientation(shot)?.up ?? hint ?? [0, 0, 1];
      orientation = { up: [...up], origin: [...req.origin], method: 'origin' };
    }
  } catch (e) {
    if (e instanceof OrientationError) throw new ApiError('invalid-argument', `${e.message}.`);
    throw e;
  }
  const label =
    req.method === 'clear'
      ? `Clear orientation of ${shot.name}`
      : req.method === 'origin'
        ? `Set origin of ${shot.name}`
        : req.method === 'three-points'
          ? `Set floor of ${shot.name} from three points`
          : `Set floor of ${shot.name}`;
  updateShot(
    edits,
    project,
    shot,
    { orientationJson: orientation ? JSON.stringify(orientation) : null },
    label,
  );
}
