import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ApiError, TRACK_METHODS } from '../../src-shared/api/contract';
import { shotMedia } from '../shots/shot-media';
import { trackSession } from './track-session';
import type { ChunkContext, ChunkPlan, FinishContext, JobKind } from '../jobs/kinds';
import type { Project, ShotRecord } from '../store';
import type { TrackMethod } from '../store/tracks';
import { writeFileAtomic } from '../util/atomic-write';
import { readTrackFileHeader } from './tracking';
import type { TrackWorkerMessage } from './track-protocol';

/** Frames per committed chunk: a crash or cancel loses at most this much tracking. */
export const TRACK_CHUNK_FRAMES = 48;
/** Tracking runs with the long side at most this many pixels (the accuracy bars are measured there). */
export const TRACK_ANALYSIS_LONG_SIDE = 640;

export function analysisSize(width: number, height: number): { width: number; height: number } {
  const s = Math.min(1, TRACK_ANALYSIS_LONG_SIDE / Math.max(width, height));
  const even = (v: number) => Math.max(2, 2 * Math.round((v * s) / 2));
  return { width: even(width), height: even(height) };
}

export interface TrackJobDeps {
  /** The installed XFeat model file, or null when it is not installed. */
  xfeatModel(): string | null;
  /** Tells the model manager which provider ran XFeat (shown in the Models panel). */
  recordProvider(provider: string): void;
}

const LABEL: Record<TrackMethod, string> = { klt: 'KLT', xfeat: 'XFeat' };

interface TrackParams {
  method: TrackMethod;
  analysisWidth: number;
  analysisHeight: number;
}

function trackParams(p: Record<string, unknown>): TrackParams {
  return p as unknown as TrackParams;
}

/**
 * "Track shot": 2D point tracks through the whole shot, KLT (no model) or XFeat. Tracking is cut into
 * chunks of TRACK_CHUNK_FRAMES; each chunk continues from the tracker state the previous one saved,
 * so a resumed job picks up exactly where the committed work ends.
 */
export function createTrackJob(deps: TrackJobDeps): JobKind {
  return {
    type: 'track',
    params(shot: ShotRecord, given) {
      const method = (given.method ?? 'klt') as TrackMethod;
      if (!TRACK_METHODS.includes(method))
        throw new ApiError('invalid-argument', `Unknown tracking method '${String(method)}'.`);
      if (method === 'xfeat' && !deps.xfeatModel()) {
        throw new ApiError(
          'not-available',
          'XFeat tracking needs the XFeat model, which is not installed: install it in Models (or track with KLT, which needs no model).',
        );
      }
      const size = analysisSize(shot.width, shot.height);
      return { method, analysisWidth: size.width, analysisHeight: size.height };
    },
    describe(params) {
      const p = trackParams(params);
      return `${LABEL[p.method] ?? p.method} at ${p.analysisWidth}×${p.analysisHeight}`;
    },
    plan(shot) {
      const chunks: ChunkPlan[] = [];
      for (let start = 0, i = 0; start < shot.frameCount; start += TRACK_CHUNK_FRAMES, i++) {
        chunks.push({ index: i, start, count: Math.min(TRACK_CHUNK_FRAMES, shot.frameCount - start) });
      }
      return chunks;
    },
    runChunk: (ctx) => trackChunk(deps, { ...ctx, scratch: ctx.project.paths.jobScratch(ctx.jobId) }),
    finish: (ctx) => finishTracks({ ...ctx, scratch: ctx.project.paths.jobScratch(ctx.jobId) }),
  };
}

/**
 * What a chunk of tracking keeps in the job's scratch folder: the observations it made
 * (`obs-NNNNN.bin`, kept until the job finishes; the last chunk joins them all into the track file) and
 * the tracker's own state (`state-NNNNN.bin`, which the next chunk continues from; older ones are
 * deleted). Neither grows with the chunk's index. Both are written atomically before the chunk is
 * committed; a chunk that runs again (after a crash before its commit) rewrites them identically.
 */
export function trackChunkFiles(scratch: string, index: number): { observations: string; state: string } {
  const n = String(index).padStart(5, '0');
  return { observations: join(scratch, `obs-${n}.bin`), state: join(scratch, `state-${n}.bin`) };
}

const CHUNK_FILE = /^(obs|state)-(\d{5})\.bin$/;
/** Temp files of atomic writes (util/atomic-write.ts, track-file.ts) a stopped worker left behind. */
const isTemp = (name: string) => name.startsWith('.') && /\.tmp(-|$)/.test(name);

/**
 * Removes, from a tracking scratch folder, leftovers no chunk will use: temp files, and chunk files
 * matching `dead` (kind, chunk index).
 */
function sweepScratch(scratch: string, dead: (kind: string, index: number) => boolean): void {
  if (!existsSync(scratch)) return;
  for (const name of readdirSync(scratch)) {
    const m = CHUNK_FILE.exec(name);
    if (isTemp(name) || (m && dead(m[1]!, Number(m[2])))) rmSync(join(scratch, name), { force: true });
  }
}

