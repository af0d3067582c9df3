import { readFileSync } from 'node:fs';
import { RENDER_FILLS, MAX_RENDER_WINDOW, type Render } from '../../../../src-shared/api/contract';
import { frameFiles, renderDir } from '../../../render';
import {
  guardOutputFolder,
  OutputPathError,
  writeOutputFile,
  type CheckedOutputFolder,
} from '../../../util/output-guard';
import { choice, frameRange, numberInRange, optionError, parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { findShot, openCore, projectFailure } from './common';
import { follow } from './jobs';
import { basename } from 'node:path';

const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)} %`);

function describe(r: Render): string {
  return [
    r.pathName,
    r.name,
    r.status,
    `frames ${r.firstFrame}–${r.lastFrame} (${r.framesDone} done)`,
    `${pct(r.seenMean)} seen (worst ${pct(r.seenWorst)})`,
    `${r.method}, window ${r.settings.window}, fill ${r.settings.fill}`,
    r.createdAt,
  ].join('\t');
}

export const renderCommand: CliCommand = {
  path: ['render'],
  summary: 'Render a target path: the shot reprojected along it, as a new render version',
  help: `Usage: reshoot render <project> <shot id or name> --path NAME [--frames A-B] [--window N]
       [--fill none|inpaint] [--out DIR] [--overwrite]

Renders a new version (v001, v002, … never overwritten) of the target path NAME by reprojection: the
shot's own pixels, with their depth, seen from the target camera, from a window of N source frames per
target frame (default 5, at most ${MAX_RENDER_WINDOW}) chosen by how much of the view each one sees. The shot must be
analysed (source camera and depth). Progress goes to stderr; if stopped, 'reshoot jobs resume
<project> <job id>' continues with the frames not yet done.

Options:
  --frames A-B   shot frames to render, counted from 0 (default: the whole shot)
  --window N     source frames per target frame
  --fill MODE    none (default): what no source frame saw stays empty (black, mask 0);
                 inpaint: filled smoothly from its surroundings (mask 128)
  --out DIR      also write DIR/frame_0001.png … (RGB, 16 bits per channel) and DIR/mask_0001.png …
                 (8-bit: 255 seen, 128 filled, 0 empty), numbered from 1 for shot frame 0; existing
                 files there are refused unless --overwrite; a project's own files always are`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      {
        path: { type: 'string' },
        frames: { type: 'string' },
        window: { type: 'string' },
        fill: { type: 'string' },
        out: { type: 'string' },
        overwrite: { type: 'boolean' },
      },
      'render',
    );
    if (positionals.length !== 2 || !values.path)
      throw new CliError('reshoot render: expected <project> <shot> --path NAME. See --help.', EXIT.usage);
    const range = frameRange(values.frames, 'render');
    const window =
      values.window === undefined
        ? undefined
        : numberInRange(values.window, 'window', { min: 1, max: MAX_RENDER_WINDOW, integer: true }, 'render');
    const fill = choice(values.fill, 'fill', RENDER_FILLS, 'render');
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const { project } = core.require();
      const shot = findShot(project, positionals[1]!);
      const paths = await handlers['paths.list']({ shotId: shot.id });
      const p = paths.find((x) => x.name === values.path);
      if (!p) {
        const names = paths.map((x) => `'${x.name}'`).join(', ');
        throw new CliError(
          `shot '${shot.name}' has no target path named '${values.path}'${names ? ` (it has ${names})` : ''}.`,
          EXIT.notFound,
        );
      }
      const first = range?.first ?? 0,
        last = range?.last ?? shot.frameCount - 1;
      if (last > shot.frameCount - 1)
        throw optionError(
          'render',
          `--frames ${first}-${last}: shot '${shot.name}' has frames 0–${shot.frameCount - 1}`,
        );
      // check the output folder before rendering anything
      let out: CheckedOutputFolder | null = null;
      const names: string[] = [];
      if (values.out) {
        for (let f = first; f <= last; f++) {
          names.push(basename(frameFiles('', f).colour), basename(frameFiles('', f).mask));
        }
        out = guardOutputFolder(values.out, names, {
          cwd: io.cwd,
          overwrite: values.overwrite === true,
          overwriteHint: 'pass --overwrite to replace them',
        });
      }
      const { render, job } = await handlers['renders.start']({
        pathId: p.id,
        first,
        last,
        ...(window !== undefined ? { window } : {}),
        ...(fill ? { fill } : {}),
      });
      const code = await follow(core, io, [job.id]);
      if (code !== EXIT.ok) return code;
      const done = (await handlers['renders.list']({ shotId: shot.id })).find((r) => r.id === render.id)!;
      io.out(`${done.message ?? describe(done)}\n`);
      const dir = renderDir(project, shot.id, p.id, render.version);
      io.out(`Frames in ${dir}\n`);
      if (out) {
        for (let f = first; f <= last; f++) {
          const files = frameFiles(dir, f);
          for (const from of [files.colour, files.mask])
            writeOutputFile(out.file(basename(from)), readFileSync(from));
        }
        io.out(`Wrote ${last - first + 1} frames and masks to ${out.dir}\n`);
      }
      return EXIT.ok;
    } catch (e) {
      if (e instanceof OutputPathError && e.refusal === 'exists') throw new CliError(e.message, EXIT.usage);
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};

export const renderListCommand: CliCommand = {
  path: ['render', 'list'],
  summary: "A shot's renders: versions, status, coverage and provenance",
  help: `Usage: reshoot render list <project> <shot id or name> [--json]

One line per render version: path, version, status, frames, the share of the frames the mask calls
seen (mean and worst frame), method and settings, when it was made.

Options:
  --json    the renders with their provenance: [{"id","pathName","version","name":"v001","status",
            "method","firstFrame","lastFrame","framesDone","seenMean","seenWorst","filledMean","reused",
            "settings":{"window","fill"},"inputs":{"shot","sourceCamera","depth","targetPath"} (sha-256),
            "reshootVersion","message","createdAt","finishedAt"}, …]`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, 'render list');
    if (positionals.length !== 2)
      throw new CliError('reshoot render list: expected <project> <shot>. See --help.', EXIT.usage);
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const shot = findShot(core.require().project, positionals[1]!);
      const renders = await handlers['renders.list']({ shotId: shot.id });
      if (values.json) io.out(JSON.stringify(renders, null, 2) + '\n');
      else if (renders.length === 0) io.out(`${shot.name}: no renders yet.\n`);
      else for (const r of renders) io.out(describe(r) + '\n');
      return EXIT.ok;
    } catch (e) {
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};

export const renderCommands: CliCommand[] = [renderCommand, renderListCommand];
