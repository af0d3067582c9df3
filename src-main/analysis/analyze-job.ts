/**
 * "Analyze shot": tracks → source camera → depth → 3D tracks, as one resumable job. The plan is fixed
 * when the job is queued (tracks and depth in chunks of frames, camera and 3D tracks one step each;
 * with a depth model, the depth chunks keep the model's raw output and one more depth step aligns the
 * whole shot at once); each step first checks whether its stage's inputs changed since the last run
 * (content hashes in analysis_stages) and, if not, reuses what is there.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisStage, CameraReport } from '../../src-shared/api/contract';
import { parseCamerasJson, type CamerasDocument } from '../../src-shared/geometry';
import { shotMedia } from '../shots/shot-media';
import type { ChunkContext, ChunkPlan, FinishContext, JobKind } from '../jobs/kinds';
import { shotLens, type Project, type ShotRecord } from '../store';
import type { TrackMethod } from '../store/tracks';
import { writeFileAtomicSync } from '../util/atomic-write';
import {
  ANALYSIS_WORKER,
  DEPTH_WIDTH,
  rawDepthFile,
  type AnalysisRequest,
  type AnalysisResult,
  type AnalysisWorkerMessage,
} from './analysis-protocol';
import { runWorker } from '../jobs/run-worker';
import { TRACK_CHUNK_FRAMES, createTrackJob, finishTracks, trackChunk, type TrackJobDeps } from './track-job';
import { decodePoints, encodePoints } from './point-file';

/**
 * Depth frames per committed step: stereo (each chunk also decodes and sweeps its neighbours' frames, so
 * a long chunk wastes less), and the model path (raw output per chunk, aligned over the shot at the end).
 */
export const DEPTH_CHUNK_FRAMES = 48;
export const MODEL_DEPTH_CHUNK_FRAMES = 8;
/** Every n-th frame adds points to the dense cloud shown in the 3D view. */
const DENSE_EVERY = 12;
/**
 * How the model path aligns and stabilises depth; part of the depth stage's input hash, so depth made
 * by an earlier recipe (scale shared per chunk of 8 frames) is made again rather than reused.
 */
/** What decides stereo depth besides the inputs: depth made by an earlier method is made again. */
const STEREO_DEPTH_RECIPE = 'coarse-to-fine, views by parallax and overlap, temporal fusion, infinity';
const MODEL_DEPTH_RECIPE = 'raw per chunk, scale and shift stabilised over the whole shot';

interface AnalyzeParams {
  method: TrackMethod;
  analysisWidth: number;
  analysisHeight: number;
  /** Chosen when the job is queued: the model when it is installed, else stereo. */
  depthMethod: 'depth-anything-v2' | 'plane-sweep';
}

export interface AnalyzeJobDeps extends TrackJobDeps {
  /** The installed Depth Anything V2 model file, or null. */
  depthModel(): string | null;
}

/** Step kinds, laid out in the plan in this order. Chunk indices encode the stage (see planOf). */
interface Step {
  stage: AnalysisStage;
  chunk: ChunkPlan;
  /** Index of this step within its stage. */
  part: number;
  parts: number;
  /** The model path's last depth step: align every frame's raw depth over the whole shot. */
  align?: true;
}

/**
 * Expected seconds per frame of each stage at the analysis size on the 2-core reference machine (the
 * stage timings of the 60-frame 640×360 handheld_a shot: tracks 6 s, camera 12 s, stereo depth at 640
 * px 21 s).
 * Only the time-left estimate uses them, as relative weights: the runner rescales them with the speeds it
 * measures on this machine, stage by stage.
 */
const SECONDS_PER_FRAME = { tracks: 0.1, camera: 0.2, sweep: 0.35, model: 0.5, align: 0.02, tracks3d: 0.02 };

