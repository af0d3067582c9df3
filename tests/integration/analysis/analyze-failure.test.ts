/**
 * "Analyze shot" on footage that defeats the camera solve (heavy motion blur in frames 16–31 of the gt
 * orbit): the job fails with "could not solve the camera: <reason>", and keeps what it could — the 2D
 * tracks and the camera of the frames solved before the blur, with their points — but never replaces a
 * camera the shot already has.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, type Handlers } from '../../../src-main/api';
import { sourceCameraTrack } from '../../../src-main/shots/source-camera';
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
  await api['project.create']({ parentDir: tmp.dir, name: 'Failure' });
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

async function analyse() {
  const job = await api['jobs.start']({ type: 'analyze', shotId });
  await core.require().runner.whenIdle();
  return (await api['jobs.list']()).find((j) => j.id === job.id)!;
}

describe('Analyze shot through heavy motion blur', () => {
  it('fails with the reason and keeps the tracks and the camera of the frames it solved', async () => {
    const job = await analyse();
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(
      /could not solve the camera: lost the camera at frame 16 .*\(the 2D tracks and the camera of the 16 frames solved are kept\)/,
    );
    const shot = (await api['shots.list']()).find((s) => s.id === shotId)!;
    expect(shot.tracks.map((t) => t.method)).toEqual(['klt']);
    expect(shot.camera).toMatchObject({ origin: 'solved', status: 'failed', frames: 16 });
    expect(shot.camera!.message).toMatch(/^could not solve the camera: lost the camera at frame 16/);
    expect(shot.analysis.find((s) => s.stage === 'camera')).toMatchObject({ status: 'failed' });
    expect(shot.depth).toBeNull();
    const { project } = core.require();
    expect(sourceCameraTrack(project, shotId)!.frames.map((f) => f.index)).toEqual(
      Array.from({ length: 16 }, (_, i) => i),
    );
    expect(existsSync(project.paths.sparsePoints(shotId))).toBe(true);
    // the 3D view shows what was solved
    const path = await api['shots.sourceCamera']({ shotId });
    expect(path!.frames).toHaveLength(16);
  }, 300_000);

  it('a second failed solve does not replace the camera the shot already has, nor its points', async () => {
    const before = (await api['shots.list']()).find((s) => s.id === shotId)!.camera;
    const { project } = core.require();
    const pointsBefore = readFileSync(project.paths.sparsePoints(shotId));
    const job = await analyse();
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/\(the 2D tracks and the previous camera are kept\)$/);
    const after = (await api['shots.list']()).find((s) => s.id === shotId)!.camera;
    expect(after).toEqual(before);
    expect(readFileSync(project.paths.sparsePoints(shotId)).equals(pointsBefore)).toBe(true);
  }, 300_000);
});
