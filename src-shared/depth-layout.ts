/**
 * How depth maps are laid out on disk, said once. Inside a project (`cache/depth/<shot>/`) and in a
 * job's scratch folder: one file per frame, `frame_00000.f16` for frame index 0 — float16 little-endian,
 * planar z along the optical axis, row-major, top row first, 0 = no depth. Exported for other programs
 * (the ground-truth layout): `frame_0001.f32` for frame index 0, float32 little-endian, same grid.
 *
 * Beside each depth file, `frame_00000.state`: one byte per pixel on the same grid saying what the pixel
 * is (see DepthState) and how sure Reshoot is of it: the low 2 bits are the state, the high 6 bits the
 * confidence quantised to 0..63 (0..1). A depth file without its state file (made by an older Reshoot)
 * reads as measured wherever depth > 0 and invalid elsewhere.
 */

/** What a pixel of a depth map is. Only measured and propagated pixels carry a finite depth. */
export const DepthState = {
  /** No depth: not matched, hidden, out of every other view, or hole-filled (a display aid only). */
  invalid: 0,
  /** Matched in the images and confirmed by another frame's depth. */
  measured: 1,
  /**
   * Not confirmed by this frame's own check, but carried from measured depth: from neighbouring frames
   * that measured the same surface where this frame's own match agrees, or across a textureless patch on
   * the plane its measured rim agrees on.
   */
  propagated: 2,
  /** Sky or background too far for any parallax: a direction, not a distance (depth stored as 0). */
  infinity: 3,
} as const;
export type DepthStateCode = (typeof DepthState)[keyof typeof DepthState];

/** One pixel's state byte: the state in the low 2 bits, the confidence (clamped to 0..1) in the high 6. */
export function encodeDepthState(state: DepthStateCode, confidence: number): number {
  const c = confidence > 0 ? Math.min(63, Math.round(confidence * 63)) : 0;
  return (c << 2) | state;
}

export function depthStateOf(byte: number): DepthStateCode {
  return (byte & 3) as DepthStateCode;
}

export function depthConfidenceOf(byte: number): number {
  return (byte >> 2) / 63;
}

/**
 * The state bytes of a depth map that has no state file (made by an older Reshoot): measured at full
 * confidence wherever depth > 0 (and finite), invalid elsewhere.
 */
export function depthStatesFromDepth(depth: ArrayLike<number>): Uint8Array {
  const measured = encodeDepthState(DepthState.measured, 1);
  const out = new Uint8Array(depth.length);
  for (let i = 0; i < depth.length; i++) {
    const z = depth[i]!;
    if (z > 0 && z < Infinity) out[i] = measured;
  }
  return out;
}

/** How many pixels are in each state, indexed by DepthStateCode. */
export function countDepthStates(states: Uint8Array): Uint32Array {
  const n = new Uint32Array(4);
  for (let i = 0; i < states.length; i++) n[states[i]! & 3]!++;
  return n;
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`bad frame index ${index}`);
}

/** The project's own depth file of a frame: `frame_00000.f16` for index 0. */
export function projectDepthFileName(index: number, extension: 'f16' | 'rgb' | 'state' = 'f16'): string {
  checkIndex(index);
  return `frame_${String(index).padStart(5, '0')}.${extension}`;
}

/** The exported depth file of a frame (ground-truth layout): `frame_0001.f32` for index 0. */
export function exportedDepthFileName(index: number): string {
  checkIndex(index);
  return `frame_${String(index + 1).padStart(4, '0')}.f32`;
}

/** The state file beside a depth file: `…/frame_00000.state` for `…/frame_00000.f16`. */
export function depthStateFileFor(depthFile: string): string {
  if (!depthFile.endsWith('.f16')) throw new RangeError(`not a depth file (.f16): ${depthFile}`);
  return `${depthFile.slice(0, -'.f16'.length)}.state`;
}