function stepsOf(shot: ShotRecord, p: AnalyzeParams): Step[] {
  const steps: Step[] = [];
  const n = shot.frameCount;
  const model = p.depthMethod === 'depth-anything-v2';
  const split = (stage: AnalysisStage, size: number, perFrame: number, extra = 0) => {
    const chunks = Math.ceil(n / size);
    for (let part = 0; part < chunks; part++) {
      const start = part * size;
      const count = Math.min(size, n - start);
      steps.push({
        stage,
        part,
        parts: chunks + extra,
        chunk: { index: steps.length, start, count, stage, cost: count * perFrame },
      });
    }
    return chunks;
  };
  const whole = (stage: AnalysisStage, perFrame: number, part = 0, parts = 1): Step => ({
    stage,
    part,
    parts,
    chunk: { index: steps.length, start: 0, count: 1, stage, cost: n * perFrame },
  });
  split('tracks', TRACK_CHUNK_FRAMES, SECONDS_PER_FRAME.tracks);
  steps.push(whole('camera', SECONDS_PER_FRAME.camera));
  const depthChunks = split(
    'depth',
    model ? MODEL_DEPTH_CHUNK_FRAMES : DEPTH_CHUNK_FRAMES,
    model ? SECONDS_PER_FRAME.model : SECONDS_PER_FRAME.sweep,
    model ? 1 : 0,
  );
  if (model)
    steps.push({ ...whole('depth', SECONDS_PER_FRAME.align, depthChunks, depthChunks + 1), align: true });
  steps.push(whole('tracks3d', SECONDS_PER_FRAME.tracks3d));
  return steps;
}

/** What decides the depth (besides the media, its size and the camera): the method, and the model's recipe. */
const depthRecipe = (p: AnalyzeParams): string[] =>
  p.depthMethod === 'depth-anything-v2'
    ? [p.depthMethod, MODEL_DEPTH_RECIPE]
    : [p.depthMethod, STEREO_DEPTH_RECIPE];

const hash = (...parts: (string | number | null | undefined)[]) =>
  createHash('sha256')
    .update(parts.map((p) => String(p ?? '')).join('\u0000'))
    .digest('hex')
    .slice(0, 32);

/** The lens the camera solve is given, if the shot has one (the user's, or its metadata's). */
function lensOf(shot: ShotRecord): {
  lens?: { focalPx: number; width: number; source: 'user' | 'metadata' };
} {
  const l = shotLens(shot);
  return l ? { lens: { focalPx: l.focalPx, width: shot.width, source: l.source } } : {};
}

/** What each stage is computed from; a stage whose hash matches its last successful run is reused. */
function inputHash(project: Project, shot: ShotRecord, p: AnalyzeParams, stage: AnalysisStage): string {
  const tracks = project.tracks.get(shot.id, p.method);
  const camera = project.sourceCameras.get(shot.id);
  const lens = shotLens(shot);
  switch (stage) {
    case 'tracks':
      return hash('tracks', shot.fingerprint, p.method, p.analysisWidth, p.analysisHeight);
    case 'camera':
      // An imported camera is the user's: it is used as it is, whatever the tracks.
      if (camera?.origin === 'imported') return hash('camera', 'imported', camera.createdAt);
      // the lens the user gave (or the metadata's) decides the focal; without one it is estimated
      return lens
        ? hash('camera', 'solve', tracks?.createdAt, 'lens', lens.focalPx)
        : hash('camera', 'solve', tracks?.createdAt);
    case 'depth':
      return hash('depth', shot.fingerprint, DEPTH_WIDTH, camera?.createdAt, ...depthRecipe(p));
    case 'tracks3d':
      // Depth is fully determined by the media, the camera and its resolution: hash those, not the depth
      // stage's own record (which a reuse rewrites).
      return hash(
        'tracks3d',
        tracks?.createdAt,
        shot.fingerprint,
        DEPTH_WIDTH,
        camera?.createdAt,
        ...depthRecipe(p),
      );
  }
}

/**
 * Tracks the shot already has — from "Track shot" as much as from an earlier analysis — serve the tracks
 * stage when they were made by the same method, from the same media, at the analysis size.
 */
function tracksUpToDate(project: Project, shot: ShotRecord, p: AnalyzeParams): boolean {
  const t = project.tracks.get(shot.id, p.method);
  return (
    !!t &&
    t.sourceFingerprint === shot.fingerprint &&
    t.analysisWidth === p.analysisWidth &&
    t.numFrames === shot.frameCount &&
    existsSync(join(project.dir, t.file))
  );
}

function fresh(project: Project, shot: ShotRecord, p: AnalyzeParams, stage: AnalysisStage): boolean {
  if (stage === 'tracks') return tracksUpToDate(project, shot, p);
  const r = project.analysis.stage(shot.id, stage);
  if (!r || r.status === 'failed' || r.inputHash !== inputHash(project, shot, p, stage)) return false;
  if (stage === 'camera') {
    // a camera solved before Reshoot kept per-frame reports is solved again, to have one
    const camera = project.sourceCameras.get(shot.id);
    return !!camera && (camera.origin === 'imported' || camera.report !== null);
  }
  if (stage === 'depth') return !!project.analysis.depth(shot.id);
  return existsSync(project.paths.tracks3d(shot.id));
}

