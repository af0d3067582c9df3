import type { JobType } from '../../src-shared/api/contract';
import type { Project, ShotRecord } from '../store';

/** A slice of a job's work whose result is committed on its own, so a crash loses at most one chunk. */
export interface ChunkPlan {
  index: number;
  /** First frame of the shot this chunk covers, and how many frames (the unit progress is counted in). */
  start: number;
  count: number;
  /** The stage the chunk belongs to, for jobs whose stages run at different speeds (time-left per stage). */
  stage?: string;
  /**
   * The chunk's expected cost relative to the job's other chunks (e.g. seconds on a reference machine);
   * the frame count when absent. Only the time-left estimate reads it.
   */
  cost?: number;
}

export interface ChunkContext {
  project: Project;
  shot: ShotRecord;
  jobId: number;
  /** The job's parameters as queued (e.g. the tracking method). */
  params: Record<string, unknown>;
  chunk: ChunkPlan;
  /** What the previous chunk committed (e.g. a tracker state to continue from); null for the first. */
  previousOutput: string | null;
  signal: AbortSignal;
  /** Frames of this chunk done so far (for live progress between commits). */
  onFrames(done: number): void;
}

export interface FinishContext {
  project: Project;
  shot: ShotRecord;
  jobId: number;
  params: Record<string, unknown>;
  chunks: { plan: ChunkPlan; output: string | null }[];
  signal: AbortSignal;
}

/** One type of job: how its work is cut into chunks, how a chunk is done, and how it is finished. */
export interface JobKind {
  type: JobType;
  /** Must give the same chunks for the same shot every time: resume skips those already committed. */
  plan(shot: ShotRecord, params: Record<string, unknown>): ChunkPlan[];
  /** Checks and completes a job's parameters when it is queued; throws an ApiError for bad ones. */
  params?(shot: ShotRecord, given: Record<string, unknown>): Record<string, unknown>;
  /** Short words for the job list, e.g. "KLT" for a tracking job. */
  describe?(params: Record<string, unknown>): string | null;
  /** Does one chunk; returns the path of what it wrote (or null). Must honour `signal`. */
  runChunk(ctx: ChunkContext): Promise<string | null>;
  /**
   * Runs once every chunk is committed (e.g. joins segments). Must be safe to run again. May return
   * the job's closing message (e.g. "1,204 tracks · XFeat on cpu").
   */
  finish(ctx: FinishContext): Promise<string | void>;
}

export class JobCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'JobCancelled';
  }
}
