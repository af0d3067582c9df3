import { isAbsolute, sep } from 'node:path';
import { WORLD_UPS } from '../../../../src-shared/api/contract';
import { EULER_ORDERS } from '../../../../src-shared/geometry';
import { deliverCamera, type DeliveredCamera } from '../../../deliver';
import type { CameraFileFormat } from '../../../geometry-io/camera-files';
import { refuseProjectFiles, resolveOutputPath } from '../../../util/output-guard';
import { choice, parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { findShot, openProject, projectFailure } from './common';

const FORMATS = ['usd', 'usda', 'chan', 'colmap', 'json', 'nuke'] as const;
const FORMAT_NAME: Record<CameraFileFormat, string> = {
  usda: 'USD .usda',
  chan: 'Nuke .chan',
  colmap: 'COLMAP text model',
  json: 'cameras.json',
  nuke: 'Nuke Camera3 node',
};
/** Below this margin (degrees) from gimbal lock an Euler curve swings hard for a small turn of the camera. */
const GIMBAL_WARNING_DEG = 15;

function report(r: DeliveredCamera, format: CameraFileFormat): string {
  const lines = [`Wrote ${r.frames} cameras of the ${r.what} to ${r.path} (${FORMAT_NAME[format]}).`];
  const range =
    r.firstFrame === r.lastFrame ? `frame ${r.firstFrame}` : `frames ${r.firstFrame}–${r.lastFrame}`;
  lines.push(
    `${range[0]!.toUpperCase()}${range.slice(1)} at ${r.fps[0]}/${r.fps[1]} fps; world up ${r.worldUp}${r.worldUpFrom === 'scene' ? " (the scene's up)" : ''}.`,
  );
  if (format === 'usda' || format === 'nuke')
    lines.push(
      r.sensorFrom === 'lens'
        ? `Focal in mm on the shot's ${r.sensorWidthMm} mm wide film back.`
        : `Focal in mm on a ${r.sensorWidthMm} mm wide film back (full frame: the shot's lens is not known; set it with 'reshoot lens').`,
    );
  if (r.rotationOrder && format === 'nuke')
    lines.push(`Rotation order ${r.rotationOrder} (written as rot_order).`);
  if (r.rotationOrder && format === 'chan')
    lines.push(
      `Rotation order ${r.rotationOrder}: set it on the Nuke Camera before importing, and in Blender's .chan import dialog.`,
    );
  if (r.gimbalMarginDeg !== undefined && r.gimbalMarginDeg < GIMBAL_WARNING_DEG)
    lines.push(
      `Warning: the ${r.rotationOrder} angles come within ${r.gimbalMarginDeg.toFixed(1)}° of gimbal lock, where they swing hard for a small turn of the camera.${format === 'chan' ? ' --rotation-order auto, --format nuke or --format usd avoid it.' : ''}`,
    );
  return lines.join('\n') + '\n';
}

export const deliverCameraCommand: CliCommand = {
  path: ['deliver', 'camera'],
  summary: "Deliver a shot's source camera or a target path for Nuke, Blender, USD or COLMAP",
  help: `Usage: reshoot deliver camera <project> <shot id or name> [--path NAME] --format usd|chan|colmap|json|nuke
       --out FILE [--world-up z|y|-y] [--rotation-order auto|ZXY|XYZ|…] [--overwrite]

Writes the shot's source camera (or, with --path, the target path of that name) at every frame:
  nuke    a Nuke Camera3 node (.nk text): paste it into Nuke's node graph
  chan    Nuke .chan (frame tx ty tz rx ry rz vertical-fov): a Camera's File › Import chan, or Blender
  usd     USD .usda, time-sampled, Y up, metersPerUnit 1
  colmap  a COLMAP text model (--out is a folder: cameras.txt, images.txt, points3D.txt)
  json    Reshoot's cameras.json
Frames are numbered as the shot is (an image sequence's own first number, else 1) in nuke, chan and usd;
cameras.json counts from 0 and COLMAP image ids from 1. The rate is the shot's exact rational rate.
Focal lengths are in mm on the shot's film back (its lens, 'reshoot lens'), else a 36 mm full-frame back.
Euler angles (nuke, chan) are continuous from frame to frame. Nothing is overwritten without --overwrite;
a Reshoot project's own files are refused (exit 2). See docs/delivery-cameras.md.

Options:
  --path NAME             a target path of the shot instead of its source camera
  --world-up z|y|-y       the up axis of Reshoot's world (default: the one the scene was oriented to)
  --rotation-order ORDER  nuke and chan: auto (Nuke's ZXY unless the move nears its gimbal lock, then the
                          order farthest from it) or one of ${EULER_ORDERS.join(', ')}. Default: auto for
                          nuke (written in the node), ZXY for chan (a .chan cannot say which)
  --overwrite             replace the file (or the COLMAP folder's model files) if it exists`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      {
        path: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        'world-up': { type: 'string' },
        'rotation-order': { type: 'string' },
        overwrite: { type: 'boolean' },
      },
      'deliver camera',
    );
    if (positionals.length !== 2 || !values.format || !values.out)
      throw new CliError(
        'reshoot deliver camera: expected <project> <shot> --format <f> --out <file>. See --help.',
        EXIT.usage,
      );
    const f = choice(values.format, 'format', FORMATS, 'deliver camera')!;
    const format: CameraFileFormat = f === 'usd' ? 'usda' : f;
    const worldUp = choice(values['world-up'], 'world-up', WORLD_UPS, 'deliver camera');
    const rotationOrder = choice(
      values['rotation-order'],
      'rotation-order',
      ['auto', ...EULER_ORDERS],
      'deliver camera',
    );
    if (rotationOrder && format !== 'nuke' && format !== 'chan')
      throw new CliError(
        'reshoot deliver camera: --rotation-order is for --format nuke and chan.',
        EXIT.usage,
      );
    // checked before the project opens, naming the path as it was typed
    refuseProjectFiles(values.out, resolveOutputPath(values.out, io.cwd));
    const project = openProject(io, positionals[0]!, { readonly: true });
    try {
      const shot = findShot(project, positionals[1]!);
      const r = deliverCamera(project, shot, {
        format,
        // Not resolve(): `..` after a symlink must be taken the way the kernel takes it (the guard does).
        out: isAbsolute(values.out) ? values.out : `${io.cwd}${sep}${values.out}`,
        overwrite: values.overwrite === true,
        overwriteHint: 'pass --overwrite to replace it',
        ...(values.path !== undefined ? { pathName: values.path } : {}),
        ...(worldUp ? { worldUp } : {}),
        ...(rotationOrder ? { rotationOrder } : {}),
      });
      io.out(report(r, format));
      return EXIT.ok;
    } catch (e) {
      throw projectFailure(e);
    } finally {
      project.close();
    }
  },
};