/** Seconds spent in a stage, summed over its steps (survives resuming after a crash). */
function addSeconds(scratch: string, stage: AnalysisStage, seconds: number): number {
  const file = join(scratch, `seconds-${stage}.json`);
  const total = (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as number) : 0) + seconds;
  mkdirSync(scratch, { recursive: true });
  writeFileAtomicSync(file, JSON.stringify(total));
  return total;
}

type Progress = Extract<AnalysisWorkerMessage, { type: 'progress' }>;
type Done = Extract<AnalysisWorkerMessage, { type: 'done' }>;

async function analysis(
  req: AnalysisRequest,
  signal: AbortSignal,
  onProgress: (done: number) => void,
): Promise<AnalysisResult> {
  const done = await runWorker<Progress, Done>(ANALYSIS_WORKER, req, signal, (m) => onProgress(m.done));
  return done.result;
}

export function createAnalyzeJob(deps: AnalyzeJobDeps): JobKind {
  const trackKind = createTrackJob(deps);

  async function step(ctx: ChunkContext): Promise<string | null> {
    const { project, shot, jobId, signal, onFrames } = ctx;
    const p = ctx.params as unknown as AnalyzeParams;
    const s = stepsOf(shot, p)[ctx.chunk.index]!;
    const scratch = project.paths.jobScratch(jobId);
    mkdirSync(scratch, { recursive: true });
    const t0 = performance.now();
    const record = (status: 'done' | 'reused' | 'failed', message: string | null, seconds: number) =>
      project.analysis.putStage({
        shotId: shot.id,
        stage: s.stage,
        status,
        inputHash: inputHash(project, shot, p, s.stage),
        outputHash: null,
        seconds,
        message,
        finishedAt: new Date().toISOString(),
      });
    const lastPart = s.part === s.parts - 1;

    // A stage already up to date is reused: every one of its steps returns at once.
    if (s.part === 0 && fresh(project, shot, p, s.stage)) {
      // A marker, not data: it makes every later step of the stage a no-op, also after a resume.
      writeFileAtomicSync(join(scratch, `reuse-${s.stage}`), '');
    }
    if (existsSync(join(scratch, `reuse-${s.stage}`))) {
      if (lastPart) {
        const prev = project.analysis.stage(shot.id, s.stage);
        const tracks = project.tracks.get(shot.id, p.method);
        const message =
          prev?.message ??
          (s.stage === 'tracks' && tracks
            ? `${tracks.numTracks.toLocaleString('en')} ${p.method.toUpperCase()} tracks made by Track shot`
            : null);
        record('reused', message, 0);
      }
      return null;
    }

    switch (s.stage) {
      case 'tracks': {
        const tracksScratch = join(scratch, 'tracks');
        const out = await trackChunk(deps, {
          ...ctx,
          chunk: { ...s.chunk, index: s.part },
          scratch: tracksScratch,
        });
        if (lastPart) {
          const message = await finishTracks({ project, shot, params: ctx.params, scratch: tracksScratch });
          record('done', message, addSeconds(scratch, 'tracks', (performance.now() - t0) / 1000));
        } else addSeconds(scratch, 'tracks', (performance.now() - t0) / 1000);
        return out;
      }
      case 'camera': {
        const tracks = project.tracks.get(shot.id, p.method)!;
        const tracksFile = join(project.dir, tracks.file);
        const pointsOut = project.paths.sparsePoints(shot.id);
        mkdirSync(join(pointsOut, '..'), { recursive: true });
        const existing = project.sourceCameras.get(shot.id);
        if (existing?.origin === 'imported') {
          // moving flags belong to a solve; an imported camera has none
          rmSync(project.paths.movingTracks(shot.id), { force: true });
          const r = await analysis(
            { stage: 'sparse', tracksFile, cameras: parseCamerasJson(existing.trackJson), pointsOut },
            signal,
            () => onFrames(0),
          );
          if (r.stage !== 'sparse') throw new Error('unexpected worker result');
          record(
            'done',
            `using the imported camera · ${r.points.toLocaleString('en-US')} points triangulated`,
            (performance.now() - t0) / 1000,
          );
          return pointsOut;
        }
        // the points go to scratch first: they replace the shot's only with the camera they belong to
        const pointsNew = join(scratch, 'sparse-points.bin');
        const movingNew = join(scratch, 'moving-tracks.bin');
        const r = await analysis(
          {
            stage: 'camera',
            tracksFile,
            method: p.method,
            fps: [shot.fpsNum, shot.fpsDen],
            pointsOut: pointsNew,
            movingOut: movingNew,
            ...lensOf(shot),
          },
          signal,
          () => onFrames(0),
        );
        if (r.stage !== 'camera') throw new Error('unexpected worker result');
        const seconds = (performance.now() - t0) / 1000;
        const keep = () => {
          // the flags belong to this camera: replaced with it (or removed, when the solve wrote none)
          if (existsSync(movingNew)) renameSync(movingNew, project.paths.movingTracks(shot.id));
          else rmSync(project.paths.movingTracks(shot.id), { force: true });
          renameSync(pointsNew, pointsOut);
          project.sourceCameras.put({
            shotId: shot.id,
            origin: 'solved',
            status: r.status,
            message: r.message,
            sourceFile: null,
            format: null,
            frames: r.frames,
            trackJson: r.camerasJson!,
            report: r.report,
            createdAt: new Date().toISOString(),
          });
        };
        if (!r.usable) {
          // What it could solve is kept for the user to see, unless that would replace a camera the shot
          // already has (and the depth made with it).
          let kept = 'the 2D tracks are kept';
          if (r.camerasJson && !existing) {
            keep();
            kept = `the 2D tracks and the camera of the ${r.frames} frames solved are kept`;
          } else if (existing) kept = 'the 2D tracks and the previous camera are kept';
          record('failed', r.message, seconds);
          throw new Error(`${r.message} (${kept})`);
        }
        // a partial camera too: the frames without a pose get no depth and lift no 3D points
        keep();
        record('done', `${r.message} · ${r.points.toLocaleString('en-US')} points`, seconds);
        return pointsOut;
      }
      case 'depth': {
        const camera = project.sourceCameras.get(shot.id);
        if (!camera) throw new Error('the shot has no source camera; the camera stage must run first');
        if (p.depthMethod === 'depth-anything-v2') {
          const model = { project, shot, scratch, signal, onFrames, deps };
          if (!s.align) {
            const out = await modelChunk(model, s.part, s.chunk.start, s.chunk.count);
            addSeconds(scratch, 'depth', (performance.now() - t0) / 1000);
            return out;
          }
          const r = await alignDepth(model, parseCamerasJson(camera.trackJson), s.part);
          const seconds = addSeconds(scratch, 'depth', (performance.now() - t0) / 1000);
          finishDepth(project, shot, r, scratch, s.parts, seconds, record);
          // The raw model output served its purpose; the job's scratch goes when it finishes, this now.
          rmSync(rawDirOf(scratch), { recursive: true, force: true });
          return project.paths.depthFrame(shot.id, shot.frameCount - 1);
        }
        const files = Array.from({ length: s.chunk.count }, (_, i) =>
          project.paths.depthFrame(shot.id, s.chunk.start + i),
        );
        mkdirSync(join(files[0]!, '..'), { recursive: true });
        const r = await analysis(
          {
            stage: 'depth',
            facts: shotMedia(project, shot),
            cameras: parseCamerasJson(camera.trackJson),
            ...(camera.report ? { gauges: gaugesOf(camera.report) } : {}),
            pointsFile: project.paths.sparsePoints(shot.id),
            start: s.chunk.start,
            count: s.chunk.count,
            depthFiles: files,
            denseEvery: DENSE_EVERY,
            denseOut: join(scratch, `dense-${String(s.part).padStart(5, '0')}.bin`),
          },
          signal,
          (n) => onFrames(n),
        );
        if (r.stage !== 'depth') throw new Error('unexpected worker result');
        project.transaction(() => {
          for (const f of r.frames) project.analysis.putDepthFrame(shot.id, f);
        });
        const seconds = addSeconds(scratch, 'depth', (performance.now() - t0) / 1000);
        if (lastPart) finishDepth(project, shot, r, scratch, s.parts, seconds, record);
        return files.at(-1)!;
      }
      case 'tracks3d': {
        const tracks = project.tracks.get(shot.id, p.method)!;
        const d = project.analysis.depth(shot.id)!;
        mkdirSync(join(project.paths.tracks3d(shot.id), '..'), { recursive: true });
        const r = await analysis(
          {
            stage: 'tracks3d',
            tracksFile: join(project.dir, tracks.file),
            cameras: parseCamerasJson(project.sourceCameras.get(shot.id)!.trackJson),
            depthFiles: Array.from({ length: shot.frameCount }, (_, i) =>
              project.paths.depthFrame(shot.id, i),
            ),
            depthWidth: d.width,
            depthHeight: d.height,
            movingFile: existsSync(project.paths.movingTracks(shot.id))
              ? project.paths.movingTracks(shot.id)
              : null,
            out: project.paths.tracks3d(shot.id),
          },
          signal,
          () => onFrames(0),
        );
        if (r.stage !== 'tracks3d') throw new Error('unexpected worker result');
        record(
          'done',
          `${r.tracks.toLocaleString('en-US')} 3D tracks · ${r.dynamic.toLocaleString('en-US')} moving`,
          (performance.now() - t0) / 1000,
        );
        return project.paths.tracks3d(shot.id);
      }
    }
  }

  return {
    type: 'analyze',
    params(shot, given) {
      return {
        ...trackKind.params!(shot, given),
        depthMethod: deps.depthModel() ? 'depth-anything-v2' : 'plane-sweep',
      };
    },
    describe(params) {
      const p = params as unknown as AnalyzeParams;
      const depth = p.depthMethod === 'depth-anything-v2' ? 'Depth Anything V2' : 'plane sweep';
      return `tracks (${p.method.toUpperCase()}) → camera → depth (${depth}) → 3D tracks`;
    },
    plan(shot, params) {
      return stepsOf(shot, params as unknown as AnalyzeParams).map((s) => s.chunk);
    },
    runChunk: step,
    async finish({ project, shot, jobId }: FinishContext) {
      rmSync(project.paths.jobScratch(jobId), { recursive: true, force: true });
      const stages = project.analysis.stages(shot.id);
      const total = stages.reduce((a, s) => a + s.seconds, 0);
      const reused = stages.filter((s) => s.status === 'reused').map((s) => s.stage);
      return `Analysed in ${total.toFixed(1)} s${reused.length ? ` (reused: ${reused.join(', ')})` : ''}`;
    },
  };
}

