import { RESHOOT_VERSION } from '../../src-shared/version';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  ApiError,
  type FileEntry,
  type MethodName,
  type MethodOutput,
  type ParsedInput,
} from '../../src-shared/api/contract';
import { findMediaTools } from '../media';
import { isImageFileName, isVideoFileName } from '../../src-shared/media-files';
import { PROJECT_FOLDERS } from '../../src-shared/project-layout';
import { PROJECT_EXTENSION } from '../store';
import type { AppCore } from './core';
import {
  exportSourceCamera,
  importSourceCamera,
  importShots,
  relinkShot,
  removeShot,
  requireDirectory,
  sourceCameraTrack,
  toApiShot,
  updateShot,
} from '../shots';
import { createModelHandlers } from './handlers-models';
import { createPathHandlers } from './handlers-paths';
import { createRenderHandlers } from './handlers-renders';
import { createDeliverHandlers } from './handlers-deliver';
import { isProjectFolder, refuseProjectFiles, resolveOutputPath, topLevelRole } from '../util/output-guard';

export type Handlers = {
  [M in MethodName]: (
    ...args: undefined extends ParsedInput<M> ? [input?: ParsedInput<M>] : [input: ParsedInput<M>]
  ) => Promise<MethodOutput<M>>;
};

const VERSION = RESHOOT_VERSION;
export function createHandlers(core: AppCore): Handlers {
  /** The folder the in-app file browser showed last (this session): where it opens next time. */
  let lastBrowsed: string | null = null;
  const shotOr404 = (shotId: number) => {
    const { project } = core.require();
    const shot = project.shots.get(shotId);
    if (!shot) throw new ApiError('not-found', `There is no shot ${shotId} in this project.`);
    return { project, shot };
  };
  const shotsChanged = () => {
    core.bus.emit({ type: 'shots-changed' });
    core.bus.emit({ type: 'edit-state', state: core.edits.state(core.project) });
  };
  const noDialogs = (): never => {
    throw new ApiError(
      'not-available',
      'Native dialogs exist only in the desktop app; use the file browser.',
    );
  };

  return {
    async 'app.info'() {
      let ffmpeg: { available: boolean; detail: string };
      try {
        const t = await findMediaTools();
        ffmpeg = { available: true, detail: `${t.ffmpeg} (${t.source.ffmpeg})` };
      } catch (e) {
        ffmpeg = { available: false, detail: (e as Error).message };
      }
      return {
        mode: core.options.mode,
        version: VERSION,
        platform: platform(),
        nativeDialogs: !!core.options.dialogs,
        ffmpeg,
        homeDir: homedir(),
      };
    },

    async 'project.current'() {
      return core.project ? core.summary() : null;
    },
    async 'project.recent'() {
      return core.settings
        .get()
        .recentProjects.map((r) => ({ ...r, exists: existsSync(join(r.path, 'project.db')) }));
    },
    async 'project.create'({ parentDir, name }) {
      return core.createProject(requireDirectory(parentDir, 'the folder for the new project'), name);
    },
    async 'project.open'({ path }) {
      if (!isAbsolute(path))
        throw new ApiError('invalid-argument', `${path}: the project path must be absolute.`);
      return core.openProject(resolve(path));
    },
    async 'project.close'() {
      await core.closeProject();
      return { ok: true as const };
    },

    async 'shots.list'() {
      const { project } = core.require();
      return project.shots.list().map((s) => toApiShot(project, s));
    },
    async 'shots.import'({ paths, skipBad, sequenceFps }) {
      const { project, runner } = core.require();
      const result = await importShots(core.edits, project, paths, {
        skipBad,
        ...(sequenceFps ? { sequenceFps } : {}),
      });
      for (const s of result.imported) runner.start('thumbnails', s.id);
      if (result.imported.length) shotsChanged();
      return result;
    },
    async 'shots.rename'({ shotId, name }) {
      const { project, shot } = shotOr404(shotId);
      updateShot(core.edits, project, shot, { name }, `Rename ${shot.name} to ${name}`);
      shotsChanged();
      return toApiShot(project, project.shots.get(shotId)!);
    },
    async 'shots.setColourTag'({ shotId, tag }) {
      const { project, shot } = shotOr404(shotId);
      updateShot(core.edits, project, shot, { colourTag: tag }, `Tag ${shot.name} ${tag}`);
      shotsChanged();
      return toApiShot(project, project.shots.get(shotId)!);
    },
    async 'shots.setReel'({ shotId, reelName }) {
      const { project, shot } = shotOr404(shotId);
      updateShot(core.edits, project, shot, { reelName: reelName || null }, `Set reel of ${shot.name}`);
      shotsChanged();
      return toApiShot(project, project.shots.get(shotId)!);
    },
    async 'shots.setLens'({ shotId, lens }) {
      const { project, shot } = shotOr404(shotId);
      updateShot(
        core.edits,
        project,
        shot,
        { lensFocalMm: lens?.focalMm ?? null, lensSensorWidthMm: lens?.sensorWidthMm ?? null },
        lens
          ? `Set lens of ${shot.name} to ${lens.focalMm} mm on ${lens.sensorWidthMm} mm`
          : `Clear lens of ${shot.name}`,
      );
      shotsChanged();
      return toApiShot(project, project.shots.get(shotId)!);
    },
    async 'shots.interpretFps'({ shotId, fps }) {
      const { project, shot } = shotOr404(shotId);
      if (shot.kind !== 'sequence') {
        throw new ApiError(
          'invalid-argument',
          `Shot '${shot.name}' is a video file: its frame rate (${shot.fpsNum}/${shot.fpsDen}) comes from the file and cannot be reinterpreted.`,
        );
      }
      if (fps.num / fps.den < 1 || fps.num / fps.den > 1000) {
        throw new ApiError(
          'invalid-argument',
          `${fps.num}/${fps.den} fps is not a usable frame rate (1–1000).`,
        );
      }
      updateShot(
        core.edits,
        project,
        shot,
        { fpsNum: fps.num, fpsDen: fps.den },
        `Interpret ${shot.name} at ${fps.num}/${fps.den} fps`,
      );
      shotsChanged();
      return toApiShot(project, project.shots.get(shotId)!);
    },
    async 'shots.importCamera'({ shotId, path, worldUp, interpolate }) {
      const { project, shot } = shotOr404(shotId);
      if (!isAbsolute(path)) throw new ApiError('invalid-argument', `${path}: not an absolute path.`);
      importSourceCamera(core.edits, project, shot, resolve(path), worldUp, interpolate ?? false);
      shotsChanged();
      return toApiShot(project, project.shots.get(shotId)!);
    },
    async 'shots.exportCamera'({ shotId, format, path, worldUp, overwrite }) {
      const { project, shot } = shotOr404(shotId);
      if (!isAbsolute(path)) throw new ApiError('invalid-argument', `${path}: not an absolute path.`);
      // The guard first (a project's own files are refused whatever else is wrong), then the folder.
      const real = resolveOutputPath(path, '/');
      refuseProjectFiles(path, real);
      requireDirectory(dirname(real), 'the folder to export into');
      return exportSourceCamera(project, shot, format, path, worldUp, overwrite ?? false);
    },
    async 'shots.sourceCamera'({ shotId }) {
      const { project, shot } = shotOr404(shotId);
      const track = sourceCameraTrack(project, shot.id);
      if (!track) return null;
      return {
        width: shot.width,
        height: shot.height,
        frames: track.frames.map(({ index, camera: c }) => ({
          index,
          C: [c.C[0], c.C[1], c.C[2]] as [number, number, number],
          q: [c.q[0], c.q[1], c.q[2], c.q[3]] as [number, number, number, number],
          fx: c.intrinsics.fx,
          fy: c.intrinsics.fy,
        })),
      };
    },
    async 'shots.remove'({ shotId }) {
      const { project, shot } = shotOr404(shotId);
      removeShot(core.edits, project, shot);
      shotsChanged();
      return { ok: true as const };
    },
    async 'shots.relink'({ shotId, path }) {
      const { project, shot } = shotOr404(shotId);
      if (!isAbsolute(path)) throw new ApiError('invalid-argument', `${path}: not an absolute path.`);
      await relinkShot(core.edits, project, shot, resolve(path));
      shotsChanged();
      return toApiShot(project, project.shots.get(shotId)!);
    },

    async 'edit.state'() {
      return core.edits.state(core.project);
    },
    async 'edit.undo'() {
      const { project } = core.require();
      if (core.edits.undo(project)) shotsChanged();
      return core.edits.state(project);
    },
    async 'edit.redo'() {
      const { project } = core.require();
      if (core.edits.redo(project)) shotsChanged();
      return core.edits.state(project);
    },

    async 'jobs.list'() {
      const { project, runner } = core.require();
      return project.jobs.list().map((j) => runner.toApi(j));
    },
    async 'jobs.start'({ type, shotId, method }) {
      const { runner } = core.require();
      if (type === 'render')
        throw new ApiError('invalid-argument', 'A render is started with renders.start, for a target path.');
      return runner.toApi(runner.start(type, shotId, method ? { method } : {}));
    },
    async 'jobs.cancel'({ jobId }) {
      const { runner } = core.require();
      return runner.toApi(await runner.cancelAndWait(jobId));
    },
    async 'jobs.resume'({ jobId }) {
      const { runner } = core.require();
      return runner.toApi(runner.resume(jobId));
    },

    async 'files.list'({ dir }) {
      // Opens where the user last browsed, else beside the open project (never inside it), else home.
      const start = lastBrowsed ?? (core.project ? dirname(core.project.dir) : homedir());
      const target = requireDirectory(dir ?? start, 'the folder to list');
      // A project folder shows what a user may pick in it (its media/ uploads), not its own files.
      const ownFile = isProjectFolder(target)
        ? (name: string) => name.toLowerCase() !== PROJECT_FOLDERS.media && topLevelRole(name) !== null
        : () => false;
      let names: string[];
      try {
        names = readdirSync(target);
      } catch (e) {
        throw new ApiError(
          'not-found',
          `${target}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
        );
      }
      const entries: FileEntry[] = [];
      for (const name of names) {
        if (name.startsWith('.') || ownFile(name)) continue;
        const path = join(target, name);
        let st;
        try {
          st = statSync(path);
        } catch {
          continue; // Broken link or vanished file: not worth listing.
        }
        const kind: FileEntry['kind'] = st.isDirectory()
          ? name.endsWith(PROJECT_EXTENSION)
            ? 'project'
            : 'dir'
          : isVideoFileName(name)
            ? 'media'
            : isImageFileName(name)
              ? 'sequence-frame'
              : 'other';
        entries.push({ name, path, kind, size: st.isDirectory() ? null : st.size });
      }
      entries.sort(
        (a, b) =>
          Number(b.kind === 'dir' || b.kind === 'project') -
            Number(a.kind === 'dir' || a.kind === 'project') ||
          a.name.localeCompare(b.name, undefined, { numeric: true }),
      );
      const parent = dirname(target);
      lastBrowsed = target;
      return { dir: target, parent: parent === target ? null : parent, entries };
    },
    async 'dialog.pickMedia'() {
      return core.options.dialogs ? core.options.dialogs.pickMedia() : noDialogs();
    },
    async 'dialog.pickProject'() {
      return core.options.dialogs ? core.options.dialogs.pickProject() : noDialogs();
    },
    async 'dialog.pickFolder'() {
      return core.options.dialogs ? core.options.dialogs.pickFolder() : noDialogs();
    },
    async 'dialog.pickFile'({ title }) {
      return core.options.dialogs ? core.options.dialogs.pickFile(title) : noDialogs();
    },
    async 'dialog.reveal'({ path }) {
      if (!core.options.dialogs) return noDialogs();
      if (!isAbsolute(path) || !existsSync(path))
        throw new ApiError('not-found', `'${path}' does not exist (any more): nothing to show.`);
      await core.options.dialogs.reveal(path);
      return { ok: true as const };
    },
    ...createModelHandlers(core),
    ...createPathHandlers(core),
    ...createRenderHandlers(core),
    ...createDeliverHandlers(core),
  };
}
