/** Rendering the target plate: reprojection, render versions and their provenance, the render job. */
export { renderJob, RENDER_CHUNK_FRAMES } from './render-job';
export {
  createRender,
  provenanceOf,
  frameKey,
  DEFAULT_WINDOW,
  type RenderRequest,
  type RenderProvenance,
} from './renders';
export { renderDir, frameFiles, versionName } from './render-files';
export { reprojectFrame, MASK_SEEN, MASK_FILLED, MASK_EMPTY, type PlateSource } from './reproject';
export { inpaintHoles } from './inpaint';
export {
  verifyRender,
  recordVerification,
  verificationOf,
  verificationSummaryOf,
  checkVerifiable,
  MIN_VERIFY_FRAMES,
  type VerifyOptions,
} from './verify';
export {
  compareWithPath,
  DEFAULT_VERIFY_THRESHOLDS,
  type ComparisonInput,
  type Comparison,
} from './verify-compare';
export { verifyJob, verifyParams } from './verify-job';
