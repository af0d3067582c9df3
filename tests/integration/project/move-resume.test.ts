/**
 * A project folder moved (renamed into another folder) after its process was killed mid-job: the
 * interrupted proxy and track jobs resume from the new place and give what an uninterrupted run gives.
 * Rows an earlier Reshoot wrote (absolute paths into the old place) are still found.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobType } from '../../../src-shared/api/contract';
import { AppCore, createHandlers } from '../../../src-main/api';
import { probeMedia } from '../../../src-main/media';
import { tempDir } from '../../helpers/temp';

const CLIP = resolve('../shared/media/02_dashcam_highway.mp4');
const tmp = tempDir();
afterAll(() => tmp.cleanup());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type ChunkRow = { job_id: number; chunk: number; output: string };

function committedChunks(dbPath: string, type: JobType): ChunkRow[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT c.job_id, c.chunk, c.output FROM job_chunks c JOIN jobs j ON j.id = c.job_id
         WHERE j.type = ? ORDER BY c.chunk`,
      )
      .all(type) as ChunkRow[];
  } finally {
    db.close();
  }
}

/** What an earlier Reshoot stored: the chunk's absolute path at the project's place then. */
function makeLegacy(dbPath: string, projectDir: string, row: ChunkRow): void {
  const db = new Database(dbPath);
  try {
    db.prepare('UPDATE job_chunks SET output = ? WHERE job_id = ? AND chunk = ?').run(
      join(projectDir, row.output),
      row.job_id,
      row.chunk,
    );
  } finally {
    db.close();
  }
}

/**
 * Makes a project with the clip imported twice, runs `reshoot <command…> <project> <args…>` in a child
 * process, kills it with SIGKILL once two chunks of the job are committed, and returns the chunks.
 */
async function killedMidJob(
  name: string,
  type: JobType,
  command: (projectDir: string, shotId: number) => string[],
): Promise<{ config: string; projectDir: string; shots: number[]; chunks: ChunkRow[] }> {
  const config = join(tmp.dir, `config-${name}`);
  const core = new AppCore({ mode: 'web', configDir: config });
  const api = createHandlers(core);
  mkdirSync(join(tmp.dir, 'before'), { recursive: true });
  const { path: projectDir } = await api['project.create']({ parentDir: join(tmp.dir, 'before'), name });
  const shots: number[] = [];
  for (let i = 0; i < 2; i++)
    shots.push((await api['shots.import']({ paths: [CLIP], skipBad: false })).imported[0]!.id);
  await core.require().runner.whenIdle();
  await core.closeProject();

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/app/cli/entry.ts', ...command(projectDir, shots[0]!)],
    { env: { ...process.env, RESHOOT_CONFIG_DIR: config }, stdio: 'ignore' },
  );
  const exited = new Promise((r) => child.once('exit', r));
  const dbPath = join(projectDir, 'project.db');
  const deadline = Date.now() + 110_000;
  while (committedChunks(dbPath, type).length < 2) {
    if (Date.now() > deadline) throw new Error(`the ${type} job never committed two chunks`);
    await sleep(50);
  }
  child.kill('SIGKILL');
  await exited;
  const chunks = committedChunks(dbPath, type);
  expect(chunks.length).toBeLessThan(5); // 233 frames = 5 chunks of 48: it really was cut short
  // Stored relative to the project folder.
  for (const c of chunks) expect(isAbsolute(c.output), c.output).toBe(false);
  return { config, projectDir, shots, chunks };
}

/** Moves the project folder into another folder under another name. */
function move(projectDir: string, name: string): string {
  mkdirSync(join(tmp.dir, 'after'), { recursive: true });
  const moved = join(tmp.dir, 'after', `${name}.reshoot`);
  renameSync(projectDir, moved);
  expect(existsSync(projectDir)).toBe(false);
  return moved;
}

async function resumeAt(config: string, dir: string, type: JobType) {
  const core = new AppCore({ mode: 'web', configDir: config });
  const api = createHandlers(core);
  await api['project.open']({ path: dir });
  const [job] = (await api['jobs.list']()).filter((j) => j.type === type);
  expect(job!.status).toBe('interrupted');
  await api['jobs.resume']({ jobId: job!.id });
  await core.require().runner.whenIdle();
  const done = (await api['jobs.list']()).find((j) => j.id === job!.id)!;
  expect(done.status, done.error ?? '').toBe('done');
  expect(done.framesDone).toBe(233);
  return { core, api };
}

describe('a moved project resumes its interrupted jobs', () => {
  it('a proxy job, one of its chunks recorded the way an earlier Reshoot did', async () => {
    const { config, projectDir, shots, chunks } = await killedMidJob('ProxyMove', 'proxy', (dir, shot) => [
      'proxy',
      dir,
      String(shot),
    ]);
    makeLegacy(join(projectDir, 'project.db'), projectDir, chunks[0]!);
    const moved = move(projectDir, 'ProxyMoved');
    const { core, api } = await resumeAt(config, moved, 'proxy');
    try {
      const { project, runner } = core.require();
      // The chunks committed before the kill were not encoded again.
      const after = committedChunks(project.paths.db, 'proxy');
      expect(after.slice(1, chunks.length)).toEqual(chunks.slice(1));
      // The uninterrupted run: the same clip's other shot.
      await api['jobs.start']({ type: 'proxy', shotId: shots[1]! });
      await runner.whenIdle();
      const resumed = project.paths.proxy(shots[0]!);
      const straight = project.paths.proxy(shots[1]!);
      expect((await probeMedia(resumed)).frameCount).toBe(233);
      expect(readFileSync(resumed).equals(readFileSync(straight))).toBe(true);
    } finally {
      await core.closeProject();
    }
  });

  it('a track job, the state it continues from recorded the way an earlier Reshoot did', async () => {
    const { config, projectDir, shots, chunks } = await killedMidJob('TrackMove', 'track', (dir, shot) => [
      'track',
      dir,
      String(shot),
    ]);
    makeLegacy(join(projectDir, 'project.db'), projectDir, chunks[chunks.length - 1]!);
    const moved = move(projectDir, 'TrackMoved');
    const { core, api } = await resumeAt(config, moved, 'track');
    try {
      const { project, runner } = core.require();
      await api['jobs.start']({ type: 'track', shotId: shots[1]! });
      await runner.whenIdle();
      const resumed = readFileSync(project.paths.tracks(shots[0]!, 'klt'));
      const straight = readFileSync(project.paths.tracks(shots[1]!, 'klt'));
      expect(resumed.equals(straight)).toBe(true);
      expect(project.tracks.get(shots[0]!, 'klt')!.file).toBe(`cache/tracks/${shots[0]}.klt.rstk`);
    } finally {
      await core.closeProject();
    }
  });
});
