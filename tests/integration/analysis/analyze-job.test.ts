import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { ffmpeg } from '../../helpers/media-fixtures';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, createHandlers, createMediaHandler, type Handlers } from '../../../src-main/api';
import { sourceCameraTrack } from '../../../src-main/shots/source-camera';
import { readTracks3d } from '../../../src-main/analysis/tracks3d-file';
import {
  decodeCloud,
  decodeDepthFrame,
  decodeDepthStateFrame,
  mediaUrl,
  type MediaRoute,
} from '../../../src-shared/api/media-routes';
import {
  DepthState,
  countDepthStates,
  depthConfidenceOf,
  depthStateOf,
} from '../../../src-shared/depth-layout';
import { documentToTrack, parseCamerasJson, trajectoryMetrics } from '../../../src-shared/geometry';
import { tempDir } from '../../helpers/temp';
import { runCli } from '../../../src-main/app/cli/main';

const GT = resolve('../shared/gt/orbit_a');
const tmp = tempDir();
let core: AppCore;
let api: Handlers;

beforeAll(async () => {
  core = new AppCore({ mode: 'web', configDir: join(tmp.dir, 'config') });
  api = createHandlers(core);
  await api['project.create']({ parentDir: tmp.dir, name: 'Analyze' });
});
afterAll(async () => {
  await core.closeProject();
  tmp.cleanup();
});

async function mediaResponse(route: MediaRoute): Promise<Response> {
  const url = mediaUrl('http://x/media', route);
  return createMediaHandler(core)(new Request(url), new URL(url).pathname.slice('/media'.length));
}

async function media(route: MediaRoute): Promise<ArrayBuffer> {
  const res = await mediaResponse(route);
  expect(res.status).toBe(200);
  return res.arrayBuffer();
}

