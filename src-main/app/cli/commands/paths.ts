import { isAbsolute, resolve, sep } from 'node:path';
import { WORLD_UPS, type TargetPath } from '../../../../src-shared/api/contract';
import { PRESET_KINDS, type WorldUp } from '../../../../src-shared/geometry';
import type { CameraFileFormat } from '../../../geometry-io/camera-files';
import { OutputPathError, refuseProjectFiles, resolveOutputPath } from '../../../util/output-guard';
import { choice, numberInRange, optionError, parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { findShot, openCore, projectFailure } from './common';

const worldUpOf = (v: string | undefined, command: string): WorldUp =>
  choice(v, 'world-up', WORLD_UPS, command) ?? 'z';

/** The path of a shot with this name (exit 3 when there is none). */
function pathNamed(paths: TargetPath[], name: string, shot: string): TargetPath {
  const p = paths.find((x) => x.name === name);
  if (!p) {
    const names = paths.map((x) => `'${x.name}'`).join(', ');
    throw new CliError(
      `shot '${shot}' has no target path named '${name}'${names ? ` (it has ${names})` : ''}.`,
      EXIT.notFound,
    );
  }
  return p;
}

const SIGNED = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function describe(p: TargetPath): string {
  const c = p.content;
  const what =
    c.kind === 'keyframes'
      ? `${c.keyframes.length} keyframe${c.keyframes.length === 1 ? '' : 's'} (frames ${c.keyframes[0]!.frame}–${c.keyframes.at(-1)!.frame})`
      : `${c.samples.length} samples (frames ${c.samples[0]!.frame}–${c.samples.at(-1)!.frame})`;
  return `${p.name}\t${what}\t${p.origin}\t${p.updatedAt}`;
}

export const pathListCommand: CliCommand = {
  path: ['path', 'list'],
  summary: "A shot's target camera paths",
  help: `Usage: reshoot path list <project> <shot id or name> [--json]

One line per target path: name, keyframes or samples with their frames, how it was made (keyframes,
preset:<kind>, import:<format>) and when it was last changed.

Options:
  --json    the paths with their content: [{"id","name","origin","content":{"kind":"keyframes",
            "keyframes":[{"frame","position","orientation","focalPx","easing"}]} or {"kind":"samples",
            "samples":[…]}, …}]; positions in the shot's world, orientation R_wc [w,x,y,z], focal in pixels`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, 'path list');
    if (positionals.length !== 2)
      throw new CliError('reshoot path list: expected <project> <shot>. See --help.', EXIT.usage);
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const shot = findShot(core.require().project, positionals[1]!);
      const paths = await handlers['paths.list']({ shotId: shot.id });
      if (values.json) io.out(JSON.stringify(paths, null, 2) + '\n');
      else if (paths.length === 0) io.out(`${shot.name}: no target paths yet.\n`);
      else for (const p of paths) io.out(describe(p) + '\n');
      return EXIT.ok;
    } catch (e) {
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};

export const pathImportCommand: CliCommand = {
  path: ['path', 'import'],
  summary: 'Read a camera file as a target path of a shot',
  help: `Usage: reshoot path import <project> <shot id or name> <file> --name NAME [--world-up z|y|-y]

<file> is a cameras.json, a COLMAP text model folder, a Nuke .chan or a USD .usda, in the shot's world
(e.g. exported from Reshoot and edited in a DCC). A camera for every frame of the shot gives a sampled
path (one camera per frame); cameras for some frames give keyframes at those frames. Frames are numbered
as the format numbers them (cameras.json and USD from 0, .chan and COLMAP from 1). A file with repeated
frames or frames outside the shot is refused and the project left unchanged. Undo in the app reverts it.

Options:
  --name NAME         the new path's name (unique within the shot)
  --world-up z|y|-y   the up axis of Reshoot's world for .chan/USD (their own Y-up is mapped onto it)`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      { name: { type: 'string' }, 'world-up': { type: 'string' } },
      'path import',
    );
    if (positionals.length !== 3 || !values.name)
      throw new CliError(
        'reshoot path import: expected <project> <shot> <file> --name NAME. See --help.',
        EXIT.usage,
      );
    const worldUp = worldUpOf(values['world-up'], 'path import');
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const shot = findShot(core.require().project, positionals[1]!);
      const p = await handlers['paths.import']({
        shotId: shot.id,
        name: values.name,
        path: resolve(io.cwd, positionals[2]!),
        worldUp,
      });
      io.out(`${shot.name}: target path imported: ${describe(p)}\n`);
      return EXIT.ok;
    } catch (e) {
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};

