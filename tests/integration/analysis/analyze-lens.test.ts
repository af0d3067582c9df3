/**
 * The lens of a shot: read from the media's metadata (a 35 mm equivalent focal in QuickTime metadata, as
 * phones write it), set or cleared by the user (undoable, validated), and used by the camera solve of
 * "Analyze shot" instead of estimating the focal; the CLI's `reshoot lens`.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, dispatch, type Handlers } from '../../../src-main/api';
import { sourceCameraTrack } from '../../../src-main/shots/source-camera';
import { runCli } from '../../../src-main/app/cli/main';
import { documentToTrack, parseCamerasJson, trajectoryMetrics } from '../../../src-shared/geometry';
import { ffmpeg } from '../../helpers/media-fixtures';
import { tempDir } from '../../helpers/temp';

const GT = resolve('../shared/gt/orbit_a');
const TRUE_FOCAL = (28 / 36) * 640;
const FRAMES = 16;
const tmp = tempDir();
let core: AppCore;
let api: Handlers;
let shotId = 0;

beforeAll(async () => {
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  await api['project.create']({ parentDir: tmp.dir, name: 'Lens' });
});
afterAll(async () => {
  await core.closeProject();
  tmp.cleanup();
});

/** Waits until the job has solved the camera, then cancels the rest (depth is not what is tested). */
async function solveCameraOnly(): Promise<void> {
  const { project, runner } = core.require();
  const before = project.sourceCameras.get(shotId)?.createdAt;
  const job = await api['jobs.start']({ type: 'analyze', shotId });
  while (
    project.sourceCameras.get(shotId)?.createdAt === before &&
    project.jobs.get(job.id)!.status !== 'failed'
  ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await runner.cancelAndWait(job.id);
}

function cameraStageMessage(): string {
  return (
    core
      .require()
      .project.analysis.stages(shotId)
      .find((s) => s.stage === 'camera')?.message ?? ''
  );
}

describe('the lens of a shot', () => {
  it("is read from a QuickTime 35 mm equivalent focal tag (the image's diagonal vs 43.27 mm)", async () => {
    // 640×360: diagonal 734.3 px; a 35 mm equivalent of 29.33 mm is the true 497.8 px horizontal focal
    const video = join(tmp.dir, 'orbit16.mov');
    await ffmpeg([
      ...['-framerate', '24', '-i', join(GT, 'frames', 'frame_%04d.png'), '-frames:v', String(FRAMES)],
      ...['-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p'],
      ...['-metadata', 'com.apple.quicktime.camera.focal_length.35mm_equivalent=29.33'],
      ...['-movflags', 'use_metadata_tags', video],
    ]);
    const [shot] = (await api['shots.import']({ paths: [video], skipBad: false })).imported;
    shotId = shot!.id;
    expect(shot!.lens).toMatchObject({ source: 'metadata', focalMm: 29.33 });
    expect(shot!.lens!.note).toMatch(/35mm_equivalent = 29.33/);
    expect(shot!.lens!.focalPx).toBeCloseTo(TRUE_FOCAL, 0);
  });

  it('is what the camera solve uses: the focal is not estimated', async () => {
    await solveCameraOnly();
    const track = sourceCameraTrack(core.require().project, shotId)!;
    const lens = (await api['shots.list']()).find((s) => s.id === shotId)!.lens!;
    expect(track.frames[0]!.camera.intrinsics.fx).toBeCloseTo(lens.focalPx, 6);
    expect(cameraStageMessage()).toMatch(/from the media's lens metadata/);
    const truth = documentToTrack(parseCamerasJson(readFileSync(join(GT, 'cameras.json'), 'utf8')))
      .frames.slice(0, FRAMES)
      .map((f) => f.camera);
    const m = trajectoryMetrics(
      track.frames.map((f) => f.camera),
      truth,
    );
    expect(m.ateRelative).toBeLessThan(0.01);
  }, 300_000);

  it('set by the user wins over the metadata, is undoable, and re-solves the camera', async () => {
    const set = await api['shots.setLens']({ shotId, lens: { focalMm: 28, sensorWidthMm: 36 } });
    expect(set.lens).toMatchObject({ source: 'user', focalMm: 28, sensorWidthMm: 36, note: null });
    expect(set.lens!.focalPx).toBeCloseTo(TRUE_FOCAL, 9);
    expect((await api['edit.state']()).undoLabel).toMatch(/Set lens of .* to 28 mm on 36 mm/);
    await api['edit.undo']();
    expect((await api['shots.list']()).find((s) => s.id === shotId)!.lens!.source).toBe('metadata');
    await api['edit.redo']();
    expect((await api['shots.list']()).find((s) => s.id === shotId)!.lens!.source).toBe('user');

    await solveCameraOnly();
    expect(cameraStageMessage()).toMatch(/focal 497\.8 px \(65\.5° horizontal\), from the lens you gave/);
    const track = sourceCameraTrack(core.require().project, shotId)!;
    expect(track.frames[0]!.camera.intrinsics.fx).toBeCloseTo(TRUE_FOCAL, 9);
  }, 300_000);

  it('refuses a lens that is not one, naming the field, and leaves the shot as it was', async () => {
    const before = (await api['shots.list']()).find((s) => s.id === shotId)!;
    await expect(
      dispatch(api, 'shots.setLens', { shotId, lens: { focalMm: 0, sensorWidthMm: 36 } }),
    ).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/focalMm/) });
    await expect(
      dispatch(api, 'shots.setLens', { shotId, lens: { focalMm: 35, sensorWidthMm: 'wide' } }),
    ).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/sensorWidthMm/) });
    expect((await api['shots.list']()).find((s) => s.id === shotId)).toEqual(before);
  });

  it('reshoot lens shows, sets and clears it', async () => {
    const dir = core.require().project.dir;
    await core.closeProject();
    let out = '';
    let err = '';
    const io = {
      out: (t: string) => void (out += t),
      err: (t: string) => void (err += t),
      cwd: tmp.dir,
      env: process.env,
    };
    try {
      expect(await runCli(['lens', dir, String(shotId)], io)).toBe(0);
      expect(out).toMatch(/lens 28 mm on a 36 mm wide sensor \(you gave it\) = 497\.8 px horizontal/);
      out = '';
      expect(
        await runCli(['lens', dir, String(shotId), '--focal-mm', '35', '--sensor-width-mm', '24.89'], io),
      ).toBe(0);
      expect(out).toMatch(/lens 35 mm on a 24\.89 mm wide sensor/);
      out = '';
      expect(await runCli(['lens', dir, String(shotId), '--clear'], io)).toBe(0);
      expect(out).toMatch(/from the media's metadata/);
      expect(await runCli(['lens', dir, String(shotId), '--focal-mm', '35'], io)).toBe(2);
      expect(err).toMatch(/give --focal-mm and --sensor-width-mm together/);
      err = '';
      expect(
        await runCli(['lens', dir, String(shotId), '--focal-mm', '0', '--sensor-width-mm', '36'], io),
      ).toBe(2);
      expect(err).toMatch(/--focal-mm '0' is not a number from 1 to 2000 mm/);
    } finally {
      await api['project.open']({ path: dir });
    }
  });
});