/** One chunk of tracking (also used by "Analyze shot", with its own scratch folder). */
export async function trackChunk(
  deps: TrackJobDeps,
  {
    project,
    shot,
    jobId,
    params,
    chunk,
    previousOutput,
    signal,
    onFrames,
    scratch,
  }: ChunkContext & { scratch: string },
): Promise<string> {
  const p = trackParams(params);
  if (!previousOutput) removeOrphanedScratch(project);
  mkdirSync(scratch, { recursive: true });
  // Starting afresh: nothing in the folder belongs to this run (job ids can be reused after a removal).
  // Continuing: the states before the previous chunk's are no longer needed.
  sweepScratch(scratch, (kind, i) => !previousOutput || (kind === 'state' && i < chunk.index - 1));
  const last = chunk.start + chunk.count >= shot.frameCount;
  const tracksOut = project.paths.tracks(shot.id, p.method);
  if (last) mkdirSync(join(tracksOut, '..'), { recursive: true });
  const modelPath = p.method === 'xfeat' ? deps.xfeatModel() : null;
  if (p.method === 'xfeat' && !modelPath) {
    throw new Error('the XFeat model was removed while tracking; install it again in Models, then resume');
  }
  const out = trackChunkFiles(scratch, chunk.index);
  // The observations of the earlier chunks. A job begun by an earlier Reshoot has none for its first
  // chunks: its state carried them, and the first chunk run since holds them (the worker checks that
  // the parts cover every frame).
  const parts = last
    ? Array.from({ length: chunk.index }, (_, i) => trackChunkFiles(scratch, i).observations).filter((f) =>
        existsSync(f),
      )
    : [];
  let done: Extract<TrackWorkerMessage, { type: 'done' }>;
  // One worker serves the job's chunks in a row (decoder, model and compiled code kept); a chunk that
  // does not follow on from it (a resume) starts a new one from the saved state.
  const session = trackSession(`${jobId}:${scratch}:${p.method}`, chunk.start, () => ({
    facts: shotMedia(project, shot),
    method: p.method,
    start: chunk.start,
    analysisWidth: p.analysisWidth,
    analysisHeight: p.analysisHeight,
    state: previousOutput ? new Uint8Array(readFileSync(previousOutput)) : null,
    modelPath,
  }));
  try {
    done = await session.run(
      {
        count: chunk.count,
        stateOut: last ? null : out.state,
        observationsOut: last ? null : out.observations,
        tracksOut: last ? tracksOut : null,
        observationParts: parts,
      },
      signal,
      onFrames,
    );
    if (last) await session.close();
  } catch (e) {
    // Stopped before anything is swept: a worker that is still writing would leave the chunk's files.
    await session.close();
    if (signal.aborted) {
      // Cancelled (or closing): keep the committed chunks for resume, drop this one's partial output.
      sweepScratch(scratch, (_kind, i) => i === chunk.index);
      if (last) removeTemps(tracksOut);
    }
    throw e;
  }
  if (done.provider) deps.recordProvider(done.provider);
  if (last) {
    await writeFileAtomic(
      join(scratch, 'result.json'),
      new TextEncoder().encode(JSON.stringify({ provider: done.provider, stats: done.stats })),
    );
  }
  // Checked last, with no await before the runner commits the chunk: the job may have gone while this
  // chunk ran (its shot was removed), and then nothing will resume it.
  if (!project.jobs.get(jobId)) {
    await session.close();
    rmSync(scratch, { recursive: true, force: true });
    throw new Error('the job was removed');
  }
  return last ? tracksOut : out.state;
}

/**
 * Removes the scratch folders of jobs that no longer exist (removing a shot removes its jobs, also
 * cancelled or interrupted ones that kept their chunks for a resume that can no longer come).
 */
function removeOrphanedScratch(project: Project): void {
  const root = dirname(project.paths.jobScratch(0));
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    if (/^\d+$/.test(name) && !project.jobs.get(Number(name)))
      rmSync(join(root, name), { recursive: true, force: true });
  }
}

/** Removes the temp files an interrupted atomic write of `file` may have left beside it. */
function removeTemps(file: string): void {
  const dir = dirname(file);
  if (!existsSync(dir)) return;
  const prefix = `.${basename(file)}.`;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(prefix) && isTemp(name)) rmSync(join(dir, name), { force: true });
  }
}

/** Indexes the finished tracks of a shot; returns the closing message. Safe to run again. */
export async function finishTracks({
  project,
  shot,
  params,
  scratch,
}: Pick<FinishContext, 'project' | 'shot' | 'params'> & { scratch: string }): Promise<string> {
  const p = trackParams(params);
  const file = project.paths.tracks(shot.id, p.method);
  const resultFile = join(scratch, 'result.json');
  if (!existsSync(file) || !existsSync(resultFile)) {
    throw new Error(
      'the tracks of the last chunk are missing from the cache; resume the job to track it again',
    );
  }
  const header = await readTrackFileHeader(file);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as {
    provider: string | null;
    stats: Record<string, unknown>;
  };
  project.tracks.put({
    shotId: shot.id,
    method: p.method,
    file: relative(project.dir, file),
    width: header.width,
    height: header.height,
    numFrames: header.numFrames,
    numTracks: header.numTracks,
    analysisWidth: p.analysisWidth,
    provider: result.provider,
    sourceFingerprint: shot.fingerprint,
    stats: result.stats,
    createdAt: new Date().toISOString(),
  });
  rmSync(scratch, { recursive: true, force: true });
  const by = result.provider ? `${LABEL[p.method]} on ${result.provider}` : LABEL[p.method];
  return `${header.numTracks.toLocaleString('en-US')} tracks · ${by}`;
}
