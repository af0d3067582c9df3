/** The depth stages of "Analyze shot", run in its worker: plane sweep per chunk, model depth per chunk and its alignment over the shot. */
import { camerasByFrame, scaled } from '../stage-cameras';
import { backprojectPixel, type Camera } from '../../../src-shared/geometry';
import {
  DEPTH_NEIGHBOUR_MARGIN,
  depthGrid,
  rawColourFile,
  rawDepthFile,
  type AnalysisRequest,
  type AnalysisResult,
  type DepthFrameResult,
} from '../analysis-protocol';
import {
  NoBaselineError,
  ShotDepthEstimator,
  decodeFloat16,
  depthStats,
  encodeFloat16,
  float16FromBytesLE,
  float16ToBytesLE,
  alignedDepth,
  alignmentConfidence,
  alignmentSamples,
  grayFromRgb,
  projectSparsePoints,
  stabiliseAlignments,
  type AlignmentSamples,
  type StereoView,
} from './index';
import { readPoints, writePoints } from '../point-file';
import { runDepthAnythingV2 } from '../../inference/adapters/depth-anything';
import { SessionHost } from '../../inference/session-host';
import { rgbFrames } from '../tracking';
import { writeFileAtomic } from '../../util/atomic-write';
import {
  DepthState,
  depthStateFileFor,
  depthStateOf,
  encodeDepthState,
} from '../../../src-shared/depth-layout';
import { mkdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { sharedImage, startSweepHelper, type SweepHelper } from './sweep-helper';

/**
 * Pixels of a depth map with valid depth on a grid of one in `step` along each axis (8 at 640 wide: the
 * same density of points as every 4th pixel at 320 gave), back-projected and coloured (the 3D view's
 * dense cloud).
 */
function addDensePoints(
  depth: Float32Array,
  rgb: Uint8Array,
  cam: Camera,
  W: number,
  H: number,
  xyz: number[],
  colours: number[],
): void {
  const step = Math.max(4, Math.round(W / 80));
  const half = step >> 1;
  for (let y = half; y < H; y += step)
    for (let x = half; x < W; x += step) {
      const z = depth[y * W + x]!;
      if (!(z > 0)) continue;
      const X = backprojectPixel(cam, x + 0.5, y + 0.5, z);
      xyz.push(X[0], X[1], X[2]);
      const o = 3 * (y * W + x);
      colours.push(rgb[o]!, rgb[o + 1]!, rgb[o + 2]!);
    }
}

/**
 * The depth to store and its state bytes, made to agree: depth only where the state says measured or
 * propagated (and the depth is positive), 0 elsewhere; a pixel the state calls measured or propagated
 * without a usable depth is stored invalid.
 */
export function storedDepth(
  depth: Float32Array,
  state: Uint8Array,
): { depth: Float32Array; valid: Uint8Array; state: Uint8Array } {
  const n = depth.length;
  const out = new Float32Array(n);
  const valid = new Uint8Array(n);
  const st = state.slice();
  for (let p = 0; p < n; p++) {
    const s = depthStateOf(st[p]!);
    if (s !== DepthState.measured && s !== DepthState.propagated) continue;
    const z = depth[p]!;
    if (z > 0 && z < Infinity) {
      out[p] = z;
      valid[p] = 1;
    } else st[p] = DepthState.invalid;
  }
  return { depth: out, valid, state: st };
}

/** Writes a frame's depth map and, beside it, its state bytes (src-shared/depth-layout.ts). */
async function writeDepthFiles(depthFile: string, depth: Float32Array, state: Uint8Array): Promise<void> {
  await writeFileAtomic(depthFile, float16ToBytesLE(encodeFloat16(depth)));
  await writeFileAtomic(depthStateFileFor(depthFile), state);
}

/** A frame's statistics for the project database (a frame with no valid pixel has 0 for its depths). */
function frameResult(frame: number, depth: Float32Array, valid: Uint8Array): DepthFrameResult {
  const st = depthStats(depth, valid);
  const or0 = (v: number) => (Number.isFinite(v) ? v : 0);
  return { frame, median: or0(st.median), p5: or0(st.p5), p95: or0(st.p95), validFraction: st.validFraction };
}

/**
 * Plane-sweep depth for a chunk of frames. Stereo runs over each stretch of consecutive frames that have
 * a pose; a frame without one (a partial camera), or without parallax to its neighbours (the camera only
 * turned or held still there, or the camera has no sparse points at all), gets no depth: its map is
 * written all invalid.
 */
export async function depthStage(
  req: Extract<AnalysisRequest, { stage: 'depth' }>,
  progress: (done: number) => void,
): Promise<AnalysisResult> {
  const { facts } = req;
  const cams = camerasByFrame(req.cameras, facts.frameCount);
  const { width: W, height: H } = depthGrid(facts.width, facts.height);
  const s = W / facts.width;
  const lo = Math.max(0, req.start - DEPTH_NEIGHBOUR_MARGIN);
  const hi = Math.min(facts.frameCount, req.start + req.count + DEPTH_NEIGHBOUR_MARGIN);
  const views: (StereoView | null)[] = [];
  const colours = new Map<number, Uint8Array>();
  for await (const f of rgbFrames(facts, { start: lo, count: hi - lo, width: W, height: H })) {
    const cam = cams[f.index];
    // in shared memory, so the helper thread reads the frames without a copy
    const image = grayFromRgb(f.rgb, W, H, 3, sharedImage(W, H));
    views.push(cam ? { image, camera: scaled(cam, s, W, H) } : null);
    if (cam && f.index >= req.start && f.index < req.start + req.count && f.index % req.denseEvery === 0) {
      colours.set(f.index, f.rgb.slice());
    }
  }
  if (views.length !== hi - lo)
    throw new Error(`decoded ${views.length} of ${hi - lo} frames from ${facts.path}`);
  // The sparse points set the range to sweep; a camera without them (static, or one that only turned)
  // has no parallax to measure either, and gets no depth.
  const points = await readPoints(req.pointsFile);
  const sparsePoints = points.xyz.length >= 3 * 8 ? points.xyz : null;
  // The stretches of frames with a pose and one gauge in the window, [from, to) relative to lo.
  const runs: { from: number; to: number; est?: ShotDepthEstimator }[] = stereoRuns(
    views.map((v) => v !== null),
    views.map((_, k) => req.gauges?.[lo + k] ?? 0),
  );
  const results: DepthFrameResult[] = [];
  const dense: number[] = [];
  const denseRgb: number[] = [];
  // a second core sweeps frames ahead while this thread checks and fills (same maps either way)
  const helper = sparsePoints && availableParallelism() > 1 ? helperOrNone(views) : null;
  try {
    for (let i = req.start; i < req.start + req.count; i++) {
      const k = i - lo;
      const run = runs.find((r) => k >= r.from && k < r.to);
      let depth: Float32Array = new Float32Array(W * H);
      let valid: Uint8Array = new Uint8Array(W * H);
      let state: Uint8Array = new Uint8Array(W * H);
      // a lone frame with a pose has no neighbour to match against, and one where the camera only turned
      // (or held still) has no parallax to measure: no depth for those either
      if (sparsePoints && run && run.to - run.from >= 2) {
        run.est ??= new ShotDepthEstimator(views.slice(run.from, run.to) as StereoView[], {
          sparsePoints,
          // hole filling is a display aid that is never stored
          fill: false,
        });
        const from = run.from;
        try {
          // the chunk's last frame in this run: nothing is swept ahead for frames after it
          const last = Math.min(req.start + req.count - lo, run.to) - 1 - from;
          if (helper) await run.est.prepare(k - from, helper, (x) => x + from, last);
          const fd = run.est.frame(k - run.from);
          ({ depth, valid, state } = storedDepth(fd.depth, fd.state));
        } catch (e) {
          if (!(e instanceof NoBaselineError)) throw e;
        }
        // what the next frames still read: sweeps and checks from 4 frames back (partners of partners)
        run.est.forget(k - run.from - 4, run.to - run.from);
      }
      await writeDepthFiles(req.depthFiles[i - req.start]!, depth, state);
      results.push(frameResult(i, depth, valid));
      const rgb = colours.get(i);
      if (rgb) addDensePoints(depth, rgb, views[k]!.camera, W, H, dense, denseRgb);
      progress(i - req.start + 1);
    }
  } finally {
    await helper?.close();
  }
  await writePoints(req.denseOut, { xyz: new Float32Array(dense), rgb: new Uint8Array(denseRgb) });
  return { stage: 'depth', width: W, height: H, frames: results, method: 'plane-sweep', provider: null };
}

/**
 * The model path, one chunk: Depth Anything V2's affine-invariant inverse depth for the chunk's frames,
 * kept raw (float16) for the align step, which fits scale and shift over the whole shot (docs/depth.md).
 */
export async function depthModelStage(
  req: Extract<AnalysisRequest, { stage: 'depth-model' }>,
  progress: (done: number) => void,
): Promise<AnalysisResult> {
  const { facts } = req;
  const { width: W, height: H } = depthGrid(facts.width, facts.height);
  const frames: { index: number; rgb: Uint8Array }[] = [];
  for await (const f of rgbFrames(facts, { start: req.start, count: req.count, width: W, height: H }))
    frames.push({ index: f.index, rgb: f.rgb.slice() });
  if (frames.length !== req.count)
    throw new Error(`decoded ${frames.length} of ${req.count} frames from ${facts.path}`);
  const host = new SessionHost({});
  let r: Awaited<ReturnType<typeof runDepthAnythingV2>>;
  try {
    await host.load({ path: req.depthModel, key: 'depth' });
    r = await runDepthAnythingV2(
      host,
      'depth',
      frames.map((f) => ({ width: W, height: H, channels: 3 as const, data: f.rgb })),
    );
  } finally {
    await host.dispose();
  }
  if (r.width !== W || r.height !== H)
    throw new Error(`depth model gave ${r.width}×${r.height}, not ${W}×${H}`);
  await mkdir(req.rawDir, { recursive: true });
  for (const [j, f] of frames.entries()) {
    await writeFileAtomic(rawDepthFile(req.rawDir, f.index), float16ToBytesLE(encodeFloat16(r.depth[j]!)));
    if (f.index % req.denseEvery === 0) await writeFileAtomic(rawColourFile(req.rawDir, f.index), f.rgb);
    progress(j + 1);
  }
  return { stage: 'depth-model', width: W, height: H, provider: r.provider };
}

/**
 * The model path, after every chunk: each frame's raw inverse depth paired with the sparse points it
 * sees, a robust scale and shift per frame, stabilised over the whole shot at once (so nothing steps
 * where the chunks met), then the final planar depth maps, their statistics and the dense cloud.
 */
export async function depthAlignStage(
  req: Extract<AnalysisRequest, { stage: 'depth-align' }>,
  progress: (done: number) => void,
): Promise<AnalysisResult> {
  const cams = camerasByFrame(req.cameras, req.frameCount);
  const { width: W, height: H } = depthGrid(req.imageWidth, req.imageHeight);
  const s = W / req.imageWidth;
  const camera = (i: number) => {
    const c = cams[i];
    return c ? scaled(c, s, W, H) : null;
  };
  const raw = async (i: number): Promise<Float32Array> => {
    const file = rawDepthFile(req.rawDir, i);
    const bytes = new Uint8Array(await readFile(file));
    if (bytes.length !== 2 * W * H) throw new Error(`${file}: ${bytes.length} bytes, expected ${2 * W * H}`);
    return decodeFloat16(float16FromBytesLE(bytes));
  };
  const points = (await readPoints(req.pointsFile)).xyz;
  // Pass 1: the sparse samples of every frame (small), to fit over the whole shot at once. A frame
  // without a pose sees no points: it has none (and gets no depth below).
  const samples: AlignmentSamples[] = [];
  for (let i = 0; i < req.frameCount; i++) {
    const cam = camera(i);
    samples.push(
      cam
        ? alignmentSamples({ width: W, height: H, data: await raw(i) }, projectSparsePoints(cam, points))
        : { pred: new Float64Array(0), target: new Float64Array(0) },
    );
    progress((0.5 * (i + 1)) / req.frameCount);
  }
  const fit = stabiliseAlignments(samples, { mode: 'temporal' });
  // Pass 2: the final maps, exactly as the plane-sweep path stores them. Every aligned pixel is
  // measured, as sure as the frame's own fit; what the fit puts at or beyond infinity is infinity.
  const results: DepthFrameResult[] = [];
  const dense: number[] = [];
  const denseRgb: number[] = [];
  for (let i = 0; i < req.frameCount; i++) {
    const cam = camera(i);
    const { depth, valid, infinity } = cam
      ? alignedDepth(await raw(i), fit.frames[i]!)
      : { depth: new Float32Array(W * H), valid: new Uint8Array(W * H), infinity: new Uint8Array(W * H) };
    const confidence = alignmentConfidence(fit.perFrame[i]!) ?? 1;
    const measured = encodeDepthState(DepthState.measured, confidence);
    const beyond = encodeDepthState(DepthState.infinity, confidence);
    const state = new Uint8Array(W * H);
    for (let p = 0; p < state.length; p++) state[p] = valid[p] ? measured : infinity[p] ? beyond : 0;
    await writeDepthFiles(req.depthFiles[i]!, depth, state);
    results.push(frameResult(i, depth, valid));
    if (cam && i % req.denseEvery === 0) {
      const rgb = new Uint8Array(await readFile(rawColourFile(req.rawDir, i)));
      addDensePoints(depth, rgb, cam, W, H, dense, denseRgb);
    }
    progress(0.5 + (0.5 * (i + 1)) / req.frameCount);
  }
  await writePoints(req.denseOut, { xyz: new Float32Array(dense), rgb: new Uint8Array(denseRgb) });
  return {
    stage: 'depth-align',
    width: W,
    height: H,
    frames: results,
    framesFitted: fit.perFrame.filter((f) => f.ok).length,
  };
}

/**
 * The helper thread, or none when it cannot start (its worker file missing from a damaged install): the
 * depth is the same either way, only slower, so the stage goes on on this thread alone.
 */
function helperOrNone(views: readonly (StereoView | null)[]): SweepHelper | null {
  try {
    return startSweepHelper(views);
  } catch (e) {
    console.warn(`depth: sweeping on one thread, the helper did not start: ${(e as Error).message}`);
    return null;
  }
}

/**
 * The stretches [from, to) of consecutive frames that stereo may match against each other: each frame
 * has a pose, and all are of one gauge (segments of a camera that could not be joined do not share a
 * world, so frames across their boundary are never matched).
 */
export function stereoRuns(
  posed: readonly boolean[],
  gauges: readonly number[],
): { from: number; to: number }[] {
  const runs: { from: number; to: number }[] = [];
  for (let k = 0; k < posed.length; k++) {
    if (!posed[k]) continue;
    const last = runs[runs.length - 1];
    if (last && last.to === k && gauges[k] === gauges[k - 1]) last.to++;
    else runs.push({ from: k, to: k + 1 });
  }
  return runs;
}
