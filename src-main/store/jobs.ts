import type Database from 'better-sqlite3';
import type { JobStatus, JobType } from '../../src-shared/api/contract';
import { fromProjectPath, toProjectPath } from './project-relative';

export interface JobRecord {
  id: number;
  type: JobType;
  shotId: number | null;
  status: JobStatus;
  params: Record<string, unknown>;
  framesDone: number;
  framesTotal: number;
  message: string | null;
  error: string | null;
  ownerPid: number | null;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
}

export interface JobChunk {
  chunk: number;
  frames: number;
  /** Absolute here; stored relative to the project folder when inside it (store/project-relative.ts). */
  output: string | null;
}

interface JobRow {
  id: number;
  type: JobType;
  shot_id: number | null;
  status: JobStatus;
  params_json: string;
  frames_done: number;
  frames_total: number;
  message: string | null;
  error: string | null;
  owner_pid: number | null;
  created_at: string;
  started_at: string | null;
  updated_at: string;
  finished_at: string | null;
}

/** What an interrupted job says: the same whether the runner or a read-only view found it so. */
export const INTERRUPTED_MESSAGE =
  'Interrupted: Reshoot stopped while this job was running. Resume continues from the work already saved.';

function fromRow(r: JobRow): JobRecord {
  return {
    id: r.id,
    type: r.type,
    shotId: r.shot_id,
    status: r.status,
    params: JSON.parse(r.params_json) as Record<string, unknown>,
    framesDone: r.frames_done,
    framesTotal: r.frames_total,
    message: r.message,
    error: r.error,
    ownerPid: r.owner_pid,
    createdAt: r.created_at,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

/**
 * Whether the process that marked a job running (its pid, or null when unrecorded) may still be running
 * it. False only when that is known not to be so; see `Project` for how it is judged.
 */
export type JobOwnerCheck = (ownerPid: number | null) => boolean;

export class JobRepository {
  constructor(
    private readonly db: Database.Database,
    /** The project folder where it is now: chunk outputs are stored relative to it. */
    private readonly projectDir: string,
    /**
     * Given to read-only views: there a job still marked 'running' whose owner is gone (killed, so it
     * never marked the job itself) is reported as 'interrupted', as the next opener for writing will
     * mark it. The row is not changed.
     */
    private readonly ownerAlive?: JobOwnerCheck,
  ) {}

  private record(r: JobRow): JobRecord {
    const job = fromRow(r);
    if (job.status === 'running' && this.ownerAlive && !this.ownerAlive(job.ownerPid)) {
      return { ...job, status: 'interrupted', message: INTERRUPTED_MESSAGE };
    }
    return job;
  }

  create(type: JobType, shotId: number | null, params: Record<string, unknown>, now: string): JobRecord {
    const info = this.db
      .prepare(
        `INSERT INTO jobs (type, shot_id, status, params_json, created_at, updated_at)
         VALUES (?, ?, 'queued', ?, ?, ?)`,
      )
      .run(type, shotId, JSON.stringify(params), now, now);
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): JobRecord | undefined {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return r ? this.record(r) : undefined;
  }

  list(limit = 200): JobRecord[] {
    return (this.db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?').all(limit) as JobRow[]).map((r) =>
      this.record(r),
    );
  }

  /** Oldest first: the order the runner takes queued work in. Statuses as `list` reports them. */
  withStatus(status: JobStatus): JobRecord[] {
    const rows =
      status === 'interrupted' && this.ownerAlive
        ? (this.db
            .prepare(`SELECT * FROM jobs WHERE status IN ('interrupted', 'running') ORDER BY id`)
            .all() as JobRow[])
        : (this.db.prepare('SELECT * FROM jobs WHERE status = ? ORDER BY id').all(status) as JobRow[]);
    return rows.map((r) => this.record(r)).filter((j) => j.status === status);
  }

  /** A job of this type for this shot that is still to do or under way, if any. */
  active(type: JobType, shotId: number): JobRecord | undefined {
    const rows = this.db
      .prepare(`SELECT * FROM jobs WHERE type = ? AND shot_id = ? AND status IN ('queued','running')`)
      .all(type, shotId) as JobRow[];
    return rows.map((r) => this.record(r)).find((j) => j.status !== 'interrupted');
  }

  update(
    id: number,
    fields: Partial<
      Pick<
        JobRecord,
        | 'status'
        | 'framesDone'
        | 'framesTotal'
        | 'message'
        | 'error'
        | 'ownerPid'
        | 'startedAt'
        | 'finishedAt'
      >
    >,
    now: string,
  ): JobRecord | undefined {
    const map: Record<string, string> = {
      status: 'status',
      framesDone: 'frames_done',
      framesTotal: 'frames_total',
      message: 'message',
      error: 'error',
      ownerPid: 'owner_pid',
      startedAt: 'started_at',
      finishedAt: 'finished_at',
    };
    const keys = Object.keys(fields).filter((k) => k in map);
    const sets = [...keys.map((k) => `${map[k]} = @${k}`), 'updated_at = @now'].join(', ');
    this.db.prepare(`UPDATE jobs SET ${sets} WHERE id = @id`).run({ ...fields, now, id });
    // Undefined when the job is gone: removing a shot removes its jobs, even one that is running.
    return this.get(id);
  }

  /**
   * Jobs that were running when their process died. Called right after the project lock is taken, so no
   * other live process can own them.
   */
  markInterrupted(now: string): number {
    return this.db
      .prepare(
        `UPDATE jobs SET status = 'interrupted', owner_pid = NULL, updated_at = ?, message = ?
         WHERE status = 'running'`,
      )
      .run(now, INTERRUPTED_MESSAGE).changes;
  }

  chunks(jobId: number): JobChunk[] {
    const rows = this.db
      .prepare('SELECT chunk, frames, output FROM job_chunks WHERE job_id = ? ORDER BY chunk')
      .all(jobId) as JobChunk[];
    return rows.map((c) => ({
      ...c,
      output: c.output === null ? null : fromProjectPath(this.projectDir, c.output),
    }));
  }

  /** Records a finished chunk and the job's new progress in one transaction. */
  commitChunk(jobId: number, chunk: JobChunk, now: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT OR REPLACE INTO job_chunks (job_id, chunk, frames, output, finished_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(
          jobId,
          chunk.chunk,
          chunk.frames,
          chunk.output === null ? null : toProjectPath(this.projectDir, chunk.output),
          now,
        );
      this.db
        .prepare(
          `UPDATE jobs SET frames_done = (SELECT coalesce(sum(frames), 0) FROM job_chunks WHERE job_id = ?),
             updated_at = ? WHERE id = ?`,
        )
        .run(jobId, now, jobId);
    })();
  }
}
