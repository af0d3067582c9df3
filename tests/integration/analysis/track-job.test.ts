import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, type Handlers } from '../../../src-main/api';
import { shotMedia } from '../../../src-main/shots/shot-media';
import { TRACK_CHUNK_FRAMES, createTrackJob, trackChunkFiles } from '../../../src-main/analysis/track-job';
import { trackSessionCounts } from '../../../src-main/analysis/track-session';
import {
  encodeTrackFile,
  grayFrames,
  KltTracker,
  readTrackFrameRange,
} from '../../../src-main/analysis/tracking';
import { decodeChunkObservations, splitTrackerSnapshot } from '../../../src-main/analysis/tracking/track-set';
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
    const before = trackSessionCounts();
    const job = await api['jobs.start']({ type: 'track', shotId });
    expect(job.detail).toBe('KLT at 320×180');
    expect(job.framesTotal).toBe(2 * TRACK_CHUNK_FRAMES + 20);
    await core.require().runner.whenIdle();
    const done = (await api['jobs.list']()).find((j) => j.id === job.id)!;
    expect(done.status, done.error ?? '').toBe('done');
    // Its three chunks were tracked by one worker (one decoder pass), closed after the last.
    expect(core.require().project.jobs.chunks(job.id).length).toBe(3);
    expect(trackSessionCounts()).toEqual({ open: before.open, started: before.started + 1 });
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
    // Confidence comes through the route with every sample: the track file's own, 0 where not visible.
    const { project } = core.require();
    const file = join(project.dir, project.tracks.get(shotId, 'klt')!.file);
    const r = await readTrackFrameRange(file, 40, 59);
    expect(w.confidence.length).toBe(w.visible.length);
    expect(Array.from(w.confidence)).toEqual(Array.from(r.confidence));
    expect(Array.from(w.xy)).toEqual(Array.from(r.xy));
    const seen = Array.from(w.confidence).filter((_c, i) => w.visible[i]);
    expect(Math.max(...seen)).toBeLessThanOrEqual(1);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
    expect(new Set(seen.map((c) => Math.round(c * 10))).size).toBeGreaterThan(1);
    expect(Array.from(w.confidence).filter((c, i) => !w.visible[i] && c !== 0)).toEqual([]);
  });

  it('a cancelled job resumes from its committed chunks and gives exactly the uninterrupted result', async () => {
    const straight = (await api['shots.list']())[0]!;
    const shotId = await importClip();
    const job = await api['jobs.start']({ type: 'track', shotId });
    const { project } = core.require();
    while (project.jobs.chunks(job.id).length < 1) await sleep(20);
    const cancelled = await api['jobs.cancel']({ jobId: job.id });
    expect(cancelled.status).toBe('cancelled');
    expect(trackSessionCounts().open).toBe(0);
    const committed = project.jobs.chunks(job.id).length;
    expect(committed).toBeLessThan(3);
    // What the cancelled job keeps for its resume: the committed chunks' observations and the last
    // committed tracker state; nothing of the chunk that was stopped, no temp files.
    const kept = readdirSync(project.paths.jobScratch(job.id)).sort();
    const files = (i: number) => trackChunkFiles('', i);
    expect(kept).toEqual(
      [
        ...Array.from({ length: committed }, (_, i) => files(i).observations),
        ...(committed > 1 ? [files(committed - 2).state] : []),
        files(committed - 1).state,
      ].sort(),
    );
    await api['jobs.resume']({ jobId: job.id });
    await core.require().runner.whenIdle();
    expect((await api['jobs.list']()).find((j) => j.id === job.id)!.status).toBe('done');
    const a = readFileSync(project.paths.tracks(straight.id, 'klt'));
    const b = readFileSync(project.paths.tracks(shotId, 'klt'));
    expect(b.equals(a)).toBe(true);
    expect(existsSync(project.paths.jobScratch(job.id))).toBe(false);
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

describe('Track shot job: what each chunk keeps', () => {
  const CHUNKS = 4;
  let long: string;
  beforeAll(async () => {
    long = await makeClip(tmp.dir, {
      name: 'long.mp4',
      pattern: 'testsrc',
      width: 320,
      height: 180,
      frames: CHUNKS * TRACK_CHUNK_FRAMES + 10,
    });
  });

  it('stores per chunk only its observations and the tracker state, not growing with the chunk; reruns, an earlier Reshoot’s whole state and resumes give the uninterrupted result', async () => {
    const [imported] = (await api['shots.import']({ paths: [long], skipBad: false })).imported;
    await core.require().runner.whenIdle();
    const { project } = core.require();
    const shot = project.shots.get(imported!.id)!;
    const kind = createTrackJob({ xfeatModel: () => null, recordProvider: () => {} });
    const params = kind.params!(shot, {});
    expect(params).toMatchObject({ analysisWidth: 320, analysisHeight: 180 });
    const plan = kind.plan(shot, params);
    expect(plan.length).toBe(CHUNKS + 1);
    // Job rows the runner leaves alone: this test runs their chunks itself, as the runner would.
    const newJob = () => {
      const now = new Date().toISOString();
      const id = project.jobs.create('track', shot.id, params, now).id;
      project.jobs.update(id, { status: 'cancelled' }, now);
      return id;
    };
    const run = (jobId: number, i: number, previousOutput: string | null) =>
      kind.runChunk({
        project,
        shot,
        jobId,
        params,
        chunk: plan[i]!,
        previousOutput,
        signal: new AbortController().signal,
        onFrames: () => {},
      });

    // The uninterrupted result: one tracker over the whole shot (analysis size = the shot's size here).
    const facts = shotMedia(project, shot);
    const whole = new KltTracker(320, 180);
    const wholeSnapshots: number[] = [];
    for await (const f of grayFrames(facts, { count: shot.frameCount, width: 320, height: 180 })) {
      whole.push(f.image);
      if (whole.framesPushed % TRACK_CHUNK_FRAMES === 0) wholeSnapshots.push(whole.snapshot().length);
    }
    const reference = Buffer.from(encodeTrackFile(whole.result()));
    const tracksFile = project.paths.tracks(shot.id, 'klt');

    const jobId = newJob();
    const scratch = project.paths.jobScratch(jobId);
    const outputs: string[] = [];
    const stored: number[] = [];
    for (let i = 0; i < CHUNKS; i++) {
      const out = (await run(jobId, i, outputs[i - 1] ?? null))!;
      const files = trackChunkFiles(scratch, i);
      expect(out).toBe(files.state);
      stored.push(statSync(files.observations).size + statSync(files.state).size);
      // The observations are this chunk's only; the state holds none.
      const part = decodeChunkObservations(readFileSync(files.observations));
      expect(part).toMatchObject({ first: plan[i]!.start, end: plan[i]!.start + TRACK_CHUNK_FRAMES });
      expect(part.ids.length).toBeGreaterThan(1000);
      expect(splitTrackerSnapshot(readFileSync(files.state)).observations.ids.length).toBe(0);
      // Only the previous chunk's state is kept besides this one's.
      expect(readdirSync(scratch).filter((n) => n.startsWith('state-')).length).toBe(Math.min(i + 1, 2));
      if (i === 2) {
        // A crash after the chunk wrote its files but before the runner committed it: it runs again
        // (a stopped worker's temp file lying about) and writes the same bytes.
        const first = [readFileSync(files.observations), readFileSync(files.state)];
        writeFileSync(join(scratch, '.state-00002.tmp-1-0badf00d.bin'), 'half a state');
        expect(await run(jobId, i, outputs[i - 1]!)).toBe(out);
        expect(readFileSync(files.observations).equals(first[0]!)).toBe(true);
        expect(readFileSync(files.state).equals(first[1]!)).toBe(true);
        expect(readdirSync(scratch).filter((n) => n.startsWith('.'))).toEqual([]);
      }
      outputs.push(out);
    }
    console.log(
      `per-chunk bytes stored: ${stored.join(', ')}; whole snapshots (before): ${wholeSnapshots.join(', ')}`,
    );
    // What a whole snapshot held beyond a chunk's files is exactly the earlier chunks' observations
    // (20 bytes each): nothing of them is stored again, so the size per chunk does not grow with its
    // index (it follows the number of live tracks only; testsrc's varies a little).
    let earlier = 0;
    for (let i = 0; i < CHUNKS; i++) {
      expect(Math.abs(wholeSnapshots[i]! - stored[i]! - 20 * earlier)).toBeLessThan(256);
      earlier += decodeChunkObservations(readFileSync(trackChunkFiles(scratch, i).observations)).ids.length;
    }
    expect(Math.max(...stored) / Math.min(...stored)).toBeLessThan(1.3);
    expect(wholeSnapshots[CHUNKS - 1]! / wholeSnapshots[0]!).toBeGreaterThan(1.4);
    await run(jobId, CHUNKS, outputs[CHUNKS - 1]!);
    expect(readFileSync(tracksFile).equals(reference)).toBe(true);
    await kind.finish({ project, shot, jobId, params, signal: new AbortController().signal, chunks: [] });
    expect(existsSync(scratch)).toBe(false);

    // A job an earlier Reshoot began: its committed chunk's state is a whole snapshot (every
    // observation so far) and there is no observation file; the chunks run since carry them on.
    const oldJob = newJob();
    const oldScratch = project.paths.jobScratch(oldJob);
    const early = new KltTracker(320, 180);
    for await (const f of grayFrames(facts, { count: TRACK_CHUNK_FRAMES, width: 320, height: 180 }))
      early.push(f.image);
    mkdirSync(oldScratch, { recursive: true });
    const oldState = trackChunkFiles(oldScratch, 0).state;
    writeFileSync(oldState, early.snapshot());
    let previous = oldState;
    for (let i = 1; i <= CHUNKS; i++) previous = (await run(oldJob, i, previous))!;
    expect(readFileSync(tracksFile).equals(reference)).toBe(true);
  });

  it('removing a shot while it is tracked removes the job’s chunk files', async () => {
    const [imported] = (await api['shots.import']({ paths: [long], skipBad: false })).imported;
    await core.require().runner.whenIdle();
    const { project, runner } = core.require();
    const job = await api['jobs.start']({ type: 'track', shotId: imported!.id });
    const scratch = project.paths.jobScratch(job.id);
    while (project.jobs.chunks(job.id).length < 1) await sleep(20);
    expect(existsSync(trackChunkFiles(scratch, 0).observations)).toBe(true);
    await api['shots.remove']({ shotId: imported!.id });
    await runner.whenIdle();
    expect(project.jobs.get(job.id)).toBeUndefined();
    expect(existsSync(scratch)).toBe(false);
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

      // Cancelled while its model runs in the inference worker beside the tracker, then resumed: the
      // same tracks as the uninterrupted job, bit for bit.
      const four = await makeClip(tmp.dir, {
        name: 'four-chunks.mp4',
        pattern: 'testsrc',
        width: 640,
        height: 360,
        frames: 4 * TRACK_CHUNK_FRAMES + 10,
      });
      const { project: xp, runner: xr } = xcore.require();
      const ids: number[] = [];
      for (let i = 0; i < 2; i++) {
        const [s] = (await x['shots.import']({ paths: [four], skipBad: false })).imported;
        ids.push(s!.id);
      }
      await xr.whenIdle();
      await x['jobs.start']({ type: 'track', shotId: ids[0]!, method: 'xfeat' });
      await xr.whenIdle();
      const second = await x['jobs.start']({ type: 'track', shotId: ids[1]!, method: 'xfeat' });
      while (xp.jobs.chunks(second.id).length < 1) await sleep(10);
      expect((await x['jobs.cancel']({ jobId: second.id })).status).toBe('cancelled');
      expect(xp.jobs.chunks(second.id).length).toBeLessThan(4);
      await x['jobs.resume']({ jobId: second.id });
      await xr.whenIdle();
      const resumed = (await x['jobs.list']()).find((j) => j.id === second.id)!;
      expect(resumed.status, resumed.error ?? '').toBe('done');
      const a = readFileSync(xp.paths.tracks(ids[0]!, 'xfeat'));
      const b = readFileSync(xp.paths.tracks(ids[1]!, 'xfeat'));
      expect(b.equals(a)).toBe(true);
    } finally {
      await xcore.closeProject();
      delete process.env.RESHOOT_MODELS_DIR;
    }
  });
});
