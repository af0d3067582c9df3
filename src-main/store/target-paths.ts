import type Database from 'better-sqlite3';

/**
 * A shot's target camera path as stored: its name (unique within the shot), where it came from, and its
 * content as JSON (src-shared/geometry/target-path.ts TargetPathContent, validated by the capability that
 * writes it — src-main/paths — and again when read).
 */
export interface TargetPathRecord {
  id: number;
  shotId: number;
  name: string;
  /** How it was made: 'keyframes' (by hand), 'preset:<kind>', 'import:<format>', 'transfer:<shot id>', … */
  origin: string;
  contentJson: string;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: number;
  shot_id: number;
  name: string;
  origin: string;
  content_json: string;
  created_at: string;
  updated_at: string;
}

const toRecord = (r: Row): TargetPathRecord => ({
  id: r.id,
  shotId: r.shot_id,
  name: r.name,
  origin: r.origin,
  contentJson: r.content_json,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class TargetPathRepository {
  constructor(private readonly db: Database.Database) {}

  /** A shot's paths in the order they were made. */
  list(shotId: number): TargetPathRecord[] {
    return (
      this.db.prepare('SELECT * FROM target_paths WHERE shot_id = ? ORDER BY id').all(shotId) as Row[]
    ).map(toRecord);
  }

  get(id: number): TargetPathRecord | undefined {
    const r = this.db.prepare('SELECT * FROM target_paths WHERE id = ?').get(id) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  byName(shotId: number, name: string): TargetPathRecord | undefined {
    const r = this.db
      .prepare('SELECT * FROM target_paths WHERE shot_id = ? AND name = ?')
      .get(shotId, name) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  /** The next id a new path gets (ids are never reused: AUTOINCREMENT). */
  nextId(): number {
    const r = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'target_paths'").get() as
      { seq: number } | undefined;
    const max = this.db.prepare('SELECT MAX(id) AS m FROM target_paths').get() as { m: number | null };
    return Math.max(r?.seq ?? 0, max.m ?? 0) + 1;
  }

  /** Inserts or replaces the path with this id (the whole record: edits carry whole records). */
  put(p: TargetPathRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO target_paths (id, shot_id, name, origin, content_json, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(p.id, p.shotId, p.name, p.origin, p.contentJson, p.createdAt, p.updatedAt);
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM target_paths WHERE id = ?').run(id);
  }
}
