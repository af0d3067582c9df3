import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MIGRATIONS,
  Project,
  SCHEMA_VERSION,
  migrate,
  type SourceCameraRecord,
} from '../../../src-main/store';
import type { CameraReport } from '../../../src-shared/api/contract';
import { verificationOf, verificationSummaryOf } from '../../../src-main/render';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function schemaOf(db: Database.Database): string[] {
  return (
    db
      .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as {
      type: string;
      name: string;
      sql: string;
    }[]
  ).map((r) => `${r.type} ${r.name}: ${r.sql.replace(/\s+/g, ' ')}`);
}

/** Columns as SQLite sees them (ALTER TABLE appends columns, so compare by table_info, not DDL text). */
function columnsOf(db: Database.Database): Record<string, string[]> {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    .all() as { name: string }[];
  return Object.fromEntries(
    tables.map(({ name }) => [
      name,
      (
        db.prepare(`PRAGMA table_info(${name})`).all() as {
          name: string;
          type: string;
          notnull: number;
          dflt_value: unknown;
          pk: number;
        }[]
      )
        .map((c) => `${c.name} ${c.type} ${c.notnull} ${String(c.dflt_value)} ${c.pk}`)
        .sort(),
    ]),
  );
}

const SAMPLE_FACTS = JSON.stringify({
  kind: 'video',
  path: '/media/a.mov',
  codec: 'prores',
  vfr: false,
  hasAudio: false,
});

