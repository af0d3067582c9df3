/**
 * The "Render" job (issue 14 item 2): renders one version of a target path, in chunks of
 * RENDER_CHUNK_FRAMES frames. Each frame's files are written atomically and recorded with the key of its
 * inputs, so a job stopped anywhere (cancel, crash, kill -9) resumes with the frames it has not finished,
 * and a frame whose inputs were rendered before (another version, another path with the same camera
 * there) is copied instead of rendered again.
 */
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { ApiError } from '../../src-shared/api/contract';
import type { ChunkContext, ChunkPlan, FinishContext, JobKind } from '../jobs/kinds';
import { withAtomicOutput } from '../util/atomic-write';
import { PlateSources } from './plate-sources';
import { renderFrame } from './render-frame';
import { RenderWorkers } from './render-workers';
import { frameFiles, renderDir, versionName } from './render-files';
import { frameKey, provenanceOf, renderOf, renderSamples } from './renders';

/** Frames per committed chunk. */
export const RENDER_CHUNK_FRAMES = 8;

interface RenderParams {
  renderId: number;
  first: number;
  last: number;
}

/** What a running render keeps between its chunks: decoded sources and its workers (one render at a time). */
interface Session {
  renderId: number;
  sources: PlateSources;
  workers: RenderWorkers;
}
let session: Session | null = null;

async function endSession(): Promise<void> {
  const s = session;
  session = null;
  await s?.workers.close();
}

const exists = async (p: string): Promise<boolean> => {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
};

async function copyAtomic(from: string, to: string): Promise<void> {
  await withAtomicOutput(to, (tmp) => copyFile(from, tmp));
}

async function renderChunk(ctx: ChunkContext): Promise<null> {
  try {
    return await renderFrames(ctx);
  } catch (e) {
    // failed or cancelled: stop the workers (the job may never resume)
    await endSession();
    throw e;
  }
}

async function renderFrames(ctx: ChunkContext): Promise<null> {
  const { project, shot, params, chunk, signal } = ctx;
  const r = renderOf(project, shot, params);
  const prov = provenanceOf(r);
  if (session?.renderId !== r.id) {
    await endSession();
    session = {
      renderId: r.id,
      sources: new PlateSources(project, shot, prov.settings.window, prov.settings.rotationOnly === true),
      workers: new RenderWorkers(),
    };
  }
  const { sources, workers } = session;
  const dir = renderDir(project, shot.id, r.pathId, r.version);
  const done = new Map(project.renders.frames(r.id).map((f) => [f.frame, f]));
  const samples = renderSamples(r).filter(
    (s) => s.frame >= chunk.start && s.frame < chunk.start + chunk.count,
  );
  let n = 0;
  const one = async (s: (typeof samples)[number]): Promise<void> => {
    const target = sources.targetCamera(s);
    const key = frameKey(prov, target);
    const files = frameFiles(dir, s.frame);
    const had = done.get(s.frame);
    if (!(had && had.inputKey === key && (await exists(files.colour)))) {
      const earlier = project.renders.frameWithKey(shot.id, key, r.id);
      const from = earlier && project.renders.get(earlier.renderId);
      const fromFiles = from && frameFiles(renderDir(project, shot.id, from.pathId, from.version), s.frame);
      if (
        earlier &&
        fromFiles &&
        (await exists(fromFiles.colour)) &&
        (await exists(fromFiles.mask)) &&
        (await exists(fromFiles.depth))
      ) {
        await mkdir(dir, { recursive: true });
        await copyAtomic(fromFiles.depth, files.depth);
        await copyAtomic(fromFiles.mask, files.mask);
        await copyAtomic(fromFiles.colour, files.colour);
        project.renders.putFrame({ ...earlier, renderId: r.id, frame: s.frame, reused: true });
      } else {
        const out = await renderFrame(sources, target, s.frame, dir, prov.settings, signal, workers);
        project.renders.putFrame({
          renderId: r.id,
          frame: s.frame,
          inputKey: key,
          seen: out.seen,
          filled: out.filled,
          reused: false,
        });
      }
    }
    ctx.onFrames(++n);
  };
  // as many frames at once as there are workers; the next window loads while they render
  const running = new Set<Promise<void>>();
  let failure: unknown = null;
  for (const s of samples) {
    if (failure !== null) break;
    if (signal.aborted) throw new Error('cancelled');
    const task: Promise<void> = one(s).then(
      () => void running.delete(task),
      (e: unknown) => {
        running.delete(task);
        failure ??= e;
      },
    );
    running.add(task);
    if (running.size >= workers.size) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure !== null) throw failure;
  return null;
}

async function finishRender(ctx: FinishContext): Promise<string> {
  const { project, shot, params } = ctx;
  const r = renderOf(project, shot, params);
  if (session?.renderId === r.id) await endSession();
  const frames = project.renders.frames(r.id);
  const count = r.lastFrame - r.firstFrame + 1;
  if (frames.length !== count)
    throw new Error(`render ${versionName(r.version)} has ${frames.length} of its ${count} frames`);
  const mean = frames.reduce((a, f) => a + f.seen, 0) / count;
  const worst = frames.reduce((a, f) => Math.min(a, f.seen), 1);
  const reused = frames.filter((f) => f.reused).length;
  const filled = frames.reduce((a, f) => a + f.filled, 0) / count;
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  const message =
    `${r.pathName} ${versionName(r.version)}: ${count} frame${count === 1 ? '' : 's'}, ${pct(mean)} seen ` +
    `(worst frame ${pct(worst)})` +
    (filled > 0 ? `, ${pct(filled)} inpainted` : '') +
    (reused > 0 ? `, ${reused} reused from earlier renders` : '');
  project.renders.finish(r.id, 'done', message, new Date().toISOString());
  return message;
}

export const renderJob: JobKind = {
  type: 'render',
  params(shot, given) {
    const id = given.renderId;
    if (typeof id !== 'number' || !Number.isInteger(id))
      throw new ApiError('invalid-argument', 'A render job needs the render it makes (renderId).');
    const first = given.first,
      last = given.last;
    if (
      typeof first !== 'number' ||
      typeof last !== 'number' ||
      !Number.isInteger(first) ||
      !Number.isInteger(last) ||
      first < 0 ||
      last >= shot.frameCount ||
      first > last
    )
      throw new ApiError(
        'invalid-argument',
        `Frames ${String(first)}–${String(last)} are not a range of the shot.`,
      );
    return { renderId: id, first, last } satisfies RenderParams;
  },
  describe(params) {
    return `render ${String(params.renderId)}`;
  },
  plan(_shot, params) {
    const { first, last } = params as unknown as RenderParams;
    const chunks: ChunkPlan[] = [];
    for (let start = first, i = 0; start <= last; start += RENDER_CHUNK_FRAMES, i++)
      chunks.push({ index: i, start, count: Math.min(RENDER_CHUNK_FRAMES, last - start + 1) });
    return chunks;
  },
  runChunk: renderChunk,
  finish: finishRender,
};
