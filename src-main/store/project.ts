import type Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { projectDepthFileName } from '../../src-shared/depth-layout';
import { sweepStaleTempFiles } from '../util/atomic-write';
import { ProjectError } from './errors';
import { openDatabase } from './sqlite';
import { JobRepository } from './jobs';
import { UndoJournal } from './journal';
import { acquireProjectLock, projectLockHolder, type ProjectLock } from './lock';
import { migrate, SCHEMA_VERSION } from './migrations';
import { ShotRepository } from './shots';
import { TrackRepository } from './tracks';
import { TargetPathRepository } from './target-paths';
import { RenderRepository } from './renders';
import { RenderVerificationRepository } from './render-verifications';
import { SourceCameraRepository } from './source-cameras';
import { AnalysisRepository } from './analysis';
import { PROJECT_DB, PROJECT_FOLDERS, projectBackupName } from '../../src-shared/project-layout';

export const PROJECT_EXTENSION = '.reshoot';

/** Where a project keeps things. `cache/` is derived and may be deleted at any time. */
export interface ProjectPaths {
  dir: string;
  db: string;
  cache: string;
  renders: string;
  /** Files that web mode received by drag-and-drop (browsers do not reveal source paths). */
  media: string;
  thumbnail(shotId: number): string;
  filmstrip(shotId: number): string;
  proxy(shotId: number): string;
  proxySegments(shotId: number): string;
  /** Track file of a shot for a method (`cache/tracks/<id>.<method>.rstk`). */
  tracks(shotId: number, method: string): string;
  /** Scratch space a job keeps between its chunks (removed when the job finishes). */
  jobScratch(jobId: number): string;
  /** Depth maps of a shot: `cache/depth/<id>/frame_00000.f16` (float16 planar z, 0 = invalid). */
  depthFrame(shotId: number, frame: number): string;
  /** What each pixel of a depth map is, beside it: `cache/depth/<id>/frame_00000.state` (depth-layout.ts). */
  depthState(shotId: number, frame: number): string;
  /** The solver's sparse point cloud of a shot. */
  sparsePoints(shotId: number): string;
  /** Per 2D track, 1 where the camera solve found it moving (written with the sparse points). */
  movingTracks(shotId: number): string;
  /** Points back-projected from the shot's depth (a few frames, subsampled), coloured by the frames. */
  densePoints(shotId: number): string;
  /** 3D tracks of a shot (2D tracks lifted with depth and cameras). */
  tracks3d(shotId: number): string;
}

export function projectPaths(dir: string): ProjectPaths {
  const cache = join(dir, PROJECT_FOLDERS.cache);
  return {
    dir,
    db: join(dir, PROJECT_DB),
    cache,
    renders: join(dir, PROJECT_FOLDERS.renders),
    media: join(dir, PROJECT_FOLDERS.media),
    thumbnail: (id) => join(cache, 'thumbnails', `${id}.jpg`),
    filmstrip: (id) => join(cache, 'filmstrips', `${id}.jpg`),
    proxy: (id) => join(cache, 'proxies', `${id}.mp4`),
    proxySegments: (id) => join(cache, 'proxies', `${id}.segments`),
    tracks: (id, method) => join(cache, 'tracks', `${id}.${method}.rstk`),
    jobScratch: (jobId) => join(cache, 'jobs', String(jobId)),
    depthFrame: (id, frame) => join(cache, 'depth', String(id), projectDepthFileName(frame)),
    depthState: (id, frame) => join(cache, 'depth', String(id), projectDepthFileName(frame, 'state')),
    sparsePoints: (id) => join(cache, 'points', `${id}.sparse.bin`),
    movingTracks: (id) => join(cache, 'points', `${id}.moving.bin`),
    densePoints: (id) => join(cache, 'points', `${id}.dense.bin`),
    tracks3d: (id) => join(cache, 'tracks3d', `${id}.bin`),
  };
}

function applyPragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // FULL: a committed edit survives power loss too, not only a crash of the app.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
}

/**
 * Reads the schema version without changing a byte of the folder. A read-only SQLite connection to a
 * WAL database still creates -shm/-wal files, so when no WAL is present the version is read straight
 * from the header (user_version: 4 bytes big-endian at offset 60). With a WAL, newer pages may hold it.
 */
function readSchemaVersion(dbPath: string): number {
  const wal = `${dbPath}-wal`;
  if (!existsSync(wal) || statSync(wal).size === 0) {
    const header = Buffer.alloc(100);
    const fd = openSync(dbPath, 'r');
    try {
      if (readSync(fd, header, 0, 100, 0) < 100 || header.toString('latin1', 0, 15) !== 'SQLite format 3') {
        throw new Error('not an SQLite database');
      }
    } finally {
      closeSync(fd);
    }
    return header.readUInt32BE(60);
  }
  const ro = openDatabase(dbPath, { readonly: true, fileMustExist: true });
  try {
    return ro.pragma('user_version', { simple: true }) as number;
  } finally {
    ro.close();
  }
}

export interface OpenOptions {
  /** For tools that only read (e.g. `reshoot info`): no lock, no migration, no writes. */
  readonly?: boolean;
}

export class Project {
  readonly shots: ShotRepository;
  readonly jobs: JobRepository;
  readonly journal: UndoJournal<unknown>;
  readonly tracks: TrackRepository;
  readonly sourceCameras: SourceCameraRepository;
  readonly analysis: AnalysisRepository;
  readonly targetPaths: TargetPathRepository;
  readonly renders: RenderRepository;
  readonly renderVerifications: RenderVerificationRepository;
  readonly paths: ProjectPaths;
  private closed = false;

