import type Database from 'better-sqlite3';

/** A shot's source camera as stored: the track is a cameras.json document (Reshoot's interchange format). */
export interface SourceCameraRecord {
  shotId: number;
  origin: 'imported' | 'solved';
  /** 'imported', or the solver's verdict: 'solved' | 'static' | 'rotation-only' | 'failed'. */
  status: string;
  message: string | null;
  sourceFile: string | null;
  format: string | null;
  frames: number;
  trackJson: string;
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
  created_at: string;
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
          createdAt: r.created_at,
        }
      : undefined;
  }

  put(c: SourceCameraRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO shot_cameras
           (shot_id, origin, status, message, source_file, format, frames, track_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        c.createdAt,
      );
  }

  remove(shotId: number): void {
    this.db.prepare('DELETE FROM shot_cameras WHERE shot_id = ?').run(shotId);
  }
}
