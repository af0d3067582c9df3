/**
 * A shot's target camera paths (issue 13, SPEC §3–§4): make, duplicate, rename, reshape and delete them,
 * from presets, from camera files, and write them out. Every change is one undoable edit whose records
 * carry whole paths ('path-put', 'path-remove'), so undo and redo are exact after a restart too. Content
 * is validated against the shot (src-shared/geometry/target-path.ts) before anything is written: a
 * refused request leaves the project exactly as it was.
 */
import {
  orientedWorld,
  pathSamples,
  presetPath,
  representativeDepthFromPoints,
  validateTargetPath,
  TargetPathError,
  PresetError,
  type CameraTrack,
  type PathSample,
  type Pose,
  type PresetRequest,
  type TargetPathContent,
  type WorldUp,
} from '../../src-shared/geometry';
import { ApiError } from '../../src-shared/api/contract';
import type { EditKind, EditRegistry } from '../edits';
import { FIRST_FRAME_NUMBER, writeCameraTrack, type CameraFileFormat } from '../geometry-io/camera-files';
import { fitTrackToShot, readCameraFileForShot, sourceCameraTrack } from '../shots';
import { shotOrientation, type Project, type ShotRecord, type TargetPathRecord } from '../store';
import { readPoints } from '../analysis/point-file';
import { sceneUpOf } from './orientation';

/** An undoable change to a shot's target paths; records carry whole paths so every edit has an exact inverse. */
export type PathEditRecord =
  { op: 'path-put'; path: TargetPathRecord } | { op: 'path-remove'; path: TargetPathRecord };

/** The edit kinds of the paths capability, registered with the app's EditRegistry. */
export const pathEditKinds: EditKind[] = [
  {
    op: 'path-put',
    apply: (project, e: Extract<PathEditRecord, { op: 'path-put' }>) => project.targetPaths.put(e.path),
  } as EditKind,
  {
    op: 'path-remove',
    apply: (project, e: Extract<PathEditRecord, { op: 'path-remove' }>) =>
      project.targetPaths.remove(e.path.id),
  } as EditKind,
];

/** Longest name a path may have. */
export const MAX_PATH_NAME = 120;

function checkedName(project: Project, shot: ShotRecord, name: string, except?: number): string {
  const n = name.trim();
  if (n.length === 0) throw new ApiError('invalid-argument', 'A target path needs a name.');
  if (n.length > MAX_PATH_NAME)
    throw new ApiError('invalid-argument', `A target path's name is at most ${MAX_PATH_NAME} characters.`);
  if ([...n].some((ch) => ch.charCodeAt(0) < 32))
    throw new ApiError('invalid-argument', "A target path's name has no control characters.");
  const other = project.targetPaths.byName(shot.id, n);
  if (other && other.id !== except)
    throw new ApiError('conflict', `Shot '${shot.name}' already has a target path named '${n}'.`);
  return n;
}

/** The content checked against the shot, as an invalid-argument error naming what is wrong. */
export function checkedContent(shot: ShotRecord, content: unknown, what = 'target path'): TargetPathContent {
  try {
    return validateTargetPath(content, shot.frameCount);
  } catch (e) {
    if (e instanceof TargetPathError) throw new ApiError('invalid-argument', `${what}: ${e.message}.`);
    throw e;
  }
}

/** A stored path's content (validated again: the database is read defensively). */
export function contentOf(shot: ShotRecord, rec: TargetPathRecord): TargetPathContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rec.contentJson);
  } catch {
    throw new ApiError('internal', `Target path '${rec.name}' is damaged in the project (not JSON).`);
  }
  return checkedContent(shot, parsed, `target path '${rec.name}'`);
}

export function pathOr404(project: Project, pathId: number): { path: TargetPathRecord; shot: ShotRecord } {
  const path = project.targetPaths.get(pathId);
  const shot = path ? project.shots.get(path.shotId) : undefined;
  if (!path || !shot) throw new ApiError('not-found', `There is no target path ${pathId} in this project.`);
  return { path, shot };
}

