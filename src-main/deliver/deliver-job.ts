/**
 * The "Deliver" job: a plate (a render version, or a shot as it is) exported in one format, in chunks
 * (deliverChunkFrames). A movie's chunks are segments encoded into the job's scratch folder under the
 * project's cache/ (intra-only codecs, or closed GOPs starting each segment, so they join exactly), each
 * with its own timecode and reel; finishing joins them without re-encoding into the final file, with the
 * timecode track and reel (a movie of one segment is that segment), under a temp name hard-linked to its
 * name (never replacing a file). A sequence's chunks write their frames
 * straight to the output folder. A job stopped anywhere resumes from its committed chunks.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../src-shared/api/contract';
import { rational, type Rational } from '../../src-shared/rational';
import { shotFrameTimecode } from '../../src-shared/timecode';
import type { ChunkContext, ChunkPlan, FinishContext, JobKind } from '../jobs/kinds';
import type { JobRunner } from '../jobs';
import type { JobRecord, Project, RenderRecord, ShotRecord } from '../store';
import { guardOutputFolder, resolveOutputPath } from '../util/output-guard';
import { encodeMovieSegment, FRAMES_AHEAD, movieFrameCount, writeJoinedMovie } from './plate-encode';
import { readAhead } from '../util/read-ahead';
import {
  checkPlateSize,
  isPlateFormat,
  plateFormat,
  type MovieFormat,
  type PlateFormat,
} from './plate-formats';
import { deliverableRender, plateFrames, renderDepth, type PlateInput } from './plate-frames';
import { planPlate, type PlatePlan } from './plate-plan';
import { plateFrameExr, plateFramePng, writeNewFile } from './plate-sequence';

/** Frames per committed chunk of a sequence. */
export const DELIVER_CHUNK_FRAMES = 48;
/**
 * Frames per committed chunk (one segment) of a movie: longer, as every segment costs an encoder start
 * and a join (a delivery of one segment needs none), and a crash loses at most one (about 15 s of work
 * for ProRes 422 HQ at 1080p on two cores).
 */
export const DELIVER_MOVIE_CHUNK_FRAMES = 144;

/** Frames per committed chunk of a delivery in `format`. */
export function deliverChunkFrames(format: PlateFormat): number {
  return plateFormat(format).kind === 'movie' ? DELIVER_MOVIE_CHUNK_FRAMES : DELIVER_CHUNK_FRAMES;
}

/** What the Deliver panel, the API and the CLI ask for. */
export interface PlateDeliveryRequest {
  shotId: number;
  /** A render version of the shot; absent: the shot as it is. */
  renderId?: number;
  format: PlateFormat;
  /** The folder to write into (relative paths are taken from `cwd`). */
  out: string;
  /** Shot frames (from 0); default all the source has. */
  frames?: { first: number; last: number };
  handles?: number;
  /** File name template without extension (tokens {shot} {path} {version} {frame} {reel} {format}). */
  template?: string;
  padding?: number;
}

/** The job's parameters as stored (`out` is the resolved real folder). */
interface DeliverParams {
  format: PlateFormat;
  renderId: number | null;
  out: string;
  range: { first: number; last: number };
  handles: number;
  template: string | null;
  padding: number;
  /** The frames written (handles included): what plan() cuts into chunks. */
  first: number;
  last: number;
}

const fpsOf = (shot: ShotRecord): Rational => rational(shot.fpsNum, shot.fpsDen);

function planOf(
  shot: ShotRecord,
  render: RenderRecord | null,
  p: Omit<DeliverParams, 'out' | 'first' | 'last'>,
): PlatePlan {
  return planPlate({
    shot: {
      name: shot.name,
      frameCount: shot.frameCount,
      fps: fpsOf(shot),
      startTimecode: shot.startTimecode,
      reelName: shot.reelName,
    },
    source: render
      ? {
          kind: 'render',
          pathName: render.pathName,
          version: render.version,
          firstFrame: render.firstFrame,
          lastFrame: render.lastFrame,
        }
      : { kind: 'shot' },
    format: p.format,
    frames: p.range,
    handles: p.handles,
    ...(p.template !== null ? { template: p.template } : {}),
    padding: p.padding,
  });
}

