import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, type Handlers } from '../../../src-main/api';
import { TRACK_CHUNK_FRAMES } from '../../../src-main/analysis/track-job';
import { decodeTrackWindow, mediaUrl } from '../../../src-shared/api/media-routes';
import { createMediaHandler } from '../../../src-main/api';
import { runCli } from '../../../src-main/app/cli/main';
import { makeClip } from '../../helpers/media-fixtures';
import { tempDir } from '../../helpers/temp';

const tmp = tempDir();
let core: AppCore;
let api: Handlers;
let clip: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  await api['project.create']({ parentDir: tmp.dir, name: 'Tracks' });
  // Textured, moving content over 2½ chunks, small so the test stays quick.
  clip = await makeClip(tmp.dir, {
    name: 'pan.mp4',
    pattern: 'testsrc',
    width: 320,
    height: 180,
    frames: 2 * TRACK_CHUNK_FRAMES + 20,
  });
});
afterAll(async () => {
  await core.closeProject();
  tmp.cleanup();
});

async function importClip(): Promise<number> {
  const [shot] = (await api['shots.import']({ paths: [clip], skipBad: false })).imported;
  await core.require().runner.whenIdle();
  return shot!.id;
}

describe('Track shot job', () => {
  it('tracks a shot with KLT in chunks, records the result and serves track windows', async () => {
    const shotId = await importClip();
    const job = await api['jobs.start']({ type: 'track', shotId });
    expect(job.detail).toBe('KLT at 320×180');
    expect(job.framesTotal).toBe(2 * TRACK_CHUNK_FRAMES + 20);
    await core.require().runner.whenIdle();
    const done = (await api['jobs.list']()).find((j) => j.id === job.id)!;
    expect(done.status, done.error ?? '').toBe('done');
    expect(done.message).toMatch(/^[\d,]+ tracks · KLT$/);
    const shot = (await api['shots.list']()).find((s) => s.id === shotId)!;
    expect(shot.tracks).toMatchObject([{ method: 'klt', numFrames: 116, stale: false, provider: null }]);
    expect(shot.tracks[0]!.numTracks).toBeGreaterThan(50);

    const media = createMediaHandler(core);
    const url = mediaUrl('http://x/media', { kind: 'tracks', shotId, method: 'klt', start: 40, count: 20 });
    const res = await media(new Request(url), new URL(url).pathname.slice('/media'.length));
    expect(res.status).toBe(200);
    const w = decodeTrackWindow(await res.arrayBuffer());
    expect(w).toMatchObject({ width: 320, height: 180, start: 40, count: 20 });
    expect(w.trackIds.length).toBeGreaterThan(20);
    const vis = w.visible.reduce((a, v) => a + v, 0);
    expect(vis).toBeGreaterThan(0);
    for (let i = 0; i < w.visible.length; i++) {
      if (!w.visible[i]) continue;
      expect(w.xy[2 * i]).toBeGreaterThanOrEqual(0);
      expect(w.xy[2 * i]).toBeLessThanOrEqual(320);
    }
  });

  it('a cancelled job resumes from its committed chunks and gives exactly the uninterrupted result', async () => {
    const straight = (await api['shots.list']())[0]!;
    const shotId = await importClip();
    const job = await api['jobs.start']({ type: 'track', shotId });
    const { project } = core.require();
    while (project.jobs.chunks(job.id).length < 1) await sleep(20);
    const cancelled = await api['jobs.cancel']({ jobId: job.id });
    expect(cancelled.status).toBe('cancelled');
    expect(project.jobs.chunks(job.id).length).toBeLessThan(3);
    await api['jobs.resume']({ jobId: job.id });
    await core.require().runner.whenIdle();
    expect((await api['jobs.list']()).find((j) => j.id === job.id)!.status).toBe('done');
    const a = readFileSync(project.paths.tracks(straight.id, 'klt'));
    const b = readFileSync(project.paths.tracks(shotId, 'klt'));
    expect(b.equals(a)).toBe(true);
  });

  it('XFeat without its model is refused with what to do', async () => {
    const [shot] = await api['shots.list']();
    await expect(
      api['jobs.start']({ type: 'track', shotId: shot!.id, method: 'xfeat' }),
    ).rejects.toMatchObject({
      code: 'not-available',
      message: expect.stringMatching(/install it in Models/),
    });
  });

  it('reshoot export tracks writes tracks.json in the documented layout', async () => {
    const [shot] = await api['shots.list']();
    const dir = core.require().project.dir;
    await core.closeProject();
    const out = join(tmp.dir, 'tracks.json');
    const io = { out: () => {}, err: (t: string) => process.stderr.write(t), cwd: tmp.dir, env: process.env };
    expect(await runCli(['export', 'tracks', dir, String(shot!.id), '--out', out], io)).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> & {
      x: number[];
      visible: number[];
    };
    expect(Object.keys(json)).toEqual(['width', 'height', 'num_frames', 'num_tracks', 'x', 'y', 'visible']);
    expect(json.width).toBe(320);
    expect(json.num_frames).toBe(116);
    expect(json.x.length).toBe((json.num_tracks as number) * 116);
    await api['project.open']({ path: dir });
  });
});

describe('Track shot with XFeat (real weights installed through the model manager)', () => {
  it('runs XFeat in the tracking worker, records the provider on the tracks and in the Models panel', async () => {
    const models = join(tmp.dir, 'models');
    process.env.RESHOOT_MODELS_DIR = models;
    const xcore = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config-x') });
    try {
      const x = createHandlers(xcore);
      await x['models.add']({ id: 'xfeat', path: resolve('../shared/models/xfeat'), allowUnverified: false });
      await x['project.create']({ parentDir: tmp.dir, name: 'XFeat' });
      const [shot] = (
        await x['shots.import']({ paths: [resolve('../shared/gt/orbit_a/shot.mp4')], skipBad: false })
      ).imported;
      const job = await x['jobs.start']({ type: 'track', shotId: shot!.id, method: 'xfeat' });
      expect(job.detail).toBe('XFeat at 640×360');
      await xcore.require().runner.whenIdle();
      const done = (await x['jobs.list']()).find((j) => j.id === job.id)!;
      expect(done.status, done.error ?? '').toBe('done');
      expect(done.message).toMatch(/tracks · XFeat on cpu$/);
      const tracked = (await x['shots.list']()).find((s) => s.id === shot!.id)!;
      expect(tracked.tracks).toMatchObject([{ method: 'xfeat', provider: 'cpu', numFrames: 48 }]);
      expect((await x['models.list']()).find((m) => m.id === 'xfeat')!.lastProvider).toBe('cpu');
    } finally {
      await xcore.closeProject();
      delete process.env.RESHOOT_MODELS_DIR;
    }
  });
});