/** Makes a new path on the shot (one undoable edit). */
export function createPath(
  edits: EditRegistry,
  project: Project,
  shot: ShotRecord,
  name: string,
  content: unknown,
  origin: string,
): TargetPathRecord {
  const now = new Date().toISOString();
  const rec: TargetPathRecord = {
    id: project.targetPaths.nextId(),
    shotId: shot.id,
    name: checkedName(project, shot, name),
    origin,
    contentJson: JSON.stringify(checkedContent(shot, content)),
    createdAt: now,
    updatedAt: now,
  };
  edits.commit<PathEditRecord>(
    project,
    `New target path ${rec.name}`,
    { op: 'path-put', path: rec },
    { op: 'path-remove', path: rec },
  );
  return rec;
}

/** Replaces fields of a path (name, content), the previous record as the inverse. */
export function updatePath(
  edits: EditRegistry,
  project: Project,
  pathId: number,
  change: { name?: string; content?: unknown; origin?: string },
  label: string,
): TargetPathRecord {
  const { path: before, shot } = pathOr404(project, pathId);
  const after: TargetPathRecord = { ...before, updatedAt: new Date().toISOString() };
  if (change.name !== undefined) after.name = checkedName(project, shot, change.name, before.id);
  if (change.content !== undefined) after.contentJson = JSON.stringify(checkedContent(shot, change.content));
  if (change.origin !== undefined) after.origin = change.origin;
  edits.commit<PathEditRecord>(
    project,
    label,
    { op: 'path-put', path: after },
    { op: 'path-put', path: before },
  );
  return after;
}

export function duplicatePath(
  edits: EditRegistry,
  project: Project,
  pathId: number,
  name: string,
): TargetPathRecord {
  const { path, shot } = pathOr404(project, pathId);
  return createPath(edits, project, shot, name, JSON.parse(path.contentJson), path.origin);
}

export function removePath(edits: EditRegistry, project: Project, pathId: number): void {
  const { path } = pathOr404(project, pathId);
  edits.commit<PathEditRecord>(
    project,
    `Delete target path ${path.name}`,
    { op: 'path-remove', path },
    { op: 'path-put', path },
  );
}

/** The shot's source camera as one sample per frame (the start of presets and relative moves). */
export function sourceSamples(project: Project, shot: ShotRecord): PathSample[] {
  const track = sourceCameraTrack(project, shot.id);
  if (!track || track.frames.length !== shot.frameCount)
    throw new ApiError(
      'not-found',
      `Shot '${shot.name}' has no source camera for every frame yet: analyse the shot or import a camera.`,
    );
  return [...track.frames]
    .sort((a, b) => a.index - b.index)
    .map((f) => ({
      frame: f.index,
      position: [...f.camera.C],
      orientation: [...f.camera.q],
      focalPx: f.camera.intrinsics.fx,
    }));
}

/**
 * Z̄ at a frame: the median depth of the shot's sparse points the source camera sees there (the points the
 * camera solve triangulated, in the camera's gauge).
 */
export async function sceneDepthAt(project: Project, shot: ShotRecord, frame: number): Promise<number> {
  const track = sourceCameraTrack(project, shot.id);
  const cam = track?.frames.find((f) => f.index === frame)?.camera;
  if (!cam) throw new ApiError('not-found', `Shot '${shot.name}' has no source camera at frame ${frame}.`);
  let points: Float32Array;
  try {
    points = (await readPoints(project.paths.sparsePoints(shot.id))).xyz;
  } catch {
    throw new ApiError(
      'not-found',
      `Shot '${shot.name}' has no 3D points to measure the scene depth from: analyse the shot first.`,
    );
  }
  const z = representativeDepthFromPoints(cam, points, { minPoints: 8 });
  if (!(z > 0))
    throw new ApiError(
      'invalid-argument',
      `Shot '${shot.name}': fewer than 8 of its 3D points are in view at frame ${frame}, so the scene depth there is unknown; pick another frame.`,
    );
  return z;
}

/** Makes a path from a preset (src-shared/geometry/presets.ts), in the shot's gauge-free units. */
export async function createPresetPath(
  edits: EditRegistry,
  project: Project,
  shot: ShotRecord,
  name: string,
  req: PresetRequest,
): Promise<TargetPathRecord> {
  const source = sourceSamples(project, shot);
  const frame = req.frame ?? 0;
  if (!Number.isInteger(frame) || frame < 0 || frame >= shot.frameCount)
    throw new ApiError(
      'invalid-argument',
      `Frame ${frame} is outside shot '${shot.name}' (frames 0–${shot.frameCount - 1}).`,
    );
  const sceneDepth = await sceneDepthAt(project, shot, frame);
  let content: TargetPathContent;
  try {
    content = presetPath(req, { source, sceneDepth, up: sceneUpOf(project, shot) });
  } catch (e) {
    if (e instanceof PresetError) throw new ApiError('invalid-argument', `${e.message}.`);
    throw e;
  }
  return createPath(
    edits,
    project,
    shot,
    name,
    content,
    `preset:${req.kind}${req.relative ? ':relative' : ''}`,
  );
}