describe('schema migrations', () => {
  it('are numbered 1, 2, … without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  for (let from = 1; from < SCHEMA_VERSION; from++) {
    it(`upgrade a project from version ${from} with its data intact, keeping a backup`, () => {
      const dir = join(tmp.dir, `v${from}.reshoot`);
      mkdirSync(dir);
      const old = new Database(join(dir, 'project.db'));
      old.pragma('journal_mode = WAL');
      migrate(old, from);
      old
        .prepare(
          "INSERT INTO project_settings VALUES ('name', 'Old One'), ('created_at', '2026-01-01T00:00:00Z')",
        )
        .run();
      old
        .prepare(
          `INSERT INTO shots (name, kind, media_path, media_relpath, fingerprint, width, height, fps_num, fps_den, frame_count,
             start_timecode, reel_name, facts_json, imported_at, sort_order)
           VALUES ('A001_C003', 'video', '/media/a.mov', NULL, 'abc', 1920, 1080, 24000, 1001, 240, '01:00:00:00', 'A001', ?, '2026-01-01', 1)`,
        )
        .run(SAMPLE_FACTS);
      old
        .prepare(
          "INSERT INTO jobs (type, shot_id, status, created_at, updated_at) VALUES ('proxy', 1, 'done', 'x', 'x')",
        )
        .run();
      old.close();

      const p = Project.open(dir);
      try {
        expect(p.schemaVersion).toBe(SCHEMA_VERSION);
        expect(p.name).toBe('Old One');
        const [shot] = p.shots.list();
        expect(shot).toMatchObject({
          name: 'A001_C003',
          fpsNum: 24000,
          fpsDen: 1001,
          startTimecode: '01:00:00:00',
          reelName: 'A001',
          colourTag: 'none',
        });
        expect(p.jobs.list()[0]).toMatchObject({ type: 'proxy', status: 'done', shotId: 1 });
        const fresh = new Database(':memory:');
        migrate(fresh);
        expect(columnsOf(p.db)).toEqual(columnsOf(fresh));
        expect(schemaOf(p.db).filter((s) => s.startsWith('index'))).toEqual(
          schemaOf(fresh).filter((s) => s.startsWith('index')),
        );
        fresh.close();
        expect(p.db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(p.db.pragma('foreign_key_check')).toEqual([]);
      } finally {
        p.close();
      }
      const backup = join(dir, `project.v${from}.backup.db`);
      expect(existsSync(backup)).toBe(true);
      const b = new Database(backup, { readonly: true });
      expect(b.pragma('user_version', { simple: true })).toBe(from);
      b.close();
    });
  }

  it('a source camera stored before reports were kept reads with none; a damaged report reads as none', () => {
    const dir = join(tmp.dir, 'camera-report.reshoot');
    mkdirSync(dir);
    const old = new Database(join(dir, 'project.db'));
    migrate(old, 6);
    old
      .prepare(
        `INSERT INTO shots (name, kind, media_path, fingerprint, width, height, fps_num, fps_den, frame_count,
           facts_json, imported_at, sort_order)
         VALUES ('A', 'video', '/media/a.mov', 'abc', 1920, 1080, 24, 1, 3, ?, '2026-01-01', 1),
                ('B', 'video', '/media/b.mov', 'def', 1920, 1080, 24, 1, 3, ?, '2026-01-01', 2)`,
      )
      .run(SAMPLE_FACTS, SAMPLE_FACTS);
    old
      .prepare(
        `INSERT INTO shot_cameras (shot_id, origin, status, message, frames, track_json, created_at)
         VALUES (1, 'solved', 'solved', 'solved', 3, '{}', 'x'), (2, 'solved', 'solved', 'solved', 3, '{}', 'x')`,
      )
      .run();
    old.close();
    const p = Project.open(dir);
    try {
      expect(p.sourceCameras.get(1)).toMatchObject({ status: 'solved', frames: 3, report: null });
      const report: CameraReport = {
        frames: [0, 1, 2].map((index) => ({ index, status: 'solved', segment: 0 })),
        segments: [
          {
            index: 0,
            first: 0,
            last: 2,
            kind: 'solved',
            gauge: 0,
            joinedTo: null,
            joinPoints: 0,
            confidence: 0.9,
            rmsPx: 0.4,
            translationUncertainty: 0.01,
          },
        ],
        movingTracks: 2,
        tracker: 'klt',
        summary: 'frames 0–2 solved',
      };
      p.sourceCameras.put({ ...p.sourceCameras.get(2)!, report });
      expect(p.sourceCameras.get(2)!.report).toEqual(report);
      // damaged JSON, or JSON that is not a report: the camera still loads, without its report
      for (const bad of ['{"frames": [', '{"frames": []}', '42', 'null']) {
        p.db.prepare('UPDATE shot_cameras SET report_json = ? WHERE shot_id = 2').run(bad);
        expect(p.sourceCameras.get(2), bad).toMatchObject({ status: 'solved', report: null });
      }
      // a record journalled before reports were kept (no 'report' field) stores none
      p.sourceCameras.put({ ...p.sourceCameras.get(2)!, report });
      const journalled: Partial<SourceCameraRecord> = { ...p.sourceCameras.get(2)! };
      delete journalled.report;
      p.sourceCameras.put(journalled as SourceCameraRecord);
      expect(p.sourceCameras.get(2)!.report).toBeNull();
    } finally {
      p.close();
    }
  });

  it('renders made before verifications were kept upgrade unverified; a verification is kept per render', () => {
    const dir = join(tmp.dir, 'render-verification.reshoot');
    mkdirSync(dir);
    const old = new Database(join(dir, 'project.db'));
    migrate(old, 10);
    old
      .prepare(
        `INSERT INTO shots (name, kind, media_path, fingerprint, width, height, fps_num, fps_den, frame_count,
           facts_json, imported_at, sort_order)
         VALUES ('A', 'video', '/media/a.mov', 'abc', 640, 360, 24, 1, 48, ?, '2026-01-01', 1)`,
      )
      .run(SAMPLE_FACTS);
    old
      .prepare(
        `INSERT INTO renders (shot_id, path_id, path_name, version, status, method, first_frame, last_frame,
           provenance_json, created_at)
         VALUES (1, 1, 'target', 1, 'done', 'reprojection', 0, 23, '{}', 'x'), (1, 1, 'target', 2, 'done', 'reprojection', 0, 23, '{}', 'x')`,
      )
      .run();
    old.close();
    const p = Project.open(dir);
    try {
      expect(p.renderVerifications.get(1)).toBeUndefined();
      const v = { verdict: 'follows', text: 'the plate follows the path', verifiedAt: 'y' };
      p.renderVerifications.put({
        renderId: 1,
        verdict: 'deviates',
        resultJson: '{}',
        jobId: null,
        verifiedAt: 'x',
      });
      p.renderVerifications.put({
        renderId: 1,
        verdict: 'follows',
        resultJson: JSON.stringify(v),
        jobId: 7,
        verifiedAt: 'y',
      });
      // the latest replaces the earlier one; the other version stays unverified
      expect(p.renderVerifications.get(1)).toEqual({
        renderId: 1,
        verdict: 'follows',
        resultJson: JSON.stringify(v),
        jobId: 7,
        verifiedAt: 'y',
      });
      expect(verificationOf(p, 1)).toEqual(v);
      expect(verificationOf(p, 2)).toBeNull();
      // a verdict the schema does not know is refused; a damaged result reads as none
      expect(() =>
        p.db.prepare("UPDATE render_verifications SET verdict = 'maybe' WHERE render_id = 1").run(),
      ).toThrow(/CHECK/);
      p.db.prepare("UPDATE render_verifications SET result_json = '{\"verd' WHERE render_id = 1").run();
      expect(verificationOf(p, 1)).toBeNull();
      expect(verificationSummaryOf(p, 1)).toBeNull();
      // a verification goes with its render
      p.db.prepare('DELETE FROM renders WHERE id = 1').run();
      expect(p.renderVerifications.get(1)).toBeUndefined();
    } finally {
      p.close();
    }
  });

  it('a failing step leaves the database at the previous version', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    db.exec('CREATE TABLE job_chunks (x INTEGER)'); // makes step 2 fail half-way
    expect(() => migrate(db)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(() => db.prepare('SELECT colour_tag FROM shots').all()).toThrow(/no such column/);
    db.close();
  });
});
