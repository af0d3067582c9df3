import { join } from 'node:path';
import { TRACK_METHODS, type TrackMethod } from '../../../../src-shared/api/contract';
import { readTrackFile, stringifyTracksJson } from '../../../analysis/tracking';
import { guardOutputFile, writeOutputFile } from '../../../util/output-guard';
import { choice, parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { findShot, openCore, openProject, projectFailure } from './common';
import { follow } from './jobs';
import { analysisLines } from '../analysis-summary';
import { toApiShot } from '../../../shots';

function methodOf(value: string | undefined, command: string): TrackMethod | undefined {
  return choice(value, 'method', TRACK_METHODS, command);
}

/** A shot job run in the foreground: progress on stderr, the closing message on stdout. */
export function shotJobCommand(opts: {
  path: string[];
  type: 'track' | 'analyze';
  summary: string;
  help: string;
}): CliCommand {
  const name = opts.path.join(' ');
  return {
    path: opts.path,
    summary: opts.summary,
    help: opts.help,
    async run(argv, io) {
      const { positionals, values } = parseCommandArgs(argv, { method: { type: 'string' } }, name);
      if (positionals.length !== 2)
        throw new CliError(`reshoot ${name}: expected <project> <shot>. See --help.`, EXIT.usage);
      const method = methodOf(values.method, name);
      const { core, handlers } = await openCore(io, positionals[0]!);
      try {
        const { project } = core.require();
        const shot = findShot(project, positionals[1]!);
        const job = await handlers['jobs.start']({
          type: opts.type,
          shotId: shot.id,
          ...(method ? { method } : {}),
        });
        const code = await follow(core, io, [job.id]);
        const done = project.jobs.get(job.id)!;
        if (code === EXIT.ok) {
          io.out(`${shot.name}: ${done.message}\n`);
          if (opts.type === 'analyze') {
            const after = project.shots.get(shot.id);
            if (after) io.out(analysisLines(toApiShot(project, after)).join('\n') + '\n');
          }
        }
        return code;
      } catch (e) {
        throw projectFailure(e);
      } finally {
        await core.closeProject();
      }
    },
  };
}

export const trackCommand = shotJobCommand({
  path: ['track'],
  type: 'track',
  summary: '2D point tracks through a shot (KLT, or XFeat when its model is installed)',
  help: `Usage: reshoot track <project> <shot id or name> [--method klt|xfeat]

Runs the "Track shot" job in the foreground with progress on stderr. KLT needs no model; XFeat
needs the XFeat model ('reshoot models pull xfeat'). Tracking is saved in chunks: if stopped,
'reshoot jobs resume <project> <job id>' continues from the last finished chunk.`,
});

export const analyzeCommand = shotJobCommand({
  path: ['analyze'],
  type: 'analyze',
  summary: 'Analyze a shot: 2D tracks, source camera, depth, 3D tracks',
  help: `Usage: reshoot analyze <project> <shot id or name> [--method klt|xfeat]

Runs "Analyze shot" in the foreground: tracks (--method, default klt) → source camera (solved
from the tracks, or the camera imported with 'reshoot camera import') → per-frame depth (Depth
Anything V2 aligned to the solved points when that model is installed — see 'reshoot models' —
otherwise multi-view plane sweep) → 3D tracks. Stages whose inputs did not change since the last
run are reused. A camera solved for only part of the shot is kept ('partial': the frames it has no
pose for get no depth; 'reshoot camera status' lists them) and the command exits 0; only when no
camera could be solved at all does it say why, keep the tracks and exit 1.`,
});

export const exportTracksCommand: CliCommand = {
  path: ['export', 'tracks'],
  summary: "Write a shot's 2D tracks as tracks.json",
  help: `Usage: reshoot export tracks <project> <shot id or name> --out <tracks.json> [--method klt|xfeat]

Writes {"width","height","num_frames","num_tracks","x":[…],"y":[…],"visible":[…]}: x, y and
visible each hold num_tracks × num_frames values, track-major, in pixels of the shot's full
resolution with pixel centres at +0.5. Without --method, the newest tracks of the shot are used.
--out is written atomically (an existing file there is replaced); a Reshoot project's own files
(project.db, its -wal/-shm, project.lock, cache/, renders/, media/) are refused (exit 2).`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      { out: { type: 'string' }, method: { type: 'string' } },
      'export tracks',
    );
    if (positionals.length !== 2 || !values.out) {
      throw new CliError(
        'reshoot export tracks: expected <project> <shot> --out <file>. See --help.',
        EXIT.usage,
      );
    }
    const method = methodOf(values.method, 'export tracks');
    // Before anything else: never a project's own file (or a folder), whatever the project holds.
    const out = guardOutputFile(values.out, { cwd: io.cwd });
    const project = openProject(io, positionals[0]!, { readonly: true });
    try {
      const shot = findShot(project, positionals[1]!);
      const rec = project.tracks.get(shot.id, method);
      if (!rec) {
        throw new CliError(
          `shot '${shot.name}' has no ${method ? method.toUpperCase() + ' ' : ''}tracks yet: run 'reshoot track ${positionals[0]} ${shot.id}'.`,
          EXIT.notFound,
        );
      }
      const set = await readTrackFile(join(project.dir, rec.file));
      writeOutputFile(out, stringifyTracksJson(set));
      io.out(`Wrote ${set.numTracks} tracks × ${set.numFrames} frames to ${out}\n`);
      return EXIT.ok;
    } finally {
      project.close();
    }
  },
};
