import type { Render, RenderVerification } from '../../../../src-shared/api/contract';
import { DEFAULT_VERIFY_THRESHOLDS } from '../../../render';
import { numberInRange, parseCommandArgs } from '../args';
import { CliError, EXIT, type CliCommand } from '../command';
import { findShot, openCore, projectFailure } from './common';
import { follow } from './jobs';

const T = DEFAULT_VERIFY_THRESHOLDS;
const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(2)} %`);
const num = (v: number | null, digits: number) => (v === null ? '–' : v.toFixed(digits));

/** The text form of a verification: the verdict, the metrics, the solve, where it deviates, notes. */
export function verifyReport(r: Render, v: RenderVerification): string {
  const m = v.metrics;
  const lines = [`${r.pathName} ${r.name} (frames ${r.firstFrame}–${r.lastFrame}): ${v.verdict}`, v.text];
  if (m)
    lines.push(
      '',
      `frames compared     ${m.framesCompared} of ${m.framesTotal}`,
      `RotErr              sum ${num(m.rotErrSumDeg, 2)}°, mean ${num(m.rotErrMeanDeg, 3)}°, worst ${num(m.rotErrMaxDeg, 3)}°`,
      `TransErr            sum ${m.transErrSum.toPrecision(4)}, mean ${m.transErrMean.toPrecision(4)} (shot units); ` +
        `mean ${pct(m.transErrMeanRel)}, worst ${pct(m.transErrMaxRel)} of the scene depth`,
      `ATE                 ${m.ateRmse.toPrecision(4)} (RMSE, shot units), ${pct(m.ateRelative)} of the path's length`,
      `PCE                 ${num(m.pce, 4)}`,
      `alignment scale     ${m.alignmentScale.toPrecision(5)}`,
    );
  const s = v.solve;
  lines.push(
    `solve               ${s.message}: ${s.framesSolved} frames, ${s.tracks} tracks (${s.maskedObservations} observations masked), ` +
      `RMS ${num(s.reprojectionRmsPx, 2)} px at ${s.width}×${s.height}, focal ${s.focalPx.toFixed(1)} px, ${s.seconds.toFixed(1)} s`,
  );
  for (const sp of v.spans) lines.push(`  ${sp.text}`);
  for (const n of v.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

export const renderVerifyCommand: CliCommand = {
  path: ['render', 'verify'],
  summary: 'Verify a render: solve the plate and compare its camera with the target path',
  help: `Usage: reshoot render verify <project> <shot id or name> --path NAME [--version N] [--json]

Tracks and solves the rendered plate with Reshoot's own analysis (KLT tracks, the camera solve with the
path's focal; what the render's mask calls empty or inpainted is left out) and compares the camera it
recovers with the target path NAME after a similarity alignment (the plate's camera has its own scale
and world): RotErr and TransErr (sums and per-frame means), ATE, and PCE between the two parallax (Π)
sequences. Prints a verdict: the plate follows the path, or the frames where it does not. The result
is kept with the render (the app shows it). Definitions and thresholds: docs/rendering.md.

Thresholds: a frame deviates beyond RotErr ${T.rotErrFrameDeg}° or a camera ${100 * T.transErrFrameRel} % of the scene depth off the
path; the plate follows when no frame deviates, the means stay within ${T.rotErrMeanDeg}° and ${100 * T.transErrMeanRel} %, PCE within
${T.pce}, and at least ${100 * T.minSolvedShare} % of the frames could be solved.

Options:
  --version N   the render version to verify (default: the newest finished one of the path)
  --json        the whole result: {"render":{"id","pathName","version","name"},"verdict":"follows"|
                "deviates"|"unverifiable","text","metrics":{"framesCompared","framesTotal","rotErrSumDeg",
                "rotErrMeanDeg","rotErrMaxDeg","transErrSum","transErrMean","transErrMeanRel",
                "transErrMaxRel","ateRmse","ateRelative","pce","alignmentScale"},"spans":[{"first","last",
                "kind","worstRotErrDeg","worstTransErrRel","text"}],"thresholds":{…},"solve":{…},
                "notes":[…],"frames":[{"frame","solved","rotErrDeg","transErr","transErrRel"}],
                "pi":{"requested":[…],"recovered":[…]},"verifiedAt","reshootVersion"}

Exit codes: 0 when the plate follows the path; 1 when it does not, cannot be verified (too few frames
solved) or the verification failed; 3 when the path or the version does not exist.

Example:
  reshoot render verify orbit.reshoot orbit_a --path target --json`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs(
      argv,
      { path: { type: 'string' }, version: { type: 'string' }, json: { type: 'boolean' } },
      'render verify',
    );
    if (positionals.length !== 2 || !values.path)
      throw new CliError(
        'reshoot render verify: expected <project> <shot> --path NAME. See --help.',
        EXIT.usage,
      );
    const version = numberInRange(
      values.version,
      'version',
      { min: 1, max: 999_999, integer: true },
      'render verify',
    );
    const { core, handlers } = await openCore(io, positionals[0]!);
    try {
      const { project } = core.require();
      const shot = findShot(project, positionals[1]!);
      const paths = await handlers['paths.list']({ shotId: shot.id });
      const path = paths.find((p) => p.name === values.path);
      const renders = (await handlers['renders.list']({ shotId: shot.id })).filter((r) =>
        path ? r.pathId === path.id : r.pathName === values.path,
      );
      if (!path && renders.length === 0) {
        const names = paths.map((x) => `'${x.name}'`).join(', ');
        throw new CliError(
          `shot '${shot.name}' has no target path named '${values.path}'${names ? ` (it has ${names})` : ''}.`,
          EXIT.notFound,
        );
      }
      const render =
        version !== undefined
          ? renders.find((r) => r.version === version)
          : renders.filter((r) => r.status === 'done').at(-1);
      if (!render) {
        const have = renders.map((r) => `${r.name} (${r.status})`).join(', ');
        throw new CliError(
          version !== undefined
            ? `path '${values.path}' has no render v${String(version).padStart(3, '0')}${have ? ` (it has ${have})` : ''}.`
            : `path '${values.path}' has no finished render${have ? ` (it has ${have})` : ''}: render it first ('reshoot render').`,
          EXIT.notFound,
        );
      }
      const { job } = await handlers['renders.verify']({ renderId: render.id });
      const code = await follow(core, io, [job.id]);
      if (code !== EXIT.ok) {
        const failed = project.jobs.get(job.id);
        throw new CliError(
          `verifying ${render.pathName} ${render.name} failed: ${failed?.error ?? failed?.message ?? 'the job did not finish'}`,
          EXIT.failure,
        );
      }
      const v = await handlers['renders.verification']({ renderId: render.id });
      if (!v) throw new CliError(`verifying ${render.pathName} ${render.name} left no result.`, EXIT.failure);
      if (values.json)
        io.out(
          JSON.stringify(
            {
              render: {
                id: render.id,
                pathName: render.pathName,
                version: render.version,
                name: render.name,
              },
              ...v,
            },
            null,
            2,
          ) + '\n',
        );
      else io.out(verifyReport(render, v));
      return v.verdict === 'follows' ? EXIT.ok : EXIT.failure;
    } catch (e) {
      throw projectFailure(e);
    } finally {
      await core.closeProject();
    }
  },
};