  private constructor(
    readonly db: Database.Database,
    dir: string,
    private readonly lock: ProjectLock | null,
    readonly readonly: boolean,
  ) {
    this.paths = projectPaths(dir);
    this.shots = new ShotRepository(db);
    // A writer holds the lock and marked every job of a dead owner interrupted when it opened; a reader
    // judges owners itself. Only the process that holds the project's lock runs its jobs (the lock file
    // names its host, so a pid is only judged on its own host): when that process is gone, or another
    // one holds the lock now, the job is not running any more.
    this.jobs = new JobRepository(
      db,
      this.paths.dir,
      readonly ? (ownerPid) => projectLockHolder(dir, ownerPid) !== 'no' : undefined,
    );
    this.journal = new UndoJournal(db);
    this.tracks = new TrackRepository(db);
    this.sourceCameras = new SourceCameraRepository(db);
    this.analysis = new AnalysisRepository(db);
    this.targetPaths = new TargetPathRepository(db);
    this.renders = new RenderRepository(db);
    this.renderVerifications = new RenderVerificationRepository(db);
  }

  get dir(): string {
    return this.paths.dir;
  }

  /** Creates `<parentDir>/<name>.reshoot/` and opens it. The folder is built aside and renamed in. */
  static create(parentDir: string, name: string): Project {
    const parent = resolve(parentDir);
    if (!existsSync(parent) || !statSync(parent).isDirectory()) {
      throw new ProjectError('not-found', `${parent}: no such folder to create the project in.`);
    }
    const folderName = name.endsWith(PROJECT_EXTENSION) ? name : name + PROJECT_EXTENSION;
    const dir = join(parent, folderName);
    if (existsSync(dir))
      throw new ProjectError('conflict', `${dir}: a file or folder with that name already exists.`);
    const staging = join(parent, `.${folderName}.creating-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    try {
      mkdirSync(join(staging, PROJECT_FOLDERS.cache), { recursive: true });
      mkdirSync(join(staging, PROJECT_FOLDERS.renders));
      const db = openDatabase(join(staging, PROJECT_DB));
      try {
        applyPragmas(db);
        migrate(db);
        const now = new Date().toISOString();
        const put = db.prepare('INSERT INTO project_settings (key, value) VALUES (?, ?)');
        db.transaction(() => {
          put.run('name', folderName.slice(0, -PROJECT_EXTENSION.length));
          put.run('created_at', now);
          put.run('created_by', 'Reshoot 0.1.0');
        })();
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
      renameSync(staging, dir);
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      throw e;
    }
    return Project.open(dir);
  }

  static open(dirArg: string, options: OpenOptions = {}): Project {
    const dir = resolve(dirArg);
    if (!existsSync(dir)) throw new ProjectError('not-found', `${dir}: no such project folder.`);
    if (!statSync(dir).isDirectory()) {
      throw new ProjectError(
        'not-found',
        `${dir}: not a Reshoot project (a project is a folder ending in .reshoot).`,
      );
    }
    const dbPath = join(dir, PROJECT_DB);
    if (!existsSync(dbPath)) {
      throw new ProjectError('not-found', `${dir}: not a Reshoot project (it has no ${PROJECT_DB}).`);
    }
    let version: number;
    try {
      version = readSchemaVersion(dbPath);
    } catch (e) {
      throw new ProjectError(
        'not-found',
        `${dbPath}: not a readable project database (${(e as Error).message}).`,
      );
    }
    if (version > SCHEMA_VERSION) {
      throw new ProjectError(
        'newer-schema',
        `${dir}: this project was saved by a newer version of Reshoot (project format ${version}; this version reads up to ${SCHEMA_VERSION}). Update Reshoot to open it.`,
      );
    }
    if (options.readonly) {
      if (version < SCHEMA_VERSION) {
        throw new ProjectError(
          'conflict',
          `${dir}: the project uses an older format (${version}); open it once for writing to upgrade it.`,
        );
      }
      const db = openDatabase(dbPath, { readonly: true, fileMustExist: true });
      return new Project(db, dir, null, true);
    }
    const lock = acquireProjectLock(dir);
    let db: Database.Database | undefined;
    try {
      db = openDatabase(dbPath, { fileMustExist: true });
      applyPragmas(db);
      if (version < SCHEMA_VERSION && version > 0) {
        // Keep the file as it was before upgrading it; the backup is the user's way back.
        db.exec(`VACUUM INTO '${join(dir, projectBackupName(version)).replace(/'/g, "''")}'`);
      }
      migrate(db);
      mkdirSync(join(dir, PROJECT_FOLDERS.cache), { recursive: true });
      mkdirSync(join(dir, PROJECT_FOLDERS.renders), { recursive: true });
      const project = new Project(db, dir, lock, false);
      project.jobs.markInterrupted(new Date().toISOString());
      // Only the lock holder writes here: temp files of any other process are leftovers of a killed one.
      sweepStaleTempFiles(project.paths.cache);
      sweepStaleTempFiles(project.paths.renders);
      return project;
    } catch (e) {
      db?.close();
      lock.release();
      throw e;
    }
  }

  setting(key: string): string | undefined {
    const r = this.db.prepare('SELECT value FROM project_settings WHERE key = ?').get(key) as
      { value: string } | undefined;
    return r?.value;
  }

  setSetting(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO project_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  /** Removes a setting (back to its default). */
  clearSetting(key: string): void {
    this.db.prepare('DELETE FROM project_settings WHERE key = ?').run(key);
  }

  get name(): string {
    return this.setting('name') ?? basename(this.dir, PROJECT_EXTENSION);
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /** Runs `fn` in one IMMEDIATE transaction: all of it lands, or none of it. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.readonly) {
      try {
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // A checkpoint is an optimisation; the WAL is replayed on next open either way.
      }
    }
    this.db.close();
    this.lock?.release();
  }
}
