import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { Project, ProjectError, SCHEMA_VERSION } from '../../../src-main/store';
import { snapshotTree, tempDir } from '../../helpers/temp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function expectProjectError(fn: () => unknown, code: string, text: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProjectError);
    expect((e as ProjectError).code).toBe(code);
    expect((e as Error).message).toMatch(text);
    return;
  }
  throw new Error('expected a ProjectError');
}

describe('shot project folders', () => {
  it('creates <name>.reshoot with project.db (WAL, foreign keys, current schema), cache/ and renders/', () => {
    const p = Project.create(tmp.dir, 'Spot 030');
    try {
      expect(p.dir).toBe(join(tmp.dir, 'Spot 030.reshoot'));
      expect(existsSync(join(p.dir, 'project.db'))).toBe(true);
      expect(existsSync(join(p.dir, 'cache'))).toBe(true);
      expect(existsSync(join(p.dir, 'renders'))).toBe(true);
      expect(p.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(p.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(p.schemaVersion).toBe(SCHEMA_VERSION);
      expect(p.name).toBe('Spot 030');
    } finally {
      p.close();
    }
  });

  it('refuses to create over an existing folder and leaves no half-made project behind', () => {
    expectProjectError(() => Project.create(tmp.dir, 'Spot 030'), 'conflict', /already exists/);
    expectProjectError(() => Project.create(join(tmp.dir, 'nope'), 'X'), 'not-found', /no such folder/);
  });

  it('gives a clear error for a folder that is not a project', () => {
    expectProjectError(() => Project.open(tmp.dir), 'not-found', /not a Reshoot project/);
    expectProjectError(
      () => Project.open(join(tmp.dir, 'missing.reshoot')),
      'not-found',
      /no such project folder/,
    );
  });

  it('a second opener in the same process is told the project is open in another window', () => {
    const p = Project.open(join(tmp.dir, 'Spot 030.reshoot'));
    try {
      expectProjectError(() => Project.open(p.dir), 'project-locked', /already open in another window/);
    } finally {
      p.close();
    }
    Project.open(join(tmp.dir, 'Spot 030.reshoot')).close(); // and it can be reopened once closed
  });

  it('a second process gets "open in another window or process"', () => {
    const p = Project.open(join(tmp.dir, 'Spot 030.reshoot'));
    try {
      const script = `import { Project } from './src-main/store';
        try { Project.open(${JSON.stringify(p.dir)}); console.log('opened'); } catch (e) { console.log(e.code + ': ' + e.message); }`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
      });
      expect(r.stdout).toMatch(/^project-locked: .*open in another window or process \(process \d+/);
    } finally {
      p.close();
    }
  });

  it('takes over a lock left by a process that died', () => {
    const dir = join(tmp.dir, 'Spot 030.reshoot');
    const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const deadPid = Number(r.stdout.trim());
    writeFileSync(
      join(dir, 'project.lock'),
      JSON.stringify({ pid: deadPid, host: hostname(), since: 'then' }),
    );
    const p = Project.open(dir);
    expect(JSON.parse(readFileSync(join(dir, 'project.lock'), 'utf8')).pid).toBe(process.pid);
    p.close();
    expect(existsSync(join(dir, 'project.lock'))).toBe(false);
  });

  it('refuses a project written by a newer schema, without changing a byte of it', () => {
    const p = Project.create(tmp.dir, 'Future');
    const dir = p.dir;
    p.close();
    const db = new Database(join(dir, 'project.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = snapshotTree(dir);
    expectProjectError(() => Project.open(dir), 'newer-schema', /saved by a newer version of Reshoot/);
    expectProjectError(() => Project.open(dir, { readonly: true }), 'newer-schema', /Update Reshoot/);
    expect(snapshotTree(dir)).toEqual(before);
  });

  it('marks jobs that were running when the process died as interrupted on the next open', () => {
    const p = Project.create(tmp.dir, 'Crashy');
    const now = new Date().toISOString();
    const job = p.jobs.create('proxy', null, {}, now);
    p.jobs.update(job.id, { status: 'running', ownerPid: 999999 }, now);
    p.close();
    const q = Project.open(join(tmp.dir, 'Crashy.reshoot'));
    try {
      expect(q.jobs.get(job.id)!.status).toBe('interrupted');
      expect(q.jobs.get(job.id)!.message).toMatch(/Resume continues/);
    } finally {
      q.close();
    }
  });

  it('read-only opening (reshoot info) works while the project is open for writing', () => {
    const p = Project.open(join(tmp.dir, 'Crashy.reshoot'));
    try {
      const ro = Project.open(p.dir, { readonly: true });
      expect(ro.jobs.list().length).toBe(1);
      ro.close();
    } finally {
      p.close();
    }
  });
});
