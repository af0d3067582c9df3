import { ApiError } from '../../../../src-shared/api/contract';
import { deliverDepth, type DepthDeliveryOptions } from '../../../deliver/depth-delivery';
import { guardOutputFolder } from '../../../util/output-guard';
import { choice, parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand, type CliIO } from '../command';
import { findShot, openProject } from './common';

/**
 * Runs a depth delivery for a CLI command: the output folder is checked before the project is opened,
 * the depth's own refusals become exit codes (no depth or camera 3, units that cannot be known 2).
 */
export async function runDepthDelivery(
  io: CliIO,
  command: string,
  project: string,
  shotWanted: string,
  out: string,
  opts: Omit<DepthDeliveryOptions, 'cwd' | 'overwriteHint'>,
): Promise<number> {
  guardOutputFolder(out, [], { cwd: io.cwd, overwrite: false });
  const p = openProject(io, project, { readonly: true });
  try {
    const shot = findShot(p, shotWanted);
    const r = await deliverDepth(p, shot, out, {
      ...opts,
      cwd: io.cwd,
      overwriteHint: 'pass --overwrite to replace them',
    }).catch((e: unknown) => {
      if (e instanceof ApiError && (e.code === 'not-found' || e.code === 'invalid-argument'))
        throw new CliError(
          `reshoot ${command}: ${e.message}`,
          e.code === 'not-found' ? EXIT.notFound : EXIT.usage,
        );
      throw e;
    });
    const what =
      opts.format === 'raw'
        ? `${r.frames} depth maps (${r.width}×${r.height}) and cameras.json`
        : `${r.frames} OpenEXR depth frames (${r.width}×${r.height}, ${r.units === 'metric' ? 'metres' : "the shot's gauge"})`;
    io.out(`Wrote ${what} to ${r.dir}\n`);
    return EXIT.ok;
  } finally {
    p.close();
  }
}

export const deliverDepthCommand: CliCommand = {
  path: ['deliver', 'depth'],
  summary:
    "Deliver a shot's depth as OpenEXR (float Z + validity per frame) or in the raw ground-truth layout",
  help: `Usage: reshoot deliver depth <project> <shot id or name> --format exr|raw --out <dir>
         [--units gauge|metric] [--size depth|shot] [--compression zip|none] [--overwrite]

--format exr   one OpenEXR file per frame, <shot>_depth.0001.exr for the shot's first frame: a 32-bit float
               'Z' channel (planar distance along the camera's optical axis; 0 where there is no depth) and
               a half 'validity' channel (1 = depth, 0 = none), with the frame's timeCode (when the shot has
               a start timecode) and framesPerSecond attributes. ZIP-compressed unless --compression none.
--format raw   the layout of 'reshoot export depth': depth/frame_0001.f32 … (little-endian float32, 0 =
               invalid) and cameras.json with the depth grid.
--units        gauge (default): the shot's own units, those of its source camera. metric: metres, only
               when the source camera was imported from cameras.json, .chan or USD (a solved camera or a
               COLMAP model has no scale: refused, exit 2).
--size         depth (default): the depth grid as stored (smaller than the plate). shot: upsampled to the
               shot's resolution (EXR only; bilinear over valid depth, nearest across depth edges).

Nothing is written when any of these files already exists, unless --overwrite (which replaces only these
files). A Reshoot project's own files and folders are refused as <dir> (exit 2). See docs/delivery-depth.md.`,
  async run(argv, io) {
    const cmd = 'deliver depth';
    const { positionals, values } = parseCommandArgs(
      argv,
      {
        format: { type: 'string' },
        out: { type: 'string' },
        units: { type: 'string' },
        size: { type: 'string' },
        compression: { type: 'string' },
        overwrite: { type: 'boolean' },
      },
      cmd,
    );
    if (positionals.length !== 2 || !values.out || !values.format) {
      throw new CliError(
        `reshoot ${cmd}: expected <project> <shot> --format exr|raw --out <dir>. See --help.`,
        EXIT.usage,
      );
    }
    const format = choice(values.format, 'format', ['exr', 'raw'] as const, cmd)!;
    const size = choice(values.size, 'size', ['depth', 'shot'] as const, cmd);
    const compression = choice(values.compression, 'compression', ['zip', 'none'] as const, cmd);
    if (format === 'raw' && (size === 'shot' || compression !== undefined))
      throw new CliError(
        `reshoot ${cmd}: --size shot and --compression apply to --format exr only. See --help.`,
        EXIT.usage,
      );
    return runDepthDelivery(io, cmd, positionals[0]!, positionals[1]!, values.out, {
      format,
      units: choice(values.units, 'units', ['gauge', 'metric'] as const, cmd) ?? 'gauge',
      size: size ?? 'depth',
      ...(compression ? { compression } : {}),
      overwrite: values.overwrite === true,
    });
  },
};
