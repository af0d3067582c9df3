import { documentToTrack, trajectoryMetrics } from '../../../../src-shared/geometry';
import { readCamerasFile } from '../../../geometry-io';
import { CliError, EXIT, type CliCommand } from '../command';
import { parseCommandArgs, positiveInteger } from '../args';
import { resolve } from 'node:path';

export const metricsCommand: CliCommand = {
  path: ['metrics'],
  summary: 'Compare an estimated camera path with a reference (ATE, RPE, RotErr, TransErr)',
  help: `Usage: reshoot metrics <estimated cameras.json> <reference cameras.json> [--json] [--rpe-step N] [--no-scale]

Aligns the estimate to the reference with a similarity (Umeyama, Sim(3); --no-scale for SE(3)) on frames
with the same index, then prints ATE (RMSE and fraction of path length), RPE (translation RMSE and mean
rotation per frame step), RotErr (sum of geodesic angles, degrees) and TransErr (sum of centre distances).
Definitions: docs/geometry.md.

Example:
  reshoot metrics solved/cameras.json gt/orbit_a/cameras.json --json`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { json: { type: 'boolean' }, 'rpe-step': { type: 'string' }, 'no-scale': { type: 'boolean' } },
      'metrics',
    );
    if (positionals.length !== 2)
      throw new CliError(
        "reshoot metrics: expected <estimated cameras.json> <reference cameras.json>. See 'reshoot metrics --help'.",
        EXIT.usage,
      );
    const step = positiveInteger(values['rpe-step'], 'rpe-step', 'metrics') ?? 1;
    const [estFile, refFile] = positionals.map((p) => resolve(io.cwd, p)) as [string, string];
    const load = (f: string) => {
      try {
        return documentToTrack(readCamerasFile(f));
      } catch (e) {
        throw new CliError(`reshoot metrics: ${(e as Error).message}`, EXIT.notFound);
      }
    };
    const est = load(estFile);
    const ref = load(refFile);
    const refByIndex = new Map(ref.frames.map((f) => [f.index, f.camera]));
    const pairs = est.frames.filter((f) => refByIndex.has(f.index));
    if (pairs.length !== est.frames.length || pairs.length !== ref.frames.length)
      throw new CliError(
        `reshoot metrics: frame indices differ (${est.frames.length} estimated, ${ref.frames.length} reference, ${pairs.length} in common)`,
        EXIT.failure,
      );
    const m = trajectoryMetrics(
      pairs.map((f) => f.camera),
      pairs.map((f) => refByIndex.get(f.index)!),
      { rpeStep: step, withScale: !values['no-scale'] },
    );
    if (values.json) io.out(JSON.stringify(m, null, 1) + '\n');
    else {
      io.out(
        [
          `frames            ${m.frames}`,
          `alignment         s = ${m.alignment.s.toPrecision(8)}`,
          `ATE (RMSE)        ${m.ateRmse.toExponential(4)}  (${(m.ateRelative * 100).toFixed(4)} % of path length ${m.pathLength.toFixed(4)})`,
          `RPE translation   ${m.rpeTransRmse.toExponential(4)}  (RMSE per ${m.rpeStep}-frame step)`,
          `RPE rotation      ${m.rpeRotMeanDeg.toExponential(4)} deg (mean per step)`,
          `RotErr            ${m.rotErrSumDeg.toExponential(4)} deg (sum; mean ${m.rotErrMeanDeg.toExponential(4)})`,
          `TransErr          ${m.transErrSum.toExponential(4)} (sum; mean ${m.transErrMean.toExponential(4)})`,
        ].join('\n') + '\n',
      );
    }
    return EXIT.ok;
  },
};