/** The model path's working state, shared by its chunks and its align step. */
interface ModelDepthContext {
  project: Project;
  shot: ShotRecord;
  scratch: string;
  signal: AbortSignal;
  onFrames(done: number): void;
  deps: AnalyzeJobDeps;
}

const rawDirOf = (scratch: string) => join(scratch, 'depth-raw');
/** Written once a chunk's raw frames all are: what the align step checks for. */
const rawManifestOf = (scratch: string, part: number) =>
  join(rawDirOf(scratch), `chunk-${String(part).padStart(5, '0')}.json`);

interface RawChunk {
  start: number;
  count: number;
  width: number;
  height: number;
  provider: string;
}

/** One depth chunk of the model path: the model's raw relative inverse depth, kept for the align step. */
async function modelChunk(m: ModelDepthContext, part: number, start: number, count: number): Promise<string> {
  const depthModel = m.deps.depthModel();
  if (!depthModel) {
    throw new Error(
      'the Depth Anything V2 model was removed while analysing; install it again in Models, then resume',
    );
  }
  const rawDir = rawDirOf(m.scratch);
  mkdirSync(rawDir, { recursive: true });
  const r = await analysis(
    {
      stage: 'depth-model',
      facts: shotMedia(m.project, m.shot),
      start,
      count,
      depthModel,
      rawDir,
      denseEvery: DENSE_EVERY,
    },
    m.signal,
    (n) => m.onFrames(n),
  );
  if (r.stage !== 'depth-model') throw new Error('unexpected worker result');
  const manifest: RawChunk = { start, count, width: r.width, height: r.height, provider: r.provider };
  writeFileAtomicSync(rawManifestOf(m.scratch, part), JSON.stringify(manifest));
  return rawDepthFile(rawDir, start + count - 1);
}

