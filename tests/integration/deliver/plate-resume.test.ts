/**
 * The deliver job survives kill -9 (issue 15): `reshoot deliver plate` is killed once it has committed a
 * chunk; resuming finishes the same file(s) an uninterrupted delivery makes — the movie's frames
 * bit for bit (its segments joined, with the timecode; a committed segment left incomplete is encoded
 * again), the sequence's files byte for byte — with no temp
 * files left in the output folder and the job's scratch folder removed. Cancelling stops it, and resume
 * finishes it too.
 */
import Database from 'better-sqlite3';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, type Handlers } from '../../../src-main/api';
import { deliverChunkFrames, startPlateDelivery, type PlateFormat } from '../../../src-main/deliver';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir('reshoot-plate-resume-');
const ENTRY = resolve('src-main/app/cli/entry.ts');
const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
const FRAMES = 240;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let core: AppCore;
let api: Handlers;
let P: string;
let shotId: number;

beforeAll(async () => {
  const clip = join(tmp.dir, 'long.mov');
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25', '-frames:v', String(FRAMES)],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-timecode', '02:00:00:00', clip],
  ]);
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  P = (await api['project.create']({ parentDir: tmp.dir, name: 'Resume' })).path;
  shotId = (await api['shots.import']({ paths: [clip], skipBad: false })).imported[0]!.id;
  await core.require().runner.whenIdle();
  await core.closeProject();
}, 120_000);
afterAll(() => tmp.cleanup());

function committedChunks(): number {
  const db = new Database(join(P, 'project.db'), { readonly: true });
  try {
    return (
      db
        .prepare(
          "SELECT COUNT(*) AS n FROM job_chunks c JOIN jobs j ON j.id = c.job_id WHERE j.type = 'deliver'",
        )
        .get() as { n: number }
    ).n;
  } finally {
    db.close();
  }
}

/** Starts `reshoot deliver plate`, kills it with SIGKILL after its first chunk, then resumes the job. */
async function killAndResume(
  format: PlateFormat,
  out: string,
  damage?: (scratch: string) => void,
): Promise<void> {
  const before = committedChunks();
  const child = spawn(
    process.execPath,
    ['--import', TSX, ENTRY, 'deliver', 'plate', P, 'long', '--format', format, '--out', out],
    { env: { ...process.env, RESHOOT_CONFIG_DIR: join(tmp.dir, 'config') }, stdio: 'ignore' },
  );
  const deadline = Date.now() + 90_000;
  while (committedChunks() < before + 1) {
    if (Date.now() > deadline) throw new Error('the delivery never committed its first chunk');
    await sleep(20);
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const cut = committedChunks() - before;
  expect(cut).toBeLessThan(FRAMES / deliverChunkFrames(format)); // it really was cut short

  await api['project.open']({ path: P });
  const job = (await api['jobs.list']()).find((j) => j.type === 'deliver' && j.status !== 'done')!;
  expect(job.status).toBe('interrupted');
  damage?.(core.require().project.paths.jobScratch(job.id));
  await api['jobs.resume']({ jobId: job.id });
  await core.require().runner.whenIdle();
  const done = (await api['jobs.list']()).find((j) => j.id === job.id)!;
  expect(done.error).toBeNull();
  expect(done).toMatchObject({ status: 'done', framesDone: FRAMES });
  expect(existsSync(core.require().project.paths.jobScratch(job.id))).toBe(false);
}

/** The same delivery, uninterrupted, into `out`. */
async function reference(format: 'prores-hq' | 'png16', out: string): Promise<void> {
  const { project, runner } = core.require();
  startPlateDelivery(project, runner, { shotId, format, out }, '/');
  await runner.whenIdle();
}

const packetHashes = (file: string) =>
  execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v', '-c', 'copy', '-f', 'framemd5', '-'])
    .toString()
    .split('\n')
    .filter((l) => !l.startsWith('#'));

describe('the deliver job', () => {
  it('a movie: survives kill -9 and resumes to the same frames as an uninterrupted delivery', async () => {
    const out = join(tmp.dir, 'movie');
    // and the first segment, committed, then cut short as a power cut can leave an unflushed file: the
    // finish counts its frames and encodes it again
    await killAndResume('prores-hq', out, (scratch) => {
      const seg = join(scratch, 'segment_00000.mov');
      truncateSync(seg, Math.floor(statSync(seg).size / 2));
    });
    expect(readdirSync(out)).toEqual(['long_source.mov']);
    const ref = join(tmp.dir, 'movie-ref');
    await reference('prores-hq', ref);
    const a = packetHashes(join(out, 'long_source.mov'));
    expect(a.filter((l) => l.trim()).length).toBe(FRAMES);
    expect(a).toEqual(packetHashes(join(ref, 'long_source.mov')));
    const tc = execFileSync('ffprobe', [
      ...[
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=r_frame_rate:stream_tags=timecode',
      ],
      ...['-of', 'csv=p=0', join(out, 'long_source.mov')],
    ]).toString();
    expect(tc.trim()).toBe('25/1,02:00:00:00');
    await core.closeProject();
  }, 300_000);

  it('a sequence: survives kill -9, keeps the frames it wrote, and matches an uninterrupted delivery', async () => {
    const out = join(tmp.dir, 'seq');
    await killAndResume('png16', out);
    const names = readdirSync(out).sort();
    expect(names).toHaveLength(FRAMES);
    expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
    const ref = join(tmp.dir, 'seq-ref');
    await reference('png16', ref);
    expect(readdirSync(ref).sort()).toEqual(names);
    for (const n of names)
      expect(readFileSync(join(out, n)).equals(readFileSync(join(ref, n))), n).toBe(true);
    await core.closeProject();
  }, 300_000);

  it('cancel stops the job; resume finishes it', async () => {
    await api['project.open']({ path: P });
    const { project, runner } = core.require();
    const out = join(tmp.dir, 'cancelled');
    const { job } = startPlateDelivery(project, runner, { shotId, format: 'h264', out }, '/');
    while (project.jobs.chunks(job.id).length < 1) await sleep(20);
    const cancelled = await runner.cancelAndWait(job.id);
    expect(cancelled.status).toBe('cancelled');
    expect(existsSync(join(out, 'long_source.mov'))).toBe(false);
    runner.resume(job.id);
    await runner.whenIdle();
    expect(project.jobs.get(job.id)).toMatchObject({ status: 'done', framesDone: FRAMES });
    expect(readdirSync(out)).toEqual(['long_source.mov']);
    await core.closeProject();
  }, 300_000);
});
