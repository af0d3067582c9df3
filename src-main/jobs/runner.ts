import type { AppEvent, Job, JobType } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/contract';
import { INTERRUPTED_MESSAGE, type JobRecord, type Project } from '../store';
import { EtaEstimator } from './eta';
import type { ChunkPlan, JobKind } from './kinds';

interface Running {
  controller: AbortController;
  startedAt: number;
  /** Time left, estimated per stage; null until the job's plan is known. */
  eta: EtaEstimator | null;
  framesAtStart: number;
  liveFrames: number;
  lastEmit: number;
  done: Promise<void>;
}

const EMIT_INTERVAL_MS = 200;

/** Where the runner reports progress: the app's event bus (the runner knows nothing of its adapters). */
export interface JobEvents {
  emit(event: AppEvent): void;
}

/**
 * The persistent job queue of one open project. Jobs live in SQLite; this runner takes queued ones in
 * order, runs at most `concurrency` at once, commits each finished chunk, and reports progress events.
 * The heavy work runs in child processes (ffmpeg) or workers, never on this event loop.
 */
export class JobRunner {
  private readonly running = new Map<number, Running>();
  private readonly kinds: Map<JobType, JobKind>;
  private disposed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly project: Project,
    private readonly bus: JobEvents,
    kinds: JobKind[],
    private readonly concurrency = 2,
  ) {
    this.kinds = new Map(kinds.map((k) => [k.type, k]));
  }

  /** Queues a job for a shot, or returns the one already queued/running for the same work. */
  start(type: JobType, shotId: number, given: Record<string, unknown> = {}): JobRecord {
    const shot = this.project.shots.get(shotId);
    if (!shot) throw new ApiError('not-found', `There is no shot ${shotId} in this project.`);
    const existing = this.project.jobs.active(type, shotId);
    if (existing) return existing;
    const kind = this.kind(type);
    const params = kind.params ? kind.params(shot, given) : {};
    const total = kind.plan(shot, params).reduce((n, c) => n + c.count, 0);
    const job = this.project.jobs.create(type, shotId, params, now());
    const updated = this.project.jobs.update(job.id, { framesTotal: total }, now())!;
    this.emit(updated);
    queueMicrotask(() => this.pump());
    return updated;
  }

  cancel(jobId: number): JobRecord {
    const job = this.mustGet(jobId);
    if (job.status === 'queued') {
      const j = this.project.jobs.update(
        jobId,
        { status: 'cancelled', finishedAt: now(), message: 'Cancelled' },
        now(),
      )!;
      this.emit(j);
      return j;
    }
    const run = this.running.get(jobId);
    if (job.status === 'running' && run) {
      run.controller.abort();
      return job;
    }
    throw new ApiError(
      'conflict',
      `Job ${jobId} is ${job.status}; only queued or running jobs can be cancelled.`,
    );
  }

  /** Cancels and, for a running job, waits until its work has actually stopped. */
  async cancelAndWait(jobId: number): Promise<JobRecord> {
    const job = this.cancel(jobId);
    const run = this.running.get(jobId);
    if (run) await run.done;
    return this.project.jobs.get(jobId) ?? job;
  }

  resume(jobId: number): JobRecord {
    const job = this.mustGet(jobId);
    if (!['interrupted', 'cancelled', 'failed'].includes(job.status)) {
      throw new ApiError(
        'conflict',
        `Job ${jobId} is ${job.status}; only interrupted, cancelled or failed jobs can be resumed.`,
      );
    }
    const j = this.project.jobs.update(
      jobId,
      { status: 'queued', error: null, message: 'Queued to resume', finishedAt: null },
      now(),
    )!;
    this.emit(j);
    queueMicrotask(() => this.pump());
    return j;
  }

  /** Resolves when nothing is queued or running (CLI and tests). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops taking work; running jobs are aborted and left 'interrupted' so they resume next time. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const waits = [...this.running.values()].map((r) => {
      r.controller.abort('closing');
      return r.done;
    });
    await Promise.allSettled(waits);
  }

  toApi(job: JobRecord): Job {
    const run = this.running.get(job.id);
    // This process holds the project's lock, so a job marked running that this runner is not running
    // has no live owner anywhere (it was left so by a process that was killed): it is interrupted.
    if (job.status === 'running' && !run)
      job = { ...job, status: 'interrupted', message: INTERRUPTED_MESSAGE };
    const framesDone = run ? Math.max(job.framesDone, run.liveFrames) : job.framesDone;
    let eta: number | null = null;
    if (run?.eta && Date.now() - run.startedAt > 300) {
      const left = run.eta.secondsLeft(Date.now() / 1000);
      if (left !== null) eta = left;
    }
    const shot = job.shotId != null ? this.project.shots.get(job.shotId) : undefined;
    return {
      id: job.id,
      type: job.type,
      detail: this.kinds.get(job.type)?.describe?.(job.params) ?? null,
      shotId: job.shotId,
      shotName: shot?.name ?? null,
      status: job.status,
      fraction:
        job.framesTotal > 0 ? Math.min(1, framesDone / job.framesTotal) : job.status === 'done' ? 1 : 0,
      framesDone,
      framesTotal: job.framesTotal,
      etaSeconds: eta,
      message: job.message,
      error: job.error,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
    };
  }

  private isIdle(): boolean {
    return this.running.size === 0 && this.project.jobs.withStatus('queued').length === 0;
  }

  private mustGet(jobId: number): JobRecord {
    const job = this.project.jobs.get(jobId);
    if (!job) throw new ApiError('not-found', `There is no job ${jobId} in this project.`);
    return job;
  }

  private kind(type: JobType): JobKind {
    const k = this.kinds.get(type);
    if (!k) throw new ApiError('invalid-argument', `Unknown job type '${type}'.`);
    return k;
  }

  private emit(job: JobRecord): void {
    this.bus.emit({ type: 'job', job: this.toApi(job) });
  }

  private pump(): void {
    if (this.disposed) return;
    for (const job of this.project.jobs.withStatus('queued')) {
      if (this.running.size >= this.concurrency) break;
      if (this.running.has(job.id)) continue;
      this.launch(job);
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private launch(job: JobRecord): void {
    const controller = new AbortController();
    const run: Running = {
      controller,
      startedAt: Date.now(),
      eta: null,
      framesAtStart: job.framesDone,
      liveFrames: job.framesDone,
      lastEmit: 0,
      done: Promise.resolve(),
    };
    this.running.set(job.id, run);
    const started = this.project.jobs.update(
      job.id,
      {
        status: 'running',
        ownerPid: process.pid,
        startedAt: job.startedAt ?? now(),
        message: null,
        error: null,
      },
      now(),
    );
    if (!started) {
      this.running.delete(job.id);
      return;
    }
    this.emit(started);
    run.done = this.execute(started, run).finally(() => {
      this.running.delete(job.id);
      this.pump();
    });
  }

  private async execute(job: JobRecord, run: Running): Promise<void> {
    const signal = run.controller.signal;
    const final = (fields: Parameters<Project['jobs']['update']>[1]) => {
      const j = this.project.jobs.update(job.id, { ownerPid: null, ...fields }, now());
      if (j) this.emit(j);
    };
    try {
      const kind = this.kind(job.type);
      const shot = job.shotId != null ? this.project.shots.get(job.shotId) : undefined;
      if (!shot) throw new Error('its shot was removed from the project');
      const plan = kind.plan(shot, job.params);
      const committed = new Map(this.project.jobs.chunks(job.id).map((c) => [c.chunk, c]));
      const eta = new EtaEstimator(plan, new Set(committed.keys()));
      run.eta = eta;
      for (const chunk of plan) {
        if (committed.has(chunk.index)) continue;
        if (signal.aborted) throw signal.reason ?? new Error('aborted');
        const committedFrames = () => this.project.jobs.get(job.id)?.framesDone ?? 0;
        const base = committedFrames();
        eta.chunkStarted(chunk.index, Date.now() / 1000);
        const output = await kind.runChunk({
          project: this.project,
          shot,
          jobId: job.id,
          params: job.params,
          chunk,
          previousOutput: committed.get(chunk.index - 1)?.output ?? null,
          signal,
          onFrames: (n) => {
            eta.progress(n);
            this.live(job.id, run, base + Math.min(n, chunk.count));
          },
        });
        this.project.jobs.commitChunk(job.id, { chunk: chunk.index, frames: chunk.count, output }, now());
        eta.chunkFinished(chunk.index, Date.now() / 1000);
        committed.set(chunk.index, { chunk: chunk.index, frames: chunk.count, output });
        this.live(job.id, run, committedFrames(), true);
      }
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      const closing = await kind.finish({
        project: this.project,
        shot,
        jobId: job.id,
        params: job.params,
        signal,
        chunks: plan.map((p: ChunkPlan) => ({ plan: p, output: committed.get(p.index)?.output ?? null })),
      });
      final({ status: 'done', finishedAt: now(), message: closing || 'Done' });
      if (job.shotId != null) this.bus.emit({ type: 'shots-changed' });
    } catch (e) {
      if (signal.aborted) {
        if (this.disposed) {
          final({
            status: 'interrupted',
            message: 'Interrupted when the project closed; resume to continue.',
          });
        } else {
          final({
            status: 'cancelled',
            finishedAt: now(),
            message: 'Cancelled; resume continues from the work saved.',
          });
        }
      } else {
        final({ status: 'failed', finishedAt: now(), error: (e as Error).message, message: 'Failed' });
      }
    }
  }

  private live(jobId: number, run: Running, frames: number, force = false): void {
    run.liveFrames = Math.max(run.liveFrames, frames);
    const t = Date.now();
    if (!force && t - run.lastEmit < EMIT_INTERVAL_MS) return;
    run.lastEmit = t;
    const job = this.project.jobs.get(jobId);
    if (job) this.emit(job);
  }
}

function now(): string {
  return new Date().toISOString();
}