/**
 * Reads a camera file as a target path: a camera for every frame of the shot gives a sampled path; cameras
 * for some frames (each once, inside the shot) give keyframes at those frames. Intrinsics of another size
 * of the same shape are scaled to the shot.
 */
export function importPath(
  edits: EditRegistry,
  project: Project,
  shot: ShotRecord,
  name: string,
  file: string,
  worldUp: WorldUp,
): TargetPathRecord {
  const read = readCameraFileForShot(file, shot, worldUp);
  const given = read.track.frames.length;
  const fitted = fitTrackToShot(read.track, shot, file, {
    firstNumber: FIRST_FRAME_NUMBER[read.format],
    interpolate: given < shot.frameCount,
  });
  const known = new Set(read.track.frames.map((f) => f.index - FIRST_FRAME_NUMBER[read.format]));
  const cams = fitted.frames.filter((f) => known.has(f.index));
  // an oriented shot's files are in its oriented world (what export writes): back to the shot's world
  const o = shotOrientation(shot);
  const back = o ? orientedWorld(o).invert : (p: Pose) => p;
  const sample = (f: CameraTrack['frames'][number]) => {
    const pose = back(f.camera);
    return {
      frame: f.index,
      position: [...pose.C],
      orientation: [...pose.q],
      focalPx: f.camera.intrinsics.fx,
    };
  };
  const content =
    cams.length === shot.frameCount
      ? { kind: 'samples', samples: cams.map(sample) }
      : { kind: 'keyframes', keyframes: cams.map(sample) };
  return createPath(edits, project, shot, name, content, `import:${read.format}`);
}

/** Writes a path as one camera per shot frame (cameras.json, COLMAP text, .chan, USD) through the output guard. */
export function exportPath(
  project: Project,
  pathId: number,
  format: CameraFileFormat,
  out: string,
  worldUp: WorldUp,
  overwrite = false,
): { path: string; frames: number } {
  const { track, path } = exportedPath(project, pathId);
  if (format === 'json') {
    // cameras.json holds one K for the whole shot
    const fs = track.frames.map((f) => f.camera.intrinsics.fx);
    const lo = Math.min(...fs);
    const hi = Math.max(...fs);
    if (hi - lo > 1e-9 * hi)
      throw new ApiError(
        'invalid-argument',
        `Target path '${path.name}' zooms (focal ${lo.toFixed(1)}–${hi.toFixed(1)} px) and cameras.json holds one focal for the whole shot: export it as .chan, USD or COLMAP.`,
      );
  }
  const written = writeCameraTrack(track, format, out, { worldUp, overwrite });
  return { path: written, frames: track.frames.length };
}

/** A target path as exports write it: one camera per shot frame, in the oriented world when there is one. */
export function exportedPath(
  project: Project,
  pathId: number,
): { track: CameraTrack; path: TargetPathRecord } {
  const { path, shot } = pathOr404(project, pathId);
  const content = contentOf(shot, path);
  const source = sourceCameraTrack(project, shot.id);
  const k0 = source?.frames[0]?.camera.intrinsics;
  // the oriented world when the scene was oriented: its up is the file's up, its origin the floor point
  const o = shotOrientation(shot);
  const to = o ? orientedWorld(o).apply : (p: Pose) => p;
  const track: CameraTrack = {
    fps: [shot.fpsNum, shot.fpsDen],
    frames: pathSamples(content, 0, shot.frameCount - 1).map((s) => ({
      index: s.frame,
      camera: {
        ...to({ C: s.position, q: s.orientation }),
        intrinsics: {
          width: shot.width,
          height: shot.height,
          fx: s.focalPx,
          // the source camera's aspect and principal point (square pixels and the centre without one)
          fy: k0 ? (s.focalPx * k0.fy) / k0.fx : s.focalPx,
          cx: k0?.cx ?? shot.width / 2,
          cy: k0?.cy ?? shot.height / 2,
        },
      },
    })),
  };
  return { track, path };
}
