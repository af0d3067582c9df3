/**
 * "Analyze shot" on footage that defeats the camera solve in one stretch (heavy motion blur in frames
 * 16–31 of the gt orbit): a usable answer, honestly labelled — the camera is kept as 'partial' (the camera
 * stage is done and the job goes on), its report calls no blurred frame solved and says the segment after
 * the blur has a gauge of its own, and the 3D view gets the frames that have a pose. (A solve with nothing
 * usable, and that it never replaces a camera the shot has: analyze-partial.test.ts.)
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, type Handlers } from '../../../src-main/api';
import { ffmpeg } from '../../helpers/media-fixtures';
import { tempDir } from '../../helpers/temp';

const GT = resolve('../shared/gt/orbit_a');
const tmp = tempDir();
let core: AppCore;
let api: Handlers;
let shotId = 0;

beforeAll(async () => {
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  await api['project.create']({ parentDir: tmp.dir, name: 'Blur' });
  const clip = join(tmp.dir, 'orbit_blur.mp4');
  await ffmpeg([
    ...['-framerate', '24', '-i', join(GT, 'frames', 'frame_%04d.png')],
    ...['-vf', "avgblur=sizeX=30:sizeY=2:enable='between(n,16,31)'"],
    ...['-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p', clip],
  ]);
  const [shot] = (await api['shots.import']({ paths: [clip], skipBad: false })).imported;
  shotId = shot!.id;
});
afterAll(async () => {
  await core.closeProject();
  tmp.cleanup();
});

describe('Analyze shot through heavy motion blur', () => {
  it('keeps a partial camera whose report calls no blurred frame solved', async () => {
    const { project, runner } = core.require();
    const job = await api['jobs.start']({ type: 'analyze', shotId });
    // Only the camera matters here: cancel once it is stored (depth has its own tests).
    while (!project.sourceCameras.get(shotId) && project.jobs.get(job.id)!.status !== 'failed') {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(project.jobs.get(job.id)!.status).not.toBe('failed');
    await runner.cancelAndWait(job.id);

    const shot = (await api['shots.list']()).find((s) => s.id === shotId)!;
    const report = shot.camera!.report!;
    const posed = report.frames.filter((f) => f.status !== 'unsolved').length;
    expect(shot.camera).toMatchObject({ origin: 'solved', status: 'partial', frames: posed });
    expect(report).toMatchObject({ tracker: 'klt' });
    const status = report.frames.map((f) => f.status);
    for (let i = 0; i < 16; i++) expect(status[i], `frame ${i}`).toBe('solved');
    for (let i = 32; i < 48; i++) expect(status[i], `frame ${i}`).toBe('solved');
    for (let i = 20; i < 32; i++) expect(status[i], `frame ${i}`).not.toBe('solved');
    expect(report.summary).toMatch(/could not be joined/);

    const stage = shot.analysis.find((a) => a.stage === 'camera')!;
    expect(stage.status).toBe('done');
    expect(stage.message!.startsWith(`${report.summary} · focal `)).toBe(true);
    expect(stage.message).toMatch(/ · KLT tracks · [\d,]+ points$/);

    // the 3D view shows the frames that have a pose, each at its own index
    const path = await api['shots.sourceCamera']({ shotId });
    expect(path!.frames.map((f) => f.index)).toEqual(
      report.frames.filter((f) => f.status !== 'unsolved').map((f) => f.index),
    );
  }, 300_000);
});
