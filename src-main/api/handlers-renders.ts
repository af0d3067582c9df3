/**
 * API handlers for renders (src-main/render): list a shot's render versions, start a new one (a job),
 * each finished frame's mask figures, and verify one (a job) and read its verification.
 */
import { ApiError, type Render } from '../../src-shared/api/contract';
import {
  createRender,
  provenanceOf,
  verificationOf,
  verificationSummaryOf,
  verifyParams,
  versionName,
} from '../render';
import type { JobRunner } from '../jobs';
import type { Project, RenderRecord } from '../store';
import type { AppCore } from './core';
import type { Handlers } from './handlers';

type RenderHandlers = Pick<
  Handlers,
  'renders.list' | 'renders.start' | 'renders.frames' | 'renders.verify' | 'renders.verification'
>;

/** A render as the UI sees it: its status follows its job's while it is not done. */
export function toApiRender(project: Project, runner: JobRunner, r: RenderRecord): Render {
  const p = provenanceOf(r);
  const frames = project.renders.frames(r.id);
  let status: Render['status'] = r.status;
  let message = r.message;
  if (r.status === 'rendering' && r.jobId !== null) {
    const rec = project.jobs.get(r.jobId);
    const job = rec ? runner.toApi(rec) : null;
    if (!job) status = 'interrupted';
    else if (job.status === 'failed' || job.status === 'cancelled' || job.status === 'interrupted') {
      status = job.status;
      message = job.error ?? job.message;
    }
  }
  const n = frames.length;
  return {
    id: r.id,
    shotId: r.shotId,
    pathId: r.pathId,
    pathName: r.pathName,
    version: r.version,
    name: versionName(r.version),
    status,
    method: r.method,
    firstFrame: r.firstFrame,
    lastFrame: r.lastFrame,
    framesDone: n,
    seenMean: n ? frames.reduce((a, f) => a + f.seen, 0) / n : null,
    seenWorst: n ? frames.reduce((a, f) => Math.min(a, f.seen), 1) : null,
    filledMean: n ? frames.reduce((a, f) => a + f.filled, 0) / n : null,
    reused: frames.filter((f) => f.reused).length,
    settings: { window: p.settings.window, fill: p.settings.fill },
    inputs: p.inputs,
    reshootVersion: p.reshootVersion,
    message,
    jobId: r.jobId,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    verification: verificationSummaryOf(project, r.id),
  };
}

export function createRenderHandlers(core: AppCore): RenderHandlers {
  return {
    async 'renders.list'({ shotId }) {
      const { project, runner } = core.require();
      if (!project.shots.get(shotId))
        throw new ApiError('not-found', `There is no shot ${shotId} in this project.`);
      return project.renders.list(shotId).map((r) => toApiRender(project, runner, r));
    },
    async 'renders.start'({ pathId, first, last, window, fill }) {
      const { project, runner } = core.require();
      const rec = project.targetPaths.get(pathId);
      if (!rec) throw new ApiError('not-found', `There is no target path ${pathId} in this project.`);
      const busy = project.jobs.active('render', rec.shotId);
      if (busy)
        throw new ApiError(
          'conflict',
          `A render of this shot is already running (job ${busy.id}): wait for it to finish or cancel it.`,
        );
      const render = createRender(
        project,
        {
          pathId,
          ...(first !== undefined ? { first } : {}),
          ...(last !== undefined ? { last } : {}),
          ...(window !== undefined ? { window } : {}),
          ...(fill !== undefined ? { fill } : {}),
        },
        new Date().toISOString(),
      );
      const job = runner.start('render', rec.shotId, {
        renderId: render.id,
        first: render.firstFrame,
        last: render.lastFrame,
      });
      project.renders.setJob(render.id, job.id);
      return {
        render: toApiRender(project, runner, project.renders.get(render.id)!),
        job: runner.toApi(job),
      };
    },
    async 'renders.frames'({ renderId }) {
      const { project } = core.require();
      if (!project.renders.get(renderId)) throw new ApiError('not-found', `There is no render ${renderId}.`);
      return project.renders
        .frames(renderId)
        .map(({ frame, seen, filled, reused }) => ({ frame, seen, filled, reused }));
    },
    async 'renders.verify'({ renderId }) {
      const { project, runner } = core.require();
      const r = project.renders.get(renderId);
      if (!r) throw new ApiError('not-found', `There is no render ${renderId}.`);
      const params = verifyParams(project, r);
      const busy = project.jobs.active('verify', r.shotId);
      if (busy && busy.params.renderId !== r.id)
        throw new ApiError(
          'conflict',
          `A render of this shot is being verified (job ${busy.id}): wait for it to finish or cancel it.`,
        );
      const job = busy ?? runner.start('verify', r.shotId, { ...params });
      return { render: toApiRender(project, runner, r), job: runner.toApi(job) };
    },
    async 'renders.verification'({ renderId }) {
      const { project } = core.require();
      if (!project.renders.get(renderId)) throw new ApiError('not-found', `There is no render ${renderId}.`);
      return verificationOf(project, renderId);
    },
  };
}
