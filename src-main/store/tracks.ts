import type Database from 'better-sqlite3';

import type { TrackMethod } from '../../src-shared/api/contract';

export type { TrackMethod };

/** The index row of a shot's 2D tracks; the arrays are in `file` (project-relative, under cache/). */
export interface TrackRecord {
  shotId: number;
  method: TrackMethod;
  file: string;
  width: number;
  height: number;
  numFrames: number;
  numTracks: number;
  analysisWidth: number;
  /** Execution provider that ran the model (XFeat); null for the classical tracker. */
  provider: string | null;
  /** Fingerprint of the media the tracks were computed from: stale when the shot was relinked elsewhere. */
  sourceFingerprint: string;
  stats: Record<string, unknown>;
  createdAt: string;
}

interface Row {
  shot_id: number;
  method: TrackMethod;
  file: string;
  width: number;
  height: number;
  num_frames: number;
  num_tracks: number;
  analysis_width: number;
  provider: string | null;
  source_fingerprint: string;
  stats_json: string;
  created_at: string;
}

function fromRow(r: Row): TrackRecord {
  return {
    shotId: r.shot_id,
    method: r.method,
    file: r.file,
    width: r.width,
    height: r.height,
    numFrames: r.num_frames,
    numTracks: r.num_tracks,
    analysisWidth: r.analysis_width,
    provider: r.provider,
    sourceFingerprint: r.source_fingerprint,
    stats: JSON.parse(r.stats_json) as Record<string, unknown>,
    createdAt: r.created_at,
  };
}

export class TrackRepository {
  constructor(private readonly db: Database.Database) {}

  /** The shot's tracks: the given method, or the newest of any method. */
  get(shotId: number, method?: TrackMethod): TrackRecord | undefined {
    const r = (
      method
        ? this.db.prepare('SELECT * FROM shot_tracks WHERE shot_id = ? AND method = ?').get(shotId, method)
        : this.db
            .prepare('SELECT * FROM shot_tracks WHERE shot_id = ? ORDER BY created_at DESC LIMIT 1')
            .get(shotId)
    ) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  list(shotId: number): TrackRecord[] {
    return (
      this.db.prepare('SELECT * FROM shot_tracks WHERE shot_id = ? ORDER BY method').all(shotId) as Row[]
    ).map(fromRow);
  }

  put(t: TrackRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO shot_tracks (shot_id, method, file, width, height, num_frames, num_tracks,
           analysis_width, provider, source_fingerprint, stats_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        t.shotId,
        t.method,
        t.file,
        t.width,
        t.height,
        t.numFrames,
        t.numTracks,
        t.analysisWidth,
        t.provider,
        t.sourceFingerprint,
        JSON.stringify(t.stats),
        t.createdAt,
      );
  }
}
