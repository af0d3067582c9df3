import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers } from '../../../src-main/api';
import { INTERRUPTED_MESSAGE, Project } from '../../../src-main/store';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const config = join(tmp.dir, 'config');

function reshoot(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/app/cli/entry.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, RESHOOT_CONFIG_DIR: config },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The proxy job's row as stored, read without Reshoot. */
function proxyRow(dbPath: string): { status: string; owner_pid: number | null; chunks: number } | undefined {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT status, owner_pid, (SELECT count(*) FROM job_chunks c WHERE c.job_id = j.id) AS chunks
         FROM jobs j WHERE type = 'proxy'`,
      )
      .get() as { status: string; owner_pid: number | null; chunks: number } | undefined;
  } finally {
    db.close();
  }
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout);
}

describe('a job whose process was killed', () => {
  it("is listed as interrupted by 'reshoot jobs' (read-only) without reopening the project", async () => {
    const core = new AppCore({ mode: 'web', configDir: config });
    const api = createHandlers(core);
    const { path: projectDir } = await api['project.create']({ parentDir: tmp.dir, name: 'Killed' });
    await api['shots.import']({ paths: [resolve('../shared/media/02_dashcam_highway.mp4')], skipBad: false });
    await core.require().runner.whenIdle();
    await core.closeProject();

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src-main/app/cli/entry.ts', 'proxy', projectDir],
      { env: { ...process.env, RESHOOT_CONFIG_DIR: config }, stdio: 'ignore' },
    );
    const dbPath = join(projectDir, 'project.db');
    const deadline = Date.now() + 90_000;
    for (;;) {
      const row = proxyRow(dbPath);
      if (row?.status === 'running' && row.chunks >= 1) break;
      if (Date.now() > deadline) throw new Error('the proxy job never got going');
      await sleep(50);
    }

    // While its process lives, the job is running: for 'reshoot jobs' too.
    const live = reshoot(['jobs', projectDir]);
    expect(live.code).toBe(0);
    expect(live.stdout).toMatch(/^#\d+ proxy shot 1 running \d+\/233$/m);

    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(proxyRow(dbPath)!.status).toBe('running'); // killed: it never marked the job itself

    const text = reshoot(['jobs', projectDir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^#\d+ proxy shot 1 interrupted \d+\/233 — Interrupted: Reshoot stopped/m);
    const json = reshoot(['jobs', projectDir, '--json']);
    expect(json.code).toBe(0);
    const job = (JSON.parse(json.stdout) as { id: number; type: string }[]).find((j) => j.type === 'proxy');
    expect(job).toMatchObject({ type: 'proxy', status: 'interrupted', message: INTERRUPTED_MESSAGE });

    // Only read: the row and the dead process's lock are as the kill left them.
    expect(proxyRow(dbPath)!.status).toBe('running');
    expect(existsSync(join(projectDir, 'project.lock'))).toBe(true);
    // Opening it for writing marks it so for good, and Resume finishes it.
    const r = reshoot(['jobs', 'resume', projectDir, String(job!.id)]);
    expect(r.code).toBe(0);
    expect(proxyRow(dbPath)!.status).toBe('done');
  });

  it('is judged only on its own host, and only while it is the process that holds the lock', () => {
    const p = Project.create(tmp.dir, 'Judged');
    const dir = p.dir;
    const now = new Date().toISOString();
    const gone = deadPid();
    const job = p.jobs.create('proxy', null, {}, now);
    p.jobs.update(job.id, { status: 'running', ownerPid: gone }, now);
    p.close();
    const lock = join(dir, 'project.lock');
    const seen = () => {
      const ro = Project.open(dir, { readonly: true });
      try {
        const j = ro.jobs.get(job.id)!;
        expect(ro.jobs.list()[0]!.status).toBe(j.status);
        return j.status;
      } finally {
        ro.close();
      }
    };
    // No lock at all: nobody has the project open, so nothing runs the job.
    expect(seen()).toBe('interrupted');
    // The lock of its dead owner, on this host.
    writeFileSync(lock, JSON.stringify({ pid: gone, host: hostname(), since: now }));
    expect(seen()).toBe('interrupted');
    // The same pid on another host (shared storage): this host cannot tell, so it is left running.
    writeFileSync(lock, JSON.stringify({ pid: gone, host: `not-${hostname()}`, since: now }));
    expect(seen()).toBe('running');
    // A live process holds the lock, but it is not the job's owner.
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), since: now }));
    expect(seen()).toBe('interrupted');
    // The job's owner holds the lock and is alive.
    const w = new Database(join(dir, 'project.db'));
    w.prepare('UPDATE jobs SET owner_pid = ?').run(process.ppid);
    w.close();
    expect(seen()).toBe('running');
  });

  it("the app's job list: a job marked running that its runner is not running is interrupted", async () => {
    const core = new AppCore({ mode: 'web', configDir: config });
    const api = createHandlers(core);
    await api['project.create']({ parentDir: tmp.dir, name: 'Orphan' });
    const { project } = core.require();
    const now = new Date().toISOString();
    const job = project.jobs.create('proxy', null, {}, now);
    project.jobs.update(job.id, { status: 'running', ownerPid: process.pid }, now);
    const [listed] = await api['jobs.list']();
    expect(listed).toMatchObject({ id: job.id, status: 'interrupted', message: INTERRUPTED_MESSAGE });
    await core.closeProject();
  });
});
