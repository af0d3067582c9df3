/**
 * How depth maps are laid out on disk, said once. Inside a project (`cache/depth/<shot>/`) and in a
 * job's scratch folder: one file per frame, `frame_00000.f16` for frame index 0 — float16 little-endian,
 * planar z along the optical axis, row-major, top row first, 0 = no depth. Exported for other programs
 * (the ground-truth layout): `frame_0001.f32` for frame index 0, float32 little-endian, same grid.
 */

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`bad frame index ${index}`);
}

/** The project's own depth file of a frame: `frame_00000.f16` for index 0. */
export function projectDepthFileName(index: number, extension: 'f16' | 'rgb' = 'f16'): string {
  checkIndex(index);
  return `frame_${String(index).padStart(5, '0')}.${extension}`;
}

/** The exported depth file of a frame (ground-truth layout): `frame_0001.f32` for index 0. */
export function exportedDepthFileName(index: number): string {
  checkIndex(index);
  return `frame_${String(index + 1).padStart(4, '0')}.f32`;
}
