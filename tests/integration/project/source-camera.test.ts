import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, type Handlers } from '../../../src-main/api';
import { sourceCameraTrack } from '../../../src-main/shots/source-camera';
import { runCli } from '../../../src-main/app/cli/main';
import { documentToTrack, parseCamerasJson, trajectoryMetrics } from '../../../src-shared/geometry';
import { tempDir } from '../../helpers/temp';

const GT = resolve('../shared/gt/orbit_a');
const tmp = tempDir();
let core: AppCore;
let api: Handlers;
let shotId: number;
const gtTrack = () => documentToTrack(parseCamerasJson(readFileSync(join(GT, 'cameras.json'), 'utf8')));

beforeAll(async () => {
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  await api['project.create']({ parentDir: tmp.dir, name: 'Cams' });
  shotId = (await api['shots.import']({ paths: [join(GT, 'shot.mp4')], skipBad: false })).imported[0]!.id;
  await core.require().runner.whenIdle();
});
afterAll(async () => {
  await core.closeProject();
  tmp.cleanup();
});

function sameAsGt(shot: number) {
  const poses = (t: ReturnType<typeof gtTrack>) => t.frames.map((f) => f.camera);
  return trajectoryMetrics(poses(sourceCameraTrack(core.require().project, shot)!), poses(gtTrack()));
}

describe("a shot's source camera", () => {
  it('imports a cameras.json solve; undo restores the shot without camera', async () => {
    const shot = await api['shots.importCamera']({ shotId, path: join(GT, 'cameras.json'), worldUp: 'z' });
    expect(shot.camera).toMatchObject({ origin: 'imported', status: 'imported', frames: 48, format: 'json' });
    // every frame as the file gives it, one segment
    expect(shot.camera!.report).toMatchObject({
      summary: 'frames 0–47 solved',
      tracker: null,
      movingTracks: 0,
    });
    expect(new Set(shot.camera!.report!.frames.map((f) => `${f.status} ${f.segment}`))).toEqual(
      new Set(['solved 0']),
    );
    expect(sameAsGt(shotId).ateRmse).toBeLessThan(1e-9);
    expect((await api['edit.state']()).undoLabel).toBe('Import camera for shot');
    await api['edit.undo']();
    expect((await api['shots.list']())[0]!.camera).toBeNull();
    await api['edit.redo']();
    expect((await api['shots.list']())[0]!.camera?.frames).toBe(48);
  });

  it('exports it as COLMAP, Nuke .chan and USD, and each imports back to the same cameras', async () => {
    for (const format of ['colmap', 'chan', 'usda'] as const) {
      const out = join(tmp.dir, format === 'colmap' ? 'colmap_model' : `orbit.${format}`);
      const r = await api['shots.exportCamera']({ shotId, format, path: out, worldUp: 'z' });
      expect(r.frames).toBe(48);
      await api['shots.importCamera']({ shotId, path: out, worldUp: 'z' });
      const m = sameAsGt(shotId);
      expect(m.ateRmse, format).toBeLessThan(1e-5);
      expect(m.rotErrMeanDeg, format).toBeLessThan(1e-4);
    }
  });

  it('a solve made at half resolution is scaled to the shot', async () => {
    const doc = JSON.parse(readFileSync(join(GT, 'cameras.json'), 'utf8')) as {
      width: number;
      height: number;
      K: number[][];
    };
    doc.width /= 2;
    doc.height /= 2;
    doc.K = doc.K.map((row, i) => (i < 2 ? row.map((v) => v / 2) : row));
    const half = join(tmp.dir, 'half.json');
    writeFileSync(half, JSON.stringify(doc));
    await api['shots.importCamera']({ shotId, path: half, worldUp: 'z' });
    const k = sourceCameraTrack(core.require().project, shotId)!.frames[0]!.camera.intrinsics;
    expect(k.width).toBe(640);
    expect(k.fx).toBeCloseTo((28 / 36) * 640, 3);
  });

  it('refuses a solve with the wrong number of frames or the wrong shape, naming the file', async () => {
    const doc = JSON.parse(readFileSync(join(GT, 'cameras.json'), 'utf8')) as {
      frames: unknown[];
      width: number;
    };
    const short = join(tmp.dir, 'short.json');
    writeFileSync(short, JSON.stringify({ ...doc, frames: doc.frames.slice(0, 40) }));
    await expect(api['shots.importCamera']({ shotId, path: short, worldUp: 'z' })).rejects.toMatchObject({
      message: expect.stringMatching(
        /short\.json: 40 cameras for the 48 frames of shot 'shot': frames 40–47 missing/,
      ),
    });
    const garbage = join(tmp.dir, 'broken.json');
    writeFileSync(garbage, '{"width": 640');
    await expect(api['shots.importCamera']({ shotId, path: garbage, worldUp: 'z' })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringContaining('broken.json'),
    });
  });

  it('survives removing and restoring the shot (undo)', async () => {
    await api['shots.remove']({ shotId });
    await api['edit.undo']();
    expect((await api['shots.list']())[0]!.camera?.frames).toBe(48);
    expect((await api['shots.list']())[0]!.camera?.report?.summary).toBe('frames 0–47 solved');
  });

  it('reshoot camera import / export camera from the command line', async () => {
    const dir = core.require().project.dir;
    await core.closeProject();
    const io = { out: () => {}, err: (t: string) => process.stderr.write(t), cwd: tmp.dir, env: process.env };
    expect(await runCli(['camera', 'import', dir, String(shotId), join(GT, 'cameras.json')], io)).toBe(0);
    const out = join(tmp.dir, 'cli.chan');
    expect(await runCli(['export', 'camera', dir, 'shot', '--format', 'chan', '--out', out], io)).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(48);
    expect(await runCli(['export', 'camera', dir, 'shot', '--format', 'fbx', '--out', out], io)).toBe(2);
    await api['project.open']({ path: dir });
  });
});
