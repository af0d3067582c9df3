/**
 * Source-camera estimation (issue 5, item 1): structure from motion for video over 2D tracks, in pure
 * TypeScript on typed arrays. Entry point: {@link solveCamera}. The minimal solvers, RANSAC estimators and
 * bundle adjustment are exported for reuse and tests. See docs/camera-solve.md.
 */
export { solveCamera, COULD_NOT_SOLVE } from './solve';
export { solveToCameraTrack } from './export';
export {
  TRACK_UNUSED,
  TRACK_INLIER,
  TRACK_DYNAMIC,
  type CameraSolve,
  type SolveOptions,
  type SolveProgress,
  type SolveStage,
  type SolveStatus,
  type SolveDiagnostics,
} from './types';
export {
  fivePoint,
  sampsonSq,
  decomposeEssential,
  ransacEssential,
  essentialFromRt,
  type RelativePose,
  type RansacOptions,
} from './essential';
export {
  homographyDlt,
  homographyErrorSq,
  ransacHomography,
  gric,
  gricEssentialVsHomography,
  rotationFromBearings,
  ransacRotation,
  type HomographyFit,
  type RotationFit,
} from './homography';
export { p3p, ransacPnp, refinePose, poseErrorSq, type AbsolutePose, type PnpResult } from './pnp';
export { triangulateDlt, refinePoint, maxTriangulationAngle, reprojErrorSq } from './triangulate';
export { bundleAdjust, bundleCost, type BundleProblem, type BundleReport } from './bundle';
export {
  reconstruct,
  chooseInitialPair,
  type IncrementalOptions,
  type Reconstruction,
  type PairChoice,
} from './incremental';
export { staticCameraTest, rotationOnlySegments, type StaticTest } from './motion';
export { solveRotationOnly, focalFromRotation, searchLogFocal, type RotationTrack } from './rotation-only';
export { TrackView } from './tracks';
export { rodrigues, rotationLog, poseFromRt, rtFromPose } from './rotation';
export { Rng, ransacIterations } from './random';
