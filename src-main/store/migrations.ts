import type Database from 'better-sqlite3';

/**
 * Schema history. Each step runs in its own transaction together with the `user_version` bump, so a
 * crash mid-upgrade leaves the previous version intact. Never edit a released step: add a new one.
 * tests/integration/store/migrations.test.ts builds a database at every earlier version and upgrades it.
 */
export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'project settings, shots, jobs',
    up(db) {
      db.exec(`
        CREATE TABLE project_settings (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;

        -- AUTOINCREMENT: a removed shot's id is never reused, so its cached files can't be mistaken
        -- for another shot's (and undoing the removal brings them back).
        CREATE TABLE shots (
          id              INTEGER PRIMARY KEY AUTOINCREMENT,
          name            TEXT NOT NULL,
          kind            TEXT NOT NULL CHECK (kind IN ('video', 'sequence')),
          media_path      TEXT NOT NULL,
          media_relpath   TEXT,
          fingerprint     TEXT NOT NULL,
          width           INTEGER NOT NULL CHECK (width > 0),
          height          INTEGER NOT NULL CHECK (height > 0),
          par_num         INTEGER NOT NULL DEFAULT 1,
          par_den         INTEGER NOT NULL DEFAULT 1,
          rotation        INTEGER NOT NULL DEFAULT 0,
          fps_num         INTEGER NOT NULL CHECK (fps_num > 0),
          fps_den         INTEGER NOT NULL CHECK (fps_den > 0),
          frame_count     INTEGER NOT NULL CHECK (frame_count > 0),
          start_timecode  TEXT,
          reel_name       TEXT,
          facts_json      TEXT NOT NULL,
          imported_at     TEXT NOT NULL,
          sort_order      INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE jobs (
          id            INTEGER PRIMARY KEY,
          type          TEXT NOT NULL,
          shot_id       INTEGER REFERENCES shots(id) ON DELETE CASCADE,
          status        TEXT NOT NULL,
          params_json   TEXT NOT NULL DEFAULT '{}',
          frames_done   INTEGER NOT NULL DEFAULT 0,
          frames_total  INTEGER NOT NULL DEFAULT 0,
          message       TEXT,
          error         TEXT,
          owner_pid     INTEGER,
          created_at    TEXT NOT NULL,
          started_at    TEXT,
          updated_at    TEXT NOT NULL,
          finished_at   TEXT
        ) STRICT;
        CREATE INDEX jobs_by_status ON jobs(status);
      `);
    },
  },
  {
    version: 2,
    description: 'colour tags, per-chunk job progress, undo journal',
    up(db) {
      db.exec(`
        ALTER TABLE shots ADD COLUMN colour_tag TEXT NOT NULL DEFAULT 'none';

        -- Work a job has committed: a chunk listed here is finished and its output is on disk.
        CREATE TABLE job_chunks (
          job_id       INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
          chunk        INTEGER NOT NULL,
          frames       INTEGER NOT NULL,
          output       TEXT,
          finished_at  TEXT NOT NULL,
          PRIMARY KEY (job_id, chunk)
        ) STRICT;

        -- Undoable edits: 'forward' re-applies, 'inverse' undoes; both are JSON edit records.
        CREATE TABLE undo_journal (
          id          INTEGER PRIMARY KEY,
          label       TEXT NOT NULL,
          forward     TEXT NOT NULL,
          inverse     TEXT NOT NULL,
          undone      INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
          created_at  TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 3,
    description: '2D point tracks of shots',
    up(db) {
      db.exec(`
        -- One track result per shot and method; the arrays live in a file under cache/ (derived).
        CREATE TABLE shot_tracks (
          shot_id             INTEGER NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
          method              TEXT NOT NULL CHECK (method IN ('klt', 'xfeat')),
          file                TEXT NOT NULL,
          width               INTEGER NOT NULL,
          height              INTEGER NOT NULL,
          num_frames          INTEGER NOT NULL,
          num_tracks          INTEGER NOT NULL,
          analysis_width      INTEGER NOT NULL,
          provider            TEXT,
          source_fingerprint  TEXT NOT NULL,
          stats_json          TEXT NOT NULL DEFAULT '{}',
          created_at          TEXT NOT NULL,
          PRIMARY KEY (shot_id, method)
        ) STRICT;
      `);
    },
  },
  {
    version: 4,
    description: 'source cameras of shots',
    up(db) {
      db.exec(`
        -- A shot's source camera: imported (the user's own solve) or solved by Reshoot. The track is
        -- kept as a cameras.json document: small, and the user's work must not live in cache/.
        CREATE TABLE shot_cameras (
          shot_id      INTEGER PRIMARY KEY REFERENCES shots(id) ON DELETE CASCADE,
          origin       TEXT NOT NULL CHECK (origin IN ('imported', 'solved')),
          status       TEXT NOT NULL,
          message      TEXT,
          source_file  TEXT,
          format       TEXT,
          frames       INTEGER NOT NULL,
          track_json   TEXT NOT NULL,
          created_at   TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 5,
    description: 'analysis stages, depth of shots',
    up(db) {
      db.exec(`
        -- The last run of each stage of "Analyze shot": what it was computed from (input_hash), so an
        -- unchanged stage is reused rather than recomputed.
        CREATE TABLE analysis_stages (
          shot_id      INTEGER NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
          stage        TEXT NOT NULL CHECK (stage IN ('tracks', 'camera', 'depth', 'tracks3d')),
          status       TEXT NOT NULL CHECK (status IN ('done', 'reused', 'failed')),
          input_hash   TEXT NOT NULL,
          output_hash  TEXT,
          seconds      REAL NOT NULL,
          message      TEXT,
          finished_at  TEXT NOT NULL,
          PRIMARY KEY (shot_id, stage)
        ) STRICT;

        -- Per-frame depth maps live in cache/depth/<shot>/ (float16); their statistics live here.
        CREATE TABLE shot_depth (
          shot_id         INTEGER PRIMARY KEY REFERENCES shots(id) ON DELETE CASCADE,
          method          TEXT NOT NULL,
          width           INTEGER NOT NULL,
          height          INTEGER NOT NULL,
          frames          INTEGER NOT NULL,
          near            REAL NOT NULL,
          far             REAL NOT NULL,
          valid_fraction  REAL NOT NULL,
          created_at      TEXT NOT NULL
        ) STRICT;

        CREATE TABLE depth_frames (
          shot_id         INTEGER NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
          frame           INTEGER NOT NULL,
          median          REAL NOT NULL,
          p5              REAL NOT NULL,
          p95             REAL NOT NULL,
          valid_fraction  REAL NOT NULL,
          PRIMARY KEY (shot_id, frame)
        ) STRICT;
      `);
    },
  },
  {
    version: 6,
    description: 'the lens of a shot, as the user gives it',
    up(db) {
      db.exec(`
        -- Focal length and sensor (film back) width in mm, set by the user for the camera solve; NULL =
        -- unknown (the media's own lens metadata, when it has any, lives in facts_json).
        ALTER TABLE shots ADD COLUMN lens_focal_mm REAL;
        ALTER TABLE shots ADD COLUMN lens_sensor_width_mm REAL;
      `);
    },
  },
  {
    version: 7,
    description: "the per-frame report of a shot's source camera",
    up(db) {
      db.exec(`
        -- What the solve says about each frame (status, segment) and each segment, as JSON
        -- (src-shared/api/contract/camera-report.ts); NULL for cameras stored before it was kept.
        ALTER TABLE shot_cameras ADD COLUMN report_json TEXT;
      `);
    },
  },
  {
    version: 8,
    description: 'target camera paths',
    up(db) {
      db.exec(`
        -- A shot's target camera paths (src-main/paths): keyframes or per-frame samples as JSON
        -- (src-shared/geometry/target-path.ts). AUTOINCREMENT: a removed path's id is never reused, so
        -- renders made from it (later) are never mistaken for another path's.
        CREATE TABLE target_paths (
          id            INTEGER PRIMARY KEY AUTOINCREMENT,
          shot_id       INTEGER NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
          name          TEXT NOT NULL CHECK (length(name) > 0),
          origin        TEXT NOT NULL,
          content_json  TEXT NOT NULL,
          created_at    TEXT NOT NULL,
          updated_at    TEXT NOT NULL,
          UNIQUE (shot_id, name)
        ) STRICT;
      `);
    },
  },
  {
    version: 9,
    description: "the orientation of a shot's scene",
    up(db) {
      db.exec(`
        -- The floor's up and an origin on it, as JSON (src-shared/geometry/orientation.ts); NULL = the
        -- scene is as the solve or the imported camera left it.
        ALTER TABLE shots ADD COLUMN orientation_json TEXT;
      `);
    },
  },
  {
    version: 10,
    description: 'renders of target paths and their frames',
    up(db) {
      db.exec(`
        -- A render version of a target path (src-main/render): v001, v002, … per path, never overwritten.
        -- No foreign keys: a render outlives the removal of its path or shot (undo brings them back).
        -- provenance_json: method, input hashes, settings, Reshoot's version.
        CREATE TABLE renders (
          id               INTEGER PRIMARY KEY AUTOINCREMENT,
          shot_id          INTEGER NOT NULL,
          path_id          INTEGER NOT NULL,
          path_name        TEXT NOT NULL,
          version          INTEGER NOT NULL CHECK (version > 0),
          status           TEXT NOT NULL CHECK (status IN ('rendering', 'done', 'failed', 'cancelled')),
          method           TEXT NOT NULL,
          first_frame      INTEGER NOT NULL,
          last_frame       INTEGER NOT NULL,
          provenance_json  TEXT NOT NULL,
          message          TEXT,
          job_id           INTEGER,
          created_at       TEXT NOT NULL,
          finished_at      TEXT,
          UNIQUE (shot_id, path_id, version)
        ) STRICT;
        -- Each rendered frame: the key of its inputs (a frame with the same key is the same picture, so a
        -- later version reuses it) and what its mask says.
        CREATE TABLE render_frames (
          render_id  INTEGER NOT NULL REFERENCES renders(id) ON DELETE CASCADE,
          frame      INTEGER NOT NULL,
          input_key  TEXT NOT NULL,
          seen       REAL NOT NULL,
          filled     REAL NOT NULL,
          reused     INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (render_id, frame)
        ) STRICT;
        CREATE INDEX render_frames_key ON render_frames(input_key);
      `);
    },
  },
  {
    version: 11,
    description: 'verifications of renders',
    up(db) {
      db.exec(`
        -- The latest "Verify render" of a render version (src-main/render/verify.ts): the plate tracked and
        -- solved, its camera compared with the path. result_json: src-shared/api/contract/render-verification.ts.
        CREATE TABLE render_verifications (
          render_id    INTEGER PRIMARY KEY REFERENCES renders(id) ON DELETE CASCADE,
          verdict      TEXT NOT NULL CHECK (verdict IN ('follows', 'deviates', 'unverifiable')),
          result_json  TEXT NOT NULL,
          job_id       INTEGER,
          verified_at  TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Runs the steps above `from` up to `to` (default: current), one transaction each. */
export function migrate(db: Database.Database, to: number = SCHEMA_VERSION): void {
  const from = db.pragma('user_version', { simple: true }) as number;
  for (const m of MIGRATIONS) {
    if (m.version <= from || m.version > to) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