/**
 * The model path's align step: every frame's raw depth aligned to the sparse points with a scale and
 * shift stabilised over the whole shot, written as the final depth maps and statistics. A chunk whose raw
 * output is missing (a job from before this step existed, or cache/ cleared meanwhile) is run again first.
 */
async function alignDepth(
  m: ModelDepthContext,
  cameras: CamerasDocument,
  chunks: number,
): Promise<{ method: string; width: number; height: number; provider: string | null }> {
  const { project, shot, scratch } = m;
  const raw: RawChunk[] = [];
  for (let part = 0; part < chunks; part++) {
    const file = rawManifestOf(scratch, part);
    if (!existsSync(file)) {
      const start = part * MODEL_DEPTH_CHUNK_FRAMES;
      await modelChunk(m, part, start, Math.min(MODEL_DEPTH_CHUNK_FRAMES, shot.frameCount - start));
    }
    raw.push(JSON.parse(readFileSync(file, 'utf8')) as RawChunk);
  }
  const files = Array.from({ length: shot.frameCount }, (_, i) => project.paths.depthFrame(shot.id, i));
  mkdirSync(join(files[0]!, '..'), { recursive: true });
  const r = await analysis(
    {
      stage: 'depth-align',
      cameras,
      pointsFile: project.paths.sparsePoints(shot.id),
      imageWidth: shot.facts.width,
      imageHeight: shot.facts.height,
      frameCount: shot.frameCount,
      rawDir: rawDirOf(scratch),
      depthFiles: files,
      denseEvery: DENSE_EVERY,
      denseOut: join(scratch, `dense-${String(chunks).padStart(5, '0')}.bin`),
    },
    m.signal,
    () => m.onFrames(0),
  );
  if (r.stage !== 'depth-align') throw new Error('unexpected worker result');
  project.transaction(() => {
    for (const f of r.frames) project.analysis.putDepthFrame(shot.id, f);
  });
  return {
    method: 'depth-anything-v2',
    width: r.width,
    height: r.height,
    provider: [...new Set(raw.map((c) => c.provider))].join(' + '),
  };
}

