import { resolve } from 'node:path';
import { frameRate, parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { openCore, projectFailure } from './common';

export const importCommand: CliCommand = {
  path: ['import'],
  summary: 'Import video files or image sequences into a project as shots',
  help: `Usage: reshoot import <project> <media…> [--fps <num/den>] [--skip-bad] [--no-thumbnails]

Imports each media file as a shot (referenced in place, never copied). An image sequence
(name.####.png|exr|jpg|tif|dpx) is imported by naming any one of its frames, or its folder.

Each file is checked first: a video is decoded (whole, or spans of a long one), every frame
header of a sequence is read. A file with frames that cannot be decoded, a sequence with a
truncated, differently sized or unreadable frame, or a picture over 16384 pixels a side (or
2^27 pixels) is bad, named with the frame and the reason. A video whose frames all decode but
some with errors is imported with a warning naming those frames (on stderr; exit code 0).

By default the import is all-or-nothing: if any file is bad, nothing is imported and each bad
file is listed with the reason (exit 1). --skip-bad imports the good files and reports the bad.

Options:
  --fps <num/den>     frame rate for image sequences (default 24/1), e.g. 24000/1001
  --skip-bad          import what can be imported, report the rest
  --no-thumbnails     don't make thumbnails now (the app makes them when it next opens the shot bin)`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      { fps: { type: 'string' }, 'skip-bad': { type: 'boolean' }, 'no-thumbnails': { type: 'boolean' } },
      'import',
    );
    if (positionals.length < 2)
      throw new CliError(
        'reshoot import: expected <project> and at least one media path. See --help.',
        EXIT.usage,
      );
    const sequenceFps = frameRate(values.fps, 'fps', 'import');
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const result = await handlers['shots.import']({
        paths: positionals.slice(1).map((p) => resolve(io.cwd, p)),
        skipBad: !!values['skip-bad'],
        ...(sequenceFps ? { sequenceFps } : {}),
      });
      for (const s of result.imported) {
        io.out(
          `Imported ${s.name}: ${s.width}x${s.height}, ${s.fps.num}/${s.fps.den} fps, ${s.frameCount} frames\n`,
        );
        for (const w of s.mediaWarnings) io.err(`Warning: ${s.name}: ${w}\n`);
      }
      for (const f of result.failed) io.err(`Not imported: ${f.message}\n`);
      if (!values['no-thumbnails'] && result.imported.length) await core.require().runner.whenIdle();
      return result.failed.length ? EXIT.failure : EXIT.ok;
    } catch (e) {
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};
