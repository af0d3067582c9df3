/**
 * The "Verify render" job (issue 14 item 4): tracks and solves one finished render version's plate and
 * compares its camera with the path (verify.ts), then keeps the result with the render. One chunk: the
 * tracking and the solve run through in a worker (tens of seconds for a few hundred frames at the
 * analysis size); a job stopped half-way starts that chunk again when resumed.
 */
import { ApiError } from '../../src-shared/api/contract';
import type { ChunkContext, FinishContext, JobKind } from '../jobs/kinds';
import type { Project, RenderRecord } from '../store';
import { versionName } from './render-files';
import { checkVerifiable, recordVerification, verificationOf, verifyRender } from './verify';
import { renderOf } from './renders';

interface VerifyParams {
  renderId: number;
  /** The render's frame count: the unit of the job's progress. */
  frames: number;
}

async function verifyChunk(ctx: ChunkContext): Promise<null> {
  const { project, shot, params, chunk, signal, jobId } = ctx;
  const r = renderOf(project, shot, params);
  const v = await verifyRender(project, r, {
    signal,
    onProgress: (f) => ctx.onFrames(Math.min(chunk.count, Math.floor(f * chunk.count))),
  });
  if (signal.aborted) throw new Error('cancelled');
  recordVerification(project, r.id, v, jobId);
  return null;
}

async function finishVerify(ctx: FinishContext): Promise<string> {
  const { project, shot, params } = ctx;
  const r = renderOf(project, shot, params);
  const v = verificationOf(project, r.id);
  if (!v) throw new Error(`render ${versionName(r.version)} has no verification recorded`);
  return `${r.pathName} ${versionName(r.version)}: ${v.text}`;
}

export const verifyJob: JobKind = {
  type: 'verify',
  params(_shot, given) {
    const { renderId, frames } = given;
    if (typeof renderId !== 'number' || !Number.isInteger(renderId))
      throw new ApiError('invalid-argument', 'A verify job needs the render it verifies (renderId).');
    if (typeof frames !== 'number' || !Number.isInteger(frames) || frames < 1)
      throw new ApiError('invalid-argument', "A verify job needs the render's frame count (frames).");
    return { renderId, frames } satisfies VerifyParams;
  },
  describe(params) {
    return `render ${String(params.renderId)}`;
  },
  plan(_shot, params) {
    const { frames } = params as unknown as VerifyParams;
    return [{ index: 0, start: 0, count: Math.max(1, frames) }];
  },
  runChunk: verifyChunk,
  finish: finishVerify,
};

/** The parameters of a verify job for a render, checked (the render must be finished and long enough). */
export function verifyParams(project: Project, r: RenderRecord): VerifyParams {
  checkVerifiable(project, r);
  return { renderId: r.id, frames: r.lastFrame - r.firstFrame + 1 };
}
