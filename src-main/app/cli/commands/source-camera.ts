import { isAbsolute, resolve, sep } from 'node:path';
import { CAMERA_FILE_FORMATS, WORLD_UPS } from '../../../../src-shared/api/contract';
import type { WorldUp } from '../../../../src-shared/geometry';
import type { CameraFileFormat } from '../../../geometry-io/camera-files';
import { OutputPathError, refuseProjectFiles, resolveOutputPath } from '../../../util/output-guard';
import { choice, parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { findShot, openCore, openProject, projectFailure } from './common';
import { cameraReportLines, cameraVerdict } from '../camera-report-text';

function worldUpOf(v: string | undefined, command: string): WorldUp {
  return choice(v, 'world-up', WORLD_UPS, command) ?? 'z';
}

export const cameraImportCommand: CliCommand = {
  path: ['camera', 'import'],
  summary: "Use an existing camera solve as a shot's source camera",
  help: `Usage: reshoot camera import <project> <shot id or name> <cameras> [--world-up z|y|-y] [--interpolate]

<cameras> is a cameras.json, a COLMAP text model folder (cameras.txt + images.txt), a Nuke .chan or a
USD .usda. It needs a camera for every frame of the shot, each frame once, in any order. Frames are
numbered as the format numbers them: cameras.json "index" and USD time codes from 0, .chan frames and
COLMAP IMAGE_IDs from 1 (= the shot's first frame). A file whose frames repeat, are missing or lie
outside the shot is refused with the frames named, and the project is left unchanged. A solve made at
another resolution of the same shape is scaled to the shot. Undo in the app reverts it.

Options:
  --world-up z|y|-y   the up axis of Reshoot's world for .chan/USD (their own Y-up is mapped onto it)
  --interpolate       the file may give only some frames (each once, all inside the shot): the others
                      are interpolated (position linear, rotation along the shortest arc; before the
                      first and after the last given frame the camera holds)`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      { 'world-up': { type: 'string' }, interpolate: { type: 'boolean' } },
      'camera import',
    );
    if (positionals.length !== 3)
      throw new CliError(
        'reshoot camera import: expected <project> <shot> <cameras>. See --help.',
        EXIT.usage,
      );
    const worldUp = worldUpOf(values['world-up'], 'camera import');
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const shotId = findShot(core.require().project, positionals[1]!).id;
      const shot = await handlers['shots.importCamera']({
        shotId,
        path: resolve(io.cwd, positionals[2]!),
        worldUp,
        interpolate: values.interpolate === true,
      });
      io.out(
        `${shot.name}: source camera imported (${shot.camera!.frames} frames, ${shot.camera!.format}).\n`,
      );
      if (values.interpolate && shot.camera!.message) io.out(`${shot.camera!.message}.\n`);
      return EXIT.ok;
    } catch (e) {
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};

export const exportCameraCommand: CliCommand = {
  path: ['export', 'camera'],
  summary: "Write a shot's source camera as cameras.json, COLMAP, Nuke .chan, USD or a Nuke Camera3 node",
  help: `Usage: reshoot export camera <project> <shot id or name> --format json|colmap|chan|usda|nuke --out <path>
       [--world-up z|y|-y] [--overwrite]

--out is a file (a folder for colmap). Cameras are in the gauge of the shot: the same gauge as
'reshoot export depth'. Files are written atomically; a file named by --out is replaced. A COLMAP
folder that already holds cameras.txt, images.txt or points3D.txt is refused unless --overwrite.
A Reshoot project's own files (project.db, its -wal/-shm, project.lock, cache/, renders/, media/)
are refused (exit 2).`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      {
        format: { type: 'string' },
        out: { type: 'string' },
        'world-up': { type: 'string' },
        overwrite: { type: 'boolean' },
      },
      'export camera',
    );
    if (positionals.length !== 2 || !values.out || !values.format) {
      throw new CliError(
        'reshoot export camera: expected <project> <shot> --format <f> --out <path>. See --help.',
        EXIT.usage,
      );
    }
    const format: CameraFileFormat = choice(values.format, 'format', CAMERA_FILE_FORMATS, 'export camera')!;
    const worldUp = worldUpOf(values['world-up'], 'export camera');
    // The API checks again; checking here first names the path as it was typed, before the project opens.
    refuseProjectFiles(values.out, resolveOutputPath(values.out, io.cwd));
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const shotId = findShot(core.require().project, positionals[1]!).id;
      const r = await handlers['shots.exportCamera']({
        shotId,
        format,
        // Not resolve(): `..` after a symlink must be taken the way the kernel takes it (the guard does).
        path: isAbsolute(values.out) ? values.out : `${io.cwd}${sep}${values.out}`,
        worldUp,
        overwrite: values.overwrite === true,
      });
      io.out(`Wrote ${r.frames} cameras to ${r.path}\n`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof OutputPathError && e.refusal === 'exists') {
        throw new CliError(
          `${e.message.replace(/\.$/, '')}, or pass --overwrite to replace them.`,
          EXIT.usage,
        );
      }
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};

export const cameraStatusCommand: CliCommand = {
  path: ['camera', 'status'],
  summary: "What a shot's source camera says about each frame: solved, rotation-only, interpolated, unsolved",
  help: `Usage: reshoot camera status <project> <shot id or name> [--json]

Prints the source camera's per-frame report: the summary line, the runs of frames with their status
(solved, rotation-only, interpolated, unsolved) and segment, the segments (kind, gauge, what each was
joined to, confidence, RMS reprojection error, translation uncertainty), the tracks left out as moving
and the tracker used. Segments and gauges are numbered from 1. Works while the project is open in the
app (it only reads). A shot without a source camera is an error (exit 3). See docs/camera-solve.md.

Options:
  --json    the stored report: {"frames":[{"index","status","segment"}, …], "segments":[…],
            "movingTracks", "tracker", "summary"}; frame, segment and gauge numbers from 0`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, 'camera status');
    if (positionals.length !== 2)
      throw new CliError('reshoot camera status: expected <project> <shot>. See --help.', EXIT.usage);
    const project = openProject(io, positionals[0]!, { readonly: true });
    try {
      const shot = findShot(project, positionals[1]!);
      const camera = project.sourceCameras.get(shot.id);
      if (!camera)
        throw new CliError(
          `shot '${shot.name}' has no source camera yet: run 'reshoot analyze ${positionals[0]} ${shot.id}' or import one with 'reshoot camera import'.`,
          EXIT.notFound,
        );
      if (!camera.report)
        throw new CliError(
          `the source camera of shot '${shot.name}' was made before Reshoot kept per-frame reports: run 'reshoot analyze ${positionals[0]} ${shot.id}' to solve it again (or import it again).`,
          EXIT.notFound,
        );
      if (values.json) io.out(JSON.stringify(camera.report) + '\n');
      else
        io.out(
          [`${shot.name}: source camera ${cameraVerdict(camera)}`, ...cameraReportLines(camera.report)].join(
            '\n',
          ) + '\n',
        );
      return EXIT.ok;
    } finally {
      project.close();
    }
  },
};
