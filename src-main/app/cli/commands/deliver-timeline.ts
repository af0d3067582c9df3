import { resolve } from 'node:path';
import { deliverTimeline } from '../../../deliver';
import { TIMELINE_FORMATS } from '../../../../src-shared/timeline';
import { choice, optionError, parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { findShot, openProject, projectFailure } from './common';

const NAME = 'deliver timeline';

export const deliverTimelineCommand: CliCommand = {
  path: ['deliver', 'timeline'],
  summary: 'Write a timeline of the rendered plates at source timecode (OTIO, FCPXML 1.10 or CMX3600 EDL)',
  help: `Usage: reshoot deliver timeline <project> --format otio|fcpxml|edl --out <file> [--shots ID,ID…] [--name TEXT] [--overwrite]

Places each shot's rendered plates (the newest finished render of every target path) at their source
timecode, with the shot's reel name and exact frame rate, and the source shots on a second track:
  otio    OpenTimelineIO JSON: track "Plates" (frame sequences) and "Source shots" (disabled)
  fcpxml  Final Cut Pro XML 1.10: plates in the primary storyline, sources connected on lane 1 (disabled)
  edl     CMX3600: the plates only (one track), reels cut to 8 characters, drop-frame written HH:MM:SS;FF

The timeline starts at the earliest source timecode; when plates overlap in source timecode (several
paths of one shot) they are placed back to back instead. All shots must share one frame rate and
timecode mode. Shots without a finished render keep their source only (an EDL leaves them out).

Options:
  --shots ID,ID…  only these shots (ids or names, comma-separated); all shots by default
  --name TEXT     the timeline's name (default: the project's)
  --plate SHOT=FILE
                  refer to a delivered plate movie (reshoot deliver plate) for this shot instead of
                  its render's PNG frames; repeat for each shot (a shot with one rendered plate)
  --overwrite     replace <file> if it exists (never done otherwise)

A Reshoot project's own files are refused as <file> (exit 2). See docs/delivery-timelines.md.

Example:
  reshoot deliver timeline Spot.reshoot --format otio --out ~/Spot_plates.otio --shots 1,3`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      {
        format: { type: 'string' },
        out: { type: 'string' },
        shots: { type: 'string' },
        name: { type: 'string' },
        plate: { type: 'string', multiple: true },
        overwrite: { type: 'boolean' },
      },
      NAME,
    );
    if (positionals.length !== 1 || !values.out || !values.format) {
      throw new CliError(
        `reshoot ${NAME}: expected <project> --format ${TIMELINE_FORMATS.join('|')} --out <file>. See --help.`,
        EXIT.usage,
      );
    }
    const format = choice(values.format, 'format', TIMELINE_FORMATS, NAME)!;
    const wanted = values.shots?.split(',').map((s) => s.trim());
    if (wanted && wanted.some((s) => s === ''))
      throw optionError(NAME, `--shots '${values.shots}' has an empty entry`);
    const name = values.name?.trim();
    if (values.name !== undefined && !name) throw optionError(NAME, '--name is empty');
    const project = openProject(io, positionals[0]!, { readonly: true });
    try {
      const shots = wanted ? [...new Set(wanted.map((w) => findShot(project, w).id))] : undefined;
      const deliveredPlates: Record<number, string> = {};
      for (const p of values.plate ?? []) {
        const eq = p.indexOf('=');
        if (eq <= 0 || eq === p.length - 1) throw optionError(NAME, `--plate '${p}' is not SHOT=FILE`);
        const id = findShot(project, p.slice(0, eq)).id;
        if (id in deliveredPlates) throw optionError(NAME, `--plate names shot '${p.slice(0, eq)}' twice`);
        deliveredPlates[id] = resolve(io.cwd, p.slice(eq + 1));
      }
      const r = deliverTimeline(project, {
        format,
        ...(shots ? { shots } : {}),
        ...(name ? { name } : {}),
        deliveredPlates,
        out: values.out,
        overwrite: values.overwrite === true,
        cwd: io.cwd,
        overwriteHint: 'pass --overwrite to replace it',
      });
      for (const w of r.warnings) io.err(`warning: ${w}\n`);
      io.out(`Wrote ${r.file}: ${r.events} events, ${r.clips} rendered plates (${format})\n`);
      return EXIT.ok;
    } catch (e) {
      throw projectFailure(e);
    } finally {
      project.close();
    }
  },
};
