/**
 * The XFeat model contract and the injected runner. Input: float32 [1,3,H,W] RGB 0…1, NCHW, fixed shape.
 * Outputs at H/8 × W/8: descriptors [1,64,·,·], keypoint logits [1,65,·,·] (64 cell positions + dustbin),
 * reliability [1,1,·,·]. How sessions are hosted (worker pool, provider) is not the tracker's business:
 * it gets a function.
 */
export interface XFeatOutputs {
  descriptors: Float32Array;
  logits: Float32Array;
  reliability: Float32Array;
}

export type XFeatRunner = (
  input: Float32Array,
  dims: readonly [1, 3, number, number],
) => Promise<XFeatOutputs>;

export const XFEAT_DESCRIPTOR_DIM = 64;
export const XFEAT_CELL = 8;

/**
 * Picks which output is which from their channel counts (64, 65, 1): the exported graph names them
 * with generated ids.
 */
export function assignXFeatOutputs(
  outputs: Record<string, { dims: readonly number[]; data: unknown }>,
): XFeatOutputs {
  let descriptors: Float32Array | undefined;
  let logits: Float32Array | undefined;
  let reliability: Float32Array | undefined;
  for (const t of Object.values(outputs)) {
    const c = t.dims[1];
    if (!(t.data instanceof Float32Array)) continue;
    if (c === 64) descriptors = t.data;
    else if (c === 65) logits = t.data;
    else if (c === 1) reliability = t.data;
  }
  if (!descriptors || !logits || !reliability)
    throw new Error('XFeat outputs must have 64, 65 and 1 channels');
  return { descriptors, logits, reliability };
}
