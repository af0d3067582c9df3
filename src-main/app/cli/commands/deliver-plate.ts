import {
  MAX_HANDLES,
  MAX_PADDING,
  PLATE_FORMAT_INFO,
  PLATE_FORMATS,
  plateRender,
  startPlateDelivery,
} from '../../../deliver';
import { OutputPathError } from '../../../util/output-guard';
import { choice, frameRange, numberInRange, optionError, parseCommandArgs, positiveInteger } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { findShot, openCore, projectFailure } from './common';
import { follow } from './jobs';

const COMMAND = 'deliver plate';

const formatList = PLATE_FORMATS.map((f) => `  ${f.padEnd(12)} ${PLATE_FORMAT_INFO[f].summary}`).join('\n');

export const deliverPlateCommand: CliCommand = {
  path: ['deliver', 'plate'],
  summary: 'Export a plate (a render version or the shot as it is) as ProRes, DNxHR, H.264/H.265, PNG or EXR',
  help: `Usage: reshoot deliver plate <project> <shot id or name> [--path NAME [--version N]]
       --format FORMAT --out DIR [--frames A-B] [--handles N] [--name TEMPLATE] [--padding N]

Writes the plate into DIR as a delivery job (progress on stderr; if stopped, 'reshoot jobs resume
<project> <job id>' continues from the chunks already written). Movies are QuickTime .mov files with the
shot's rate, its start timecode (+ the first frame delivered) and reel name in the timecode track, and
BT.709 tags. Nothing is ever replaced: if any file the delivery would write exists, nothing is written.

Formats:
${formatList}

Options:
  --path NAME      deliver a render of this target path (default: the shot as it is, no render)
  --version N      the render version (1 = v001; default: the newest finished render of the path)
  --format FORMAT  one of the formats above
  --out DIR        the folder to write into (made if missing)
  --frames A-B     shot frames, counted from 0 (default: every frame the render or shot has)
  --handles N      N extra frames before and after, as far as the render or shot has them (0–${MAX_HANDLES})
  --name TEMPLATE  file name without extension; tokens {shot} {path} {version} {frame} {reel} {format}
                   (default {shot}_{path}_v{version} for a movie, {shot}_{path}_v{version}.{frame} for a
                   sequence; a shot as it is: {shot}_{path} with {path} = source)
  --padding N      digits of {frame} (1–${MAX_PADDING}, default 4); {frame} is the shot frame + 1`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      {
        path: { type: 'string' },
        version: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        frames: { type: 'string' },
        handles: { type: 'string' },
        name: { type: 'string' },
        padding: { type: 'string' },
      },
      COMMAND,
    );
    if (positionals.length !== 2 || !values.format || !values.out)
      throw new CliError(
        `reshoot ${COMMAND}: expected <project> <shot> --format FORMAT --out DIR. See --help.`,
        EXIT.usage,
      );
    const format = choice(values.format, 'format', PLATE_FORMATS, COMMAND)!;
    if (values.version !== undefined && values.path === undefined)
      throw optionError(COMMAND, '--version needs --path (the target path whose render it is)');
    const version = positiveInteger(values.version, 'version', COMMAND);
    const frames = frameRange(values.frames, COMMAND);
    const handles = numberInRange(
      values.handles,
      'handles',
      { min: 0, max: MAX_HANDLES, integer: true },
      COMMAND,
    );
    const padding = numberInRange(
      values.padding,
      'padding',
      { min: 1, max: MAX_PADDING, integer: true },
      COMMAND,
    );
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const { project, runner } = core.require();
      const shot = findShot(project, positionals[1]!);
      let renderId: number | undefined;
      if (values.path !== undefined) {
        const paths = await handlers['paths.list']({ shotId: shot.id });
        const p = paths.find((x) => x.name === values.path);
        if (!p) {
          const names = paths.map((x) => `'${x.name}'`).join(', ');
          throw new CliError(
            `shot '${shot.name}' has no target path named '${values.path}'${names ? ` (it has ${names})` : ''}.`,
            EXIT.notFound,
          );
        }
        renderId = plateRender(project, shot, p.id, version ?? null).id;
      }
      const { job, plan, dir } = startPlateDelivery(
        project,
        runner,
        {
          shotId: shot.id,
          ...(renderId !== undefined ? { renderId } : {}),
          format,
          out: values.out,
          ...(frames ? { frames } : {}),
          ...(handles !== undefined ? { handles } : {}),
          ...(values.name !== undefined ? { template: values.name } : {}),
          ...(padding !== undefined ? { padding } : {}),
        },
        io.cwd,
      );
      const n = plan.files.length;
      io.err(
        `Delivering frames ${plan.first}–${plan.last} as ${format} into ${dir}: ` +
          `${n === 1 ? plan.files[0] : `${plan.files[0]} … ${plan.files.at(-1)} (${n} files)`}\n`,
      );
      for (const note of plan.notes) io.err(`${note}\n`);
      const code = await follow(core, io, [job.id]);
      const done = project.jobs.get(job.id)!;
      if (code !== EXIT.ok) {
        io.err(`Delivery job ${job.id} ${done.status}${done.error ? `: ${done.error}` : ''}\n`);
        return code;
      }
      io.out(`${done.message ?? 'Done'}\n`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof OutputPathError) throw new CliError(e.message, EXIT.usage);
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};
