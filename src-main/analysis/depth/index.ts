/**
 * Dense per-frame depth (issue 5, item 2). Pure TypeScript over typed arrays (no Node or DOM imports), so
 * it runs in a worker. Two paths:
 * - no model: multi-view plane-sweep stereo from the solved cameras (ShotDepthEstimator / planeSweep),
 *   geometric consistency, plane fits over textureless holes, edge-aware hole filling, sparse anchoring;
 * - with a model: robust scale-and-shift alignment of affine-invariant inverse depth to sparse points,
 *   temporal stabilisation, conversion to planar depth (align.ts).
 * Plus storage (float16, per-frame statistics) and export (ground-truth shot layout, docs/depth.md) helpers.
 * Depth is planar z along the optical axis in the cameras' gauge (SPEC §2); pixel centres at +0.5.
 */
export * from './image';
export * from './box-filter';
export * from './ncc';
export * from './homography';
export * from './plane-sweep';
export * from './coarse-to-fine';
export * from './stereo-kernels';
export * from './reference-sweep';
export * from './neighbours';
export * from './view-selection';
export * from './infinity';
export * from './consistency';
export * from './planar-fill';
export * from './fill';
export * from './sparse';
export * from './shot-depth';
export * from './align';
export * from './float16';
export * from './stats';
export * from './export';
