/**
 * Pre/post-processing for Depth Anything V2 (single image) and Video Depth Anything (clips).
 *
 * Pre: RGB 8-bit → 0..1 → resize (bilinear, half-pixel) keeping the aspect ratio so the short side is
 * `shortSide` (518 as upstream) → pad right/bottom by edge repetition up to multiples of the ViT patch
 * size (14) → ImageNet normalisation → NCHW (or B·T·C·H·W for video).
 * Post: the network's map at the padded size → crop the padding → resize back to the frame's size.
 * Output is the model's relative inverse depth (larger = nearer), in its own arbitrary scale.
 *
 * Upstream resizes straight to multiples of 14 (slightly changing the aspect ratio); padding keeps the
 * geometry exact, which matters more to us than the last fraction of accuracy.
 */
import { abortError, type InferenceBackend, type ProviderName } from '../types';
import {
  IMAGENET_MEAN,
  IMAGENET_STD,
  checkImage,
  cropTopLeft,
  normalise,
  padEdge,
  resizeBilinear,
  roundUpTo,
  toPlanar,
  type RgbImage,
} from './image';

export const DEPTH_ANYTHING_V2_ADAPTER = 'depth-anything-v2';
export const VIDEO_DEPTH_ANYTHING_ADAPTER = 'video-depth-anything';
export const DA_V2_IO = { input: 'pixel_values', output: 'predicted_depth' } as const;
export const VDA_IO = { input: 'images', output: 'depth' } as const;
export const PATCH_SIZE = 14;

export interface DepthOptions {
  /** Short side of the network input before padding (default 518). */
  shortSide?: number;
  signal?: AbortSignal;
}

export interface DepthPlan {
  width: number;
  height: number;
  /** Size the frame is resized to (aspect kept). */
  resizedW: number;
  resizedH: number;
  /** Network input size: resized size padded to multiples of 14. */
  inputW: number;
  inputH: number;
}

export function planDepth(width: number, height: number, shortSide = 518): DepthPlan {
  const s = shortSide / Math.min(width, height);
  const resizedW = Math.max(1, Math.round(width * s));
  const resizedH = Math.max(1, Math.round(height * s));
  return {
    width,
    height,
    resizedW,
    resizedH,
    inputW: roundUpTo(resizedW, PATCH_SIZE),
    inputH: roundUpTo(resizedH, PATCH_SIZE),
  };
}

/** One frame → normalised planar [3, inputH, inputW], written at `offset` of `out` if given. */
export function preprocessDepthFrame(
  img: RgbImage,
  plan: DepthPlan,
  out?: Float32Array,
  offset = 0,
): Float32Array {
  checkImage(img, 'depth input frame');
  if (img.width !== plan.width || img.height !== plan.height) {
    throw new RangeError(
      `depth input frame: ${img.width}×${img.height}, expected ${plan.width}×${plan.height} like the first frame`,
    );
  }
  const planar = toPlanar(img);
  const resized = resizeBilinear(planar, 3, img.height, img.width, plan.resizedH, plan.resizedW);
  const padded = padEdge(resized, 3, plan.resizedH, plan.resizedW, plan.inputH, plan.inputW);
  normalise(padded, IMAGENET_MEAN, IMAGENET_STD);
  if (!out) return padded;
  out.set(padded, offset);
  return out;
}

/** The network's map [inputH, inputW] → depth at the frame's size [height, width]. */
export function postprocessDepthMap(map: Float32Array, plan: DepthPlan): Float32Array {
  if (map.length !== plan.inputH * plan.inputW) {
    throw new RangeError(`depth output: ${map.length} values, expected ${plan.inputH}×${plan.inputW}`);
  }
  const cropped = cropTopLeft(map, 1, plan.inputH, plan.inputW, plan.resizedH, plan.resizedW);
  return resizeBilinear(cropped, 1, plan.resizedH, plan.resizedW, plan.height, plan.width);
}

export interface DepthResult {
  width: number;
  height: number;
  /** One map per frame, row-major, at the frame's size. */
  depth: Float32Array[];
  provider: ProviderName;
}

/** Depth Anything V2: frames one by one (batch 1); the signal is checked between frames. */
export async function runDepthAnythingV2(
  backend: InferenceBackend,
  modelKey: string,
  frames: RgbImage[],
  options: DepthOptions = {},
): Promise<DepthResult> {
  const first = frames[0];
  if (!first) throw new RangeError('depth: no frames');
  const plan = planDepth(first.width, first.height, options.shortSide);
  const depth: Float32Array[] = [];
  let provider: ProviderName = 'cpu';
  for (const f of frames) {
    if (options.signal?.aborted) throw abortError(options.signal);
    const x = preprocessDepthFrame(f, plan);
    const r = await backend.run(
      modelKey,
      { [DA_V2_IO.input]: { type: 'float32', dims: [1, 3, plan.inputH, plan.inputW], data: x } },
      options.signal ? { signal: options.signal } : {},
    );
    const out = r.outputs[DA_V2_IO.output];
    if (!out)
      throw new Error(
        `depth: model output '${DA_V2_IO.output}' missing (got ${Object.keys(r.outputs).join(', ')})`,
      );
    depth.push(postprocessDepthMap(out.data as Float32Array, plan));
    provider = r.provider;
  }
  return { width: plan.width, height: plan.height, depth, provider };
}

/**
 * Video Depth Anything: frames in windows of up to `window` (32 as upstream) as one [1, T, 3, H, W]
 * tensor each; the signal is checked between windows.
 * Not done yet: upstream overlaps windows and aligns each window's scale/shift to the previous one;
 * here windows are independent, so depth scale may jump at window boundaries.
 */
export async function runVideoDepthAnything(
  backend: InferenceBackend,
  modelKey: string,
  frames: RgbImage[],
  options: DepthOptions & { window?: number } = {},
): Promise<DepthResult> {
  const first = frames[0];
  if (!first) throw new RangeError('video depth: no frames');
  const plan = planDepth(first.width, first.height, options.shortSide);
  const win = Math.max(1, options.window ?? 32);
  const per = 3 * plan.inputH * plan.inputW;
  const depth: Float32Array[] = [];
  let provider: ProviderName = 'cpu';
  for (let s = 0; s < frames.length; s += win) {
    if (options.signal?.aborted) throw abortError(options.signal);
    const chunk = frames.slice(s, s + win);
    const x = new Float32Array(chunk.length * per);
    chunk.forEach((f, i) => preprocessDepthFrame(f, plan, x, i * per));
    const r = await backend.run(
      modelKey,
      { [VDA_IO.input]: { type: 'float32', dims: [1, chunk.length, 3, plan.inputH, plan.inputW], data: x } },
      options.signal ? { signal: options.signal } : {},
    );
    const out = r.outputs[VDA_IO.output];
    if (!out)
      throw new Error(
        `video depth: model output '${VDA_IO.output}' missing (got ${Object.keys(r.outputs).join(', ')})`,
      );
    const m = plan.inputH * plan.inputW;
    const data = out.data as Float32Array;
    if (data.length !== chunk.length * m) {
      throw new RangeError(
        `video depth: output has ${data.length} values, expected ${chunk.length}×${plan.inputH}×${plan.inputW}`,
      );
    }
    for (let i = 0; i < chunk.length; i++)
      depth.push(postprocessDepthMap(data.subarray(i * m, (i + 1) * m), plan));
    provider = r.provider;
  }
  return { width: plan.width, height: plan.height, depth, provider };
}
