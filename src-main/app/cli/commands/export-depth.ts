import { parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { runDepthDelivery } from './deliver-depth';

export const exportDepthCommand: CliCommand = {
  path: ['export', 'depth'],
  summary:
    "Write a shot's depth maps in the ground-truth shot layout (docs/depth.md) (float32 planar z per frame)",
  help: `Usage: reshoot export depth <project> <shot id or name> --out <dir> [--overwrite]

Writes <dir>/depth/frame_0001.f32 … (frame index 0 is frame_0001): little-endian float32, planar z
along the optical axis, depth-height × depth-width, row-major, top row first, 0 = invalid — in the
same gauge as 'reshoot export camera'. Also writes <dir>/cameras.json with the source camera, each
frame's depth_file and the depth grid (depth_width, depth_height, depth_K), as in the ground-truth shots.

Nothing is written when any of these files already exists, unless --overwrite (which replaces only
these files; others in <dir> are left alone). A Reshoot project's own files and folders (project.db,
cache/, renders/, media/, the project folder itself) are refused as <dir> (exit 2).`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      { out: { type: 'string' }, overwrite: { type: 'boolean' } },
      'export depth',
    );
    if (positionals.length !== 2 || !values.out) {
      throw new CliError(
        'reshoot export depth: expected <project> <shot> --out <dir>. See --help.',
        EXIT.usage,
      );
    }
    return runDepthDelivery(io, 'export depth', positionals[0]!, positionals[1]!, values.out, {
      format: 'raw',
      overwrite: values.overwrite === true,
    });
  },
};
