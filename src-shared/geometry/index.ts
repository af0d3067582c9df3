// Public surface of Reshoot's scene geometry core (SPEC §2–§5). Conventions: OpenCV camera axes, pose as
// centre C + unit quaternion R_wc in [w, x, y, z] layout, pixel centres at +0.5. See docs/geometry.md.
export * from './vec3';
export * from './mat3';
export * from './quat';
export * from './euler';
export * from './intrinsics';
export * from './camera';
export * from './camera-json';
export * from './camera-frames';
export * from './sim3';
export * from './metrics';
export * from './parascale';
export * from './camera-path';
export * from './target-path';
export * from './presets';
export * from './coverage';
export * from './pan-tilt-roll';
export * from './orientation';
export * from './raxels';
export * from './paired-tracks';
export { symmetricEigen } from './eigen';
export { medianInPlace } from './median';
export * from './formats/world-axes';
export * from './formats/opengl';
export * from './formats/blender';
export * from './formats/nuke-chan';
export * from './formats/colmap';
export * from './formats/usd';
