import { realpathSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { WORLD_UPS } from '../../../../src-shared/api/contract';
import { detectCameraFormat, readCameraTrack, writeCameraTrack } from '../../../geometry-io/camera-files';
import { resolveOutputPath } from '../../../util/output-guard';
import { choice, frameRate, parseCommandArgs, positiveNumber } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';

const FORMATS = ['chan', 'usda', 'colmap', 'json'] as const;

export const cameraConvertCommand: CliCommand = {
  path: ['camera', 'convert'],
  summary: 'Convert a camera track between cameras.json, Nuke .chan, USD (.usda) and COLMAP text',
  help: `Usage: reshoot camera convert <in> --to chan|usda|colmap|json [--out <path>] [options]

<in> is a cameras.json, a .chan, a .usda, or a COLMAP text folder (cameras.txt + images.txt).
--out defaults to <in> with the new extension (a folder '<name>_colmap' for COLMAP). Files are written
atomically; a file named by --out is replaced. A COLMAP folder that already holds cameras.txt,
images.txt or points3D.txt is refused unless --overwrite. A Reshoot project's own files (project.db,
its -wal/-shm, project.lock, cache/, renders/, media/) are refused (exit 2).

Options:
  --world-up z|y|-y        up axis of the Reshoot world (default z: the gt/Blender world)
  --meters-per-unit <m>    USD stage unit (default 1)
  --sensor-width-mm <mm>   film back for USD focal lengths (default 36)
  --width <px> --height <px>  image size (needed to read a .chan)
  --fps <num/den>          frame rate for inputs that lack one (default 24/1)
  --overwrite              replace the files of a COLMAP folder that already exist

Example:
  reshoot camera convert gt/orbit_a/cameras.json --to usda --out orbit_a.usda`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        to: { type: 'string' },
        out: { type: 'string' },
        'world-up': { type: 'string' },
        'meters-per-unit': { type: 'string' },
        'sensor-width-mm': { type: 'string' },
        width: { type: 'string' },
        height: { type: 'string' },
        fps: { type: 'string' },
        overwrite: { type: 'boolean' },
      },
      'camera convert',
    );
    const usage = (m: string) =>
      new CliError(`reshoot camera convert: ${m}. See 'reshoot camera convert --help'.`, EXIT.usage);
    if (positionals.length !== 1) throw usage('expected one input path');
    const to = choice(values.to, 'to', FORMATS, 'camera convert');
    if (!to) throw usage(`--to is required: one of ${FORMATS.join(', ')}`);
    const worldUp = choice(values['world-up'], 'world-up', WORLD_UPS, 'camera convert') ?? 'z';
    const num = (name: string, v: string | undefined) => positiveNumber(v, name, 'camera convert');
    const metersPerUnit = num('meters-per-unit', values['meters-per-unit']) ?? 1;
    const sensorWidthMm = num('sensor-width-mm', values['sensor-width-mm']) ?? 36;
    const rate = frameRate(values.fps, 'fps', 'camera convert') ?? { num: 24, den: 1 };
    const fps: [number, number] = [rate.num, rate.den];
    const input = resolve(io.cwd, positionals[0]!);
    const ext = extname(input).toLowerCase();
    let read: ReturnType<typeof readCameraTrack>;
    try {
      if (detectCameraFormat(input) === 'chan' && (!values.width || !values.height)) {
        throw usage('reading a .chan needs --width and --height');
      }
      read = readCameraTrack(input, {
        worldUp,
        fps,
        ...(values.width ? { width: num('width', values.width)! } : {}),
        ...(values.height ? { height: num('height', values.height)! } : {}),
      });
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`reshoot camera convert: ${(e as Error).message}`, EXIT.notFound);
    }
    const { track, template } = read;
    const stem = join(dirname(input), basename(input, ext));
    const out =
      values.out ?? (to === 'colmap' ? `${stem}_colmap` : `${stem}.${to === 'json' ? 'cameras.json' : to}`);
    if (resolveOutputPath(out, io.cwd) === realpathSync(input)) {
      throw usage('the output would overwrite the input; pass --out');
    }
    const written = writeCameraTrack(track, to, out, {
      worldUp,
      metersPerUnit,
      sensorWidthMm,
      cwd: io.cwd,
      overwrite: values.overwrite === true,
      overwriteHint: 'pass --overwrite to replace them',
      ...(template ? { template } : {}),
    });
    io.out(`${track.frames.length} cameras → ${written}\n`);
    return EXIT.ok;
  },
};
