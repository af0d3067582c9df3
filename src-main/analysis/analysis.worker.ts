/**
 * "Analyze shot" worker: the CPU-heavy stages — camera solve, sparse triangulation with imported
 * cameras, plane-sweep depth for a chunk of frames, model depth for a chunk of frames and its alignment
 * over the whole shot, lifting 2D tracks to 3D — off the main thread.
 * Protocol: src-main/analysis/analysis-protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  backprojectPixel,
  documentToTrack,
  liftTracks,
  parseCamerasJson,
  projectPoint,
  serializeCamerasJson,
  solve3,
  trackToDocument,
  type Camera,
  type Mat3,
  type Vec3,
  type CameraTrack,
  type DepthBuffer,
} from '../../src-shared/geometry';
import {
  DEPTH_NEIGHBOUR_MARGIN,
  depthGrid,
  rawColourFile,
  rawDepthFile,
  type AnalysisRequest,
  type AnalysisResult,
  type AnalysisWorkerMessage,
  type DepthFrameResult,
} from './analysis-protocol';
import { solveCamera, solveToCameraTrack, type CameraSolve } from './camera';
import {
  ShotDepthEstimator,
  decodeFloat16,
  depthStats,
  encodeFloat16,
  float16FromBytesLE,
  float16ToBytesLE,
  alignedDepth,
  alignmentSamples,
  grayFromRgb,
  projectSparsePoints,
  stabiliseAlignments,
  type AlignmentSamples,
  type StereoView,
} from './depth';
import { readPoints, writePoints } from './point-file';
import { runDepthAnythingV2 } from '../inference/adapters/depth-anything';
import { SessionHost } from '../inference/session-host';
import { readTrackFile, rgbFrames, type TrackSet } from './tracking';
import { writeTracks3d } from './tracks3d-file';
import { writeFileAtomic } from '../util/atomic-write';
import { mkdir, readFile } from 'node:fs/promises';

const port = parentPort;
if (!port) throw new Error('analysis.worker: must be started as a worker thread');
const post = (m: AnalysisWorkerMessage) => port.postMessage(m);
// Cancelled: exit between two turns, never inside an onnxruntime call (runs block this thread, so a
// message is only handled outside them; terminating the thread mid-run would abort the process).
port.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') process.exit(0);
});

function camerasOf(json: string): CameraTrack {
  return documentToTrack(parseCamerasJson(json));
}

/** The camera with its intrinsics scaled to an image s times the size. */
function scaled(c: Camera, s: number, width: number, height: number): Camera {
  const k = c.intrinsics;
  return { ...c, intrinsics: { width, height, fx: k.fx * s, fy: k.fy * s, cx: k.cx * s, cy: k.cy * s } };
}

async function cameraStage(req: Extract<AnalysisRequest, { stage: 'camera' }>): Promise<AnalysisResult> {
  const set = await readTrackFile(req.tracksFile);
  const focalPx = req.lens ? (req.lens.focalPx * set.width) / req.lens.width : undefined;
  const solve = await solveCamera(set, {
    onProgress: (p) => post({ type: 'progress', done: p.fraction }),
    ...(focalPx ? { focalPx } : {}),
  });
  const n = solve.points.xyz.length / 3;
  await writePoints(req.pointsOut, {
    xyz: solve.points.xyz,
    rgb: solve.points.rgb ?? new Uint8Array(3 * n).fill(200),
  });
  let status: string = solve.status;
  let message = solve.message;
  // a failed solve keeps the frames it registered before it lost the camera (solveToCameraTrack skips
  // the others), so the user sees where and how it failed
  const track = solveToCameraTrack(solve, req.fps);
  const complete = solve.status !== 'failed' && track.frames.length === set.numFrames;
  if (solve.status !== 'failed' && !complete) {
    status = 'failed';
    message = `could not solve the camera: only ${track.frames.length} of ${set.numFrames} frames could be registered`;
  }
  const camerasJson =
    track.frames.length >= 2 && Number.isFinite(solve.intrinsics.fx)
      ? serializeCamerasJson(trackToDocument(track))
      : null;
  if (complete) message = `${message} · ${focalNote(solve, set.width, req.lens?.source)}`;
  return {
    stage: 'camera',
    status,
    message,
    camerasJson,
    complete,
    frames: camerasJson ? track.frames.length : 0,
    points: n,
    diagnostics: { ...solve.diagnostics },
  };
}

