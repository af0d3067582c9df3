import { basename, dirname, resolve } from 'node:path';
import { Project } from '../../../store';
import { parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { projectFailure } from './common';

export const newCommand: CliCommand = {
  path: ['new'],
  summary: 'Create a shot project folder (<dir> ending in .reshoot)',
  help: `Usage: reshoot new <dir>

Creates a new, empty shot project at <dir> (".reshoot" is appended if missing). The parent folder
must exist; <dir> must not.

Example:
  reshoot new ~/jobs/spot_030.reshoot`,
  async run(argv, io) {
    const { positionals } = parseCommandArgs(argv, {}, 'new');
    if (positionals.length !== 1)
      throw new CliError('reshoot new: expected one argument, the project folder. See --help.', EXIT.usage);
    const dir = resolve(io.cwd, positionals[0]!);
    try {
      const p = Project.create(dirname(dir), basename(dir));
      io.out(`Created ${p.dir}\n`);
      p.close();
      return EXIT.ok;
    } catch (e) {
      throw projectFailure(e);
    }
  },
};
