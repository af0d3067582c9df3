import type Database from 'better-sqlite3';

export type RenderStatus = 'rendering' | 'done' | 'failed' | 'cancelled';

/** A render version of a target path as stored (src-main/render owns what the JSON says). */
export interface RenderRecord {
  id: number;
  shotId: number;
  pathId: number;
  /** The path's name when the render was made (the path may be renamed or removed since). */
  pathName: string;
  version: number;
  status: RenderStatus;
  /** 'reprojection' (geometric); a generative method names its model. */
  method: string;
  firstFrame: number;
  lastFrame: number;
  provenanceJson: string;
  message: string | null;
  jobId: number | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface RenderFrameRecord {
  renderId: number;
  frame: number;
  inputKey: string;
  /** Shares of the frame the mask calls seen and filled (0–1). */
  seen: number;
  filled: number;
  /** Whether the frame was taken from an earlier render with the same inputs. */
  reused: boolean;
}

interface Row {
  id: number;
  shot_id: number;
  path_id: number;
  path_name: string;
  version: number;
  status: RenderStatus;
  method: string;
  first_frame: number;
  last_frame: number;
  provenance_json: string;
  message: string | null;
  job_id: number | null;
  created_at: string;
  finished_at: string | null;
}

interface FrameRow {
  render_id: number;
  frame: number;
  input_key: string;
  seen: number;
  filled: number;
  reused: number;
}

const toRecord = (r: Row): RenderRecord => ({
  id: r.id,
  shotId: r.shot_id,
  pathId: r.path_id,
  pathName: r.path_name,
  version: r.version,
  status: r.status,
  method: r.method,
  firstFrame: r.first_frame,
  lastFrame: r.last_frame,
  provenanceJson: r.provenance_json,
  message: r.message,
  jobId: r.job_id,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

const toFrame = (r: FrameRow): RenderFrameRecord => ({
  renderId: r.render_id,
  frame: r.frame,
  inputKey: r.input_key,
  seen: r.seen,
  filled: r.filled,
  reused: r.reused === 1,
});

export class RenderRepository {
  constructor(private readonly db: Database.Database) {}

  /** A shot's renders, by path and version. */
  list(shotId: number): RenderRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM renders WHERE shot_id = ? ORDER BY path_id, version')
        .all(shotId) as Row[]
    ).map(toRecord);
  }

  get(id: number): RenderRecord | undefined {
    const r = this.db.prepare('SELECT * FROM renders WHERE id = ?').get(id) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  /** Makes the next version of a path's render (versions are never reused, even after a failure). */
  create(r: Omit<RenderRecord, 'id' | 'version' | 'finishedAt' | 'message'>): RenderRecord {
    return this.db
      .transaction(() => {
        const { v } = this.db
          .prepare('SELECT COALESCE(MAX(version), 0) + 1 AS v FROM renders WHERE shot_id = ? AND path_id = ?')
          .get(r.shotId, r.pathId) as { v: number };
        const info = this.db
          .prepare(
            `INSERT INTO renders (shot_id, path_id, path_name, version, status, method, first_frame, last_frame,
               provenance_json, job_id, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            r.shotId,
            r.pathId,
            r.pathName,
            v,
            r.status,
            r.method,
            r.firstFrame,
            r.lastFrame,
            r.provenanceJson,
            r.jobId,
            r.createdAt,
          );
        return this.get(Number(info.lastInsertRowid))!;
      })
      .immediate();
  }

  setJob(id: number, jobId: number): void {
    this.db.prepare('UPDATE renders SET job_id = ? WHERE id = ?').run(jobId, id);
  }

  finish(id: number, status: RenderStatus, message: string | null, at: string | null): void {
    this.db
      .prepare('UPDATE renders SET status = ?, message = ?, finished_at = ? WHERE id = ?')
      .run(status, message, at, id);
  }

  frames(renderId: number): RenderFrameRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM render_frames WHERE render_id = ? ORDER BY frame')
        .all(renderId) as FrameRow[]
    ).map(toFrame);
  }

  putFrame(f: RenderFrameRecord): void {
    this.db
      .prepare(
        `INSERT INTO render_frames (render_id, frame, input_key, seen, filled, reused) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (render_id, frame) DO UPDATE SET input_key = excluded.input_key, seen = excluded.seen,
           filled = excluded.filled, reused = excluded.reused`,
      )
      .run(f.renderId, f.frame, f.inputKey, f.seen, f.filled, f.reused ? 1 : 0);
  }

  /** A finished frame of this shot's renders with the same inputs (the newest), other than in `except`. */
  frameWithKey(shotId: number, inputKey: string, except: number): RenderFrameRecord | undefined {
    const r = this.db
      .prepare(
        `SELECT f.* FROM render_frames f JOIN renders r ON r.id = f.render_id
         WHERE f.input_key = ? AND r.shot_id = ? AND f.render_id <> ? ORDER BY f.render_id DESC LIMIT 1`,
      )
      .get(inputKey, shotId, except) as FrameRow | undefined;
    return r ? toFrame(r) : undefined;
  }
}