function shotOr404(project: Project, shotId: number): ShotRecord {
  const shot = project.shots.get(shotId);
  if (!shot) throw new ApiError('not-found', `There is no shot ${shotId} in this project.`);
  return shot;
}

/**
 * What a delivery will write, checked (the output folder too: nothing there may be replaced), without
 * writing anything: the Deliver panel shows `plan.files` in `dir`.
 */
export function previewPlateDelivery(
  project: Project,
  req: PlateDeliveryRequest,
  cwd: string,
): { plan: PlatePlan; dir: string; params: DeliverParams } {
  const { plan, base } = planPlateDelivery(project, req);
  if (typeof req.out !== 'string' || req.out.trim() === '')
    throw new ApiError('invalid-argument', 'Name the folder to deliver into.');
  const guarded = guardOutputFolder(req.out, plan.files, { cwd, overwrite: false });
  return {
    plan,
    dir: guarded.dir,
    params: { ...base, out: guarded.dir, first: plan.first, last: plan.last },
  };
}

/** What a delivery will write, before the output folder is looked at (its files may exist). */
export function planPlateDelivery(
  project: Project,
  req: Omit<PlateDeliveryRequest, 'out'>,
): { plan: PlatePlan; base: Omit<DeliverParams, 'out' | 'first' | 'last'> } {
  const shot = shotOr404(project, req.shotId);
  const format = plateFormat(req.format);
  checkPlateSize(format, shot.width, shot.height);
  const render = req.renderId === undefined ? null : deliverableRender(project, shot, req.renderId);
  const lo = render ? render.firstFrame : 0;
  const hi = render ? render.lastFrame : shot.frameCount - 1;
  const base = {
    format: format.id,
    renderId: render ? render.id : null,
    range: req.frames ?? { first: lo, last: hi },
    handles: req.handles ?? 0,
    template: req.template ?? null,
    padding: req.padding ?? 4,
  };
  return { plan: planOf(shot, render, base), base };
}

