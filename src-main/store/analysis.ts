import type Database from 'better-sqlite3';
import type { AnalysisStage, ShotDepth, StageReport } from '../../src-shared/api/contract';

export interface StageRecord extends StageReport {
  shotId: number;
  inputHash: string;
  outputHash: string | null;
}

export interface DepthFrameStats {
  frame: number;
  median: number;
  p5: number;
  p95: number;
  validFraction: number;
}

interface StageRow {
  shot_id: number;
  stage: AnalysisStage;
  status: StageReport['status'];
  input_hash: string;
  output_hash: string | null;
  seconds: number;
  message: string | null;
  finished_at: string;
}

const ORDER: Record<AnalysisStage, number> = { tracks: 0, camera: 1, depth: 2, tracks3d: 3 };

/** What "Analyze shot" recorded: stage reports, the depth of a shot and its per-frame statistics. */
export class AnalysisRepository {
  constructor(private readonly db: Database.Database) {}

  stages(shotId: number): StageRecord[] {
    return (this.db.prepare('SELECT * FROM analysis_stages WHERE shot_id = ?').all(shotId) as StageRow[])
      .map((r) => ({
        shotId: r.shot_id,
        stage: r.stage,
        status: r.status,
        inputHash: r.input_hash,
        outputHash: r.output_hash,
        seconds: r.seconds,
        message: r.message,
        finishedAt: r.finished_at,
      }))
      .sort((a, b) => ORDER[a.stage] - ORDER[b.stage]);
  }

  stage(shotId: number, stage: AnalysisStage): StageRecord | undefined {
    return this.stages(shotId).find((s) => s.stage === stage);
  }

  putStage(r: StageRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO analysis_stages
           (shot_id, stage, status, input_hash, output_hash, seconds, message, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.shotId, r.stage, r.status, r.inputHash, r.outputHash, r.seconds, r.message, r.finishedAt);
  }

  depth(shotId: number): ShotDepth | undefined {
    const r = this.db.prepare('SELECT * FROM shot_depth WHERE shot_id = ?').get(shotId) as
      | {
          method: string;
          width: number;
          height: number;
          frames: number;
          near: number;
          far: number;
          valid_fraction: number;
        }
      | undefined;
    return r
      ? {
          method: r.method,
          width: r.width,
          height: r.height,
          frames: r.frames,
          near: r.near,
          far: r.far,
          validFraction: r.valid_fraction,
        }
      : undefined;
  }

  putDepth(shotId: number, d: ShotDepth, now: string): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO shot_depth (shot_id, method, width, height, frames, near, far, valid_fraction, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(shotId, d.method, d.width, d.height, d.frames, d.near, d.far, d.validFraction, now);
  }

  putDepthFrame(shotId: number, f: DepthFrameStats): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO depth_frames (shot_id, frame, median, p5, p95, valid_fraction) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(shotId, f.frame, f.median, f.p5, f.p95, f.validFraction);
  }

  depthFrames(shotId: number): DepthFrameStats[] {
    return (
      this.db
        .prepare(
          'SELECT frame, median, p5, p95, valid_fraction FROM depth_frames WHERE shot_id = ? ORDER BY frame',
        )
        .all(shotId) as { frame: number; median: number; p5: number; p95: number; valid_fraction: number }[]
    ).map((r) => ({
      frame: r.frame,
      median: r.median,
      p5: r.p5,
      p95: r.p95,
      validFraction: r.valid_fraction,
    }));
  }

  clearDepth(shotId: number): void {
    this.db.prepare('DELETE FROM depth_frames WHERE shot_id = ?').run(shotId);
    this.db.prepare('DELETE FROM shot_depth WHERE shot_id = ?').run(shotId);
  }
}