const EXPORT_FORMATS = ['json', 'colmap', 'chan', 'usd', 'usda', 'nuke'] as const;

export const pathExportCommand: CliCommand = {
  path: ['path', 'export'],
  summary: 'Write a target path as one camera per shot frame',
  help: `Usage: reshoot path export <project> <shot id or name> --path NAME --format json|colmap|chan|usd|nuke --out FILE
       [--world-up z|y|-y] [--overwrite]

Writes the path's camera at every frame of the shot: json = cameras.json (Reshoot's interchange layout, docs/geometry.md), colmap
= a COLMAP text model folder, chan = Nuke .chan, usd = USD .usda, nuke = a Nuke Camera3 node to paste into
Nuke's node graph (docs/delivery-cameras.md). Cameras are in the shot's gauge. A file
named by --out is replaced atomically; a COLMAP folder that already holds a model is refused unless
--overwrite; a Reshoot project's own files are refused (exit 2).`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      {
        path: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        'world-up': { type: 'string' },
        overwrite: { type: 'boolean' },
      },
      'path export',
    );
    if (positionals.length !== 2 || !values.path || !values.format || !values.out)
      throw new CliError(
        'reshoot path export: expected <project> <shot> --path NAME --format <f> --out <file>. See --help.',
        EXIT.usage,
      );
    const f = choice(values.format, 'format', EXPORT_FORMATS, 'path export')!;
    const format: CameraFileFormat = f === 'usd' ? 'usda' : f;
    const worldUp = worldUpOf(values['world-up'], 'path export');
    refuseProjectFiles(values.out, resolveOutputPath(values.out, io.cwd));
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const shot = findShot(core.require().project, positionals[1]!);
      const p = pathNamed(await handlers['paths.list']({ shotId: shot.id }), values.path, shot.name);
      const r = await handlers['paths.export']({
        pathId: p.id,
        format,
        path: isAbsolute(values.out) ? values.out : `${io.cwd}${sep}${values.out}`,
        worldUp,
        overwrite: values.overwrite === true,
      });
      io.out(`Wrote ${r.frames} cameras of '${p.name}' to ${r.path}\n`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof OutputPathError && e.refusal === 'exists')
        throw new CliError(
          `${e.message.replace(/\.$/, '')}, or pass --overwrite to replace them.`,
          EXIT.usage,
        );
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};

export const pathPresetCommand: CliCommand = {
  path: ['path', 'preset'],
  summary: 'Make a target path from a camera-move preset (gauge-free amounts)',
  help: `Usage: reshoot path preset <project> <shot id or name> --name NAME --kind KIND --amount X [--relative] [--frame N]

KIND is one of ${PRESET_KINDS.join(', ')}. A monocular shot has no absolute scale, so amounts are
gauge-free and give the same image motion on any shot:
  dolly, truck, pedestal   a fraction of the scene depth Z̄ at frame N (the median depth of the shot's
                           3D points in view): --amount 0.3 dollies in by 30 % of the way to the scene;
                           negative = out / left / down, written --amount=-0.3
  arc                      degrees around the subject at Z̄ in front of the camera (+ = to the right)
  pan, tilt                degrees (+ = right, up)
  zoom                     a focal factor (2 = twice the focal)
  dollyzoom                a fraction of Z̄ (< 1) dollied in while the focal keeps the subject's size
  stabilise                strength 0–1: the source move smoothed (1 ≈ ±2 s at 24 fps)
  lockoff                  holds the source camera of frame N (--amount is not used)
The move starts at frame N (default 0), eased in and out, and reaches its amount at the last frame.
Without --relative it starts from the source camera at frame N and gives keyframes; with --relative it
is composed with the source camera frame by frame (a handheld feel survives) and gives one sample per
frame. Needs an analysed shot (source camera and 3D points). Undo in the app reverts it.`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      {
        name: { type: 'string' },
        kind: { type: 'string' },
        amount: { type: 'string' },
        relative: { type: 'boolean' },
        frame: { type: 'string' },
      },
      'path preset',
    );
    if (positionals.length !== 2 || !values.name || !values.kind)
      throw new CliError(
        'reshoot path preset: expected <project> <shot> --name NAME --kind KIND --amount X. See --help.',
        EXIT.usage,
      );
    const kind = choice(values.kind, 'kind', PRESET_KINDS, 'path preset')!;
    if (values.amount === undefined && kind !== 'lockoff')
      throw optionError('path preset', `--kind ${kind} needs --amount`);
    const amountText = values.amount ?? '0';
    if (!SIGNED.test(amountText.trim()) || !Number.isFinite(Number(amountText)))
      throw optionError('path preset', `--amount '${amountText}' is not a number`);
    const frame = numberInRange(
      values.frame,
      'frame',
      { min: 0, max: 10_000_000, integer: true },
      'path preset',
    );
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const shot = findShot(core.require().project, positionals[1]!);
      const p = await handlers['paths.preset']({
        shotId: shot.id,
        name: values.name,
        kind,
        amount: Number(amountText),
        relative: values.relative === true,
        ...(frame !== undefined ? { frame } : {}),
      });
      io.out(`${shot.name}: target path made: ${describe(p)}\n`);
      return EXIT.ok;
    } catch (e) {
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};

