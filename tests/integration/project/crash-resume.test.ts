import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers } from '../../../src-main/api';
import { probeMedia } from '../../../src-main/media';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function committedChunks(dbPath: string): { chunk: number; output: string; finished_at: string }[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT c.chunk, c.output, c.finished_at FROM job_chunks c JOIN jobs j ON j.id = c.job_id WHERE j.type = 'proxy' ORDER BY c.chunk`,
      )
      .all() as { chunk: number; output: string; finished_at: string }[];
  } finally {
    db.close();
  }
}

describe('a process killed during a proxy job', () => {
  it('leaves a project that opens, passes integrity_check, and resumes the job from its committed segments', async () => {
    const config = join(tmp.dir, 'config');
    const core = new AppCore({ mode: 'web', configDir: config });
    const api = createHandlers(core);
    const { path: projectDir } = await api['project.create']({ parentDir: tmp.dir, name: 'Crash' });
    const [shot] = (
      await api['shots.import']({
        paths: [resolve('../shared/media/02_dashcam_highway.mp4')],
        skipBad: false,
      })
    ).imported;
    await core.require().runner.whenIdle();
    await core.closeProject();

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src-main/app/cli/entry.ts', 'proxy', projectDir],
      {
        env: { ...process.env, RESHOOT_CONFIG_DIR: config },
        stdio: 'ignore',
      },
    );
    const dbPath = join(projectDir, 'project.db');
    const deadline = Date.now() + 90_000;
    while (committedChunks(dbPath).length < 2) {
      if (Date.now() > deadline) throw new Error('the proxy job never committed two segments');
      await sleep(100);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = committedChunks(dbPath);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(5); // 233 frames = 5 segments of 48: it really was cut short
    // Stored relative to the project folder, so a moved project still finds them.
    for (const c of before) expect(statSync(join(projectDir, c.output)).size).toBeGreaterThan(0);

    await api['project.open']({ path: projectDir });
    const { project } = core.require();
    expect(project.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const [job] = (await api['jobs.list']()).filter((j) => j.type === 'proxy');
    expect(job!.status).toBe('interrupted');
    expect(job!.framesDone).toBe(before.length * 48);

    await api['jobs.resume']({ jobId: job!.id });
    await core.require().runner.whenIdle();
    const done = (await api['jobs.list']()).find((j) => j.id === job!.id)!;
    expect(done.status).toBe('done');
    expect(done.framesDone).toBe(233);
    // Segments committed before the crash were not encoded again: their commit records are untouched.
    const after = committedChunks(dbPath);
    expect(after.map((c) => c.chunk)).toEqual([0, 1, 2, 3, 4]);
    expect(after.slice(0, before.length)).toEqual(before);
    const proxy = await probeMedia(project.paths.proxy(shot!.id));
    expect(proxy.frameCount).toBe(233);
    expect(proxy.width).toBe(960);
    expect((await api['shots.list']())[0]!.hasProxy).toBe(true);
    await core.closeProject();
  });
});
