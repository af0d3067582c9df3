/** Metrics of a solve against ground-truth poses, as one printable line. */
import { trajectoryMetrics, type Pose, type TrajectoryMetrics } from '../../../src-shared/geometry';
import type { CameraSolve } from '../../../src-main/analysis/camera';
import { TRUE_FOCAL } from './gt-fixture';

export function evaluate(
  solve: CameraSolve,
  truth: Pose[],
): { m: TrajectoryMetrics; focalErr: number; line: string } {
  const est = solve.poses.map((p, i) => p ?? truth[i]!);
  if (solve.poses.some((p) => !p)) throw new Error(`unregistered frames: ${solve.message}`);
  const m = trajectoryMetrics(est, truth);
  const focalErr = solve.intrinsics.fx / TRUE_FOCAL - 1;
  const t = solve.diagnostics.timingsMs;
  const total = Object.values(t).reduce((a, b) => a + (b ?? 0), 0);
  const line =
    `${solve.status}: ATE ${(100 * m.ateRelative).toFixed(3)} % of path, RPE rot ${m.rpeRotMeanDeg.toFixed(4)}°/frame, ` +
    `focal ${solve.intrinsics.fx.toFixed(1)} px (${(100 * focalErr).toFixed(2)} %, ${solve.diagnostics.focalSource}), ` +
    `reproj ${solve.diagnostics.reprojectionRmsPx.toFixed(3)} px, ${solve.diagnostics.points} points, solve ${(total / 1000).toFixed(1)} s`;
  return { m, focalErr, line };
}