/** "focal 498 px (65.4° horizontal), estimated" — what the solve used, for the stage's message. */
function focalNote(solve: CameraSolve, width: number, lens: 'user' | 'metadata' | undefined): string {
  const fx = solve.intrinsics.fx;
  const fov = (2 * Math.atan(width / (2 * fx)) * 180) / Math.PI;
  const from =
    lens === 'user'
      ? 'from the lens you gave'
      : lens === 'metadata'
        ? "from the media's lens metadata"
        : 'estimated';
  const range = solve.diagnostics.focalRange;
  const weak = range
    ? ` — weakly determined by this shot (anywhere from ${range[0].toFixed(0)} to ${range[1].toFixed(0)} px fits): set the lens if you know it`
    : '';
  return `focal ${fx.toFixed(1)} px (${fov.toFixed(1)}° horizontal), ${from}${weak}`;
}

/**
 * Triangulates 2D tracks with known (imported) cameras: the least-squares meeting point of each
 * track's rays, kept when every ray sees it in front, the rays are not near-parallel, and it
 * reprojects within 2 px.
 */
async function sparseStage(req: Extract<AnalysisRequest, { stage: 'sparse' }>): Promise<AnalysisResult> {
  const set = await readTrackFile(req.tracksFile);
  const cams = camerasOf(req.camerasJson).frames.map((f) => f.camera);
  const T = set.numFrames;
  const pts: number[] = [];
  const frames: number[] = [];
  for (let k = 0; k < set.numTracks; k++) {
    frames.length = 0;
    for (let t = 0; t < T; t++) if (set.visible[k * T + t]) frames.push(t);
    if (frames.length < 3) continue;
    const step = Math.max(1, Math.floor(frames.length / 8));
    const A: Mat3 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    const b: Vec3 = [0, 0, 0];
    const rays: { C: readonly number[]; d: number[] }[] = [];
    for (let j = 0; j < frames.length; j += step) {
      const t = frames[j]!;
      const cam = cams[t]!;
      const u = set.xy[2 * (k * T + t)]!;
      const v = set.xy[2 * (k * T + t) + 1]!;
      const p = backprojectPixel(cam, u, v, 1);
      const d = [p[0] - cam.C[0], p[1] - cam.C[1], p[2] - cam.C[2]];
      const n = Math.hypot(d[0]!, d[1]!, d[2]!);
      for (let i = 0; i < 3; i++) d[i] = d[i]! / n;
      rays.push({ C: cam.C, d });
      for (let r = 0; r < 3; r++)
        for (let c = 0; c < 3; c++) {
          const m = (r === c ? 1 : 0) - d[r]! * d[c]!;
          A[r * 3 + c] = A[r * 3 + c]! + m;
          b[r] = b[r]! + m * cam.C[c]!;
        }
    }
    let X: Vec3;
    try {
      X = solve3(A, b);
    } catch {
      continue; // Parallel rays: no meeting point.
    }
    let ok = rays.length >= 2;
    let maxAngle = 0;
    const d0 = rays[0]!.d;
    for (const r of rays) {
      const cos = d0[0]! * r.d[0]! + d0[1]! * r.d[1]! + d0[2]! * r.d[2]!;
      maxAngle = Math.max(maxAngle, Math.acos(Math.min(1, cos)));
    }
    if (maxAngle < (1 * Math.PI) / 180) ok = false;
    for (let j = 0; ok && j < frames.length; j += step) {
      const t = frames[j]!;
      const proj = projectPoint(cams[t]!, X);
      const u = set.xy[2 * (k * T + t)]!;
      const v = set.xy[2 * (k * T + t) + 1]!;
      if (!(proj.depth > 0) || Math.hypot(proj.u - u, proj.v - v) > 2) ok = false;
    }
    if (ok) pts.push(X[0]!, X[1]!, X[2]!);
  }
  const xyz = new Float32Array(pts);
  await writePoints(req.pointsOut, { xyz, rgb: new Uint8Array(xyz.length).fill(200) });
  return { stage: 'sparse', points: xyz.length / 3 };
}

/** Every 4th pixel of a depth map with valid depth, back-projected and coloured (the 3D view's dense cloud). */
function addDensePoints(
  depth: Float32Array,
  rgb: Uint8Array,
  cam: Camera,
  W: number,
  H: number,
  xyz: number[],
  colours: number[],
): void {
  for (let y = 2; y < H; y += 4)
    for (let x = 2; x < W; x += 4) {
      const z = depth[y * W + x]!;
      if (!(z > 0)) continue;
      const X = backprojectPixel(cam, x + 0.5, y + 0.5, z);
      xyz.push(X[0], X[1], X[2]);
      const o = 3 * (y * W + x);
      colours.push(rgb[o]!, rgb[o + 1]!, rgb[o + 2]!);
    }
}