function finishDepth(
  project: Project,
  shot: ShotRecord,
  last: { method: string; width: number; height: number; provider: string | null },
  scratch: string,
  parts: number,
  seconds: number,
  record: (status: 'done', message: string, seconds: number) => void,
): void {
  const frames = project.analysis.depthFrames(shot.id).filter((f) => f.frame < shot.frameCount);
  const valid = frames.reduce((a, f) => a + f.validFraction, 0) / Math.max(1, frames.length);
  const near = Math.min(...frames.map((f) => (f.p5 > 0 ? f.p5 : Infinity)));
  const far = Math.max(...frames.map((f) => f.p95));
  const { width, height } = last;
  project.analysis.putDepth(
    shot.id,
    {
      method: last.method,
      width,
      height,
      frames: shot.frameCount,
      near: Number.isFinite(near) ? near : 0,
      far,
      validFraction: valid,
    },
    new Date().toISOString(),
  );
  // The dense cloud for the 3D view: the points each depth step sampled, joined.
  const xyz: number[] = [];
  const rgb: number[] = [];
  for (let part = 0; part < parts; part++) {
    const f = join(scratch, `dense-${String(part).padStart(5, '0')}.bin`);
    if (!existsSync(f)) continue;
    const pts = decodePoints(new Uint8Array(readFileSync(f)), f);
    for (const v of pts.xyz) xyz.push(v);
    for (const v of pts.rgb) rgb.push(v);
  }
  writeFileAtomicSync(
    project.paths.densePoints(shot.id),
    encodePoints({ xyz: new Float32Array(xyz), rgb: new Uint8Array(rgb) }),
  );
  const how =
    last.method === 'plane-sweep' ? 'plane sweep' : `Depth Anything V2 on ${last.provider ?? 'cpu'}`;
  // a partial camera: its unsolved frames have no pose, so no depth (their maps are all invalid); and
  // frames with a pose can have none either (stereo without parallax, where the camera only turned)
  const posed = project.sourceCameras.get(shot.id)?.frames ?? shot.frameCount;
  const unposed = Math.max(0, shot.frameCount - posed);
  const empty = Math.max(0, frames.filter((f) => f.validFraction === 0).length - unposed);
  const none =
    (unposed
      ? ` · no depth for ${unposed === 1 ? 'the 1 frame' : `the ${unposed} frames`} without a camera pose`
      : '') +
    (empty
      ? ` · no depth for ${empty === 1 ? '1 frame' : `${empty} frames`}${unposed ? ' more' : ''} where the camera only turned or nothing could be matched`
      : '');
  record('done', `${how} at ${width}×${height} · ${Math.round(valid * 100)} % valid${none}`, seconds);
}

/** The gauge of each frame's segment (−1 where the frame has none). */
function gaugesOf(report: CameraReport): number[] {
  return report.frames.map((f) => (f.segment === null ? -1 : (report.segments[f.segment]?.gauge ?? -1)));
}
