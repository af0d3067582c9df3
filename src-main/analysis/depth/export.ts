/**
 * Depth export in the ground-truth shot layout (docs/depth.md): `depth/frame_0001.f32` … (frame index i → number i + 1, four
 * digits), each raw little-endian float32, height × width row-major, top row first, planar z-depth in the
 * gauge of the exported camera, 0 = invalid (sky, unknown, masked out). Pure: returns bytes and names, the
 * caller writes files. The depth grid's intrinsics are the camera's scaled to its size (depth_K in
 * cameras.json).
 */
import { exportedDepthFileName } from '../../../src-shared/depth-layout';

/** `frame_0001.f32` for frame index 0 (the ground-truth layout). */
export const depthFileName = exportedDepthFileName;

/**
 * Little-endian float32 bytes of a depth map; pixels that are masked out (valid[i] = 0), non-finite or
 * ≤ 0 are written as 0.
 */
export function encodeDepthF32LE(depth: Float32Array, valid?: Uint8Array): Uint8Array {
  const n = depth.length;
  if (valid && valid.length !== n) throw new RangeError('encodeDepthF32LE: mask size mismatch');
  const out = new Uint8Array(n * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const d = depth[i]!;
    dv.setFloat32(4 * i, d > 0 && d !== Infinity && (!valid || valid[i]) ? d : 0, true);
  }
  return out;
}

/** Inverse of encodeDepthF32LE (for reading exports back). */
export function decodeDepthF32LE(bytes: Uint8Array, width: number, height: number): Float32Array {
  if (bytes.length !== width * height * 4)
    throw new RangeError(`decodeDepthF32LE: ${bytes.length} bytes for ${width}×${height} float32`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(4 * i, true);
  return out;
}

export interface ExportedDepthFile {
  /** Relative path inside the export folder, e.g. `depth/frame_0001.f32`. */
  path: string;
  bytes: Uint8Array;
}

/** One file per frame; `gaugeScale` multiplies depth (to match a camera exported in another gauge). */
export function exportDepthFrames(
  frames: readonly { index: number; depth: Float32Array; valid?: Uint8Array }[],
  options: { folder?: string; gaugeScale?: number } = {},
): ExportedDepthFile[] {
  const folder = options.folder ?? 'depth';
  const s = options.gaugeScale ?? 1;
  if (!(s > 0)) throw new RangeError('exportDepthFrames: gaugeScale must be > 0');
  return frames.map((f) => {
    const d = s === 1 ? f.depth : Float32Array.from(f.depth, (v) => v * s);
    return {
      path: folder ? `${folder}/${depthFileName(f.index)}` : depthFileName(f.index),
      bytes: encodeDepthF32LE(d, f.valid),
    };
  });
}
