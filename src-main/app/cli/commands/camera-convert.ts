import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  documentToTrack,
  readChan,
  readColmap,
  readUsda,
  serializeCamerasJson,
  trackToDocument,
  writeChan,
  writeColmap,
  writeUsda,
  type CameraTrack,
  type WorldUp,
} from '../../../../src-shared/geometry';
import { isDirectory, readCamerasFile, readText, writeFileAtomic } from '../../../geometry-io';
import { parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';

const FORMATS = ['chan', 'usda', 'colmap', 'json'] as const;

export const cameraConvertCommand: CliCommand = {
  path: ['camera', 'convert'],
  summary: 'Convert a camera track between cameras.json, Nuke .chan, USD (.usda) and COLMAP text',
  help: `Usage: reshoot camera convert <in> --to chan|usda|colmap|json [--out <path>] [options]

<in> is a cameras.json, a .chan, a .usda, or a COLMAP text folder (cameras.txt + images.txt).
--out defaults to <in> with the new extension (a folder '<name>_colmap' for COLMAP). Files are written
atomically.

Options:
  --world-up z|y|-y        up axis of the Reshoot world (default z: the gt/Blender world)
  --meters-per-unit <m>    USD stage unit (default 1)
  --sensor-width-mm <mm>   film back for USD focal lengths (default 36)
  --width <px> --height <px>  image size (needed to read a .chan)
  --fps <num/den>          frame rate for inputs that lack one (default 24/1)

Example:
  reshoot camera convert ../shared/gt/orbit_a/cameras.json --to usda --out orbit_a.usda`,
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
      },
      'camera convert',
    );
    const usage = (m: string) =>
      new CliError(`reshoot camera convert: ${m}. See 'reshoot camera convert --help'.`, EXIT.usage);
    if (positionals.length !== 1) throw usage('expected one input path');
    const to = values.to as (typeof FORMATS)[number] | undefined;
    if (!to || !FORMATS.includes(to)) throw usage(`--to must be one of ${FORMATS.join(', ')}`);
    const worldUp = (values['world-up'] ?? 'z') as WorldUp;
    if (!['z', 'y', '-y'].includes(worldUp)) throw usage(`--world-up must be z, y or -y`);
    const num = (name: string, v: string | undefined, dflt?: number): number | undefined => {
      if (v === undefined) return dflt;
      const x = Number(v);
      if (!(x > 0)) throw usage(`--${name} must be a positive number, not '${v}'`);
      return x;
    };
    const metersPerUnit = num('meters-per-unit', values['meters-per-unit'], 1)!;
    const sensorWidthMm = num('sensor-width-mm', values['sensor-width-mm'], 36)!;
    const fpsM = /^(\d+)(?:\/(\d+))?$/.exec(values.fps ?? '24/1');
    if (!fpsM) throw usage(`--fps must look like 24 or 24000/1001`);
    const fps: [number, number] = [Number(fpsM[1]), Number(fpsM[2] ?? 1)];
    const input = resolve(io.cwd, positionals[0]!);
    const ext = extname(input).toLowerCase();
    let track: CameraTrack;
    let template;
    try {
      if (isDirectory(input))
        track = readColmap(
          {
            camerasTxt: readText(join(input, 'cameras.txt')),
            imagesTxt: readText(join(input, 'images.txt')),
          },
          fps,
        );
      else if (ext === '.json') {
        template = readCamerasFile(input);
        track = documentToTrack(template);
      } else if (ext === '.usda') track = readUsda(readText(input), { worldUp });
      else if (ext === '.chan') {
        const width = num('width', values.width);
        const height = num('height', values.height);
        if (!width || !height) throw usage('reading a .chan needs --width and --height');
        track = readChan(readText(input), { width, height, worldUp, fps });
      } else
        throw usage(`cannot tell the format of '${input}' (expected .json, .chan, .usda or a COLMAP folder)`);
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`reshoot camera convert: ${input}: ${(e as Error).message}`, EXIT.notFound);
    }
    const stem = join(dirname(input), basename(input, ext));
    const out = resolve(
      io.cwd,
      values.out ?? (to === 'colmap' ? `${stem}_colmap` : `${stem}.${to === 'json' ? 'cameras.json' : to}`),
    );
    if (out === input) throw usage('the output would overwrite the input; pass --out');
    if (to === 'json') writeFileAtomic(out, serializeCamerasJson(trackToDocument(track, template)));
    else if (to === 'chan') writeFileAtomic(out, writeChan(track, { worldUp }));
    else if (to === 'usda') writeFileAtomic(out, writeUsda(track, { worldUp, metersPerUnit, sensorWidthMm }));
    else {
      const c = writeColmap(track);
      writeFileAtomic(join(out, 'cameras.txt'), c.camerasTxt);
      writeFileAtomic(join(out, 'images.txt'), c.imagesTxt);
      writeFileAtomic(join(out, 'points3D.txt'), c.points3DTxt);
    }
    io.out(`${track.frames.length} cameras → ${out}\n`);
    return EXIT.ok;
  },
};