function gtDepth(frame: number): Float32Array {
  const b = readFileSync(join(GT, 'depth', `frame_${String(frame + 1).padStart(4, '0')}.f32`));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

async function analyse(shotId: number) {
  const job = await api['jobs.start']({ type: 'analyze', shotId });
  await core.require().runner.whenIdle();
  const done = (await api['jobs.list']()).find((j) => j.id === job.id)!;
  expect(done.status, done.error ?? '').toBe('done');
  return done;
}

/** The first FRAMES frames of the gt shot and their cameras: enough for stereo, quick to analyse. */
const FRAMES = 16;
async function shortGtShot(): Promise<{ video: string; cameras: string }> {
  const video = join(tmp.dir, 'orbit16.mp4');
  await ffmpeg([
    '-framerate',
    '24',
    '-i',
    join(GT, 'frames', 'frame_%04d.png'),
    '-frames:v',
    String(FRAMES),
    '-c:v',
    'libx264',
    '-crf',
    '12',
    '-pix_fmt',
    'yuv420p',
    video,
  ]);
  const doc = JSON.parse(readFileSync(join(GT, 'cameras.json'), 'utf8')) as { frames: unknown[] };
  const cameras = join(tmp.dir, 'orbit16.cameras.json');
  writeFileSync(cameras, JSON.stringify({ ...doc, frames: doc.frames.slice(0, FRAMES) }));
  return { video, cameras };
}

describe('Analyze shot on a ground-truth shot', () => {
  it('with an imported camera: tracks, sparse points, depth and 3D tracks; depth matches the ground truth', async () => {
    const short = await shortGtShot();
    const [shot] = (await api['shots.import']({ paths: [short.video], skipBad: false })).imported;
    await api['shots.importCamera']({ shotId: shot!.id, path: short.cameras, worldUp: 'z' });
    const done = await analyse(shot!.id);
    expect(done.message).toMatch(/^Analysed in [\d.]+ s$/);
    const s = (await api['shots.list']()).find((x) => x.id === shot!.id)!;
    expect(s.analysis.map((a) => [a.stage, a.status])).toEqual([
      ['tracks', 'done'],
      ['camera', 'done'],
      ['depth', 'done'],
      ['tracks3d', 'done'],
    ]);
    expect(s.analysis[1]!.message).toMatch(/using the imported camera/);
    expect(s.depth).toMatchObject({ method: 'plane-sweep', width: 640, height: 360, frames: FRAMES });

    // Depth against the ground truth (same gauge: the imported camera is metric), on valid pixels; the
    // depth is at 640×360, the truth at 320×180: each pixel against the truth of the pixel it lies in.
    for (const frame of [3, 12]) {
      const d = decodeDepthFrame(await media({ kind: 'depth', shotId: shot!.id, frame }));
      const gt = gtDepth(frame);
      let n = 0;
      let rel = 0;
      let nonSky = 0;
      for (let y = 0; y < 360; y++)
        for (let x = 0; x < 640; x++) {
          const g = gt[(y >> 1) * 320 + (x >> 1)]!;
          const z = d.depth[y * 640 + x]!;
          if (!(g > 0)) continue;
          nonSky++;
          if (!(z > 0)) continue;
          n++;
          rel += Math.abs(z - g) / g;
        }
      expect(rel / n, `AbsRel frame ${frame}`).toBeLessThan(0.1);
      expect(n / nonSky, `valid fraction frame ${frame}`).toBeGreaterThan(0.7);
    }

    // Beside every depth file its state file, one byte a pixel, agreeing with the depth: measured or
    // propagated exactly where there is depth.
    const { paths } = core.require().project;
    const states = new Uint32Array(4);
    for (let frame = 0; frame < FRAMES; frame++) {
      expect(statSync(paths.depthState(shot!.id, frame)).size).toBe(640 * 360);
      const st = decodeDepthStateFrame(await media({ kind: 'depth-state', shotId: shot!.id, frame }));
      expect(st).toMatchObject({ width: 640, height: 360, frame });
      expect(Array.from(st.state)).toEqual(Array.from(readFileSync(paths.depthState(shot!.id, frame))));
      const d = decodeDepthFrame(await media({ kind: 'depth', shotId: shot!.id, frame }));
      let disagree = 0;
      let unsure = 0;
      for (let i = 0; i < st.state.length; i++) {
        const s = depthStateOf(st.state[i]!);
        const hasDepth = s === DepthState.measured || s === DepthState.propagated;
        if (hasDepth !== d.depth[i]! > 0) disagree++;
        if (s === DepthState.measured && !(depthConfidenceOf(st.state[i]!) > 0)) unsure++;
      }
      expect(disagree, `state vs depth, frame ${frame}`).toBe(0);
      expect(unsure, `measured pixels without confidence, frame ${frame}`).toBe(0);
      countDepthStates(st.state).forEach((c, k) => (states[k]! += c));
    }
    const total = states.reduce((a, c) => a + c, 0);
    console.log(
      `depth states over the shot: ${['invalid', 'measured', 'propagated', 'infinity'].map((k, i) => `${k} ${((100 * states[i]!) / total).toFixed(1)} %`).join(' · ')}`,
    );
    expect(states[DepthState.measured]! / total).toBeGreaterThan(0.5);
    expect(states[DepthState.propagated]).toBeGreaterThan(0);
    // Depth made before Reshoot kept states (no state file): the route says so, the depth still serves.
    const kept = paths.depthState(shot!.id, 5);
    renameSync(kept, `${kept}.away`);
    try {
      expect((await mediaResponse({ kind: 'depth-state', shotId: shot!.id, frame: 5 })).status).toBe(404);
      await media({ kind: 'depth', shotId: shot!.id, frame: 5 });
    } finally {
      renameSync(`${kept}.away`, kept);
    }
    // a state file that does not fit the depth grid is not served either
    writeFileSync(`${kept}.tmp`, readFileSync(kept).subarray(0, 100));
    renameSync(kept, `${kept}.away`);
    renameSync(`${kept}.tmp`, kept);
    try {
      expect((await mediaResponse({ kind: 'depth-state', shotId: shot!.id, frame: 5 })).status).toBe(404);
    } finally {
      renameSync(`${kept}.away`, kept);
    }
    expect((await mediaResponse({ kind: 'depth-state', shotId: shot!.id, frame: FRAMES })).status).toBe(404);
    expect(existsSync(paths.depthState(shot!.id, FRAMES))).toBe(false);

    const cloud = decodeCloud(await media({ kind: 'cloud', shotId: shot!.id }));
    expect(cloud.sparse).toBeGreaterThan(100);
    expect(cloud.count).toBeGreaterThan(cloud.sparse + 1000);

    const t3 = await readTracks3d(core.require().project.paths.tracks3d(shot!.id));
    expect(t3.numFrames).toBe(FRAMES);
    expect(t3.valid.reduce((a, v) => a + v, 0)).toBeGreaterThan(500);
    // A static synthetic scene: almost nothing should be flagged as moving.
    expect(t3.dynamic.reduce((a, v) => a + v, 0) / t3.numTracks).toBeLessThan(0.1);
  }, 600_000);

  it('runs again with nothing changed: every stage is reused', async () => {
    const [shot] = await api['shots.list']();
    const done = await analyse(shot!.id);
    expect(done.message).toMatch(/reused: tracks, camera, depth, tracks3d/);
  }, 120_000);

  it('reshoot export depth writes the ../shared/gt layout with a cameras.json describing the depth grid', async () => {
    const [shot] = await api['shots.list']();
    const dir = core.require().project.dir;
    await core.closeProject();
    const out = join(tmp.dir, 'depth-export');
    let printed = '';
    const io = {
      out: (t: string) => void (printed += t),
      err: (t: string) => void process.stderr.write(t),
      cwd: tmp.dir,
      env: process.env,
    };
    try {
      expect(await runCli(['export', 'depth', dir, String(shot!.id), '--out', out], io)).toBe(0);
      // What the Analysis panel shows, from the CLI: 'reshoot info' and 'reshoot analyze'.
      printed = '';
      expect(await runCli(['info', dir], io)).toBe(0);
      expect(printed).toMatch(/ANALYSIS/);
      expect(printed).toMatch(/camera imported, depth \d+ %/);
      printed = '';
      expect(await runCli(['analyze', dir, String(shot!.id)], io)).toBe(0);
      expect(printed).toMatch(/^\s+camera\s+reused/m);
      expect(printed).toMatch(/source camera: imported, 16 frames/);
      expect(printed).toMatch(/depth: plane-sweep, 640×360, 16 frames, [\d.]+ % of pixels valid/);
    } finally {
      await api['project.open']({ path: dir });
    }
    const doc = parseCamerasJson(readFileSync(join(out, 'cameras.json'), 'utf8'));
    expect(doc.depth).toMatchObject({ width: 640, height: 360 });
    expect(doc.depth!.K[0]).toBeCloseTo(doc.K[0], 6);
    expect(doc.frames[3]!.depth_file).toBe('depth/frame_0004.f32');
    const f3 = readFileSync(join(out, 'depth', 'frame_0004.f32'));
    expect(f3.length).toBe(640 * 360 * 4);
    const exported = new Float32Array(f3.buffer.slice(f3.byteOffset, f3.byteOffset + f3.length));
    const served = decodeDepthFrame(await media({ kind: 'depth', shotId: shot!.id, frame: 3 }));
    expect(Array.from(exported)).toEqual(Array.from(served.depth));
  });

  it('uses the tracks "Track shot" just made instead of tracking again', async () => {
    const video = join(tmp.dir, 'orbit16.mp4');
    const [shot] = (await api['shots.import']({ paths: [video], skipBad: false })).imported;
    await api['jobs.start']({ type: 'track', shotId: shot!.id, method: 'klt' });
    const { project, runner } = core.require();
    await runner.whenIdle();
    const tracked = project.tracks.get(shot!.id, 'klt')!;
    expect(tracked).toBeTruthy();
    const job = await api['jobs.start']({ type: 'analyze', shotId: shot!.id });
    while (!project.analysis.stage(shot!.id, 'tracks') && project.jobs.get(job.id)!.status !== 'failed') {
      await new Promise((r) => setTimeout(r, 100));
    }
    await runner.cancelAndWait(job.id);
    const stage = project.analysis.stage(shot!.id, 'tracks')!;
    expect(stage.status).toBe('reused');
    expect(stage.message).toMatch(/KLT tracks made by Track shot/);
    expect(project.tracks.get(shot!.id, 'klt')!.createdAt).toBe(tracked.createdAt);
  }, 300_000);

  it('without a camera: solves it from the tracks (ATE ≤ 1 % of path length vs ground truth)', async () => {
    const [shot] = (await api['shots.import']({ paths: [join(GT, 'shot.mp4')], skipBad: false })).imported;
    const job = await api['jobs.start']({ type: 'analyze', shotId: shot!.id });
    // Only the tracks and camera stages matter here: cancel once the camera is solved.
    const { project, runner } = core.require();
    while (!project.sourceCameras.get(shot!.id) && project.jobs.get(job.id)!.status !== 'failed') {
      await new Promise((r) => setTimeout(r, 200));
    }
    await runner.cancelAndWait(job.id);
    const s = (await api['shots.list']()).find((x) => x.id === shot!.id)!;
    expect(s.camera).toMatchObject({ origin: 'solved', status: 'solved', frames: 48 });
    const est = sourceCameraTrack(project, shot!.id)!.frames.map((f) => f.camera);
    const ref = documentToTrack(parseCamerasJson(readFileSync(join(GT, 'cameras.json'), 'utf8'))).frames.map(
      (f) => f.camera,
    );
    const m = trajectoryMetrics(est, ref);
    expect(m.ateRelative).toBeLessThan(0.01);
    expect(m.rpeRotMeanDeg).toBeLessThan(0.1);
    // the solve's moving flags are kept beside the points, a byte per 2D track, for the 3D tracks
    const moving = readFileSync(project.paths.movingTracks(shot!.id));
    expect(moving.length).toBe(project.tracks.get(shot!.id, 'klt')!.numTracks);
    const flagged = moving.reduce((a, v) => a + v, 0);
    expect(flagged).toBeGreaterThan(0);
    expect(flagged).toBe(s.camera!.report!.movingTracks);
  }, 600_000);
});
