import type Database from 'better-sqlite3';
import { CameraReportSchema, type CameraReport } from '../../src-shared/api/contract';

/** A shot's source camera as stored: the track is a cameras.json document (Reshoot's interchange format). */
export interface SourceCameraRecord {
  shotId: number;
  origin: 'imported' | 'solved';
  /** 'imported', or the solver's verdict: 'solved' | 'static' | 'rotation-only' | 'partial' | 'failed'. */
  status: string;
  message: string | null;
  sourceFile: string | null;
  format: string | null;
  /** Frames in the track: the frames that have a pose. */
  frames: number;
  trackJson: string;
  /** What the solve (or the import) says about each frame; null for a camera stored before reports were kept. */
  report: CameraReport | null;
  createdAt: string;
}

interface Row {
  shot_id: number;
  origin: 'imported' | 'solved';
  status: string;
  message: string | null;
  source_file: string | null;
  format: string | null;
  frames: number;
  track_json: string;
  report_json: string | null;
  created_at: string;
}

/** The stored report, or null when there is none or it cannot be read (a damaged value never stops the camera loading). */
function reportOf(json: string | null): CameraReport | null {
  if (json === null) return null;
  try {
    const r = CameraReportSchema.safeParse(JSON.parse(json));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export class SourceCameraRepository {
  constructor(private readonly db: Database.Database) {}

  get(shotId: number): SourceCameraRecord | undefined {
    const r = this.db.prepare('SELECT * FROM shot_cameras WHERE shot_id = ?').get(shotId) as Row | undefined;
    return r
      ? {
          shotId: r.shot_id,
          origin: r.origin,
          status: r.status,
          message: r.message,
          sourceFile: r.source_file,
          format: r.format,
          frames: r.frames,
          trackJson: r.track_json,
          report: reportOf(r.report_json),
          createdAt: r.created_at,
        }
      : undefined;
  }

  /** Stores the camera; a record without a report (also one journalled before reports were kept) stores none. */
  put(c: SourceCameraRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO shot_cameras
           (shot_id, origin, status, message, source_file, format, frames, track_json, report_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.shotId,
        c.origin,
        c.status,
        c.message,
        c.sourceFile,
        c.format,
        c.frames,
        c.trackJson,
        c.report ? JSON.stringify(c.report) : null,
        c.createdAt,
      );
  }

  remove(shotId: number): void {
    this.db.prepare('DELETE FROM shot_cameras WHERE shot_id = ?').run(shotId);
  }
}
