/**
 * Render versions of a target path (issue 14 item 2): each render is a new version (v001, v002, …, never
 * overwritten) that records its provenance — the method, the content hashes of its inputs (the shot's
 * media, its source camera, its depth, the target path), its settings and Reshoot's version — and the
 * path's content as it was when the render started, so editing the path meanwhile changes nothing.
 * A frame whose inputs are the same as a frame already rendered for this shot (its key) is reused.
 */
import { createHash } from 'node:crypto';
import { ApiError, MAX_RENDER_WINDOW, RENDER_FILLS } from '../../src-shared/api/contract';
import { pathSamples, type Camera, type TargetPathContent } from '../../src-shared/geometry';
import { RESHOOT_VERSION } from '../../src-shared/version';
import { contentOf, pathOr404 } from '../paths/target-paths';
import { sourceCameraTrack } from '../shots';
import type { Project, RenderRecord, ShotRecord } from '../store';
import type { FrameSettings } from './render-frame';

/** Bumped whenever the reprojection's output for the same inputs changes: old frames are then not reused. */
export const REPROJECTION_VERSION = 2;
export const DEFAULT_WINDOW = 5;
/** The reprojection's settings a render records (reproject.ts): depth agreement 3 %, up to 3 frames blended. */
export const REPROJECTION_SETTINGS = { depthTolerance: 0.03, blend: 3 } as const;

export interface RenderRequest {
  pathId: number;
  /** First and last shot frame (default: the whole shot). */
  first?: number;
  last?: number;
  window?: number;
  fill?: 'none' | 'inpaint';
}

