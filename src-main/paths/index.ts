/**
 * Target camera paths: a shot's named camera moves (keyframes or per-frame samples), made by hand, from
 * presets in gauge-free units, from camera files or by transfer; their undoable edits; export.
 */
export {
  pathEditKinds,
  createPath,
  updatePath,
  duplicatePath,
  removePath,
  createPresetPath,
  importPath,
  exportPath,
  exportedPath,
  contentOf,
  pathOr404,
  sourceSamples,
  sceneDepthAt,
  MAX_PATH_NAME,
  type PathEditRecord,
} from './target-paths';
export { transferPath, type TransferOutcome } from './transfer';
export { pathCoverage, COVERAGE_GRID_WIDTH, type PathCoverage } from './coverage';
export { orientShot, sceneUpOf, type OrientRequest } from './orientation';
export { pairedWindow } from './paired';
