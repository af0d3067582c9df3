/**
 * API handlers for target camera paths (src-main/paths): list, create, duplicate, rename, reshape, delete,
 * presets, import from a camera file, export. Every change is one undoable edit; each announces the new
 * undo state and that the shot's paths changed.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { ApiError, type TargetPath } from '../../src-shared/api/contract';
import {
  contentOf,
  createPath,
  createPresetPath,
  duplicatePath,
  exportPath,
  importPath,
  orientShot,
  pathCoverage,
  pathOr404,
  removePath,
  transferPath,
  updatePath,
} from '../paths';
import { requireDirectory, toApiShot } from '../shots';
import type { Project, TargetPathRecord } from '../store';
import { refuseProjectFiles, resolveOutputPath } from '../util/output-guard';
import type { AppCore } from './core';
import type { Handlers } from './handlers';

type PathHandlers = Pick<
  Handlers,
  | 'paths.list'
  | 'paths.create'
  | 'paths.duplicate'
  | 'paths.rename'
  | 'paths.setContent'
  | 'paths.remove'
  | 'paths.preset'
  | 'paths.import'
  | 'paths.transfer'
  | 'paths.coverage'
  | 'shots.orient'
  | 'paths.export'
>;

export function toApiPath(project: Project, rec: TargetPathRecord): TargetPath {
  const { shot } = pathOr404(project, rec.id);
  const { id, shotId, name, origin, createdAt, updatedAt } = rec;
  return { id, shotId, name, origin, content: contentOf(shot, rec), createdAt, updatedAt };
}

export function createPathHandlers(core: AppCore): PathHandlers {
  const shotOr404 = (shotId: number) => {
    const { project } = core.require();
    const shot = project.shots.get(shotId);
    if (!shot) throw new ApiError('not-found', `There is no shot ${shotId} in this project.`);
    return { project, shot };
  };
  const changed = (project: Project, rec: TargetPathRecord) => {
    core.bus.emit({ type: 'edit-state', state: core.edits.state(core.project) });
    return toApiPath(project, rec);
  };
  const absolute = (path: string) => {
    if (!isAbsolute(path)) throw new ApiError('invalid-argument', `${path}: not an absolute path.`);
    return path;
  };
  return {
    async 'paths.list'({ shotId }) {
      const { project } = shotOr404(shotId);
      return project.targetPaths.list(shotId).map((p) => toApiPath(project, p));
    },
    async 'paths.create'({ shotId, name, content }) {
      const { project, shot } = shotOr404(shotId);
      return changed(project, createPath(core.edits, project, shot, name, content, 'keyframes'));
    },
    async 'paths.duplicate'({ pathId, name }) {
      const { project } = core.require();
      return changed(project, duplicatePath(core.edits, project, pathId, name));
    },
    async 'paths.rename'({ pathId, name }) {
      const { project } = core.require();
      const before = pathOr404(project, pathId).path.name;
      return changed(
        project,
        updatePath(core.edits, project, pathId, { name }, `Rename ${before} to ${name.trim()}`),
      );
    },
    async 'paths.setContent'({ pathId, content }) {
      const { project } = core.require();
      const name = pathOr404(project, pathId).path.name;
      return changed(project, updatePath(core.edits, project, pathId, { content }, `Edit ${name}`));
    },
    async 'paths.remove'({ pathId }) {
      const { project } = core.require();
      removePath(core.edits, project, pathId);
      core.bus.emit({ type: 'edit-state', state: core.edits.state(core.project) });
      return { ok: true as const };
    },
    async 'paths.preset'({ shotId, name, kind, amount, relative, frame }) {
      const { project, shot } = shotOr404(shotId);
      const req = {
        kind,
        amount,
        ...(relative !== undefined ? { relative } : {}),
        ...(frame !== undefined ? { frame } : {}),
      };
      return changed(project, await createPresetPath(core.edits, project, shot, name, req));
    },
    async 'paths.transfer'({ shotId, name, fromShotId, raw }) {
      const { project, shot } = shotOr404(shotId);
      const reference = project.shots.get(fromShotId);
      if (!reference) throw new ApiError('not-found', `There is no shot ${fromShotId} in this project.`);
      const r = await transferPath(core.edits, project, shot, reference, name, raw ? 'raw' : 'parascale');
      return { path: changed(project, r.path), pce: r.pce, pi: r.pi, frames: r.frames };
    },
    async 'shots.orient'(req) {
      const { project, shot } = shotOr404(req.shotId);
      await orientShot(core.edits, project, shot, req);
      core.bus.emit({ type: 'shots-changed' });
      core.bus.emit({ type: 'edit-state', state: core.edits.state(core.project) });
      return toApiShot(project, project.shots.get(shot.id)!);
    },
    async 'paths.coverage'({ pathId }) {
      const { project } = core.require();
      return pathCoverage(project, pathId);
    },
    async 'paths.import'({ shotId, name, path, worldUp }) {
      const { project, shot } = shotOr404(shotId);
      return changed(project, importPath(core.edits, project, shot, name, resolve(absolute(path)), worldUp));
    },
    async 'paths.export'({ pathId, format, path, worldUp, overwrite }) {
      const { project } = core.require();
      absolute(path);
      // The guard first (a project's own files are refused whatever else is wrong), then the folder.
      const real = resolveOutputPath(path, '/');
      refuseProjectFiles(path, real);
      requireDirectory(dirname(real), 'the folder to export into');
      return exportPath(project, pathId, format, path, worldUp, overwrite ?? false);
    },
  };
}