/** Checks the request and queues the delivery job. */
export function startPlateDelivery(
  project: Project,
  runner: JobRunner,
  req: PlateDeliveryRequest,
  cwd: string,
): { job: JobRecord; plan: PlatePlan; dir: string } {
  const { plan, dir, params } = previewPlateDelivery(project, req, cwd);
  const busy = project.jobs.active('deliver', req.shotId);
  if (busy)
    throw new ApiError(
      'conflict',
      `A delivery of this shot is already queued or running (job ${busy.id}): wait for it or cancel it.`,
    );
  const job = runner.start('deliver', req.shotId, params as unknown as Record<string, unknown>);
  return { job, plan, dir };
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function checkParams(shot: ShotRecord, given: Record<string, unknown>): DeliverParams {
  const bad = (what: string) => new ApiError('invalid-argument', `A deliver job needs ${what}.`);
  if (!isPlateFormat(given.format)) throw bad('a plate format (format)');
  if (given.renderId !== null && !isInt(given.renderId)) throw bad('a render id or null (renderId)');
  if (typeof given.out !== 'string' || given.out !== resolveOutputPath(given.out, '/'))
    throw bad('the resolved output folder (out)');
  const range = given.range as { first?: unknown; last?: unknown } | null;
  if (!range || !isInt(range.first) || !isInt(range.last)) throw bad('the frames asked for (range)');
  for (const k of ['handles', 'padding', 'first', 'last'] as const)
    if (!isInt(given[k]) || (given[k] as number) < 0) throw bad(`a whole number ${k}`);
  if (given.template !== null && typeof given.template !== 'string') throw bad('a name template or null');
  const p = given as unknown as DeliverParams;
  if (!(
    p.first <= range.first &&
    range.first <= range.last &&
    range.last <= p.last &&
    p.last < shot.frameCount
  ))
    throw new ApiError(
      'invalid-argument',
      `Frames ${p.first}–${p.last} are not a range of shot '${shot.name}' (frames 0–${shot.frameCount - 1}).`,
    );
  return {
    format: p.format,
    renderId: p.renderId,
    out: p.out,
    range: { first: range.first, last: range.last },
    handles: p.handles,
    template: p.template,
    padding: p.padding,
    first: p.first,
    last: p.last,
  };
}

/** The job's plate: its input and plan, from the stored parameters (the render must still be there). */
function jobPlate(
  project: Project,
  shot: ShotRecord,
  params: Record<string, unknown>,
): {
  p: DeliverParams;
  input: PlateInput;
  plan: PlatePlan;
} {
  const p = checkParams(shot, params);
  const render = p.renderId === null ? null : deliverableRender(project, shot, p.renderId);
  const plan = planOf(shot, render, p);
  if (plan.first !== p.first || plan.last !== p.last)
    throw new ApiError(
      'conflict',
      `Render ${String(p.renderId)} no longer covers frames ${p.first}–${p.last}; start the delivery again.`,
    );
  const input: PlateInput = render
    ? { kind: 'render', project, shot, render }
    : { kind: 'shot', project, shot };
  return { p, input, plan };
}

const segmentPath = (project: Project, jobId: number, index: number): string =>
  join(project.paths.jobScratch(jobId), `segment_${String(index).padStart(5, '0')}.mov`);

/** Encodes a chunk's movie segment into the job's scratch folder; returns its path. */
async function encodeChunk(
  ctx: { project: Project; shot: ShotRecord; jobId: number; signal: AbortSignal },
  input: PlateInput,
  format: MovieFormat,
  chunk: ChunkPlan,
  reel: string | null,
  onFrames?: (n: number) => void,
): Promise<string> {
  const { project, shot, signal } = ctx;
  const out = segmentPath(project, ctx.jobId, chunk.index);
  await mkdir(project.paths.jobScratch(ctx.jobId), { recursive: true });
  await encodeMovieSegment({
    format,
    width: shot.width,
    height: shot.height,
    fps: fpsOf(shot),
    count: chunk.count,
    frames: plateFrames(input, chunk.start, chunk.start + chunk.count - 1, signal),
    outPath: out,
    // the segment's own timecode and reel: a delivery of one segment is published as it is
    timecode: shotFrameTimecode(chunk.start, fpsOf(shot), shot.startTimecode),
    reel,
    signal,
    ...(onFrames ? { onFrames } : {}),
  });
  return out;
}

async function runChunk(ctx: ChunkContext): Promise<string | null> {
  const { project, shot, chunk, signal } = ctx;
  const { p, input, plan } = jobPlate(project, shot, ctx.params);
  const first = chunk.start,
    last = chunk.start + chunk.count - 1;
  const fps = fpsOf(shot);
  const format = plan.format;
  if (format.kind === 'movie')
    return encodeChunk(ctx, input, format, chunk, plan.reel, (n) => ctx.onFrames(n));
  // a sequence: the chunk's frames, each checked against the project's own files again before writing
  const names = plan.files.slice(first - plan.first, last - plan.first + 1);
  const dir = guardOutputFolder(p.out, names, { cwd: '/', overwrite: true });
  await mkdir(dir.dir, { recursive: true });
  let n = 0;
  for await (const f of readAhead(plateFrames(input, first, last, signal), FRAMES_AHEAD)) {
    if (signal.aborted) throw new Error('cancelled');
    const data =
      format.id === 'exr'
        ? plateFrameExr(f, {
            timecode: shotFrameTimecode(f.frame, fps, shot.startTimecode),
            fps,
            depth: input.kind === 'render' ? await renderDepth(project, shot, input.render, f.frame) : null,
          })
        : await plateFramePng(f);
    await writeNewFile(dir.file(names[f.frame - first]!), data);
    ctx.onFrames(++n);
  }
  return null;
}

interface JoinMarker {
  file: string;
  ino: number;
  size: number;
}

async function statOrNull(file: string): Promise<{ ino: number; size: number } | null> {
  try {
    const s = await stat(file);
    return { ino: s.ino, size: s.size };
  } catch {
    return null;
  }
}

async function finishDelivery(ctx: FinishContext): Promise<string> {
  const { project, shot, signal } = ctx;
  const { p, input, plan } = jobPlate(project, shot, ctx.params);
  const scratch = project.paths.jobScratch(ctx.jobId);
  const count = plan.last - plan.first + 1;
  const where =
    `${plan.format.id}, ${count} frame${count === 1 ? '' : 's'} from ${plan.startTimecode}` +
    `${plan.reel ? ` (reel ${plan.reel})` : ''}`;
  const notes = plan.notes.length ? ` ${plan.notes.join(' ')}` : '';
  if (plan.format.kind === 'sequence') {
    for (const name of plan.files)
      if (!(await statOrNull(join(p.out, name))))
        throw new ApiError('internal', `${join(p.out, name)} is missing: resume the job to write it again.`);
    await rm(scratch, { recursive: true, force: true });
    return `${plan.files[0]} … ${plan.files.at(-1)} in ${p.out}: ${where}.${notes}`;
  }
  const name = plan.files[0]!;
  const target = guardOutputFolder(p.out, [name], { cwd: '/', overwrite: true }).file(name);
  const marker = join(scratch, 'joined.json');
  const there = await statOrNull(target);
  if (there) {
    // joined before a crash (the marker names its inode), or someone else's file
    let m: JoinMarker | null;
    try {
      m = JSON.parse(await readFile(marker, 'utf8')) as JoinMarker;
    } catch {
      m = null;
    }
    if (!m || m.file !== target || m.ino !== there.ino || m.size !== there.size)
      throw new ApiError(
        'conflict',
        `${target} appeared while the delivery was running; Reshoot never replaces a file. Move it away and resume the job.`,
      );
  } else {
    // every segment whole (one lost to a power cut since its chunk was committed is encoded again)
    const segments: { file: string; frames: number; tagged: boolean }[] = [];
    for (const c of ctx.chunks) {
      const seg = segmentPath(project, ctx.jobId, c.plan.index);
      if ((await movieFrameCount(seg, signal)) !== c.plan.count)
        await encodeChunk({ project, shot, jobId: ctx.jobId, signal }, input, plan.format, c.plan, plan.reel);
      segments.push({ file: seg, frames: c.plan.count, tagged: true });
    }
    await writeJoinedMovie(segments, target, {
      fps: fpsOf(shot),
      timecode: plan.startTimecode,
      reel: plan.reel,
      faststart: !plan.format.intraOnly,
      signal,
      beforePublish: async (tmp) => {
        const s = (await statOrNull(tmp))!;
        await writeFile(
          marker,
          JSON.stringify({ file: target, ino: s.ino, size: s.size } satisfies JoinMarker),
        );
      },
    });
  }
  await rm(scratch, { recursive: true, force: true });
  return `${target}: ${where}.${notes}`;
}

export const deliverJob: JobKind = {
  type: 'deliver',
  params: (shot, given) => checkParams(shot, given) as unknown as Record<string, unknown>,
  describe(params) {
    return typeof params.format === 'string' ? params.format : null;
  },
  plan(_shot, params) {
    const { first, last, format } = params as unknown as DeliverParams;
    const size = deliverChunkFrames(format);
    const chunks: ChunkPlan[] = [];
    for (let start = first, i = 0; start <= last; start += size, i++)
      chunks.push({ index: i, start, count: Math.min(size, last - start + 1) });
    return chunks;
  },
  runChunk,
  finish: finishDelivery,
};