export interface RenderProvenance {
  method: 'reprojection';
  methodVersion: number;
  reshootVersion: string;
  settings: FrameSettings;
  inputs: { shot: string; sourceCamera: string; depth: string; targetPath: string };
  /** The target path as it was rendered. */
  path: TargetPathContent;
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The hashes of what a render of this shot reads besides the path. */
function shotInputs(
  project: Project,
  shot: ShotRecord,
): { shot: string; sourceCamera: string; depth: string } {
  const camera = project.sourceCameras.get(shot.id);
  const depth = project.analysis.stage(shot.id, 'depth');
  const d = project.analysis.depth(shot.id);
  if (!camera || !depth || depth.status === 'failed' || !d)
    throw new ApiError(
      'not-found',
      `Shot '${shot.name}' has no source camera and depth yet: analyse it before rendering.`,
    );
  return {
    shot: sha(`${shot.fingerprint}:${shot.width}x${shot.height}:${shot.frameCount}`),
    sourceCamera: sha(camera.trackJson),
    depth: sha(`${depth.inputHash}:${depth.outputHash ?? ''}:${depth.finishedAt}:${d.width}x${d.height}`),
  };
}

/** The render a render or verify job works on (its `renderId` parameter), which must be of `shot`. */
export function renderOf(project: Project, shot: ShotRecord, params: Record<string, unknown>): RenderRecord {
  const id = params.renderId;
  const r = typeof id === 'number' ? project.renders.get(id) : undefined;
  if (!r || r.shotId !== shot.id)
    throw new ApiError('not-found', `There is no render ${String(id)} of shot '${shot.name}'.`);
  return r;
}

export function provenanceOf(r: RenderRecord): RenderProvenance {
  return JSON.parse(r.provenanceJson) as RenderProvenance;
}

/**
 * Whether the shot's camera only turned (a pan or tilt from a tripod): the solve says so, or every frame's
 * camera centre is the same point. Such a shot has no parallax, so no depth: every pixel is a direction.
 */
export function isRotationOnly(project: Project, shot: ShotRecord): boolean {
  const rec = project.sourceCameras.get(shot.id);
  if (!rec) return false;
  if (rec.status === 'rotation-only') return true;
  const track = sourceCameraTrack(project, shot.id);
  const cs = track?.frames.map((f) => f.camera.C) ?? [];
  if (cs.length < 2) return false;
  const c0 = cs[0]!;
  const scale = 1 + Math.hypot(...c0);
  return cs.every((c) => Math.hypot(c[0] - c0[0], c[1] - c0[1], c[2] - c0[2]) <= 1e-9 * scale);
}

/**
 * A rotation-only shot renders exactly by homography along a path that only turns and zooms; a path
 * that moves the camera would need depth the shot cannot give: refused, saying why.
 */
function refuseTranslation(
  project: Project,
  shot: ShotRecord,
  pathName: string,
  content: TargetPathContent,
  first: number,
  last: number,
): void {
  const track = sourceCameraTrack(project, shot.id);
  const c0 = track?.frames[0]?.camera.C ?? [0, 0, 0];
  const scale = 1 + Math.hypot(...c0);
  const moved = pathSamples(content, first, last).filter(
    (s) => Math.hypot(s.position[0] - c0[0], s.position[1] - c0[1], s.position[2] - c0[2]) > 1e-6 * scale,
  );
  if (moved.length === 0) return;
  throw new ApiError(
    'invalid-argument',
    `Shot '${shot.name}' was filmed from one place (its camera only turns), so it has no depth: a render ` +
      `along it can turn and zoom, but target path '${pathName}' moves the camera away from where it stood ` +
      `(frames ${moved[0]!.frame}–${moved.at(-1)!.frame}). Moving needs depth, which only a depth model could ` +
      `estimate for a shot without parallax; Reshoot does not do that yet. Make a path that only pans, tilts, ` +
      `rolls or zooms (e.g. the pan, tilt or zoom presets).`,
  );
}

/** Checks a request and records the new version (status 'rendering'); the job renders it. */
export function createRender(project: Project, req: RenderRequest, now: string): RenderRecord {
  const { path, shot } = pathOr404(project, req.pathId);
  const last = shot.frameCount - 1;
  const first = req.first ?? 0;
  const end = req.last ?? last;
  if (!(Number.isInteger(first) && Number.isInteger(end) && first >= 0 && end <= last && first <= end))
    throw new ApiError(
      'invalid-argument',
      `Frames ${first}–${end} are not a range of shot '${shot.name}' (frames 0–${last}).`,
    );
  const window = req.window ?? DEFAULT_WINDOW;
  if (!(Number.isInteger(window) && window >= 1 && window <= MAX_RENDER_WINDOW))
    throw new ApiError(
      'invalid-argument',
      `The window must be 1–${MAX_RENDER_WINDOW} frames, got ${window}.`,
    );
  const fill = req.fill ?? 'none';
  if (!RENDER_FILLS.includes(fill))
    throw new ApiError(
      'invalid-argument',
      `Fill must be ${RENDER_FILLS.join(' or ')}, got '${String(fill)}'.`,
    );
  const content = contentOf(shot, path);
  const rotationOnly = isRotationOnly(project, shot);
  if (rotationOnly) refuseTranslation(project, shot, path.name, content, first, end);
  const settings: FrameSettings = {
    window,
    fill,
    ...REPROJECTION_SETTINGS,
    ...(rotationOnly ? { rotationOnly: true } : {}),
  };
  const provenance: RenderProvenance = {
    method: 'reprojection',
    methodVersion: REPROJECTION_VERSION,
    reshootVersion: RESHOOT_VERSION,
    settings,
    inputs: { ...shotInputs(project, shot), targetPath: sha(JSON.stringify(content)) },
    path: content,
  };
  return project.renders.create({
    shotId: shot.id,
    pathId: path.id,
    pathName: path.name,
    status: 'rendering',
    method: 'reprojection',
    firstFrame: first,
    lastFrame: end,
    provenanceJson: JSON.stringify(provenance),
    jobId: null,
    createdAt: now,
  });
}

/**
 * The key of one frame's inputs: the same key is the same picture (same shot, camera, depth, target camera
 * at this frame, settings and reprojection version), whichever path or version it came from.
 */
export function frameKey(p: RenderProvenance, target: Camera): string {
  const { shot, sourceCamera, depth } = p.inputs;
  return sha(
    JSON.stringify([
      p.method,
      p.methodVersion,
      shot,
      sourceCamera,
      depth,
      p.settings,
      target.C,
      target.q,
      target.intrinsics.fx,
      target.intrinsics.fy,
    ]),
  );
}

/** The target path's samples for the render's frames, by shot frame. */
export function renderSamples(r: RenderRecord): ReturnType<typeof pathSamples> {
  return pathSamples(provenanceOf(r).path, r.firstFrame, r.lastFrame);
}
