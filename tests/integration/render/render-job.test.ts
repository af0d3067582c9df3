import Database from 'better-sqlite3';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameFiles, renderDir } from '../../../src-main/render';
import { tempDir } from '../../helpers/temp';
import { analysedRoom, type RenderFixture } from './render-fixture';

const tmp = tempDir();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FRAMES = 24;
let fx: RenderFixture;
let pathId: number;

beforeAll(async () => {
  fx = await analysedRoom(tmp.dir, FRAMES);
  const p = await fx.api['paths.preset']({
    shotId: fx.shotId,
    name: 'push',
    kind: 'dolly',
    amount: 0.15,
    relative: true,
  });
  pathId = p.id;
  await fx.core.closeProject();
}, 120_000);
afterAll(() => tmp.cleanup());

function renderedFrames(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM render_frames').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const ffprobe = (file: string) =>
  execFileSync('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=width,height,pix_fmt',
    '-of',
    'csv=p=0',
    file,
  ])
    .toString()
    .trim();

describe('the render job', () => {
  it('survives kill -9 and resumes to the same frames as an uninterrupted render', async () => {
    // an untouched copy of the project renders the same path without interruption, for comparison
    const copy = join(tmp.dir, 'copy');
    cpSync(fx.projectDir, join(copy, 'Room.reshoot'), { recursive: true });
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src-main/app/cli/entry.ts',
        'render',
        fx.projectDir,
        String(fx.shotId),
        '--path',
        'push',
      ],
      { env: { ...process.env, RESHOOT_CONFIG_DIR: fx.config }, stdio: 'ignore' },
    );
    const dbPath = join(fx.projectDir, 'project.db');
    const deadline = Date.now() + 90_000;
    while (!existsSync(dbPath) || renderedFrames(dbPath) < 9) {
      if (Date.now() > deadline) throw new Error('the render never finished its first chunk');
      await sleep(50);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const cut = renderedFrames(dbPath);
    expect(cut).toBeLessThan(FRAMES); // it really was cut short

    await fx.api['project.open']({ path: fx.projectDir });
    const [job] = (await fx.api['jobs.list']()).filter((j) => j.type === 'render');
    expect(job!.status).toBe('interrupted');
    const [before] = await fx.api['renders.list']({ shotId: fx.shotId });
    expect(before!.status).toBe('interrupted');
    await fx.api['jobs.resume']({ jobId: job!.id });
    await fx.core.require().runner.whenIdle();
    const [render] = await fx.api['renders.list']({ shotId: fx.shotId });
    expect(render).toMatchObject({
      name: 'v001',
      status: 'done',
      framesDone: FRAMES,
      method: 'reprojection',
    });
    expect(render!.seenMean).toBeGreaterThan(0.8);
    const project = fx.core.require().project;
    const dir = renderDir(project, fx.shotId, pathId, 1);
    // no temp files left behind, every frame's three files there
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readdirSync(dir).length).toBe(3 * FRAMES);
    await fx.core.closeProject();

    await fx.api['project.open']({ path: join(copy, 'Room.reshoot') });
    const started = await fx.api['renders.start']({ pathId });
    await fx.core.require().runner.whenIdle();
    const refDir = renderDir(fx.core.require().project, fx.shotId, pathId, started.render.version);
    for (let f = 0; f < FRAMES; f++) {
      const a = frameFiles(dir, f),
        b = frameFiles(refDir, f);
      expect(readFileSync(a.colour).equals(readFileSync(b.colour)), `frame ${f} colour`).toBe(true);
      expect(readFileSync(a.mask).equals(readFileSync(b.mask)), `frame ${f} mask`).toBe(true);
      expect(readFileSync(a.depth).equals(readFileSync(b.depth)), `frame ${f} depth`).toBe(true);
    }
    await fx.core.closeProject();
    rmSync(copy, { recursive: true, force: true });
  }, 240_000);

  it('makes a new version each time, never overwriting, records provenance, and reuses unchanged frames', async () => {
    await fx.api['project.open']({ path: fx.projectDir });
    const project = fx.core.require().project;
    const v1 = (await fx.api['renders.list']({ shotId: fx.shotId }))[0]!;
    const v1Colour = readFileSync(frameFiles(renderDir(project, fx.shotId, pathId, 1), 3).colour);
    const { render } = await fx.api['renders.start']({ pathId, first: 2, last: 9 });
    await fx.core.require().runner.whenIdle();
    const [, v2] = await fx.api['renders.list']({ shotId: fx.shotId });
    expect(v2).toMatchObject({ id: render.id, name: 'v002', status: 'done', framesDone: 8, reused: 8 });
    expect(v2!.inputs).toEqual(v1.inputs);
    expect(v2!.inputs.targetPath).toMatch(/^[0-9a-f]{64}$/);
    // v001 untouched; v002's frames are v001's pictures
    expect(
      readFileSync(frameFiles(renderDir(project, fx.shotId, pathId, 1), 3).colour).equals(v1Colour),
    ).toBe(true);
    expect(
      readFileSync(frameFiles(renderDir(project, fx.shotId, pathId, 2), 3).colour).equals(v1Colour),
    ).toBe(true);
    // another setting is another picture: nothing reused, new files
    await fx.api['renders.start']({ pathId, first: 0, last: 1, fill: 'inpaint', window: 3 });
    await fx.core.require().runner.whenIdle();
    const v3 = (await fx.api['renders.list']({ shotId: fx.shotId }))[2]!;
    expect(v3).toMatchObject({
      name: 'v003',
      status: 'done',
      framesDone: 2,
      reused: 0,
      settings: { window: 3, fill: 'inpaint' },
    });
    // what the files are: 16-bit RGB colour and an 8-bit mask at the shot's size
    const f = frameFiles(renderDir(project, fx.shotId, pathId, 3), 0);
    expect(ffprobe(f.colour)).toBe('320,180,rgb48be');
    expect(ffprobe(f.mask)).toBe('320,180,gray');
    expect(readFileSync(f.depth).length).toBe(320 * 180 * 4);
    // inpainted: no empty pixel left
    const mask = execFileSync('ffmpeg', [
      '-v',
      'error',
      '-i',
      f.mask,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      '-',
    ]);
    expect(mask.includes(0)).toBe(false);
    await fx.core.closeProject();
  }, 120_000);

  it('refuses bad requests with the project unchanged', async () => {
    await fx.api['project.open']({ path: fx.projectDir });
    const count = (await fx.api['renders.list']({ shotId: fx.shotId })).length;
    await expect(fx.api['renders.start']({ pathId, first: 5, last: 400 })).rejects.toThrow(/not a range/);
    await expect(fx.api['renders.start']({ pathId: 9999 })).rejects.toThrow(/no target path/);
    await expect(fx.api['jobs.start']({ type: 'render', shotId: fx.shotId })).rejects.toThrow(
      /renders\.start/,
    );
    expect((await fx.api['renders.list']({ shotId: fx.shotId })).length).toBe(count);
    await fx.core.closeProject();
  });
});
