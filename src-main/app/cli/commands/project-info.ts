import { parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { openProject } from './common';
import { analysisState } from '../analysis-summary';
import { toApiShot } from '../../../shots';
import type { Shot } from '../../../../src-shared/api/contract';

/** The analysis part of a shot for --json: the same records the Analysis panel reads. */
const analysisOf = (s: Shot) => ({
  analysis: s.analysis,
  camera: s.camera,
  lens: s.lens,
  depth: s.depth,
  tracks: s.tracks,
});

function fpsLabel(num: number, den: number): string {
  const v = num / den;
  return den === 1 ? String(num) : `${(Math.round(v * 1000) / 1000).toString()} (${num}/${den})`;
}

export const infoCommand: CliCommand = {
  path: ['info'],
  summary: "List a project's shots with size, fps, frames, timecode, reel and analysis state",
  help: `Usage: reshoot info <project> [--json]

Prints the project's shots. Works while the project is open in the app (it only reads).

Options:
  --json    machine-readable output: { project, shots: [{ id, name, path, width, height,
            fps: {num, den}, frameCount, startTimecode, reelName, …, analysis (stages),
            camera, lens, depth, tracks }] }

The ANALYSIS column says where each shot's analysis stands: the source camera's verdict, the share
of pixels with a depth, a failed stage.`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, 'info');
    if (positionals.length !== 1)
      throw new CliError('reshoot info: expected one argument, the project folder. See --help.', EXIT.usage);
    const project = openProject(io, positionals[0]!, { readonly: true });
    try {
      const shots = project.shots.list();
      if (values.json) {
        io.out(
          JSON.stringify(
            {
              project: { path: project.dir, name: project.name, schemaVersion: project.schemaVersion },
              shots: shots.map((s) => ({
                id: s.id,
                name: s.name,
                kind: s.kind,
                path: s.mediaPath,
                width: s.width,
                height: s.height,
                pixelAspect: { num: s.parNum, den: s.parDen },
                rotation: s.rotation,
                fps: { num: s.fpsNum, den: s.fpsDen },
                vfr: s.facts.vfr,
                frameCount: s.frameCount,
                startTimecode: s.startTimecode,
                reelName: s.reelName,
                codec: s.facts.codec,
                colourTag: s.colourTag,
                ...analysisOf(toApiShot(project, s)),
              })),
            },
            null,
            2,
          ) + '\n',
        );
        return EXIT.ok;
      }
      io.out(`${project.name} — ${project.dir}\n`);
      if (shots.length === 0) {
        io.out('No shots yet. Add some with: reshoot import <project> <media…>\n');
        return EXIT.ok;
      }
      const rows = [
        ['ID', 'SHOT', 'SIZE', 'FPS', 'FRAMES', 'START TC', 'REEL', 'ANALYSIS'],
        ...shots.map((s) => [
          String(s.id),
          s.name,
          `${s.width}x${s.height}`,
          fpsLabel(s.fpsNum, s.fpsDen) + (s.facts.vfr ? ' VFR' : ''),
          String(s.frameCount),
          s.startTimecode ?? '—',
          s.reelName ?? '—',
          analysisState(toApiShot(project, s)),
        ]),
      ];
      const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
      for (const r of rows)
        io.out(
          r
            .map((v, c) => v.padEnd(widths[c]!))
            .join('  ')
            .trimEnd() + '\n',
        );
      return EXIT.ok;
    } finally {
      project.close();
    }
  },
};