async function depthStage(req: Extract<AnalysisRequest, { stage: 'depth' }>): Promise<AnalysisResult> {
  const track = camerasOf(req.camerasJson);
  const { facts } = req;
  const { width: W, height: H } = depthGrid(facts.width, facts.height);
  const s = W / facts.width;
  const lo = Math.max(0, req.start - DEPTH_NEIGHBOUR_MARGIN);
  const hi = Math.min(facts.frameCount, req.start + req.count + DEPTH_NEIGHBOUR_MARGIN);
  const views: StereoView[] = [];
  const colours = new Map<number, Uint8Array>();
  for await (const f of rgbFrames(facts, { start: lo, count: hi - lo, width: W, height: H })) {
    const cam = track.frames[f.index]!.camera;
    views.push({ image: grayFromRgb(f.rgb, W, H), camera: scaled(cam, s, W, H) });
    if (f.index >= req.start && f.index < req.start + req.count && f.index % req.denseEvery === 0) {
      colours.set(f.index, f.rgb.slice());
    }
  }
  if (views.length !== hi - lo)
    throw new Error(`decoded ${views.length} of ${hi - lo} frames from ${facts.path}`);
  const points = await readPoints(req.pointsFile);
  const est = new ShotDepthEstimator(views, points.xyz.length >= 3 * 8 ? { sparsePoints: points.xyz } : {});
  const results: DepthFrameResult[] = [];
  const dense: number[] = [];
  const denseRgb: number[] = [];
  for (let i = req.start; i < req.start + req.count; i++) {
    const fd = est.frame(i - lo);
    const valid = fd.valid;
    const depth = new Float32Array(fd.depth.length);
    for (let p = 0; p < depth.length; p++) depth[p] = fd.valid[p] ? fd.depth[p]! : 0;
    await writeFileAtomic(req.depthFiles[i - req.start]!, float16ToBytesLE(encodeFloat16(depth)));
    const st = depthStats(depth, valid);
    results.push({ frame: i, median: st.median, p5: st.p5, p95: st.p95, validFraction: st.validFraction });
    const rgb = colours.get(i);
    if (rgb) addDensePoints(depth, rgb, views[i - lo]!.camera, W, H, dense, denseRgb);
    est.forget(i - lo - DEPTH_NEIGHBOUR_MARGIN, hi - lo);
    post({ type: 'progress', done: i - req.start + 1 });
  }
  await writePoints(req.denseOut, { xyz: new Float32Array(dense), rgb: new Uint8Array(denseRgb) });
  return { stage: 'depth', width: W, height: H, frames: results, method: 'plane-sweep', provider: null };
}

/**
 * The model path, one chunk: Depth Anything V2's affine-invariant inverse depth for the chunk's frames,
 * kept raw (float16) for the align step, which fits scale and shift over the whole shot (docs/depth.md).
 */
async function depthModelStage(
  req: Extract<AnalysisRequest, { stage: 'depth-model' }>,
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
    post({ type: 'progress', done: j + 1 });
  }
  return { stage: 'depth-model', width: W, height: H, provider: r.provider };
}

/**
 * The model path, after every chunk: each frame's raw inverse depth paired with the sparse points it
 * sees, a robust scale and shift per frame, stabilised over the whole shot at once (so nothing steps
 * where the chunks met), then the final planar depth maps, their statistics and the dense cloud.
 */