export const pathTransferCommand: CliCommand = {
  path: ['path', 'transfer'],
  summary: "Make a target path by transferring another shot's camera move (ParaScale)",
  help: `Usage: reshoot path transfer <project> <shot id or name> --name NAME --from <reference shot> [--raw]

Transfers the reference shot's source camera move onto this shot, starting from this shot's first
camera: ParaScale scales each step by the reference's Parallax Number Π = ‖ΔC‖/Z̄ times this shot's own
scene depth Z̄ (so the move reads the same in the image, whatever the two shots' gauges); --raw copies
the step lengths as they are (the uncalibrated baseline). Both shots must be analysed (source camera and
3D points). Prints the PCE of both modes (mean |log| ratio of the output's Π to the reference's: lower is
better). The path has one camera per frame for as many frames as both shots have.`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      { name: { type: 'string' }, from: { type: 'string' }, raw: { type: 'boolean' } },
      'path transfer',
    );
    if (positionals.length !== 2 || !values.name || !values.from)
      throw new CliError(
        'reshoot path transfer: expected <project> <shot> --name NAME --from <reference shot>. See --help.',
        EXIT.usage,
      );
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const project = core.require().project;
      const shot = findShot(project, positionals[1]!);
      const reference = findShot(project, values.from);
      const r = await handlers['paths.transfer']({
        shotId: shot.id,
        name: values.name,
        fromShotId: reference.id,
        raw: values.raw === true,
      });
      const f = (x: number | null) => (x === null ? 'not measurable' : x.toFixed(4));
      io.out(`${shot.name}: target path made: ${describe(r.path)}\n`);
      io.out(`PCE ParaScale ${f(r.pce.parascale)} · raw ${f(r.pce.raw)} (${r.frames} frames)\n`);
      return EXIT.ok;
    } catch (e) {
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};

export const pathCoverageCommand: CliCommand = {
  path: ['path', 'coverage'],
  summary: "How much of each frame of a target path the shot's own pixels can cover",
  help: `Usage: reshoot path coverage <project> <shot id or name> --path NAME [--json]

For each frame of the shot: the share of the target camera's view that the shot's own pixels can fill —
its depth maps reprojected into the target camera from the four source frames nearest to it (in pose:
distance over scene depth plus viewing angle), sky and far background at infinity included. Low coverage marks where a
move asks for what the camera never saw. Needs an analysed shot (depth and source camera).

Options:
  --json    {"frames":[{"index":0,"coverage":0.93}, …], "gridWidth":160}, coverage in 0–1`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      { path: { type: 'string' }, json: { type: 'boolean' } },
      'path coverage',
    );
    if (positionals.length !== 2 || !values.path)
      throw new CliError(
        'reshoot path coverage: expected <project> <shot> --path NAME. See --help.',
        EXIT.usage,
      );
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const shot = findShot(core.require().project, positionals[1]!);
      const p = pathNamed(await handlers['paths.list']({ shotId: shot.id }), values.path, shot.name);
      const r = await handlers['paths.coverage']({ pathId: p.id });
      if (values.json) {
        io.out(JSON.stringify(r) + '\n');
        return EXIT.ok;
      }
      const cs = r.frames.map((f) => f.coverage);
      const mean = cs.reduce((a, b) => a + b, 0) / cs.length;
      const worst = [...r.frames].sort((a, b) => a.coverage - b.coverage).slice(0, 5);
      io.out(`${p.name}: mean coverage ${(100 * mean).toFixed(1)} % over ${cs.length} frames\n`);
      io.out(
        `worst frames: ${worst.map((f) => `${f.index} (${(100 * f.coverage).toFixed(1)} %)`).join(', ')}\n`,
      );
      return EXIT.ok;
    } catch (e) {
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};

export const pathCommands = [
  pathListCommand,
  pathImportCommand,
  pathExportCommand,
  pathPresetCommand,
  pathTransferCommand,
  pathCoverageCommand,
];