async function depthAlignStage(
  req: Extract<AnalysisRequest, { stage: 'depth-align' }>,
): Promise<AnalysisResult> {
  const cams = camerasOf(req.camerasJson).frames.map((f) => f.camera);
  if (cams.length < req.frameCount)
    throw new Error(`the camera has ${cams.length} frames, the shot ${req.frameCount}`);
  const { width: W, height: H } = depthGrid(req.imageWidth, req.imageHeight);
  const s = W / req.imageWidth;
  const camera = (i: number) => scaled(cams[i]!, s, W, H);
  const raw = async (i: number): Promise<Float32Array> => {
    const file = rawDepthFile(req.rawDir, i);
    const bytes = new Uint8Array(await readFile(file));
    if (bytes.length !== 2 * W * H) throw new Error(`${file}: ${bytes.length} bytes, expected ${2 * W * H}`);
    return decodeFloat16(float16FromBytesLE(bytes));
  };
  const points = (await readPoints(req.pointsFile)).xyz;
  // Pass 1: the sparse samples of every frame (small), to fit over the whole shot at once.
  const samples: AlignmentSamples[] = [];
  for (let i = 0; i < req.frameCount; i++) {
    samples.push(
      alignmentSamples({ width: W, height: H, data: await raw(i) }, projectSparsePoints(camera(i), points)),
    );
    post({ type: 'progress', done: (0.5 * (i + 1)) / req.frameCount });
  }
  const fit = stabiliseAlignments(samples, { mode: 'temporal' });
  // Pass 2: the final maps, exactly as the plane-sweep path stores them.
  const results: DepthFrameResult[] = [];
  const dense: number[] = [];
  const denseRgb: number[] = [];
  for (let i = 0; i < req.frameCount; i++) {
    const { depth, valid } = alignedDepth(await raw(i), fit.frames[i]!);
    await writeFileAtomic(req.depthFiles[i]!, float16ToBytesLE(encodeFloat16(depth)));
    const st = depthStats(depth, valid);
    results.push({ frame: i, median: st.median, p5: st.p5, p95: st.p95, validFraction: st.validFraction });
    if (i % req.denseEvery === 0) {
      const rgb = new Uint8Array(await readFile(rawColourFile(req.rawDir, i)));
      addDensePoints(depth, rgb, camera(i), W, H, dense, denseRgb);
    }
    post({ type: 'progress', done: 0.5 + (0.5 * (i + 1)) / req.frameCount });
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

async function tracks3dStage(req: Extract<AnalysisRequest, { stage: 'tracks3d' }>): Promise<AnalysisResult> {
  const set: TrackSet = await readTrackFile(req.tracksFile);
  const cams = camerasOf(req.camerasJson).frames.map((f) => f.camera);
  const N = set.numTracks;
  const T = set.numFrames;
  // The tracker stores tracks track-major; the geometry core works frame-major.
  const xy = new Float32Array(2 * N * T);
  const visible = new Uint8Array(N * T);
  for (let k = 0; k < N; k++)
    for (let t = 0; t < T; t++) {
      xy[2 * (t * N + k)] = set.xy[2 * (k * T + t)]!;
      xy[2 * (t * N + k) + 1] = set.xy[2 * (k * T + t) + 1]!;
      visible[t * N + k] = set.visible[k * T + t]!;
    }
  const s = req.depthWidth / set.width;
  const depthOf = async (t: number): Promise<DepthBuffer> => ({
    intrinsics: scaled(cams[t]!, s, req.depthWidth, req.depthHeight).intrinsics,
    data: decodeFloat16(float16FromBytesLE(new Uint8Array(await readFile(req.depthFiles[t]!)))),
  });
  const buffers: DepthBuffer[] = [];
  for (let t = 0; t < T; t++) {
    buffers.push(await depthOf(t));
    post({ type: 'progress', done: t / T });
  }
  const world = liftTracks({ numTracks: N, numFrames: T, xy, visible }, cams, (t) => buffers[t]);
  // A static scene point stays put in the world: dynamic when its lifted positions spread by more than
  // 5 % of its distance from the camera (depth noise is far below that on a solved shot).
  const dynamic = new Uint8Array(N);
  let nDynamic = 0;
  for (let k = 0; k < N; k++) {
    let n = 0;
    let mx = 0;
    let my = 0;
    let mz = 0;
    for (let t = 0; t < T; t++) {
      if (!world.valid[t * N + k]) continue;
      const o = 3 * (t * N + k);
      mx += world.xyz[o]!;
      my += world.xyz[o + 1]!;
      mz += world.xyz[o + 2]!;
      n++;
    }
    if (n < 3) continue;
    mx /= n;
    my /= n;
    mz /= n;
    let spread = 0;
    let dist = 0;
    for (let t = 0; t < T; t++) {
      if (!world.valid[t * N + k]) continue;
      const o = 3 * (t * N + k);
      spread = Math.max(
        spread,
        Math.hypot(world.xyz[o]! - mx, world.xyz[o + 1]! - my, world.xyz[o + 2]! - mz),
      );
      const C = cams[t]!.C;
      dist = Math.max(dist, Math.hypot(mx - C[0], my - C[1], mz - C[2]));
    }
    if (spread > 0.05 * dist) {
      dynamic[k] = 1;
      nDynamic++;
    }
  }
  await writeTracks3d(req.out, { numTracks: N, numFrames: T, xyz: world.xyz, valid: world.valid, dynamic });
  return { stage: 'tracks3d', tracks: N, dynamic: nDynamic };
}

async function main(): Promise<void> {
  const req = workerData as AnalysisRequest;
  let result: AnalysisResult;
  switch (req.stage) {
    case 'camera':
      result = await cameraStage(req);
      break;
    case 'sparse':
      result = await sparseStage(req);
      break;
    case 'depth':
      result = await depthStage(req);
      break;
    case 'depth-model':
      result = await depthModelStage(req);
      break;
    case 'depth-align':
      result = await depthAlignStage(req);
      break;
    case 'tracks3d':
      result = await tracks3dStage(req);
      break;
  }
  post({ type: 'done', result });
}

main().catch((e: unknown) => post({ type: 'error', message: (e as Error).message ?? String(e) }));
